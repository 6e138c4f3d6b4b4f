"""Duplicates: proposing pairs across scripts, merging with audit, undo, and
"different people" remembered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor, Denied, verify_chain
from zhusan.engine.dates import PartialDate, birth_value
from zhusan.matching import services
from zhusan.matching.candidates import query_from_person
from zhusan.matching.models import DuplicateCandidate, DuplicateStatus, MergeRecord
from zhusan.matching.selectors import duplicates_for_user, visible_persons
from zhusan.registry import services as registry
from zhusan.registry.models import (
    ConsentPurpose,
    Document,
    EstablishedBy,
    NameKind,
    PersonName,
    Relationship,
    Script,
)

from ..factories import make_person, make_staff


def actor(user):
    return Actor.system("tests", user=user)


@pytest.fixture
def pair(alice):
    """One woman registered twice: in Cyrillic from a camp list, in ICAO Latin at the border."""
    cyr = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    lat = make_person(alice, given="Aysha", family="Nurlanov", birth_year=1995)
    return cyr, lat


def test_a_year_only_birth_date_stays_year_only(alice):
    person = make_person(alice, birth_year=1995)
    assert query_from_person(person).birth == PartialDate(1995)
    assert birth_value("year", 1995, None, None, None, None) == PartialDate(1995)


def test_it_proposes_the_same_woman_written_in_two_scripts(alice, pair):
    cyr, lat = pair
    make_person(alice, given="Fatima", family="Nurlanova", birth_year=1995)  # a namesake by surname only
    found = services.duplicates_check(actor=actor(alice), person=lat)
    assert [(c.person_a, c.person_b) for c in found] == [(cyr, lat)]
    evidence = found[0].evidence
    assert {f["field"] for f in evidence["fields"]} >= {"given name", "family name", "date of birth"}
    levels = {f["field"]: f["level"] for f in evidence["fields"]}
    assert levels["date of birth"] == "same year of birth"
    assert levels["given name"].startswith("same name")
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="duplicate_candidate").count() == 1


def test_a_pair_marked_different_is_not_proposed_again(alice, pair):
    cyr, lat = pair
    (candidate,) = services.duplicates_check(actor=actor(alice), person=lat)
    services.decide_different(actor=actor(alice), candidate=candidate)
    assert services.duplicates_check(actor=actor(alice), person=lat) == []
    assert services.duplicates_check(actor=actor(alice), person=cyr) == []
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DIFFERENT
    assert DuplicateCandidate.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="duplicate_candidate", action=Action.UPDATE).exists()


def test_a_teacher_cannot_check_for_duplicates(alice, centre_unit, pair):
    teacher = make_staff(Role.TEACHER, centre_unit)
    with pytest.raises(Denied):
        services.duplicates_check(actor=actor(teacher), person=pair[0])
    assert DuplicateCandidate.objects.count() == 0
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor_username=teacher.username).exists()


def test_same_person_merges_every_record_and_audits_each_move(alice, pair):
    cyr, lat = pair
    child = make_person(alice, given="Abdullah", family="Nurlanov", sex="male", birth_year=2016)
    registry.relationship_add(
        actor=actor(alice), from_person=lat, to_person=child, kind="mother", established_by=EstablishedBy.DECLARED
    )
    registry.document_add(actor=actor(alice), person=lat, doc_type="passport", number="N123", status="issued")
    registry.consent_record(
        actor=actor(alice), person=lat, purpose=ConsentPurpose.TRACING, status="granted", given_by="self"
    )
    (candidate,) = services.duplicates_check(actor=actor(alice), person=lat)
    before = AuditEvent.objects.count()

    merge = services.decide_same(actor=actor(alice), candidate=candidate)

    assert merge.survivor == cyr and merge.merged == lat
    assert set(PersonName.objects.filter(person=cyr).values_list("given", flat=True)) == {"Айша", "Aysha"}
    assert PersonName.objects.filter(person=cyr, is_primary=True).count() == 1
    assert Relationship.objects.get(to_person=child).from_person == cyr
    assert Document.objects.get(number="N123").person == cyr
    assert registry.consent_allows(cyr, ConsentPurpose.TRACING)
    assert lat not in visible_persons(actor(alice))
    moved_events = AuditEvent.objects.filter(
        seq__gt=before, action=Action.UPDATE, detail__merge=str(merge.uuid)
    ).exclude(object_type="person")
    assert moved_events.count() == len(merge.snapshot["moved"])
    # Moved rows are audited under the same object type as when they were added.
    assert {"name", "relationship", "document", "consent", "timeline_entry"} <= set(
        moved_events.values_list("object_type", flat=True)
    )
    assert AuditEvent.objects.filter(
        object_type="person", object_ref=str(lat.uuid), changes__merged_into__new=cyr.case_number
    ).exists()
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.SAME
    assert verify_chain().ok


def test_undo_puts_every_record_back_and_is_audited(alice, pair):
    cyr, lat = pair
    registry.document_add(actor=actor(alice), person=lat, doc_type="passport", number="N123", status="issued")
    (candidate,) = services.duplicates_check(actor=actor(alice), person=lat)
    merge = services.decide_same(actor=actor(alice), candidate=candidate)

    services.undo_merge(actor=actor(alice), merge=merge)

    assert list(PersonName.objects.filter(person=lat).values_list("given", "is_primary")) == [("Aysha", True)]
    assert list(PersonName.objects.filter(person=cyr).values_list("given", "is_primary")) == [("Айша", True)]
    assert Document.objects.get(number="N123").person == lat
    assert lat in visible_persons(actor(alice))
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert AuditEvent.objects.filter(detail__undo_merge=str(merge.uuid)).count() == len(merge.snapshot["moved"]) + 1
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.OPEN
    with pytest.raises(ValidationError):
        services.undo_merge(actor=actor(alice), merge=merge)
    assert verify_chain().ok


def test_a_relationship_between_the_two_records_stays_rather_than_relating_a_person_to_herself(alice, pair):
    cyr, lat = pair
    registry.relationship_add(
        actor=actor(alice), from_person=lat, to_person=cyr, kind="sibling", established_by=EstablishedBy.DECLARED
    )
    (candidate,) = services.duplicates_check(actor=actor(alice), person=lat)
    merge = services.decide_same(actor=actor(alice), candidate=candidate)
    assert Relationship.objects.get().from_person == lat
    assert "registry.Relationship" in [e["model"] for e in merge.snapshot["kept"]]


def test_a_decided_pair_cannot_be_merged(alice, pair):
    (candidate,) = services.duplicates_check(actor=actor(alice), person=pair[1])
    services.decide_different(actor=actor(alice), candidate=candidate)
    with pytest.raises(ValidationError):
        services.decide_same(actor=actor(alice), candidate=candidate)
    assert MergeRecord.objects.count() == 0


def test_the_queue_shows_only_pairs_whose_both_records_the_reviewer_may_see(alice, charlie, pair):
    services.duplicates_check(actor=actor(alice), person=pair[1])
    assert duplicates_for_user(actor(alice)).count() == 1
    assert duplicates_for_user(actor(charlie)).count() == 0


def test_a_kunya_is_compared_as_a_kunya(alice):
    kunya = registry.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Abdullah")
    first = make_person(alice, given="Zhanar", family="Serikova", extra_names=[kunya])
    query = query_from_person(first)
    assert [n.kind for n in query.names] == [NameKind.LEGAL, NameKind.KUNYA]


def test_with_enough_persons_the_parameters_are_estimated_from_the_pool():
    import numpy as np

    from zhusan.engine.model import Comparator
    from zhusan.engine.persons import PERSON_FIELDS, person_columns
    from zhusan.matching.candidates import default_model, fit_model

    given = ["Aisha", "Fatima", "Zhanar", "Gulnar", "Madina", "Aigerim", "Dana", "Saule", "Asel", "Ainur"]
    family = ["Nurlanova", "Serikova", "Abenova", "Ospanova", "Karimova", "Tokaeva", "Zhumabaeva"]
    records = [
        {"given": given[i % 10], "family": family[i % 7], "birth": str(1960 + i % 40), "sex": "f"} for i in range(300)
    ]
    records += [dict(r, given=r["given"].replace("i", "y")) for r in records[:30]]  # 30 duplicates
    owners = np.arange(len(records))
    cols = person_columns(records)
    comparator = Comparator(PERSON_FIELDS)
    model = fit_model(comparator, comparator.encode(cols), cols, owners)
    default = default_model()
    assert any(not np.allclose(m, d) for m, d in zip(model.u, default.u, strict=True))
    assert 0 < model.prior < 1
