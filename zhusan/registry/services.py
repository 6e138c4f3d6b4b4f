"""Every write to the registry: keyword-only, typed, atomic, audited.

Each action takes the ``Actor`` (who, from where), checks what the actor may
do through the scoped access model, validates, writes, and records the audit
event with old and new values in the same transaction.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts import services as accounts_services
from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.models import BreakGlassAccess, Unit
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Capability, Compartment
from zhusan.audit.models import Action, ObjectType, object_type_of
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.core.models import UUIDModel
from zhusan.core.names import name_error

from . import access, extensions
from .dates import BirthDate, BirthPrecision, midpoint
from .models import (
    TRANSITIONS,
    VIEWS_SOUGHT_FROM_AGE,
    AssentChoice,
    BestInterestsAssessment,
    CaseAssignment,
    CaseCounter,
    ChildAssent,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    Document,
    Household,
    HouseholdMember,
    IdentityEvidence,
    LawfulBasis,
    LocationStay,
    NationalityStatus,
    Person,
    PersonName,
    PersonNationality,
    PersonVulnerability,
    ProtectedNote,
    RecordType,
    Relationship,
    SealedCompartment,
    Stage,
    TimelineEntry,
)
from .text import match_keys, resolve_script, search_key

# A record of one person (a document, a stay, a consent …): UUIDModel with a ``person`` key.
_Record = TypeVar("_Record", bound=UUIDModel)

PERSON_FIELDS = [
    "sex",
    "birth_precision",
    "birth_year",
    "birth_month",
    "birth_day",
    "stated_age",
    "stated_age_on",
    "place_of_birth",
    "country_of_birth",
    "languages",
]


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise PermissionDenied("An authenticated user is required.")
    return actor.user


def require_write(actor: Actor, person: Person, compartment: Compartment = Compartment.IDENTITY) -> None:
    """Refuse (audited, via ``Denied``) unless the actor may write ``compartment`` of ``person``."""
    _user(actor)
    access.require_write(actor, person, compartment)


def _snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    return model_to_dict(obj, fields=fields)


# --- Persons ---------------------------------------------------------------


@dataclass
class NameInput:
    script: str
    kind: str
    given: str = ""
    patronymic: str = ""
    family: str = ""
    is_primary: bool = False


@dataclass
class PersonInput:
    sex: str
    lawful_basis: str
    managing_unit: Unit
    birth_precision: str = BirthPrecision.UNKNOWN
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    stated_age: int | None = None
    stated_age_on: date | None = None
    place_of_birth: str = ""
    country_of_birth: str = ""
    languages: str = ""
    lawful_basis_note: str = ""
    record_type: str = RecordType.SUBJECT
    stage: str | None = Stage.IDENTIFIED
    names: list[NameInput] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    nationalities: list[tuple[str, str]] = field(default_factory=list)
    # Where the person is now (stay_add's values: kind, site, section …),
    # recorded in the same transaction as the registration.
    current_stay: dict[str, Any] | None = None


def validate_birth(values: dict[str, Any], *, today: date | None = None) -> BirthDate:
    """Check the birth fields fit their precision; return the value object."""
    today = today or timezone.localdate()
    precision = values.get("birth_precision") or BirthPrecision.UNKNOWN
    errors: dict[str, str] = {}
    year, month, day = values.get("birth_year"), values.get("birth_month"), values.get("birth_day")
    need = {
        BirthPrecision.EXACT: ["birth_year", "birth_month", "birth_day"],
        BirthPrecision.MONTH: ["birth_year", "birth_month"],
        BirthPrecision.YEAR: ["birth_year"],
        BirthPrecision.ESTIMATED: ["stated_age", "stated_age_on"],
        BirthPrecision.UNKNOWN: [],
    }[BirthPrecision(precision)]
    for name in need:
        if values.get(name) in (None, ""):
            errors[name] = _("Required for this precision.")
    # A year-only date must not carry an invented month or day.
    allowed = set(need)
    for name in ["birth_year", "birth_month", "birth_day", "stated_age", "stated_age_on"]:
        if name not in allowed and values.get(name) not in (None, ""):
            errors[name] = _("Leave empty: the precision says this is not known.")
    if year is not None and "birth_year" not in errors and not (1900 <= int(year) <= today.year):
        errors["birth_year"] = _("Enter a year between 1900 and this year.")
    stated_age = values.get("stated_age")
    if stated_age is not None and "stated_age" not in errors and not (0 <= int(stated_age) <= 120):
        errors["stated_age"] = _("Enter an age between 0 and 120.")
    stated_on = values.get("stated_age_on")
    if stated_on is not None and "stated_age_on" not in errors and stated_on > today:
        errors["stated_age_on"] = _("The date an age was stated cannot be in the future.")
    if not errors and precision in (BirthPrecision.EXACT, BirthPrecision.MONTH):
        try:
            date(int(year), int(month), int(day) if day else 1)  # type: ignore[arg-type]  # required by the precision, checked above; a None is a TypeError below
        except (ValueError, TypeError):
            errors["birth_day" if precision == BirthPrecision.EXACT else "birth_month"] = _("This date does not exist.")
    birth = BirthDate(
        precision=BirthPrecision(precision),
        year=year,
        month=month,
        day=day,
        stated_age=stated_age,
        stated_on=stated_on,
    )
    if not errors:
        low, _high = birth.bounds()
        if low is not None and low > today:
            errors["birth_year"] = _("A birth date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return birth


def _apply_birth(person: Person, birth: BirthDate) -> None:
    low, high = birth.bounds()
    person.birth_date_low, person.birth_date_high = low, high
    person.birth_date_mid = midpoint(low, high) if low and high else None


def _next_case_number() -> str:
    prefix = settings.ZHUSAN_CASE_PREFIX
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(prefix=prefix)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    return f"{prefix}-{counter.last:06d}"


def _validate_name(name: NameInput) -> None:
    """Every part through the one name validator (``core.names``), which names the refused character."""
    errors = {}
    for part in ("given", "patronymic", "family"):
        message = name_error(getattr(name, part).strip())
        if message:
            errors[part] = message
    if not (name.given.strip() or name.family.strip() or name.patronymic.strip()):
        errors["given"] = _("Enter at least one part of the name.")
    if errors:
        raise ValidationError(errors)


def _name_values(name: NameInput) -> dict[str, Any]:
    return {
        "script": name.script,
        "kind": name.kind,
        "given": name.given.strip(),
        "patronymic": name.patronymic.strip(),
        "family": name.family.strip(),
        "is_primary": name.is_primary,
        "search_key": search_key(name.given, name.patronymic, name.family),
        "match_key": match_keys(name.given, name.patronymic, name.family),
    }


def _resolve_script(name: NameInput) -> None:
    """Fill a name's script from its letters, or refuse one they contradict."""
    name.script = resolve_script(name.script, name.given, name.patronymic, name.family)


