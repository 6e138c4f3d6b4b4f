"""A merge covers every model that relates to a person.

What a merge moves is read from the model graph (``zhusan.registry.merge``).
These tests keep that honest: every relation to a person is either moved or
excluded with a reason, every moved relation has a builder below, and a
merge moves one row of each (and its undo puts each back). A new model
relating to a person fails ``test_every_moved_relation_has_a_builder`` until
someone adds its builder and decides whether a merge moves it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.matching import services as matching
from zhusan.matching.models import DuplicateCandidate, DuplicateStatus
from zhusan.operations import services as operations
from zhusan.operations.models import Movement, RowDecision, StagedImport, StagedRow
from zhusan.registry import merge
from zhusan.registry import services as registry
from zhusan.registry.access import access_for, visible_to
from zhusan.registry.models import (
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    LawfulBasis,
    NameKind,
    NationalityStatus,
    Person,
    PersonNationality,
    RelationKind,
    Script,
    Site,
    SiteKind,
)

from ..api.conftest import token_client
from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from .helpers import login

# --- Builders: one row naming ``merged`` through each relation ------------------------
#
# The actor is the consular officer ``consul`` (organisation scope, writes the
# core case, manages operations, reviews matches); the tests create them.


def _consul() -> User:
    return User.objects.get(username="consul")


def _act(user: User | None = None) -> Actor:
    return Actor.system("tests", user=user or _consul())


def _movement() -> Movement:
    found = Movement.objects.filter(label="Flight 1").first()
    if found is not None:
        return found
    operation = operations.operation_create(actor=_act(), code="Merge-1", name="Merge 1", country="KZ")
    camp = Site.objects.create(name="Roj", kind=SiteKind.CAMP, country="SY")
    return operations.movement_create(
        actor=_act(), operation=operation, label="Flight 1", origin=camp, destination="Aktau"
    )


def _name(merged: Person, other: Person) -> Model:
    name = registry.NameInput(script=Script.CYRILLIC, kind=NameKind.ALIAS, given="Айша", family="Нурланова")
    return registry.name_add(actor=_act(), person=merged, name=name)


def _nationality(merged: Person, other: Person) -> Model:
    return PersonNationality.objects.create(person=merged, country="SY", status=NationalityStatus.CLAIMED)


def _vulnerability(merged: Person, other: Person) -> Model:
    registry.person_update(actor=_act(), person=merged, expected_version=merged.version, vulnerabilities=["separated"])
    return merged.vulnerabilities.get(kind="separated")


def _relationship_from(merged: Person, other: Person) -> Model:
    return registry.relationship_add(
        actor=_act(), from_person=merged, to_person=other, kind=RelationKind.SIBLING, established_by="declared"
    )


def _relationship_to(merged: Person, other: Person) -> Model:
    return registry.relationship_add(
        actor=_act(), from_person=other, to_person=merged, kind=RelationKind.OTHER, established_by="declared"
    )


def _household_member(merged: Person, other: Person) -> Model:
    household = registry.household_create(actor=_act(), label="Tent 12", members=[(merged, "child")])
    return household.memberships.get(person=merged)


def _evidence(merged: Person, other: Person) -> Model:
    return registry.evidence_add(
        actor=_act(), person=merged, topic="identity", method="consular_interview", outcome="confirmed"
    )


def _evidence_matched_relative(merged: Person, other: Person) -> Model:
    return registry.evidence_add(
        actor=_act(),
        person=other,
        topic="kinship",
        method="dna_kinship",
        outcome="confirmed",
        matched_relative=merged,
        reference="LAB-77",
    )


def _document(merged: Person, other: Person) -> Model:
    return registry.document_add(actor=_act(), person=merged, doc_type="birth_certificate", status="missing")


def _stay(merged: Person, other: Person) -> Model:
    return registry.stay_add(actor=_act(), person=merged, kind=SiteKind.CAMP, address="Al-Hol, annex")


def _timeline(merged: Person, other: Person) -> Model:
    merged.refresh_from_db()
    to = registry.allowed_transitions(merged)[0]
    registry.stage_change(
        actor=_act(), person=merged, to_stage=to, reason="interviewed", expected_version=merged.version
    )
    return merged.timeline.order_by("-pk").first()  # type: ignore[return-value]


def _consent(merged: Person, other: Person) -> Model:
    return registry.consent_record(
        actor=_act(),
        person=merged,
        purpose=ConsentPurpose.SERVICES,
        status=ConsentStatus.GRANTED,
        given_by=ConsentGiver.GUARDIAN,
    )


def _consent_given_by(merged: Person, other: Person) -> Model:
    return registry.consent_record(
        actor=_act(),
        person=other,
        purpose=ConsentPurpose.SHARE_HEALTH,
        status=ConsentStatus.GRANTED,
        given_by=ConsentGiver.PARENT,
        given_by_person=merged,
    )


def _assent(merged: Person, other: Person) -> Model:
    return registry.assent_record(actor=_act(), person=merged, purpose=ConsentPurpose.SERVICES, assent="agrees")


def _protected_note(merged: Person, other: Person) -> Model:
    doctor = User.objects.get(username="doctor")
    return registry.protected_note_add(actor=_act(doctor), person=merged, compartment="health", body="asthma")


def _assignment(merged: Person, other: Person) -> Model:
    # The registering officer is assigned to both records already: assign another.
    return registry.assignment_add(actor=_act(), person=merged, user=User.objects.get(username="doctor"))


def _break_glass(merged: Person, other: Person) -> Model:
    alice = User.objects.get(username="alice")  # a case manager of another organisation
    return registry.break_glass_open(actor=_act(alice), person=merged, reason="a medical emergency at the border")


def _manifest_entry(merged: Person, other: Person) -> Model:
    return operations.manifest_add(actor=_act(), movement=_movement(), person=merged)


def _separation_child(merged: Person, other: Person) -> Model:
    return operations.separation_decide(
        actor=_act(),
        movement=_movement(),
        child=merged,
        carer=other,
        best_interests_reference="BIA-1",
        justification="the carer travels later",
    )


def _separation_carer(merged: Person, other: Person) -> Model:
    return operations.separation_decide(
        actor=_act(),
        movement=_movement(),
        child=other,
        carer=merged,
        best_interests_reference="BIA-2",
        justification="the child needs treatment first",
    )


def _staged_row(merged: Person, other: Person) -> Model:
    staged = StagedImport.objects.create(
        movement=_movement(), filename="camp.csv", lawful_basis=LawfulBasis.PUBLIC_INTEREST, uploaded_by=_consul()
    )
    return StagedRow.objects.create(staged=staged, row_number=1, decision=RowDecision.EXISTING, matched_person=merged)


def _tracing_inquirer(merged: Person, other: Person) -> Model:
    data = matching.TracingInput(
        managing_unit=_consul().unit, inquirer=merged, sought=[matching.SoughtInput(given="Marat", family="Sadykov")]
    )
    return matching.tracing_request_create(actor=_act(), data=data)


def _tracing_match(merged: Person, other: Person) -> Model:
    registry.consent_record(
        actor=_act(),
        person=merged,
        purpose=ConsentPurpose.TRACING,
        status=ConsentStatus.GRANTED,
        given_by=ConsentGiver.GUARDIAN,
    )
    sought = matching.SoughtInput(given="Amina", family="Nurlanova", sex="female", birth_year=MERGED_BIRTH_YEAR)
    data = matching.TracingInput(managing_unit=_consul().unit, inquirer=other, sought=[sought])
    request = matching.tracing_request_create(actor=_act(), data=data)
    (match,) = [m for m in matching.tracing_run(actor=_act(), request=request) if m.person_id == merged.pk]
    return match


def _best_interests(merged: Person, other: Person) -> Model:
    return registry.best_interests_record(
        actor=_act(),
        person=merged,
        purpose="placement",
        assessed_on=timezone.localdate(),
        recommendation="Live with the grandmother.",
        childs_views="Wants to live with her grandmother.",
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "accounts.BreakGlassAccess.person": _break_glass,
    "matching.TracingMatch.person": _tracing_match,
    "matching.TracingRequest.inquirer": _tracing_inquirer,
    "operations.ManifestEntry.person": _manifest_entry,
    "operations.SeparationDecision.carer": _separation_carer,
    "operations.SeparationDecision.child": _separation_child,
    "operations.StagedRow.matched_person": _staged_row,
    "registry.CaseAssignment.person": _assignment,
    "registry.ChildAssent.person": _assent,
    "registry.Consent.given_by_person": _consent_given_by,
    "registry.Consent.person": _consent,
    "registry.Document.person": _document,
    "registry.HouseholdMember.person": _household_member,
    "registry.IdentityEvidence.matched_relative": _evidence_matched_relative,
    "registry.IdentityEvidence.person": _evidence,
    "registry.LocationStay.person": _stay,
    "registry.PersonName.person": _name,
    "registry.PersonNationality.person": _nationality,
    "registry.PersonVulnerability.person": _vulnerability,
    "registry.ProtectedNote.person": _protected_note,
    "registry.Relationship.from_person": _relationship_from,
    "registry.Relationship.to_person": _relationship_to,
    "registry.TimelineEntry.person": _timeline,
    "registry.BestInterestsAssessment.person": _best_interests,
}


def _contributed_builders() -> dict[str, Callable[[Person, Person], Model]]:
    """Apps above the registry keep their builders beside their own tests, in
    ``tests/<app>/merge_builders.py`` (a ``BUILDERS`` dict like the one above)."""
    found: dict[str, Callable[[Person, Person], Model]] = {}
    root = Path(__file__).resolve().parent.parent
    for module_path in sorted(root.glob("**/merge_builders.py")):
        dotted = ".".join(module_path.relative_to(root.parent).with_suffix("").parts)
        found.update(importlib.import_module(dotted).BUILDERS)
    return found


BUILDERS.update(_contributed_builders())

MERGED_BIRTH_YEAR = timezone.localdate().year - 9  # a child: assent, separation decisions


def _graph_labels() -> set[str]:
    """Every field of every installed model that points at a person, read
    independently of ``merge``: foreign keys, one-to-one and many-to-many."""
    return {
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if f.concrete and f.is_relation and f.related_model is Person
    }


# --- The contract ---------------------------------------------------------------------


def test_every_relation_to_a_person_is_moved_or_excluded_with_a_reason(db):
    moved = {r.label for r in merge.relations_to_move()}
    excluded = merge.exclusions()
    for relation in merge.all_relations():
        assert (relation.label in moved) != (relation.label in excluded), relation.label
    assert all(why.strip() for why in excluded.values()), excluded


def test_every_exclusion_names_a_relation_that_exists(db):
    labels = {r.label for r in merge.all_relations()}
    stale = set(merge.exclusions()) - labels
    assert not stale, f"merge exclusions naming no relation to a person (renamed or removed?): {sorted(stale)}"


def test_the_relations_are_every_field_of_every_app_that_points_at_a_person(db):
    assert {r.label for r in merge.all_relations()} == _graph_labels()


def test_every_moved_relation_has_a_builder(db):
    moved = {r.label for r in merge.relations_to_move()}
    missing, extra = sorted(moved - set(BUILDERS)), sorted(set(BUILDERS) - moved)
    assert set(BUILDERS) == moved, (
        f"A merge now moves {missing} (no builder in tests/registry/test_merge_graph.py) and "
        f"does not move {extra} (a builder without a moved relation). For a new model relating to a person: add a "
        "builder to BUILDERS that creates one row naming the merged person, and decide whether a merge moves it; "
        "if it must stay (history), exclude it with a reason (registry.extensions.merge_exclusion)."
    )


# --- A merge moves a row of every relation, and undo puts each back ------------------


@pytest.fixture
def consular_unit(db):
    org = OrganisationFactory(name="Ministry of Foreign Affairs")
    return UnitFactory(organisation=org, name="Consular department")


@pytest.fixture
def consul(consular_unit):
    return make_staff(Role.CONSULAR_OFFICER, consular_unit, username="consul")


@pytest.fixture
def doctor(consular_unit):
    return make_staff(Role.DOCTOR, consular_unit, username="doctor")


@pytest.fixture
def trio(consul, doctor, alice):
    """The survivor, the record merged into it (a girl registered twice) and a
    third person (her brother) for the rows that name two persons."""
    survivor = make_person(consul, given="Amina", family="Nurlanova", birth_year=MERGED_BIRTH_YEAR)
    merged = make_person(
        consul, given="Амина", family="Нурланова", script=Script.CYRILLIC, birth_year=MERGED_BIRTH_YEAR
    )
    other = make_person(consul, given="Ali", family="Nurlanov", sex="male", birth_year=MERGED_BIRTH_YEAR - 2)
    return survivor, merged, other


def _merge(survivor: Person, merged: Person):
    a, b = (survivor, merged) if survivor.pk < merged.pk else (merged, survivor)
    candidate = DuplicateCandidate.objects.create(person_a=a, person_b=b, probability=0.97)
    return matching.decide_same(actor=_act(), candidate=candidate, survivor=survivor)


def _names(row: Model, field: str) -> int:
    row.refresh_from_db()
    return getattr(row, f"{field}_id")  # type: ignore[no-any-return]


def _ref(row: Model) -> str:
    return str(getattr(row, "uuid", None) or row.pk)


def test_a_merge_moves_a_row_of_every_model_that_relates_to_a_person_and_undo_puts_it_back(trio):
    survivor, merged, other = trio
    relations = merge.relations_to_move()
    rows = {r.label: (r.field, BUILDERS[r.label](merged, other)) for r in relations}
    for label, (field, row) in rows.items():
        assert _names(row, field) == merged.pk, f"{label}: the builder must name the merged person"

    record = _merge(survivor, merged)

    # One audit event per moved row (the merged person's own event aside),
    # found by the row's reference whatever object type names its model.
    moves = AuditEvent.objects.filter(action=Action.UPDATE, detail__merge=str(record.uuid)).exclude(
        object_ref=str(merged.uuid)
    )
    moved = {(entry["model"], entry["pk"], entry["field"]) for entry in record.snapshot["moved"]}
    for label, (field, row) in rows.items():
        assert _names(row, field) == survivor.pk, f"{label} still names the merged record after the merge"
        assert (row._meta.label, row.pk, field) in moved, f"{label}: not listed in the merge record"
        assert moves.filter(object_ref=_ref(row)).exists(), f"{label}: no audit event for the move"
    assert moves.count() == len(record.snapshot["moved"]) >= len(rows)
    merged.refresh_from_db()
    assert merged.merged_into == survivor
    # Only the registering officer's assignment stays: the survivor has the same one.
    assert {entry["model"] for entry in record.snapshot["kept"]} <= {"registry.CaseAssignment"}

    matching.undo_merge(actor=_act(), merge=record)

    for label, (field, row) in rows.items():
        assert _names(row, field) == merged.pk, f"{label} did not go back to the merged record on undo"
    merged.refresh_from_db()
    assert merged.merged_into is None
    record.candidate.refresh_from_db()
    assert record.candidate.status == DuplicateStatus.OPEN


def test_a_merge_keeps_the_survivors_primary_name_and_undo_restores_the_merged_ones(trio):
    survivor, merged, _other = trio
    merged_primary = merged.names.get(is_primary=True)
    record = _merge(survivor, merged)
    assert list(survivor.names.filter(is_primary=True).values_list("given", flat=True)) == ["Amina"]
    matching.undo_merge(actor=_act(), merge=record)
    merged_primary.refresh_from_db()
    assert merged_primary.person == merged and merged_primary.is_primary


# --- A merged record: read-only, out of every list, pointing at the survivor ---------


@pytest.fixture
def merged_pair(trio):
    survivor, merged, _other = trio
    _merge(survivor, merged)
    merged.refresh_from_db()
    return survivor, merged


def test_a_merged_record_answers_read_only_to_a_user_who_could_write_it(consul, trio):
    survivor, merged, _other = trio
    assert access_for(consul, merged).write
    _merge(survivor, merged)
    merged.refresh_from_db()
    after = access_for(consul, merged)
    assert after.visible and not after.write
    assert access_for(consul, survivor).write


def test_a_merged_record_leaves_what_a_user_sees(consul, merged_pair):
    survivor, merged = merged_pair
    seen = set(visible_to(consul).values_list("pk", flat=True))
    assert survivor.pk in seen and merged.pk not in seen
    assert merged.pk in set(visible_to(consul, include_merged=True).values_list("pk", flat=True))


def test_a_merged_record_leaves_the_person_list(client, consul, merged_pair):
    survivor, merged = merged_pair
    html = login(client, consul).get(reverse("registry:person_list")).content.decode()
    assert survivor.case_number in html
    assert merged.case_number not in html


def test_a_merged_record_leaves_the_api_person_list(consul, merged_pair):
    survivor, merged = merged_pair
    response = token_client(consul).get(reverse("api-person-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert str(survivor.uuid) in body
    assert str(merged.uuid) not in body


def test_a_merged_records_page_says_which_record_it_was_merged_into(client, consul, merged_pair):
    survivor, merged = merged_pair
    response = login(client, consul).get(reverse("registry:person_detail", args=[merged.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"merged into {survivor.case_number}" in html
    assert survivor.get_absolute_url() in html
