"""The one access path to persons: which persons a user may see, and what
they may read and write of each.

Every view, API view, service and selector of every app asks here:

- ``visible_to(user)``: the persons a user may see, as a queryset; merged
  duplicates are left out unless asked for;
- ``access_for(user, person)``: the compartments the user may read and write
  on one person;
- ``access_for_many(user, persons)``: the same for many persons at once, in
  one query per kind of grant the user holds (never one per person);
- ``require_write(actor, person, compartment)``: the one check every service
  makes before it writes a person's data (refused and audited otherwise).

Rights come from the user's role grants (``zhusan.accounts.access``); a
break-the-glass access reads and never writes; a record merged into another
is read-only for everyone. Whatever a user does to a person they reach only
through break-the-glass is marked so in the audit trail (``note_access``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import (
    NO_ACCESS,
    PersonAccess,
    active_grants,
    grant_filter,
    may_break_glass,
    visible_persons_filter,
)
from zhusan.accounts.models import BreakGlassAccess
from zhusan.accounts.permissions import Capability, Compartment, Detail, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, note_access, record

from .models import NameKind, Person, PersonName, PersonQuerySet, SealedCompartment, Stage, TimelineEntry

if TYPE_CHECKING:
    from zhusan.accounts.models import User

# Person keys per query when checking many persons (SQLite binds at most
# 32,766 variables per statement; PostgreSQL plans long IN lists poorly).
CHUNK = 2000


def visible_to(
    user: User | Any,
    *,
    capability: Capability | None = None,
    include_merged: bool = False,
) -> PersonQuerySet:
    """The persons ``user`` may see through their role grants.

    With ``capability``, only grants of roles holding it count (a case-level
    export reaches no person seen through another role). Break-the-glass
    access opens one record at a time and never adds persons to a list.
    Not audited: the caller audits the list or search it makes with it.
    """
    qs: PersonQuerySet = Person.objects.all() if include_merged else Person.objects.not_merged()
    condition = visible_persons_filter(user, include_break_glass=False, capability=capability)
    if condition is None:
        return qs.none()
    if condition == Q():
        return qs
    # A semi-join rather than a join + DISTINCT: the scope conditions follow
    # to-many relations (assignments), and callers go on to annotate, order
    # and count the queryset.
    return qs.filter(pk__in=Person.objects.filter(condition).values("pk"))


def access_for(user: User | Any, person: Person) -> PersonAccess:
    """Compartments ``user`` may read and write on ``person``."""
    return access_for_many(user, [person]).get(person.pk, NO_ACCESS)


def access_for_many(user: User | Any, persons: Iterable[Person]) -> dict[int, PersonAccess]:
    """``access_for`` for each person, keyed by primary key, in a bounded
    number of queries: one per distinct scope among the user's grants, and
    one for break-the-glass."""
    people = {p.pk: p for p in persons}
    if not people or not user.is_authenticated or not user.is_active:
        return dict.fromkeys(people, NO_ACCESS)
    read: dict[int, set[Compartment]] = {pk: set() for pk in people}
    write: dict[int, set[Compartment]] = {pk: set() for pk in people}
    flag: dict[int, bool] = dict.fromkeys(people, False)
    # A detail is withheld only if every grant reaching the person withholds it.
    withheld: dict[int, set[Detail] | None] = dict.fromkeys(people)
    grants = active_grants(user)
    reached: dict[str, set[int]] = {}  # persons reached, per scope condition (grants often share one)
    for grant in grants:
        condition = grant_filter(grant, user)
        if condition is None:
            continue
        key = str(condition)
        if key not in reached:
            reached[key] = set(people) if condition == Q() else _matching(condition, list(people))
        pol = policy(grant.role)
        for pk in reached[key]:
            read[pk] |= pol.read
            write[pk] |= pol.write
            flag[pk] = flag[pk] or pol.sees_restriction_flag
            before = withheld[pk]
            withheld[pk] = set(pol.withholds) if before is None else before & pol.withholds
    glass: set[int] = set()
    outside = [pk for pk in people if not read[pk]]
    if outside and may_break_glass(user):
        now = timezone.now()
        glass = set(
            BreakGlassAccess.objects.filter(
                user=user, person_id__in=outside, started_at__lte=now, expires_at__gt=now
            ).values_list("person_id", flat=True)
        )
        every_read = frozenset().union(*(policy(g.role).read for g in grants))
        sees_flag = any(policy(g.role).sees_restriction_flag for g in grants)
        every_withheld = set(Detail).intersection(*(policy(g.role).withholds for g in grants))
        for pk in glass:
            read[pk] |= every_read
            flag[pk] = sees_flag
            withheld[pk] = every_withheld
            write[pk] = set()  # emergency access reads; it never writes
    _apply_seals(user, people, read, write)
    for pk, person in people.items():
        note_access(user, person.uuid, via_break_glass=pk in glass)
    return {
        pk: PersonAccess(
            frozenset(read[pk]),
            # A record merged into another is kept for its history: read-only.
            frozenset() if people[pk].merged_into_id is not None else frozenset(write[pk]),
            flag[pk],
            pk in glass,
            frozenset(withheld[pk] or ()),
        )
        for pk in people
    }


# --- Sealing at majority ------------------------------------------------------------
#
# A compartment sealed at majority (``SealedCompartment``) is read by nobody,
# whatever their role, but the one holding the named role's open access to
# that seal (entered with a court reference); it is written by nobody. Each
# read through such an access is audited with its court reference.


def sealing_age() -> int:
    return int(getattr(settings, "ZHUSAN_SEALING_AGE", 18))


def sealed_compartments() -> frozenset[Compartment]:
    """The compartments sealed at majority (none where the law does not ask it)."""
    names = getattr(settings, "ZHUSAN_SEALED_COMPARTMENTS", [Compartment.JUSTICE_SECURITY.value])
    return frozenset(Compartment(n) for n in names if n)


def sealed_record_reader_role() -> str:
    """The one role that may open sealed data and lift a seal, with a court reference."""
    return str(getattr(settings, "ZHUSAN_SEALED_RECORD_READER_ROLE", "security_liaison"))


def _may_be_sealed(person: Person, today: date) -> bool:
    # A seal is made on the sealing birthday: a person who cannot yet be of
    # that age holds none, so most checks (children, adults whom no reader of
    # a sealed compartment reaches) cost no query.
    low = person.birth_date_low
    if low is None:
        return False
    try:
        birthday = low.replace(year=low.year + sealing_age())
    except ValueError:  # 29 February
        birthday = low.replace(year=low.year + sealing_age(), day=28)
    return birthday <= today


def _apply_seals(
    user: User | Any, people: dict[int, Person], read: dict[int, set[Compartment]], write: dict[int, set[Compartment]]
) -> None:
    sealable = sealed_compartments()
    if not sealable:
        return
    today = timezone.localdate()
    candidates = [pk for pk, p in people.items() if read[pk] & sealable and _may_be_sealed(p, today)]
    if not candidates:
        return
    now = timezone.now()
    opened: set[tuple[int, str]] = getattr(user, "_zhusan_sealed_reads", set())
    for seal in SealedCompartment.objects.filter(person_id__in=candidates, unsealed_on__isnull=True):
        comp = Compartment(seal.compartment)
        write[seal.person_id].discard(comp)
        if not seal.open_for(user.pk, now):
            read[seal.person_id].discard(comp)
            continue
        key = (seal.pk, seal.access_court_reference)
        if key not in opened:  # once per request (the user object), however often asked
            opened.add(key)
            record(
                Actor(user=user, via="access"),
                Action.VIEW,
                object_type=ObjectType.SEALED_COMPARTMENT,
                object_ref=seal.uuid,
                person_ref=people[seal.person_id].uuid,
                detail={"compartment": comp.value, "court_reference": seal.access_court_reference},
            )
    setattr(user, "_zhusan_sealed_reads", opened)  # noqa: B010  # a memo on this instance (the request's user)


def seals_of(person: Person) -> list[SealedCompartment]:
    """The seals standing on ``person`` (for the notice and the reader's form)."""
    return list(SealedCompartment.objects.filter(person=person, unsealed_on__isnull=True).order_by("compartment"))


def may_write(access: PersonAccess, person: Person, compartment: Compartment | str | None = None) -> bool:
    """Whether ``access`` lets its holder write ``compartment`` of ``person``.

    Without a compartment: a write about the person that belongs to no one
    compartment (the lifecycle stage, a manifest entry, a review decision).
    It needs the person in the user's own scope: a break-the-glass access
    reads and never writes, and a merged record is read-only.
    """
    if compartment is not None:
        return access.can_write(compartment)
    return access.visible and not access.via_break_glass and person.merged_into_id is None


def require_write(actor: Actor, person: Person, compartment: Compartment | str | None = None) -> PersonAccess:
    """Refuse (audited, via ``Denied``) unless the actor may write
    ``compartment`` of ``person`` (see ``may_write``); the access otherwise."""
    if actor.user is None:
        raise Denied(_("An authenticated user is required."), actor=actor, why="no user")
    access = access_for(actor.user, person)
    if may_write(access, person, compartment):
        return access
    if compartment is None:
        message = _("You may not change this person's record.")
    else:
        message = _("You may not change %(c)s data of this person.") % {"c": Compartment(compartment).label}
    if access.via_break_glass:
        message = _("Break-the-glass access is read-only: %(m)s") % {"m": message}
    message = merged_message(person) or message
    why = f"no write on {compartment or 'the person'}"
    raise Denied(
        message,
        actor=actor,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        person_ref=person.uuid,
        why=why + (" (break-the-glass is read-only)" if access.via_break_glass else ""),
    )


def merged_message(person: Person) -> str:
    """Why a merged record refuses every write ("" for a record that stands)."""
    if person.merged_into_id is None:
        return ""
    survivor = Person.objects.filter(pk=person.merged_into_id).values_list("case_number", flat=True).first()
    return _("This record was merged into %(case)s and is read-only: make the change there.") % {"case": survivor}


def names_shown(withheld: frozenset[Detail]) -> QuerySet[PersonName]:
    """A person's names as a reader with this field mask sees them, primary
    first: no kunyas for a reader withholding them (a teacher)."""
    qs = PersonName.objects.order_by("-is_primary", "pk")
    return qs.exclude(kind=NameKind.KUNYA) if Detail.KUNYA in withheld else qs


def withheld_in_lists(user: User | Any) -> frozenset[Detail]:
    """Details left out of list rows: those any of the user's reading roles
    withholds, so that a row never shows what the user could not open."""
    if not user.is_authenticated:
        return frozenset(Detail)
    return frozenset().union(*(policy(g.role).withholds for g in active_grants(user) if policy(g.role).read))


# --- Stages that reveal justice data ------------------------------------------------
#
# The one rule, for the UI, the API and the exports alike: a stage that
# reveals justice data (a custody) is shown as "Restriction applies" to every
# reader who does not read the justice and security compartment, and so is a
# timeline entry into or out of it, with its reason. Published aggregates by
# stage are disclosure-controlled statistics and keep the stage.

JUSTICE_STAGES: frozenset[str] = frozenset({Stage.IN_CUSTODY})
# The value a justice stage takes for a reader who may not see it (the API's
# enum carries it; the UI shows its label).
RESTRICTED_STAGE = "restricted"


def reads_justice(access: PersonAccess) -> bool:
    """Whether this reader of one person may see the justice stages."""
    return access.can_read(Compartment.JUSTICE_SECURITY)


def lists_read_justice(user: User | Any) -> bool:
    """Whether a list of the user's persons may show (and filter by) a justice
    stage: only when every reading role of the user reads justice and
    security, so that a row never shows what the user could not open."""
    if not user.is_authenticated:
        return False
    reading = [policy(g.role).read for g in active_grants(user) if policy(g.role).read]
    return bool(reading) and all(Compartment.JUSTICE_SECURITY in read for read in reading)


def stage_shown(stage: str | None, *, justice: bool) -> str | None:
    """``stage`` as a reader sees it: ``RESTRICTED_STAGE`` in place of a
    justice stage unless ``justice`` (the reader reads justice and security)."""
    if stage and stage in JUSTICE_STAGES and not justice:
        return RESTRICTED_STAGE
    return stage


def stage_label(value: str | None) -> str:
    """The label of a stage value as shown ("" for none)."""
    if not value:
        return ""
    if value == RESTRICTED_STAGE:
        return _("Restriction applies")
    return str(Stage(value).label)


def stages_offered(user: User | Any) -> list[Stage]:
    """The stages a list of the user's persons may be filtered by: a care role
    cannot ask for "In custody" (the answer would tell it)."""
    justice = lists_read_justice(user)
    return [s for s in Stage if justice or s not in JUSTICE_STAGES]


@dataclass(frozen=True)
class ShownEntry:
    """A timeline entry as a reader sees it: an entry into or out of a justice
    stage names neither that stage nor its reason to a reader who does not
    read justice and security."""

    from_stage: str
    to_stage: str
    at: datetime
    by: Any
    reason: str | None
    restricted: bool

    @property
    def from_label(self) -> str:
        return stage_label(self.from_stage)

    @property
    def to_label(self) -> str:
        return stage_label(self.to_stage)


def timeline_shown(entries: Iterable[TimelineEntry], *, justice: bool) -> list[ShownEntry]:
    shown = []
    for e in entries:
        restricted = not justice and bool({e.from_stage, e.to_stage} & JUSTICE_STAGES)
        shown.append(
            ShownEntry(
                from_stage=stage_shown(e.from_stage, justice=justice) or "",
                to_stage=stage_shown(e.to_stage, justice=justice) or "",
                at=e.at,
                by=e.by,
                reason=None if restricted else e.reason,
                restricted=restricted,
            )
        )
    return shown


def _matching(condition: Q, pks: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        found.update(Person.objects.filter(condition, pk__in=chunk).values_list("pk", flat=True).distinct())
    return found