@write_action
def person_create(*, actor: Actor, data: PersonInput) -> Person:
    user = _user(actor)
    if not has_capability(user, Capability.CREATE_PERSON):
        raise Denied(
            _("Your role cannot register persons."), actor=actor, object_type=ObjectType.PERSON, why="cannot create"
        )
    if data.lawful_basis not in LawfulBasis.values:
        raise ValidationError({"lawful_basis": _("Record the lawful basis before creating a person.")})
    if not data.names:
        raise ValidationError({"names": _("A person needs at least one name.")})
    values = {f: getattr(data, f) for f in PERSON_FIELDS}
    birth = validate_birth(values)
    for name in data.names:
        _validate_name(name)
        _resolve_script(name)
    if data.record_type == RecordType.SUBJECT and not data.stage:
        raise ValidationError({"stage": _("A person in the programme needs a stage.")})
    person = Person(
        **values,
        record_type=data.record_type,
        stage=data.stage if data.record_type == RecordType.SUBJECT else None,
        stage_changed_at=timezone.now() if data.record_type == RecordType.SUBJECT else None,
        managing_unit=data.managing_unit,
        lawful_basis=data.lawful_basis,
        lawful_basis_note=data.lawful_basis_note,
        created_by=user,
        case_number=_next_case_number(),
    )
    _apply_birth(person, birth)
    person.full_clean(exclude=["case_number"])
    person.save()
    if not any(n.is_primary for n in data.names):
        data.names[0].is_primary = True
    PersonName.objects.bulk_create([PersonName(person=person, **_name_values(n)) for n in data.names])
    PersonVulnerability.objects.bulk_create(
        [PersonVulnerability(person=person, kind=k) for k in sorted(set(data.vulnerabilities))]
    )
    PersonNationality.objects.bulk_create(
        [PersonNationality(person=person, country=c.upper(), status=s) for c, s in data.nationalities]
    )
    if person.stage:
        TimelineEntry.objects.create(
            person=person, from_stage="", to_stage=person.stage, by=user, reason=_("Registered")
        )
    CaseAssignment.objects.create(person=person, user=user)
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                **_snapshot(person, PERSON_FIELDS + ["stage", "lawful_basis"]),
                "names": [str(PersonName(**_name_values(n))) for n in data.names],
            },
        ),
        detail={"case_number": person.case_number},
    )
    if data.current_stay:
        stay_add(actor=actor, person=person, **data.current_stay)
    extensions.person_registered(actor=actor, person=person)
    return person


@write_action
def person_update(*, actor: Actor, person: Person, expected_version: int, **changes: Any) -> Person:
    """Change identity fields of a person, refusing a write based on a stale version."""
    require_write(actor, person, Compartment.IDENTITY)
    unknown = set(changes) - set(PERSON_FIELDS) - {"lawful_basis", "lawful_basis_note", "vulnerabilities"}
    if unknown:
        raise ValidationError({k: _("This field cannot be changed here.") for k in unknown})
    vulnerabilities = changes.pop("vulnerabilities", None)
    before = _snapshot(person, PERSON_FIELDS + ["lawful_basis", "lawful_basis_note"])
    before_vuln = sorted(person.vulnerabilities.values_list("kind", flat=True))
    for key, value in changes.items():
        setattr(person, key, value)
    birth = validate_birth({f: getattr(person, f) for f in PERSON_FIELDS})
    _apply_birth(person, birth)
    person.full_clean(exclude=["case_number"])
    save_versioned(
        person,
        expected_version=expected_version,
        fields=[*changes.keys(), "birth_date_low", "birth_date_high", "birth_date_mid"],
    )
    after = _snapshot(person, PERSON_FIELDS + ["lawful_basis", "lawful_basis_note"])
    if vulnerabilities is not None:
        wanted = sorted(set(vulnerabilities))
        person.vulnerabilities.exclude(kind__in=wanted).delete()
        PersonVulnerability.objects.bulk_create(
            [PersonVulnerability(person=person, kind=k) for k in wanted if k not in before_vuln]
        )
        before["vulnerabilities"], after["vulnerabilities"] = before_vuln, wanted
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        person_ref=person.uuid,
        changes=diff(before, after),
        detail={"version": person.version},
    )
    return person


