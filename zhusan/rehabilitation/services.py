"""Every write to centres, admissions, discharges and key workers: keyword-only,
typed, atomic, audited.

The rules that protect residents live here, whichever path writes (UI, API,
demo): a bed in a full room is refused; a mother and her young children are
admitted together, in one room, unless a best-interests decision separates
them; a child leaves only after a best-interests assessment of the discharge;
a resident who chose a female professional gets one unless a supervisor
overrides with a reason; a key worker over their caseload limit is assigned
only by someone who may approve it, with a reason. Lifecycle stages move
through ``registry.services.stage_change`` only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.permissions import Capability, Compartment, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.operations.services import CARER_RELATIONS, HOUSEHOLD_CARER_ROLES, carers_of
from zhusan.registry import services as registry
from zhusan.registry.access import access_for, may_write, reads_justice, stage_label, stage_shown
from zhusan.registry.models import (
    BestInterestsAssessment,
    BestInterestsPurpose,
    HouseholdMember,
    HouseholdRole,
    Person,
    RecordType,
    Stage,
)
from zhusan.registry.selectors import best_interests_for

from .models import (
    YOUNG_CHILD_AGE,
    Admission,
    Centre,
    Destination,
    Discipline,
    FamilySeparation,
    KeyWorker,
    Room,
    RoomMove,
    StaffMember,
)

logger = logging.getLogger(__name__)

# Stages of a person who is back in the country and may be admitted: arrived,
# or placed "in rehabilitation" by the arrival itself (operations).
ADMISSIBLE_STAGES = (Stage.REPATRIATED, Stage.IN_REHABILITATION)
# A loader replaying the history of persons whose stage already tells it
# (``change_stage=False``) admits anyone who came home and was not held.
REPLAY_STAGES = (*ADMISSIBLE_STAGES, Stage.REINTEGRATING, Stage.CLOSED)
# About a month in the centre (Akniet); the measures "before discharge" fall
# due a few days before the expected end.
EXPECTED_STAY_DAYS = 30
BEFORE_END_DAYS = 5


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise PermissionDenied(_("An authenticated user is required."))
    return actor.user


def _require_capability(actor: Actor, capability: Capability, *, object_type: ObjectType, ref: object = "") -> None:
    if not has_capability(_user(actor), capability):
        raise Denied(
            _("Your role cannot do this: %(c)s.") % {"c": capability.label},
            actor=actor,
            object_type=object_type,
            object_ref=ref,
            why=f"missing {capability}",
        )


def may_manage_residents(user: Any, person: Person) -> bool:
    """Admit, move, discharge, assign key workers: a role that writes the
    person's contact and location (case manager, social worker, consular
    officer), or one that approves care, with the person in its own scope."""
    access = access_for(user, person)
    if may_write(access, person, Compartment.CONTACT_LOCATION):
        return True
    return has_capability(user, Capability.APPROVE_CARE) and may_write(access, person, None)


def may_admit(user: Any) -> bool:
    """Admitting moves the stage and writes where the person lives."""
    return has_capability(user, Capability.CHANGE_STAGE) and any(
        Compartment.CONTACT_LOCATION in policy(g.role).write for g in active_grants(user)
    )


def _require_manage(actor: Actor, person: Person) -> None:
    user = _user(actor)
    if not may_manage_residents(user, person):
        raise Denied(
            _("You may not admit, move or discharge this person, nor assign their key workers."),
            actor=actor,
            object_type=ObjectType.ADMISSION,
            person_ref=person.uuid,
            why="cannot manage residents",
        )


def is_young_child(person: Person, on: date) -> bool:
    age = person.age(on)
    return age is not None and age < YOUNG_CHILD_AGE


def young_children_of(person: Person, on: date) -> list[Person]:
    """Children under ``YOUNG_CHILD_AGE`` for whom ``person`` is a recorded
    carer (mother, father, guardian; head or carer of their household)."""
    children: dict[int, Person] = {
        rel.to_person_id: rel.to_person
        for rel in person.relations_out.filter(kind__in=CARER_RELATIONS).select_related("to_person")
    }
    as_carer = HouseholdMember.objects.filter(person=person, role__in=HOUSEHOLD_CARER_ROLES).values("household_id")
    for member in (
        HouseholdMember.objects.filter(household_id__in=as_carer, role=HouseholdRole.CHILD)
        .exclude(person=person)
        .select_related("person")
    ):
        children.setdefault(member.person_id, member.person)
    return [
        c
        for c in children.values()
        if c.merged_into_id is None and c.record_type == RecordType.SUBJECT and is_young_child(c, on)
    ]


def _present(person: Person, replay: bool = False) -> bool:
    """Back in the country and in the programme: the family rule applies."""
    return person.stage in (REPLAY_STAGES if replay else ADMISSIBLE_STAGES)


def _label(person: Person) -> str:
    name = person.primary_name
    return f"{person.case_number} ({name.full})" if name is not None and name.full else person.case_number


# --- Centres, rooms, staff (configuration; the admin writes through these too) -------


@write_action
def centre_create(
    *,
    actor: Actor,
    name: str,
    region: str,
    town: str,
    unit: Any,
    address: str = "",
    caseload_limits: dict[str, int] | None = None,
) -> Centre:
    _require_capability(actor, Capability.ADMINISTER, object_type=ObjectType.CENTRE)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the centre.")
    elif Centre.objects.filter(name=name.strip()).exists():
        errors["name"] = _("A centre with this name exists.")
    if not region.strip():
        errors["region"] = _("Give the centre's region.")
    if not town.strip():
        errors["town"] = _("Give the centre's town.")
    limits = caseload_limits or {}
    if any(k not in Discipline.values or not isinstance(v, int) or v < 1 for k, v in limits.items()):
        errors["caseload_limits"] = _("Caseload limits are whole numbers of at least 1, by discipline.")
    if errors:
        raise ValidationError(errors)
    centre = Centre.objects.create(
        name=name.strip(),
        region=region.strip(),
        town=town.strip(),
        address=address.strip(),
        unit=unit,
        caseload_limits=limits,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.CENTRE,
        object_ref=centre.uuid,
        changes=diff({}, {"name": centre.name, "region": centre.region, "town": centre.town, "limits": limits}),
    )
    return centre


@write_action
def room_create(
    *, actor: Actor, centre: Centre, name: str, beds: int, mothers_with_young_children: bool = False
) -> Room:
    _require_capability(actor, Capability.ADMINISTER, object_type=ObjectType.ROOM)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the room.")
    elif Room.objects.filter(centre=centre, name=name.strip()).exists():
        errors["name"] = _("This centre already has a room with this name.")
    if beds < 1:
        errors["beds"] = _("A room has at least one bed.")
    if errors:
        raise ValidationError(errors)
    room = Room.objects.create(
        centre=centre, name=name.strip(), beds=beds, mothers_with_young_children=mothers_with_young_children
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.ROOM,
        object_ref=room.uuid,
        changes=diff(
            {},
            {
                "centre": str(centre.uuid),
                "name": room.name,
                "beds": beds,
                "mothers_with_young_children": mothers_with_young_children,
            },
        ),
    )
    return room


@write_action
def staff_member_add(
    *,
    actor: Actor,
    user: Any,
    centre: Centre,
    discipline: str,
    is_female: bool,
    supervisor: Any | None = None,
) -> StaffMember:
    _require_capability(actor, Capability.ADMINISTER, object_type=ObjectType.STAFF_MEMBER)
    errors: dict[str, str] = {}
    if discipline not in Discipline.values:
        errors["discipline"] = _("Unknown discipline.")
    if StaffMember.objects.filter(user=user).exists():
        errors["user"] = _("This user is already on a centre's staff roster.")
    if supervisor is not None and supervisor == user:
        errors["supervisor"] = _("Nobody supervises themselves.")
    if errors:
        raise ValidationError(errors)
    member = StaffMember.objects.create(
        user=user, centre=centre, discipline=discipline, is_female=is_female, supervisor=supervisor
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.STAFF_MEMBER,
        object_ref=member.uuid,
        changes=diff(
            {},
            {
                "user": user.username,
                "centre": str(centre.uuid),
                "discipline": discipline,
                "is_female": is_female,
                "supervisor": supervisor.username if supervisor else None,
            },
        ),
    )
    return member


# --- Admission ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentInput:
    """One person admitted in a group (a mother with her children …)."""

    person: Person
    room: Room
    prefers_female_professional: bool = False


@dataclass(frozen=True)
class SeparationInput:
    """A decision that ``child`` is not admitted with ``carer``: the
    best-interests assessment (purpose separation) and why."""

    child: Person
    carer: Person
    justification: str
    assessed_on: date
    recommendation: str
    childs_views: str = ""
    views_not_sought_reason: str = ""
    reference: str = ""


def _occupied(room: Room, *, leaving: Sequence[Admission] = ()) -> int:
    return Admission.objects.open().filter(room=room).exclude(pk__in=[a.pk for a in leaving]).count()


def _check_beds(arrivals: dict[int, tuple[Room, list[Person]]], *, leaving: Sequence[Admission] = ()) -> dict[str, str]:
    """Refuse a bed in a full room: ``arrivals`` maps room pk to the persons
    who would take its beds."""
    for room, persons in arrivals.values():
        free = room.beds - _occupied(room, leaving=leaving)
        if len(persons) > free:
            return {
                "room": _(
                    "Room %(room)s is full: %(beds)d beds, %(free)d free, %(wanted)d needed. "
                    "Choose another room or move a resident first."
                )
                % {"room": room.name, "beds": room.beds, "free": max(free, 0), "wanted": len(persons)}
            }
    return {}


def _separated(child: Person, carer: Person, pending: set[tuple[int, int]]) -> bool:
    if (child.pk, carer.pk) in pending:
        return True
    return FamilySeparation.objects.filter(child=child, carer=carer).exists()


def family_problems(
    *,
    centre: Centre,
    admitted_on: date,
    rooms: dict[int, Room],
    separations: Sequence[SeparationInput],
    replay: bool = False,
) -> list[str]:
    """Why this group may not be admitted as it stands (family unity), one
    message per child and carer; empty when it may. ``rooms`` maps each
    admitted person's pk to their room."""
    pending = {(s.child.pk, s.carer.pk) for s in separations}
    group = set(rooms)
    problems: list[str] = []
    persons = {p.pk: p for p in Person.objects.filter(pk__in=group)}
    pairs: set[tuple[int, int]] = set()
    for person in list(persons.values()):
        if is_young_child(person, admitted_on):
            for carer in carers_of(person):
                pairs.add((person.pk, carer.pk))
                persons.setdefault(carer.pk, carer)
        for child in young_children_of(person, admitted_on):
            pairs.add((child.pk, person.pk))
            persons.setdefault(child.pk, child)
    open_rooms = dict(
        Admission.objects.open()
        .filter(person_id__in=[pk for p in pairs for pk in p])
        .values_list("person_id", "room_id")
    )
    for child_pk, carer_pk in sorted(pairs):
        child, carer = persons[child_pk], persons[carer_pk]
        if not _present(child, replay) or not _present(carer, replay) or _separated(child, carer, pending):
            continue
        child_room = rooms[child_pk].pk if child_pk in rooms else open_rooms.get(child_pk)
        carer_room = rooms[carer_pk].pk if carer_pk in rooms else open_rooms.get(carer_pk)
        if child_room is not None and child_room == carer_room:
            continue
        if child_pk in group and carer_pk in group:
            problems.append(
                _("%(child)s is under %(age)d and stays in the room of %(carer)s.")
                % {"child": _label(child), "age": YOUNG_CHILD_AGE, "carer": _label(carer)}
            )
        elif child_pk in group:
            where = _("is in another room") if carer_room is not None else _("is not being admitted")
            problems.append(
                _("%(child)s is under %(age)d: their carer %(carer)s %(where)s. Admit them together, in one room.")
                % {"child": _label(child), "age": YOUNG_CHILD_AGE, "carer": _label(carer), "where": where}
            )
        else:
            problems.append(
                _(
                    "%(carer)s's child %(child)s is under %(age)d and is not admitted with them. Admit them together, "
                    "in one room."
                )
                % {"child": _label(child), "age": YOUNG_CHILD_AGE, "carer": _label(carer)}
            )
    if problems:
        problems.append(
            _(
                "A young child is separated from a carer only under a recorded decision: a best-interests "
                "assessment and a justification."
            )
        )
    return problems


