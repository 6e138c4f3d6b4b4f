"""Which kind of record each model is, read from the model graph.

Every model that relates to a person, directly (a foreign key to
``registry.Person``, the relations a merge moves: ``zhusan.registry.merge``)
or through another model that does (a plan's goals, a pathway's hearings),
belongs to exactly one :class:`~zhusan.dataprotection.models.RecordKind`:

1. a declaration here (``DECLARED``) or by another part (``declare_kind``);
2. else the compartment the registry gives its audit type
   (``accounts.permissions.RECORD_COMPARTMENT``);
3. else, when the model has a ``compartment`` column, each row's compartment
   (``PER_ROW``);
4. else, for a model reached only through a parent, its parent's kind (it is
   deleted with its parent, by cascade).

``tests/dataprotection/test_record_kinds.py`` fails while a model relating to
a person has no kind, so a new model cannot be forgotten by retention.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from zhusan.accounts.permissions import RECORD_COMPARTMENT
from zhusan.registry.merge import all_relations
from zhusan.registry.models import Person

from .models import RecordKind

# Each row's ``compartment`` column says its kind.
PER_ROW = "per_row"
# Kept by a deletion: the lasting record that it happened (its person link is
# set to NULL by the database, ``on_delete=SET_NULL``).
KEPT = "kept"

K = RecordKind

DECLARED: dict[str, str] = {
    "accounts.BreakGlassAccess": K.CASE,
    "instruments.Administration": K.PSYCHOSOCIAL,
    "instruments.ScheduledAdministration": K.PSYCHOSOCIAL,
    "instruments.SafetyAlert": K.PSYCHOSOCIAL,
    "matching.DuplicateCandidate": K.IDENTITY,
    "matching.MergeRecord": K.IDENTITY,
    "matching.TracingRequest": K.FAMILY,
    "matching.TracingMatch": K.FAMILY,
    "operations.ManifestEntry": K.CASE,
    "operations.SeparationDecision": K.FAMILY,
    "operations.StagedRow": K.IDENTITY,
    "registry.CaseAssignment": K.CASE,
    "registry.PersonNationality": K.IDENTITY,
    "registry.PersonVulnerability": K.CASE,
    "registry.TimelineEntry": K.CASE,
    "registry.HouseholdMember": K.FAMILY,
    "registry.SealedCompartment": K.JUSTICE_SECURITY,
    "rehabilitation.Admission": K.CASE,
    "rehabilitation.KeyWorker": K.CASE,
    "rehabilitation.FamilySeparation": K.FAMILY,
    "rehabilitation_care.CarePlan": K.CASE,
    "rehabilitation_care.ConferenceCase": K.CASE,
    "rehabilitation_care.NeedsAssessment": K.CASE,
    "rehabilitation_sessions.IntakeAccount": K.PSYCHOSOCIAL,
    "rehabilitation_sessions.ProfessionalRiskAssessment": K.JUSTICE_SECURITY,
    "rehabilitation_sessions.SessionParticipant": K.CASE,
    "reintegration.BenefitClaim": K.CASE,
    "reintegration.DocumentPathway": K.DOCUMENTS,
    "reintegration.Enrolment": K.CASE,
    "reintegration.GuardianshipOrder": K.FAMILY,
    "reintegration.HomeVisit": K.FAMILY,
    "reintegration.Placement": K.FAMILY,
    # Kept with the identity: the closure is the anchor of the other kinds' periods.
    "reintegration_followup.CaseClosure": K.IDENTITY,
    "reintegration_followup.FollowUpPlan": K.CASE,
    "reintegration_followup.FollowUpVisit": K.CASE,
    "reintegration_followup.Incident": K.JUSTICE_SECURITY,
    "reintegration_followup.SecurityContact": K.JUSTICE_SECURITY,
    "reintegration_support.CaseTransfer": K.CASE,
    "reintegration_support.Employment": K.CASE,
    "reintegration_support.Housing": K.CONTACT_LOCATION,
    "reintegration_support.IncomeSupport": K.CASE,
    "reintegration_support.VocationalCourse": K.CASE,
    "dataprotection.LegalHold": KEPT,
    "dataprotection.RetentionItem": KEPT,
    # The other parts of the package (they may re-declare with ``declare_kind``).
    "dataprotection_rights.SubjectRequest": K.IDENTITY,
    "dataprotection_sharing.BreachRecord": KEPT,  # the breach log outlives an erasure; its person link is emptied
}

# The field that names the person a row is about, where it is not ``person``
# (the other person fields of the model only mention someone).
SUBJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "registry.Person": (),
    "registry.Relationship": ("from_person", "to_person"),
    "registry.Household": (),  # the household is shared; membership moves through HouseholdMember
    "matching.DuplicateCandidate": ("person_a", "person_b"),
    "matching.MergeRecord": ("survivor", "merged"),
    "matching.TracingRequest": ("inquirer",),
    "operations.SeparationDecision": ("child",),
    "operations.StagedRow": ("matched_person",),
    "rehabilitation.FamilySeparation": ("child",),
}

_CONTRIBUTED: dict[str, str] = {}


def declare_kind(label: str, kind: str) -> None:
    """Another part declares the kind of its model ``label`` ("app.Model"):
    a ``RecordKind`` value, or ``KEPT`` for a record that must outlive an
    erasure (its person foreign key then uses ``on_delete=SET_NULL``)."""
    _CONTRIBUTED[label] = kind


def declarations() -> dict[str, str]:
    return {**DECLARED, **_CONTRIBUTED}


@dataclass(frozen=True)
class Member:
    """One model of the graph: the lookup from it to its person, its kind."""

    model: type[models.Model]
    path: str  # "person", "plan__person"; "" for Person itself
    kind: str | None  # a RecordKind value, PER_ROW, KEPT, or None (unclassified)
    how: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def direct(self) -> bool:
        return "__" not in self.path


def _walk() -> Iterator[tuple[type[models.Model], str]]:
    """Every model relating to a person with the lookup to that person,
    nearest first (a direct relation wins over one through a parent)."""
    found: dict[type[models.Model], str] = {Person: ""}
    yield Person, ""
    subjects = SUBJECT_FIELDS
    for relation in all_relations():
        model = relation.model
        if model in found:
            continue
        fields = subjects.get(model._meta.label, ("person",))
        names = [r.field for r in all_relations() if r.model is model]
        field = next((f for f in fields if f in names), names[0])
        found[model] = field
        yield model, field
    frontier = [m for m in found if m is not Person]
    while frontier:
        nxt: list[type[models.Model]] = []
        for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
            if model in found:
                continue
            for f in model._meta.get_fields():
                if f.is_relation and f.concrete and f.related_model in frontier and f.related_model is not None:
                    parent = f.related_model
                    assert isinstance(parent, type)
                    found[model] = f"{f.name}__{found[parent]}"
                    nxt.append(model)
                    yield model, found[model]
                    break
        frontier = nxt


def members() -> list[Member]:
    declared = declarations()
    out: dict[type[models.Model], Member] = {}
    for model, path in _walk():
        label = model._meta.label
        audit_type = getattr(model, "audit_type", None)
        kind: str | None
        if label in declared:
            kind, how = declared[label], "declared"
        elif audit_type is not None and str(audit_type) in RECORD_COMPARTMENT:
            kind, how = str(RECORD_COMPARTMENT[str(audit_type)]), "compartment of its audit type"
        elif any(f.name == "compartment" for f in model._meta.get_fields()):
            kind, how = PER_ROW, "each row's compartment"
        elif "__" in path:
            parent_field = model._meta.get_field(path.split("__", 1)[0])
            parent = out.get(parent_field.related_model)  # type: ignore[arg-type]
            kind = parent.kind if parent is not None else None
            how = f"with {parent.label}" if parent is not None else "unclassified"
        else:
            kind, how = None, "unclassified"
        out[model] = Member(model, path, kind, how)
    return sorted(out.values(), key=lambda m: m.label)


def unclassified() -> list[str]:
    return [m.label for m in members() if m.kind is None]


def subject_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields naming the person a row is about (none for a kept record)."""
    if declarations().get(model._meta.label) == KEPT:
        return ()
    names = [r.field for r in all_relations() if r.model is model]
    return tuple(f for f in SUBJECT_FIELDS.get(model._meta.label, ("person",)) if f in names)


def of_kind(kind: str) -> list[Member]:
    """The models holding rows of ``kind`` (per-row models included)."""
    return [m for m in members() if m.kind == kind or (m.kind == PER_ROW and _has_compartment(m.model, kind))]


def _has_compartment(model: type[models.Model], kind: str) -> bool:
    field = model._meta.get_field("compartment")
    choices = [str(c[0]) for c in (getattr(field, "choices", None) or [])]
    return not choices or kind in choices