# Stages that reveal justice data (a custody): shown only to readers of the
# justice and security compartment (``access.stage_shown``), their reasons
# audited encrypted.
JUSTICE_STAGES = access.JUSTICE_STAGES


def allowed_transitions(person: Person) -> list[Stage]:
    if not person.stage:
        return []
    return sorted(TRANSITIONS[Stage(person.stage)], key=lambda s: list(Stage).index(s))


@write_action
def stage_change(*, actor: Actor, person: Person, to_stage: str, reason: str, expected_version: int) -> Person:
    """Move a person along the lifecycle; only defined transitions, always with a reason."""
    user = _user(actor)
    if not has_capability(user, Capability.CHANGE_STAGE):
        raise Denied(
            _("Your role cannot change the stage of this person."),
            actor=actor,
            object_type=ObjectType.PERSON,
            object_ref=person.uuid,
            person_ref=person.uuid,
            why="cannot change stage",
        )
    # A stage belongs to no one compartment: it needs the person in the
    # actor's own scope (never through break-the-glass, never merged).
    reader = access.require_write(actor, person)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the stage changes.")})
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    if person.record_type != RecordType.SUBJECT or not person.stage:
        raise ValidationError({"to_stage": _("Relatives at home have no lifecycle stage.")})
    current = Stage(person.stage)
    target = Stage(to_stage)
    if target not in TRANSITIONS[current]:
        # Named as the actor may see it: "Restriction applies" for a custody.
        shown = access.stage_label(access.stage_shown(current, justice=access.reads_justice(reader)))
        raise ValidationError({"to_stage": _("%(a)s cannot move to %(b)s.") % {"a": shown, "b": target.label}})
    # Why someone enters or leaves custody is the justice compartment's
    # business: the trail keeps that reason encrypted, never in clear.
    justice = bool({current, target} & JUSTICE_STAGES)
    person.stage = target
    person.stage_changed_at = timezone.now()
    save_versioned(person, expected_version=expected_version, fields=["stage", "stage_changed_at"])
    TimelineEntry.objects.create(person=person, from_stage=current, to_stage=target, by=user, reason=reason.strip())
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        person_ref=person.uuid,
        changes=diff({"stage": current.value}, {"stage": target.value})
        | (diff({}, {"reason": reason.strip()}, sensitive=("reason",)) if justice else {}),
        detail={} if justice else {"reason": reason.strip()},
    )
    return person


# --- Names ------------------------------------------------------------------


@write_action
def name_add(*, actor: Actor, person: Person, name: NameInput) -> PersonName:
    require_write(actor, person, Compartment.IDENTITY)
    _validate_name(name)
    _resolve_script(name)
    values = _name_values(name)
    if name.is_primary:
        person.names.filter(is_primary=True).update(is_primary=False)
    obj = PersonName.objects.create(person=person, **values)
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.NAME,
        object_ref=obj.uuid,
        person_ref=person.uuid,
        changes=diff({}, {k: v for k, v in values.items() if k not in ("search_key", "match_key")}),
    )
    return obj


@write_action
def name_update(*, actor: Actor, name: PersonName, data: NameInput, expected_version: int) -> PersonName:
    """Change a name, refusing (``StaleVersionError``) a write based on a stale version."""
    require_write(actor, name.person, Compartment.IDENTITY)
    _validate_name(data)
    _resolve_script(data)
    fields = ["script", "kind", "given", "patronymic", "family", "is_primary"]
    before = _snapshot(name, fields)
    values = _name_values(data)
    if data.is_primary:
        name.person.names.exclude(pk=name.pk).filter(is_primary=True).update(is_primary=False)
    for key, value in values.items():
        setattr(name, key, value)
    save_versioned(name, expected_version=expected_version, fields=list(values))
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.NAME,
        object_ref=name.uuid,
        person_ref=name.person.uuid,
        changes=diff(before, _snapshot(name, fields)),
        detail={"version": name.version},
    )
    return name


@write_action
def name_delete(*, actor: Actor, name: PersonName) -> None:
    person = name.person
    require_write(actor, person, Compartment.IDENTITY)
    if person.names.count() <= 1:
        raise ValidationError(_("A person keeps at least one name."))
    fields = ["script", "kind", "given", "patronymic", "family"]
    before = _snapshot(name, fields)
    ref = name.uuid
    was_primary = name.is_primary
    name.delete()
    if was_primary:
        first = person.names.order_by("pk").first()
        if first:
            PersonName.objects.filter(pk=first.pk).update(is_primary=True)
    record(
        actor,
        Action.DELETE,
        object_type=ObjectType.NAME,
        object_ref=ref,
        person_ref=person.uuid,
        changes=diff(before, {}),
    )