def _stage_as_seen(actor: Actor, person: Person) -> str:
    """A person's stage as the actor may read it ("Restriction applies" for a custody to a care role)."""
    justice = actor.user is not None and reads_justice(access_for(actor.user, person))
    return stage_label(stage_shown(person.stage, justice=justice))


@write_action
def admission_create(
    *,
    actor: Actor,
    centre: Centre,
    admitted_on: date,
    residents: Sequence[ResidentInput],
    separations: Sequence[SeparationInput] = (),
    change_stage: bool = True,
) -> list[Admission]:
    """Admit one person or a family to ``centre`` on ``admitted_on``.

    Each person is back in the country (stage repatriated, or placed in
    rehabilitation by the arrival) and not already resident; each room is
    the centre's and has the beds; a young child goes to a room for mothers
    with young children, with their carer, unless ``separations`` records
    the decision. The stage moves to "in rehabilitation" (``change_stage``
    False leaves it, for a loader whose persons already have their stage).
    Nothing is written when anything is refused."""
    user = _user(actor)
    if not residents:
        raise ValidationError({"residents": _("Choose who is admitted.")})
    for resident in residents:
        _require_manage(actor, resident.person)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if admitted_on > today:
        errors["admitted_on"] = _("The admission date cannot be in the future.")
    admissible = ADMISSIBLE_STAGES if change_stage else REPLAY_STAGES
    seen: set[int] = set()
    for resident in residents:
        person = resident.person
        if person.pk in seen:
            errors["residents"] = _("%(p)s is listed twice.") % {"p": _label(person)}
        seen.add(person.pk)
        if resident.room.centre_id != centre.pk:
            errors["room"] = _("Room %(room)s is not in %(centre)s.") % {"room": resident.room.name, "centre": centre}
        if person.record_type != RecordType.SUBJECT or person.stage not in admissible:
            errors["residents"] = _(
                "%(p)s cannot be admitted: only a person who has arrived (repatriated) is admitted to a centre; "
                "this person is %(stage)s."
            ) % {"p": _label(person), "stage": _stage_as_seen(actor, person) if person.stage else _("a relative")}
        elif Admission.objects.open().filter(person=person).exists():
            errors["residents"] = _("%(p)s is already resident in a centre.") % {"p": _label(person)}
        elif is_young_child(person, admitted_on) and not resident.room.mothers_with_young_children:
            errors["room"] = _("%(p)s is under %(age)d: choose a room for mothers with young children.") % {
                "p": _label(person),
                "age": YOUNG_CHILD_AGE,
            }
    if errors:
        raise ValidationError(errors)
    by_room: dict[int, tuple[Room, list[Person]]] = {}
    for resident in residents:
        by_room.setdefault(resident.room.pk, (resident.room, []))[1].append(resident.person)
    errors |= _check_beds(by_room)
    for sep in separations:
        if sep.child.pk not in seen and sep.carer.pk not in seen:
            errors["separations"] = _("A separation decision names a child or carer of this admission.")
        elif not sep.justification.strip():
            errors["justification"] = _("Write why the child is separated from the carer.")
    if errors:
        raise ValidationError(errors)
    rooms = {r.person.pk: r.room for r in residents}
    problems = family_problems(
        centre=centre, admitted_on=admitted_on, rooms=rooms, separations=separations, replay=not change_stage
    )
    if problems:
        raise ValidationError({"residents": " ".join(problems)})
    admissions: list[Admission] = []
    for resident in residents:
        admission = Admission.objects.create(
            person=resident.person,
            centre=centre,
            room=resident.room,
            admitted_on=admitted_on,
            prefers_female_professional=resident.prefers_female_professional,
            admitted_by=user,
        )
        admissions.append(admission)
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.ADMISSION,
            object_ref=admission.uuid,
            person_ref=resident.person.uuid,
            changes=diff(
                {},
                {
                    "centre": str(centre.uuid),
                    "room": str(resident.room.uuid),
                    "admitted_on": admitted_on,
                    "prefers_female_professional": resident.prefers_female_professional,
                },
            ),
        )
    by_person = {a.person_id: a for a in admissions}
    for sep in separations:
        _record_separation(actor, sep, by_person.get(sep.child.pk) or by_person[sep.carer.pk])
    if change_stage:
        for resident in residents:
            person = resident.person
            person.refresh_from_db(fields=["stage", "version"])
            if person.stage == Stage.REPATRIATED:
                registry.stage_change(
                    actor=actor,
                    person=person,
                    to_stage=Stage.IN_REHABILITATION,
                    reason=_("Admitted to %(centre)s on %(day)s.") % {"centre": centre.name, "day": admitted_on},
                    expected_version=person.version,
                )
    # A replay of history (``change_stage=False``: the demo, an import of past
    # stays) schedules nothing: instruments due years ago are not work to do.
    if change_stage:
        for admission in admissions:
            _schedule_instruments(actor, admission.person, admitted_on=admitted_on)
    return admissions


def _record_separation(actor: Actor, sep: SeparationInput, admission: Admission) -> FamilySeparation:
    try:
        assessment = registry.best_interests_record(
            actor=actor,
            person=sep.child,
            purpose=BestInterestsPurpose.SEPARATION,
            assessed_on=sep.assessed_on,
            recommendation=sep.recommendation,
            childs_views=sep.childs_views,
            views_not_sought_reason=sep.views_not_sought_reason,
            reference=sep.reference,
        )
    except ValidationError as exc:
        raise ValidationError({f"separation_{k}": v for k, v in exc.message_dict.items()}) from exc
    separation = FamilySeparation.objects.create(
        admission=admission,
        child=sep.child,
        carer=sep.carer,
        assessment=assessment,
        justification=sep.justification.strip(),
        by=_user(actor),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.FAMILY_SEPARATION,
        object_ref=separation.uuid,
        person_ref=sep.child.uuid,
        changes=diff(
            {},
            {
                "carer": str(sep.carer.uuid),
                "assessment": str(assessment.uuid),
                "justification": separation.justification,
            },
            sensitive=("justification",),
        ),
    )
    return separation


def _schedule_instruments(
    actor: Actor, person: Person, *, admitted_on: date | None = None, discharged_on: date | None = None
) -> None:
    """Ask the instruments app to schedule its measures: a baseline on
    admission and one before the expected end of the stay; follow-ups after
    discharge. A schedule that cannot be made (the instrument's age rules,
    the actor's rights) is logged and never undoes the admission."""
    from zhusan.instruments import services as instruments

    try:
        if admitted_on is not None:
            instruments.schedule_admission(actor=actor, person=person, admitted_on=admitted_on)
            instruments.schedule_before_discharge(
                actor=actor, person=person, due_on=admitted_on + timedelta(days=EXPECTED_STAY_DAYS - BEFORE_END_DAYS)
            )
        if discharged_on is not None:
            instruments.schedule_follow_up(actor=actor, person=person, discharged_on=discharged_on)
    except (PermissionDenied, ValidationError):
        logger.warning("instruments not scheduled for %s", person.case_number, exc_info=True)