# --- Family -----------------------------------------------------------------


@write_action
def relationship_add(
    *,
    actor: Actor,
    from_person: Person,
    to_person: Person,
    kind: str,
    established_by: str,
    reference: str = "",
    established_on: date | None = None,
) -> Relationship:
    for p in (from_person, to_person):
        require_write(actor, p, Compartment.FAMILY)
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": _("A person cannot be related to themselves.")})
    if Relationship.objects.filter(from_person=from_person, to_person=to_person, kind=kind).exists():
        raise ValidationError({"kind": _("This relationship is already recorded.")})
    rel = Relationship(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        established_by=established_by,
        reference=reference,
        established_on=established_on or timezone.localdate(),
        recorded_by=_user(actor),
    )
    rel.full_clean()
    rel.save()
    snap = {"from": str(from_person.uuid), "to": str(to_person.uuid), "kind": kind, "established_by": established_by}
    for p in (from_person, to_person):
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.RELATIONSHIP,
            object_ref=rel.uuid,
            person_ref=p.uuid,
            changes=diff({}, snap),
        )
    return rel


@write_action
def relationship_delete(*, actor: Actor, relationship: Relationship, reason: str) -> None:
    for p in (relationship.from_person, relationship.to_person):
        require_write(actor, p, Compartment.FAMILY)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the relationship is removed.")})
    snap = {
        "from": str(relationship.from_person.uuid),
        "to": str(relationship.to_person.uuid),
        "kind": relationship.kind,
    }
    ref = relationship.uuid
    people = (relationship.from_person, relationship.to_person)
    relationship.delete()
    for p in people:
        record(
            actor,
            Action.DELETE,
            object_type=ObjectType.RELATIONSHIP,
            object_ref=ref,
            person_ref=p.uuid,
            changes=diff(snap, {}),
            detail={"reason": reason},
        )


@write_action
def household_create(*, actor: Actor, label: str, members: list[tuple[Person, str]]) -> Household:
    if not label.strip():
        raise ValidationError({"label": _("Give the household a label.")})
    for person, _role in members:
        require_write(actor, person, Compartment.FAMILY)
    household = Household.objects.create(label=label.strip())
    HouseholdMember.objects.bulk_create(
        [HouseholdMember(household=household, person=p, role=role) for p, role in members]
    )
    for person, role in members:
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.HOUSEHOLD,
            object_ref=household.uuid,
            person_ref=person.uuid,
            changes=diff({}, {"label": label, "role": role}),
        )
    return household


@write_action
def household_add_member(*, actor: Actor, household: Household, person: Person, role: str) -> HouseholdMember:
    require_write(actor, person, Compartment.FAMILY)
    if household.memberships.filter(person=person).exists():
        raise ValidationError({"person": _("Already a member of this household.")})
    member = HouseholdMember.objects.create(household=household, person=person, role=role)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.HOUSEHOLD,
        object_ref=household.uuid,
        person_ref=person.uuid,
        changes=diff({}, {"member": str(person.uuid), "role": role}),
    )
    return member


# --- Evidence, documents, stays ---------------------------------------------


def _create_child_record(
    actor: Actor,
    person: Person,
    compartment: Compartment,
    model: type[_Record],
    object_type: ObjectType,
    values: dict[str, Any],
    *,
    sensitive: tuple[str, ...] = (),
) -> _Record:
    require_write(actor, person, compartment)
    obj = model(person=person, **values)
    obj.full_clean()
    obj.save()
    record(
        actor,
        Action.CREATE,
        object_type=object_type,
        object_ref=obj.uuid,
        person_ref=person.uuid,
        changes=diff({}, values, sensitive=sensitive),
    )
    return obj


def _update_child_record(
    actor: Actor,
    obj: _Record,
    person: Person,
    compartment: Compartment,
    object_type: ObjectType,
    values: dict[str, Any],
    *,
    expected_version: int,
    sensitive: tuple[str, ...] = (),
) -> _Record:
    """Change ``values`` of a versioned record; ``StaleVersionError`` if another
    editor changed it since ``expected_version`` (nothing is written)."""
    require_write(actor, person, compartment)
    before = _snapshot(obj, list(values))
    for key, value in values.items():
        setattr(obj, key, value)
    obj.full_clean()
    save_versioned(obj, expected_version=expected_version, fields=list(values))
    record(
        actor,
        Action.UPDATE,
        object_type=object_type,
        object_ref=obj.uuid,
        person_ref=person.uuid,
        changes=diff(before, _snapshot(obj, list(values)), sensitive=sensitive),
        detail={"version": getattr(obj, "version", None)},
    )
    return obj


@write_action
def evidence_add(*, actor: Actor, person: Person, **values: Any) -> IdentityEvidence:
    if values.get("decision") in ("accepted", "rejected"):
        values.setdefault("decided_by", _user(actor))
        values.setdefault("decided_on", timezone.localdate())
    obj: IdentityEvidence = _create_child_record(
        actor, person, Compartment.IDENTITY, IdentityEvidence, ObjectType.EVIDENCE, values, sensitive=("reference",)
    )
    if obj.topic == "nationality" and obj.decision == "accepted" and obj.outcome == "confirmed":
        country = settings.ZHUSAN_CASE_PREFIX[:2].upper()
        PersonNationality.objects.update_or_create(
            person=person, country=country, defaults={"status": NationalityStatus.VERIFIED}
        )
    return obj