# --- Room change ------------------------------------------------------------------


@write_action
def room_change(*, actor: Actor, admission: Admission, room: Room, moved_on: date, expected_version: int) -> Admission:
    """Move a resident to another room of the same centre. A carer's young
    children in the same room move with them; a young child does not leave
    their carer's room unless a separation decision is recorded."""
    user = _user(actor)
    _require_manage(actor, admission.person)
    errors: dict[str, str] = {}
    if not admission.is_open:
        errors["room"] = _("This stay has ended: a discharged person has no room.")
    elif room.centre_id != admission.centre_id:
        errors["room"] = _("Choose a room of %(centre)s.") % {"centre": admission.centre}
    elif room.pk == admission.room_id:
        errors["room"] = _("The resident is already in this room.")
    if moved_on > timezone.localdate():
        errors["moved_on"] = _("The date cannot be in the future.")
    elif moved_on < admission.admitted_on:
        errors["moved_on"] = _("The date cannot be before the admission (%(d)s).") % {"d": admission.admitted_on}
    if errors:
        raise ValidationError(errors)
    person = admission.person
    movers = [admission]
    if is_young_child(person, moved_on):
        if not room.mothers_with_young_children:
            raise ValidationError(
                {
                    "room": _("A child under %(age)d stays in a room for mothers with young children.")
                    % {"age": YOUNG_CHILD_AGE}
                }
            )
        carers_here = [
            c
            for c in carers_of(person)
            if Admission.objects.open().filter(person=c, room_id=admission.room_id).exists()
            and not _separated(person, c, set())
        ]
        if carers_here:
            raise ValidationError(
                {
                    "room": _("%(child)s stays with %(carer)s: move the carer, and the child moves with them.")
                    % {"child": _label(person), "carer": _label(carers_here[0])}
                }
            )
    else:
        children = young_children_of(person, moved_on)
        movers += list(
            Admission.objects.open().filter(person__in=children, room_id=admission.room_id).select_related("person")
        )
        if len(movers) > 1 and not room.mothers_with_young_children:
            raise ValidationError(
                {
                    "room": _(
                        "This resident's young children move with them: choose a room for mothers with young children."
                    )
                }
            )
    errors = _check_beds({room.pk: (room, [m.person for m in movers])})
    if errors:
        raise ValidationError(errors)
    for mover in movers:
        from_room = mover.room
        mover.room = room
        expected = expected_version if mover.pk == admission.pk else mover.version
        save_versioned(mover, expected_version=expected, fields=["room"])
        RoomMove.objects.create(admission=mover, from_room=from_room, to_room=room, moved_on=moved_on, by=user)
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.ADMISSION,
            object_ref=mover.uuid,
            person_ref=mover.person.uuid,
            changes=diff({"room": str(from_room.uuid)}, {"room": str(room.uuid)}),
            detail={"moved_on": moved_on.isoformat()},
        )
    admission.refresh_from_db()
    return admission