@write_action
def document_add(*, actor: Actor, person: Person, **values: Any) -> Document:
    return _create_child_record(actor, person, Compartment.DOCUMENTS, Document, ObjectType.DOCUMENT, values)


@write_action
def document_update(*, actor: Actor, document: Document, expected_version: int, **values: Any) -> Document:
    return _update_child_record(
        actor,
        document,
        document.person,
        Compartment.DOCUMENTS,
        ObjectType.DOCUMENT,
        values,
        expected_version=expected_version,
    )


@write_action
def stay_add(*, actor: Actor, person: Person, **values: Any) -> LocationStay:
    return _create_child_record(actor, person, Compartment.CONTACT_LOCATION, LocationStay, ObjectType.LOCATION, values)


@write_action
def stay_update(*, actor: Actor, stay: LocationStay, expected_version: int, **values: Any) -> LocationStay:
    return _update_child_record(
        actor,
        stay,
        stay.person,
        Compartment.CONTACT_LOCATION,
        ObjectType.LOCATION,
        values,
        expected_version=expected_version,
    )


# --- Consent and assent -------------------------------------------------------


@write_action
def consent_record(
    *,
    actor: Actor,
    person: Person,
    purpose: str,
    status: str,
    given_by: str,
    given_by_person: Person | None = None,
    given_on: date | None = None,
    witnesses: str = "",
) -> Consent:
    if purpose not in ConsentPurpose.values or status not in ConsentStatus.values:
        raise ValidationError({"purpose": _("Unknown consent purpose or status.")})
    if person.is_child() and given_by == ConsentGiver.SELF:
        raise ValidationError(
            {
                "given_by": _(
                    "For a child, consent is given by a parent, guardian or authority; record the child's own view as assent."
                )
            }
        )
    values = {
        "purpose": purpose,
        "status": status,
        "given_by": given_by,
        "given_by_person": given_by_person,
        "given_on": given_on or timezone.localdate(),
        "witnesses": witnesses,
        "recorded_by": _user(actor),
    }
    consent: Consent = _create_child_record(actor, person, Compartment.IDENTITY, Consent, ObjectType.CONSENT, values)
    extensions.consent_recorded(actor=actor, person=person, consent=consent)
    return consent


@write_action
def assent_record(
    *, actor: Actor, person: Person, purpose: str, assent: str, views: str = "", recorded_on: date | None = None
) -> ChildAssent:
    if not person.is_child():
        raise ValidationError({"assent": _("Assent is recorded for children; adults give consent.")})
    if assent not in AssentChoice.values:
        raise ValidationError({"assent": _("Unknown assent value.")})
    values = {
        "purpose": purpose,
        "assent": assent,
        "views": views,
        "recorded_on": recorded_on or timezone.localdate(),
        "recorded_by": _user(actor),
    }
    return _create_child_record(actor, person, Compartment.IDENTITY, ChildAssent, ObjectType.ASSENT, values)


def consent_allows(person: Person, purpose: str) -> bool:
    """The latest recorded consent for ``purpose`` is a grant."""
    latest = person.consents.filter(purpose=purpose).order_by("-given_on", "-recorded_at").first()
    return latest is not None and latest.status == ConsentStatus.GRANTED


# --- Best-interests assessments ---------------------------------------------------


@write_action
def best_interests_record(
    *,
    actor: Actor,
    person: Person,
    purpose: str,
    assessed_on: date,
    recommendation: str,
    childs_views: str = "",
    views_not_sought_reason: str = "",
    reference: str = "",
) -> BestInterestsAssessment:
    """Record a best-interests assessment of a child (family compartment).

    Refused with a clear message for an adult, a date in the future or before
    the child's birth, no recommendation, or — for a child old enough to give
    views (``VIEWS_SOUGHT_FROM_AGE``) — neither their views nor why they were
    not sought."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not person.is_child(assessed_on or today):
        errors["person"] = _("A best-interests assessment is recorded for a child; this person is an adult.")
    if assessed_on and assessed_on > today:
        errors["assessed_on"] = _("The assessment date cannot be in the future.")
    elif assessed_on and person.birth_date_high and assessed_on < person.birth_date_high:
        errors["assessed_on"] = _("The assessment date is before the child was born.")
    if not recommendation.strip():
        errors["recommendation"] = _("Write the recommendation.")
    age = person.age(assessed_on or today)
    if age is not None and age >= VIEWS_SOUGHT_FROM_AGE and not childs_views.strip():
        if not views_not_sought_reason.strip():
            errors["childs_views"] = _(
                "Record the child's views, or why they could not be sought: "
                "from the age of %(age)d a child's views are part of the assessment."
            ) % {"age": VIEWS_SOUGHT_FROM_AGE}
    if errors:
        raise ValidationError(errors)
    values = {
        "purpose": purpose,
        "assessed_on": assessed_on,
        "assessor": _user(actor),
        "recommendation": recommendation.strip(),
        "childs_views": childs_views.strip(),
        "views_not_sought_reason": views_not_sought_reason.strip(),
        "reference": reference.strip(),
    }
    return _create_child_record(
        actor,
        person,
        Compartment.FAMILY,
        BestInterestsAssessment,
        ObjectType.BEST_INTERESTS,
        values,
        sensitive=("childs_views", "recommendation"),
    )


# --- Protected notes -----------------------------------------------------------


@write_action
def protected_note_add(*, actor: Actor, person: Person, compartment: str, body: str) -> ProtectedNote:
    comp = Compartment(compartment)
    if comp not in SEVERE_COMPARTMENTS:
        raise ValidationError({"compartment": _("Protected notes belong to a severe compartment.")})
    if not body.strip():
        raise ValidationError({"body": _("The note is empty.")})
    if comp == Compartment.JUSTICE_SECURITY and not person.definitely_at_least(
        settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY
    ):
        raise ValidationError(
            {
                "compartment": _(
                    "Persons below the age of criminal responsibility cannot have justice and security data."
                )
            }
        )
    return _create_child_record(
        actor,
        person,
        comp,
        ProtectedNote,
        ObjectType.NOTE,
        {"compartment": comp.value, "body": body.strip(), "author": _user(actor)},
        sensitive=("body",),
    )


def has_justice_restriction(person: Person) -> bool:
    return person.protected_notes.filter(compartment=Compartment.JUSTICE_SECURITY).exists()


# --- Assignment and break-the-glass ------------------------------------------------


@write_action
def assignment_add(*, actor: Actor, person: Person, user: Any) -> CaseAssignment:
    require_write(actor, person, Compartment.IDENTITY)
    assignment, created = CaseAssignment.objects.get_or_create(person=person, user=user, ended_at=None)
    if created:
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.ASSIGNMENT,
            object_ref=user.uuid,
            person_ref=person.uuid,
            changes=diff({}, {"assigned": user.get_username()}),
        )
    return assignment


@write_action
def break_glass_open(*, actor: Actor, person: Person, reason: str) -> BreakGlassAccess:
    user = _user(actor)
    if not has_capability(user, Capability.BREAK_GLASS):
        raise Denied(
            _("Your role cannot use break-the-glass access."),
            actor=actor,
            object_type=ObjectType.PERSON,
            object_ref=person.uuid,
            person_ref=person.uuid,
            why="no break-the-glass",
        )
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("Explain the emergency in at least 10 characters.")})
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        user=user,
        person=person,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + timedelta(minutes=settings.ZHUSAN_BREAK_GLASS_MINUTES),
    )
    record(
        actor,
        Action.BREAK_GLASS,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        person_ref=person.uuid,
        detail={"reason": reason.strip(), "expires_at": grant.expires_at.isoformat()},
    )
    accounts_services.break_glass_notify(grant)
    return grant


# --- Merge ---------------------------------------------------------------------------


@dataclass
class MergeOutcome:
    """Rows a merge moved to the survivor, and rows it left on the merged
    record because the survivor already had the same (a unique constraint
    refused the move). Each entry: ``{"model": label, "pk": …, "field": …}``."""

    moved: list[dict[str, Any]]
    kept: list[dict[str, Any]]


def _move_row(model: type[Model], pk: int, fieldname: str, to: Person, extra: dict[str, Any]) -> bool:
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=pk).update(**{fieldname: to, **extra})
    except IntegrityError:
        return False
    return True


def _row_ref(model: type[Model], pk: int) -> str:
    value = model._default_manager.filter(pk=pk).values_list("uuid", flat=True).first() if _has_uuid(model) else None
    return str(value if value is not None else pk)


def _has_uuid(model: type[Model]) -> bool:
    return any(f.name == "uuid" for f in model._meta.concrete_fields)


def _require_merge_rights(actor: Actor, persons: tuple[Person, Person]) -> None:
    for p in persons:
        for compartment in (Compartment.IDENTITY, Compartment.FAMILY):
            require_write(actor, p, compartment)


@write_action
def person_merge(*, actor: Actor, survivor: Person, merged: Person, detail: dict[str, Any]) -> MergeOutcome:
    """Merge ``merged`` into ``survivor``: every row of every app that names
    the merged person moves to the survivor (``merge.relations_to_move``),
    and the merged record is marked ``merged_into`` (it leaves every list
    and turns read-only). Rows of severe compartments move without being
    read; their audit events name the row, never its content. ``detail``
    (e.g. the merge record's id) goes into every audit event."""
    from .merge import relations_to_move

    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    _require_merge_rights(actor, (survivor, merged))
    if Person.objects.filter(pk__in=[survivor.pk, merged.pk], merged_into__isnull=False).exists():
        raise ValidationError(_("One of these records is already merged into another."))
    outcome = MergeOutcome(moved=[], kept=[])
    for relation in relations_to_move():
        model, fieldname = relation.model, relation.field
        for pk, is_primary in _rows_naming(model, fieldname, merged):
            entry: dict[str, Any] = {"model": model._meta.label, "pk": pk, "field": fieldname}
            extra: dict[str, Any] = {}
            if is_primary:  # the survivor keeps its own primary name
                extra["is_primary"] = False
                entry["was_primary"] = True
            (outcome.moved if _move_row(model, pk, fieldname, survivor, extra) else outcome.kept).append(entry)
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    merged.merged_into = survivor
    for entry in outcome.moved:
        _record_row_moved(actor, entry, apps.get_model(entry["model"]), merged, survivor, detail)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PERSON,
        object_ref=merged.uuid,
        person_ref=merged.uuid,
        changes=diff({"merged_into": None}, {"merged_into": survivor.case_number}),
        detail={**detail, "moved": len(outcome.moved), "kept": len(outcome.kept)},
    )
    return outcome