# --- Discharge ------------------------------------------------------------------------


@dataclass(frozen=True)
class BestInterestsInput:
    """A best-interests assessment recorded with the decision that needs it."""

    assessed_on: date
    recommendation: str
    childs_views: str = ""
    views_not_sought_reason: str = ""
    reference: str = ""


DESTINATION_STAGE = {Destination.CUSTODY: Stage.IN_CUSTODY}


def discharge_needs_assessment(admission: Admission, discharged_on: date | None = None) -> bool:
    """A child's discharge needs a best-interests assessment made during the stay."""
    day = discharged_on or timezone.localdate()
    return admission.person.is_child(day) and (
        best_interests_for(admission.person, (BestInterestsPurpose.DISCHARGE,), since=admission.admitted_on) is None
    )


@write_action
def admission_discharge(
    *,
    actor: Actor,
    admission: Admission,
    discharged_on: date,
    destination: str,
    summary: str,
    expected_version: int,
    best_interests: BestInterestsInput | None = None,
    change_stage: bool = True,
) -> Admission:
    """Discharge a resident: the date (not before admission, not in the
    future), where they go, a summary. A child needs a best-interests
    assessment of the discharge (with their views where age allows): one
    made during the stay, or ``best_interests`` recorded here, in the same
    transaction. The stage moves to "reintegrating", or "in custody"."""
    user = _user(actor)
    person = admission.person
    _require_manage(actor, person)
    errors: dict[str, str] = {}
    if not admission.is_open:
        errors["discharged_on"] = _("This stay has already ended (%(d)s).") % {"d": admission.discharged_on}
    if discharged_on > timezone.localdate():
        errors["discharged_on"] = _("The discharge date cannot be in the future.")
    elif discharged_on < admission.admitted_on:
        errors["discharged_on"] = _("The discharge date cannot be before the admission (%(d)s).") % {
            "d": admission.admitted_on
        }
    if destination not in Destination.values:
        errors["destination"] = _("Choose where the person goes.")
    elif destination == Destination.CUSTODY and not person.definitely_at_least(
        settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY, discharged_on
    ):
        errors["destination"] = _("A person below the age of criminal responsibility is never discharged to custody.")
    if not summary.strip():
        errors["summary"] = _("Write a summary of the stay.")
    if errors:
        raise ValidationError(errors)
    assessment: BestInterestsAssessment | None = None
    if person.is_child(discharged_on):
        if best_interests is not None:
            if best_interests.assessed_on < admission.admitted_on:
                raise ValidationError(
                    {"assessed_on": _("The assessment is made during the stay, on or after the admission.")}
                )
            assessment = registry.best_interests_record(
                actor=actor,
                person=person,
                purpose=BestInterestsPurpose.DISCHARGE,
                assessed_on=best_interests.assessed_on,
                recommendation=best_interests.recommendation,
                childs_views=best_interests.childs_views,
                views_not_sought_reason=best_interests.views_not_sought_reason,
                reference=best_interests.reference,
            )
        else:
            assessment = best_interests_for(person, (BestInterestsPurpose.DISCHARGE,), since=admission.admitted_on)
        if assessment is None:
            raise ValidationError(
                {
                    "recommendation": _(
                        "%(p)s is a child: record a best-interests assessment of the discharge, with the "
                        "child's views where age allows, before they leave."
                    )
                    % {"p": person.case_number}
                }
            )
    admission.discharged_on = discharged_on
    admission.destination = destination
    admission.discharge_summary = summary.strip()
    admission.discharge_assessment = assessment
    admission.discharged_by = user
    save_versioned(
        admission,
        expected_version=expected_version,
        fields=["discharged_on", "destination", "discharge_summary", "discharge_assessment", "discharged_by"],
    )
    ended = KeyWorker.objects.filter(person=person, ended_on__isnull=True).update(ended_on=discharged_on)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.ADMISSION,
        object_ref=admission.uuid,
        person_ref=person.uuid,
        changes=diff(
            {"discharged_on": None, "destination": "", "summary": ""},
            {"discharged_on": discharged_on, "destination": destination, "summary": admission.discharge_summary},
            sensitive=("summary",),
        ),
        detail={
            "length_of_stay_days": admission.length_of_stay(),
            "key_workers_ended": ended,
            "best_interests": str(assessment.uuid) if assessment else "",
        },
    )
    if change_stage:
        person.refresh_from_db(fields=["stage", "version"])
        target = DESTINATION_STAGE.get(Destination(destination), Stage.REINTEGRATING)
        if person.stage != target:
            registry.stage_change(
                actor=actor,
                person=person,
                to_stage=target,
                reason=_("Discharged from %(centre)s on %(day)s (%(dest)s).")
                % {"centre": admission.centre.name, "day": discharged_on, "dest": Destination(destination).label},
                expected_version=person.version,
            )
        _schedule_instruments(actor, person, discharged_on=discharged_on)
    return admission