def _record_row_moved(
    actor: Actor,
    entry: dict[str, Any],
    model: type[Model],
    source: Person,
    target: Person,
    detail: dict[str, Any],
) -> None:
    """The audit event of one row a merge (or its undo) moved from ``source`` to ``target``."""
    record(
        actor,
        Action.UPDATE,
        object_type=object_type_of(model),
        object_ref=_row_ref(model, entry["pk"]),
        person_ref=target.uuid,
        changes=diff({entry["field"]: source.case_number}, {entry["field"]: target.case_number}),
        detail=detail,
    )


def _rows_naming(model: type[Model], fieldname: str, person: Person) -> list[tuple[int, bool]]:
    """(pk, was the person's primary name) of the rows whose ``fieldname`` is ``person``."""
    rows = model._default_manager.filter(**{fieldname: person}).order_by("pk")
    if model is PersonName:
        return list(rows.values_list("pk", "is_primary"))
    return [(pk, False) for pk in rows.values_list("pk", flat=True)]


@write_action
def person_unmerge(
    *, actor: Actor, survivor: Person, merged: Person, moved: list[dict[str, Any]], detail: dict[str, Any]
) -> list[dict[str, Any]]:
    """Undo ``person_merge``: the rows it moved go back to the merged record
    (rows deleted or re-pointed since are left as they are, and returned),
    and the merged record stands for a person again."""
    # The merged record is read-only while merged: the rights to undo are
    # those the reviewer would have on it as a record of its own.
    as_unmerged = copy.copy(merged)
    as_unmerged.merged_into_id = None
    _require_merge_rights(actor, (survivor, as_unmerged))
    if merged.merged_into_id != survivor.pk:
        raise ValidationError(_("This record is not merged into that one."))
    missing = []
    for entry in moved:
        model = apps.get_model(entry["model"])
        extra = {"is_primary": True} if entry.get("was_primary") else {}
        rows = model._default_manager.filter(pk=entry["pk"], **{entry["field"]: survivor})
        if not rows.exists():
            missing.append(entry)
            continue
        rows.update(**{entry["field"]: merged, **extra})
        _record_row_moved(actor, entry, model, survivor, merged, detail)
    Person.objects.filter(pk=merged.pk).update(merged_into=None)
    merged.merged_into = None
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PERSON,
        object_ref=merged.uuid,
        person_ref=merged.uuid,
        changes=diff({"merged_into": survivor.case_number}, {"merged_into": None}),
        detail={**detail, "not_restored": len(missing)},
    )
    return missing


# --- Nationality and the managing unit ------------------------------------------------
# Written by operations (the checklist's nationality item, the handover on
# arrival) and open to any app: each change is audited here.


@write_action
def nationality_set(*, actor: Actor, person: Person, country: str, status: str) -> PersonNationality:
    """Record a nationality claimed, verified or not confirmed (one row per country)."""
    require_write(actor, person, Compartment.IDENTITY)
    code = country.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValidationError({"country": _("Give the country as a two-letter ISO code, for example KZ.")})
    if status not in NationalityStatus.values:
        raise ValidationError({"status": _("Unknown nationality status.")})
    nationality = PersonNationality.objects.filter(person=person, country=code).first()
    before = {"country": code, "status": nationality.status} if nationality else {}
    if nationality is None:
        nationality = PersonNationality.objects.create(person=person, country=code, status=status)
    elif nationality.status != status:
        nationality.status = status
        nationality.save(update_fields=["status"])
    else:
        return nationality
    record(
        actor,
        Action.UPDATE if before else Action.CREATE,
        object_type=ObjectType.NATIONALITY,
        object_ref=f"{person.uuid}:{code}",
        person_ref=person.uuid,
        changes=diff(before, {"country": code, "status": status}),
    )
    return nationality


@write_action
def managing_unit_change(*, actor: Actor, person: Person, unit: Unit, reason: str, expected_version: int) -> Person:
    """Hand the case to another unit (a receiving centre on arrival); audited with the reason."""
    require_write(actor, person, Compartment.IDENTITY)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case changes unit.")})
    before = person.managing_unit
    if before.pk == unit.pk:
        return person
    person.managing_unit = unit
    save_versioned(person, expected_version=expected_version, fields=["managing_unit"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        person_ref=person.uuid,
        changes=diff({"managing_unit": str(before)}, {"managing_unit": str(unit)}),
        detail={"reason": reason.strip(), "from_unit": str(before.uuid), "to_unit": str(unit.uuid)},
    )
    return person


# --- Sealing at majority -------------------------------------------------------------


def _sealing_birthday(birth: date, years: int) -> date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + years, day=28)


#: Seals written per transaction by :func:`seal_at_majority`.
SEAL_CHUNK = 200


def seal_at_majority(*, actor: Actor, today: date | None = None) -> list[SealedCompartment]:
    """Seal the compartments the law seals at majority of every person who
    was a child when registered and has reached the sealing age by the latest
    possible birth day (``definitely_at_least``). Idempotent: a compartment
    sealed once (even if a court since lifted the seal) is not sealed again.

    The persons are read first, outside any transaction, then sealed
    ``SEAL_CHUNK`` at a time, each chunk its own transaction: a transaction
    that has written an audit event holds the chain's lock, and at a million
    persons the reading takes a minute (a chunk that fails leaves the earlier
    ones sealed; the next run goes on from there)."""
    compartments = access.sealed_compartments()
    if not compartments:
        return []
    today = today or timezone.localdate()
    age = access.sealing_age()
    latest_birth = _sealing_birthday(today, -age)
    done: set[tuple[int, str]] = set(
        SealedCompartment.objects.filter(compartment__in=compartments).values_list("person_id", "compartment")
    )
    due: list[tuple[Person, Compartment]] = []
    rows = Person.objects.not_merged().filter(birth_date_high__isnull=False, birth_date_high__lte=latest_birth)
    for person in rows.only("pk", "uuid", "birth_date_high", "created_at").iterator():
        assert person.birth_date_high is not None
        birthday = _sealing_birthday(person.birth_date_high, age)
        if person.created_at.date() >= birthday:
            continue  # registered as an adult: not a child's record
        due.extend((person, comp) for comp in sorted(compartments) if (person.pk, comp.value) not in done)
    made: list[SealedCompartment] = []
    for start in range(0, len(due), SEAL_CHUNK):
        made += _seal(actor=actor, today=today, age=age, due=due[start : start + SEAL_CHUNK])
    return made


@write_action
def _seal(*, actor: Actor, today: date, age: int, due: list[tuple[Person, Compartment]]) -> list[SealedCompartment]:
    made: list[SealedCompartment] = []
    for person, comp in due:
        seal = SealedCompartment.objects.create(
            person=person,
            compartment=comp.value,
            sealed_on=today,
            reason=_("Sealed at majority (age %(age)s) as the law requires.") % {"age": age},
        )
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.SEALED_COMPARTMENT,
            object_ref=seal.uuid,
            person_ref=person.uuid,
            changes=diff({}, {"compartment": comp.value, "sealed_on": today.isoformat()}),
        )
        made.append(seal)
    return made


def _require_sealed_reader(actor: Actor, seal: SealedCompartment, what: str) -> Any:
    user = _user(actor)
    role = access.sealed_record_reader_role()
    holds = any(g.role == role for g in active_grants(user))
    seen = access.access_for(user, seal.person).visible
    if not (holds and seen):
        raise Denied(
            _("Only the role named by law for sealed records may %(what)s, with a court reference.") % {"what": what},
            actor=actor,
            object_type=ObjectType.SEALED_COMPARTMENT,
            object_ref=seal.uuid,
            person_ref=seal.person.uuid,
            why=f"not the sealed-record reader ({what})",
        )
    return user


def _court_reference(value: str, field: str = "court_reference") -> str:
    value = (value or "").strip()
    if len(value) < 4:
        raise ValidationError({field: _("Enter the court order's reference (at least 4 characters).")})
    return value


@write_action
def sealed_access_open(*, actor: Actor, seal: SealedCompartment, court_reference: str) -> SealedCompartment:
    """Open a time-limited access to sealed data for the named role, on a
    court order (``ZHUSAN_SEALED_ACCESS_MINUTES``, default 60). Each read
    through it is audited with the reference (``access._apply_seals``)."""
    user = _require_sealed_reader(actor, seal, _("open sealed data"))
    reference = _court_reference(court_reference)
    if not seal.is_sealed:
        raise ValidationError({"court_reference": _("This compartment is no longer sealed.")})
    seal = SealedCompartment.objects.select_for_update().get(pk=seal.pk)
    seal.access_user = user
    seal.access_court_reference = reference
    seal.access_until = timezone.now() + timedelta(minutes=int(getattr(settings, "ZHUSAN_SEALED_ACCESS_MINUTES", 60)))
    seal.save(update_fields=["access_user", "access_court_reference", "access_until", "updated_at"])
    record(
        actor,
        Action.BREAK_GLASS,
        object_type=ObjectType.SEALED_COMPARTMENT,
        object_ref=seal.uuid,
        person_ref=seal.person.uuid,
        detail={
            "compartment": seal.compartment,
            "court_reference": reference,
            "expires_at": seal.access_until.isoformat(),
        },
    )
    return seal


@write_action
def seal_lift(*, actor: Actor, seal: SealedCompartment, court_reference: str) -> SealedCompartment:
    """Unseal, on a court order, by the named role only."""
    user = _require_sealed_reader(actor, seal, _("unseal"))
    reference = _court_reference(court_reference)
    if not seal.is_sealed:
        raise ValidationError({"court_reference": _("This compartment is no longer sealed.")})
    seal.unsealed_on = timezone.localdate()
    seal.unsealed_by = user
    seal.court_reference = reference
    seal.access_user = None
    seal.access_court_reference = ""
    seal.access_until = None
    seal.save()
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.SEALED_COMPARTMENT,
        object_ref=seal.uuid,
        person_ref=seal.person.uuid,
        changes=diff({"sealed": True}, {"sealed": False}),
        detail={"compartment": seal.compartment, "court_reference": reference},
    )
    return seal