# --- Key workers and caseloads -----------------------------------------------------------


def caseload_count(user: Any) -> int:
    """Residents the user is the current key worker of."""
    return KeyWorker.objects.filter(user=user, ended_on__isnull=True).count()


def may_override_preference(actor_user: Any, member: StaffMember) -> bool:
    """A male professional for a resident who chose a female one: the
    professional's supervisor, or someone who approves care."""
    return member.supervisor_id == actor_user.pk or has_capability(actor_user, Capability.APPROVE_CARE)


@write_action
def key_worker_assign(
    *,
    actor: Actor,
    person: Person,
    user: Any,
    discipline: str,
    started_on: date,
    reason: str = "",
) -> KeyWorker:
    """Make ``user`` the resident's key worker for ``discipline`` (ending the
    current one, if any). The resident's choice of a female professional is
    honoured unless a supervisor overrides it with a reason; over the
    caseload limit only someone who approves care assigns, with a reason."""
    actor_user = _user(actor)
    _require_manage(actor, person)
    admission = Admission.objects.open().select_related("centre").filter(person=person).first()
    errors: dict[str, str] = {}
    if admission is None:
        raise ValidationError({"person": _("Key workers are assigned to residents: admit the person first.")})
    if discipline not in Discipline.values:
        errors["discipline"] = _("Unknown discipline.")
    member = StaffMember.objects.filter(user=user, active=True).first()
    if member is None or member.centre_id != admission.centre_id:
        errors["user"] = _("Choose an active member of the staff of %(centre)s.") % {"centre": admission.centre}
    elif member.discipline != discipline:
        errors["user"] = _("%(u)s is a %(d)s, not a %(want)s.") % {
            "u": user.get_full_name() or user.username,
            "d": Discipline(member.discipline).label.lower(),
            "want": Discipline(discipline).label.lower() if discipline in Discipline.values else discipline,
        }
    if started_on > timezone.localdate():
        errors["started_on"] = _("The date cannot be in the future.")
    elif started_on < admission.admitted_on:
        errors["started_on"] = _("The date cannot be before the admission (%(d)s).") % {"d": admission.admitted_on}
    current = KeyWorker.objects.filter(person=person, discipline=discipline, ended_on__isnull=True).first()
    if current is not None and current.user_id == getattr(user, "pk", None):
        errors["user"] = _("%(u)s is already this resident's key worker.") % {
            "u": user.get_full_name() or user.username
        }
    if errors:
        raise ValidationError(errors)
    assert member is not None
    against_preference = admission.prefers_female_professional and not member.is_female
    limit = admission.centre.caseload_limit(discipline)
    load = caseload_count(user)
    over_limit = load >= limit
    if against_preference:
        if not may_override_preference(actor_user, member):
            raise ValidationError(
                {
                    "user": _(
                        "This resident chose a female professional. Choose a woman, or ask %(who)s to override "
                        "the choice with a reason."
                    )
                    % {"who": _("the professional's supervisor")}
                }
            )
        if not reason.strip():
            errors["reason"] = _("Say why a male professional is assigned although the resident chose a female one.")
    if over_limit:
        if not has_capability(actor_user, Capability.APPROVE_CARE):
            raise ValidationError(
                {
                    "user": _(
                        "%(u)s already has %(n)d residents (limit %(limit)d). Only a supervisor who approves care "
                        "may assign more, with a reason."
                    )
                    % {"u": user.get_full_name() or user.username, "n": load, "limit": limit}
                }
            )
        if not reason.strip():
            errors["reason"] = _("%(u)s is at or over the caseload limit (%(n)d of %(limit)d): say why.") % {
                "u": user.get_full_name() or user.username,
                "n": load,
                "limit": limit,
            }
    if errors:
        raise ValidationError(errors)
    if current is not None:
        current.ended_on = max(started_on, current.started_on)
        current.save(update_fields=["ended_on", "updated_at"])
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.KEY_WORKER,
            object_ref=current.uuid,
            person_ref=person.uuid,
            changes=diff({"ended_on": None}, {"ended_on": current.ended_on}),
        )
    key_worker = KeyWorker.objects.create(
        person=person,
        user=user,
        discipline=discipline,
        started_on=started_on,
        over_limit=over_limit,
        against_preference=against_preference,
        reason=reason.strip() if (over_limit or against_preference) else "",
        assigned_by=actor_user,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.KEY_WORKER,
        object_ref=key_worker.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "user": user.username,
                "discipline": discipline,
                "started_on": started_on,
                "over_limit": over_limit,
                "against_preference": against_preference,
                "reason": key_worker.reason,
            },
        ),
        detail={"caseload_before": load, "limit": limit},
    )
    return key_worker


@write_action
def key_worker_end(*, actor: Actor, key_worker: KeyWorker, ended_on: date) -> KeyWorker:
    _require_manage(actor, key_worker.person)
    if key_worker.ended_on is not None:
        raise ValidationError({"ended_on": _("This assignment has already ended.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if ended_on < key_worker.started_on:
        raise ValidationError({"ended_on": _("The date cannot be before the assignment began.")})
    key_worker.ended_on = ended_on
    key_worker.save(update_fields=["ended_on", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.KEY_WORKER,
        object_ref=key_worker.uuid,
        person_ref=key_worker.person.uuid,
        changes=diff({"ended_on": None}, {"ended_on": ended_on}),
    )
    return key_worker
