"""Reads of centres, admissions, key workers and caseloads.

The first functions (``current_admission`` … ``prefers_female_professional``)
are the app's public reads for the other rehabilitation apps and the
instruments: plain lookups on a person or user the caller has already
checked. The scoped, audited reads for pages and the API follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess, active_grants, has_capability
from zhusan.accounts.permissions import Capability, Compartment, Detail, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.operations.models import EntryStatus, Movement, MovementStatus
from zhusan.registry.access import access_for_many, names_shown, visible_to, withheld_in_lists
from zhusan.registry.models import Person

from .models import Admission, Centre, KeyWorker, Room, StaffMember

if TYPE_CHECKING:
    from zhusan.accounts.models import User


# --- Public reads (other apps call these) ----------------------------------------


def current_admission(person: Person) -> Admission | None:
    """The person's open admission (admitted, not yet discharged), if any."""
    return Admission.objects.open().select_related("centre", "room").filter(person=person).first()


def latest_discharge(person: Person) -> Admission | None:
    """The person's most recent admission that ended in a discharge."""
    return (
        Admission.objects.filter(person=person, discharged_on__isnull=False)
        .select_related("centre", "room")
        .order_by("-discharged_on", "-created_at")
        .first()
    )


def current_key_workers(person: Person) -> QuerySet[KeyWorker]:
    return KeyWorker.objects.filter(person=person, ended_on__isnull=True).select_related("user")


def key_workers(person: Person, discipline: str | None = None) -> list[User]:
    """The person's current key workers (one per discipline at most)."""
    qs = current_key_workers(person).order_by("discipline")
    if discipline is not None:
        qs = qs.filter(discipline=discipline)
    return [kw.user for kw in qs]


def staff_member(user: User | Any) -> StaffMember | None:
    """The user's line on a centre's staff roster, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return StaffMember.objects.select_related("centre", "supervisor").filter(user=user).first()


def supervisor_of(user: User | Any) -> User | None:
    """The supervisor named on the user's roster line (active or not)."""
    member = staff_member(user)
    return member.supervisor if member is not None else None


def prefers_female_professional(person: Person) -> bool:
    """The choice recorded on the person's open admission, else on the latest."""
    admission = current_admission(person) or latest_discharge(person)
    return bool(admission and admission.prefers_female_professional)


# --- Scoped reads for the pages and the API ------------------------------------------

# The stay itself (where and when) is seen by everyone who reads the person's
# identity; the room, the discharge destination and summary belong to the
# contact-and-location compartment.
ROOM_COMPARTMENT = Compartment.CONTACT_LOCATION


def may_see_centres(user: User | Any) -> bool:
    """Centres, their rooms and occupancy figures: any role that works with persons."""
    return bool(user.is_authenticated) and any(policy(g.role).scope is not None for g in active_grants(user))


def require_centres(actor: Actor, ref: object = "") -> None:
    assert actor.user is not None
    if not may_see_centres(actor.user):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.CENTRE,
            object_ref=ref,
            detail={"why": "no case role"},
        )
        raise PermissionDenied(_("Your role does not work with rehabilitation centres."))


def centres_for_user(actor: Actor) -> QuerySet[Centre]:
    require_centres(actor)
    today = timezone.localdate()
    return Centre.objects.annotate(
        room_count=Count("rooms", distinct=True),
        residents=Count(
            "admissions",
            filter=Q(admissions__admitted_on__lte=today) & Q(admissions__discharged_on__isnull=True),
            distinct=True,
        ),
    ).order_by("name")


def get_centre_for_user(actor: Actor, ref: object) -> Centre:
    require_centres(actor, ref)
    centre = Centre.objects.select_related("unit").filter(uuid=parse_ref(ref)).first()
    if centre is None:
        raise Http404("No such centre")
    record(actor, Action.VIEW, object_type=ObjectType.CENTRE, object_ref=centre.uuid)
    return centre


def beds_of(centre: Centre) -> int:
    return sum(centre.rooms.values_list("beds", flat=True))


@dataclass
class BoardResident:
    admission: Admission
    # False: the bed is shown as taken, without the person (outside the
    # reader's scope, or the reader does not read location data).
    shown: bool


@dataclass
class BoardRoom:
    room: Room
    residents: list[BoardResident] = field(default_factory=list)

    @property
    def occupied(self) -> int:
        return len(self.residents)

    @property
    def free(self) -> int:
        return max(self.room.beds - self.occupied, 0)

    @property
    def over(self) -> bool:
        return self.occupied > self.room.beds


@dataclass
class ExpectedArrival:
    movement: Movement
    persons: int


@dataclass
class Board:
    centre: Centre
    day: date
    rooms: list[BoardRoom]
    expected: list[ExpectedArrival]

    @property
    def beds(self) -> int:
        return sum(r.room.beds for r in self.rooms)

    @property
    def occupied(self) -> int:
        return sum(r.occupied for r in self.rooms)

    @property
    def free(self) -> int:
        return sum(r.free for r in self.rooms)

    @property
    def expected_persons(self) -> int:
        return sum(e.persons for e in self.expected)


def expected_arrivals(centre: Centre) -> list[ExpectedArrival]:
    """Movements not yet arrived whose destination names the centre's town
    or region (or whose destination site is in its region), with the
    persons on their manifests who may still travel."""
    where = Q(destination__icontains=centre.town) | Q(destination_site__region__iexact=centre.region)
    if centre.region:
        where |= Q(destination__icontains=centre.region)
    movements = (
        Movement.objects.filter(status__in=[MovementStatus.PLANNED, MovementStatus.UNDER_WAY])
        .filter(where)
        .select_related("operation")
        .annotate(persons=Count("entries", filter=~Q(entries__status__in=[EntryStatus.WITHDRAWN, EntryStatus.HELD])))
        .order_by("arrival_on", "departure_on", "created_at")
    )
    return [ExpectedArrival(movement=m, persons=m.persons) for m in movements]


def occupancy_board(actor: Actor, centre: Centre, day: date | None = None) -> Board:
    """Who is in which room on ``day`` (today), free beds, expected arrivals.

    A resident is named only to a reader who sees the person and reads
    their location; other beds show as taken. A bounded number of queries
    whatever the number of residents (access for all of them at once)."""
    assert actor.user is not None
    day = day or timezone.localdate()
    withheld = withheld_in_lists(actor.user)
    admissions = list(
        Admission.objects.present_on(day)
        .filter(centre=centre)
        .select_related("person", "room")
        .prefetch_related(Prefetch("person__names", queryset=names_shown(withheld)))
        .order_by("room__name", "person__case_number")
    )
    access = access_for_many(actor.user, [a.person for a in admissions])
    rooms = {room.pk: BoardRoom(room=room) for room in centre.rooms.order_by("name")}
    for admission in admissions:
        person_access = access.get(admission.person.pk)
        shown = person_access is not None and person_access.can_read(ROOM_COMPARTMENT)
        rooms[admission.room_id].residents.append(BoardResident(admission=admission, shown=shown))
    record(
        actor,
        Action.LIST,
        object_type=ObjectType.CENTRE,
        object_ref=centre.uuid,
        detail={"board": day.isoformat(), "named": sum(1 for r in rooms.values() for x in r.residents if x.shown)},
    )
    return Board(centre=centre, day=day, rooms=list(rooms.values()), expected=expected_arrivals(centre))


def rooms_with_free_beds(centre: Centre) -> list[tuple[Room, int]]:
    """Each room of the centre with its free beds now (for the admission form)."""
    rooms = Room.objects.filter(centre=centre).annotate(
        taken=Count("admissions", filter=Q(admissions__discharged_on__isnull=True))
    )
    return [(room, max(room.beds - room.taken, 0)) for room in rooms.order_by("name")]


# --- Caseloads --------------------------------------------------------------------------


def may_see_caseload(user: User | Any, staff_user: User | Any) -> bool:
    """One's own caseload; one's supervisees'; anyone who approves care or supervises."""
    if not user.is_authenticated:
        return False
    if user.pk == staff_user.pk:
        return True
    if StaffMember.objects.filter(user=staff_user, supervisor=user).exists():
        return True
    return has_capability(user, Capability.APPROVE_CARE) or has_capability(user, Capability.SUPERVISE)


@dataclass
class Caseload:
    member: StaffMember
    key_workers: list[KeyWorker]  # the residents the reader may see
    hidden: int  # residents outside the reader's scope
    limit: int

    @property
    def count(self) -> int:
        return len(self.key_workers) + self.hidden

    @property
    def over_limit(self) -> bool:
        return self.count > self.limit

    @property
    def at_limit(self) -> bool:
        return self.count >= self.limit


def get_staff_member_for_user(actor: Actor, ref: object) -> StaffMember:
    require_centres(actor, ref)
    member = StaffMember.objects.select_related("user", "centre", "supervisor").filter(uuid=parse_ref(ref)).first()
    if member is None:
        raise Http404("No such staff member")
    assert actor.user is not None
    if not may_see_caseload(actor.user, member.user):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.STAFF_MEMBER,
            object_ref=member.uuid,
            detail={"why": "not their caseload"},
        )
        raise PermissionDenied(_("You may see your own caseload and those of the staff you supervise."))
    return member


def caseload(actor: Actor, member: StaffMember) -> Caseload:
    """The residents ``member`` is the current key worker of, as the reader
    may see them (those outside the reader's scope are only counted)."""
    assert actor.user is not None
    withheld = withheld_in_lists(actor.user)
    current = KeyWorker.objects.filter(user=member.user, ended_on__isnull=True)
    visible = list(
        current.filter(person__in=visible_to(actor.user))
        .select_related("person")
        .prefetch_related(Prefetch("person__names", queryset=names_shown(withheld)))
        .order_by("started_on", "person__case_number")
    )
    hidden = current.count() - len(visible)
    record(
        actor,
        Action.LIST,
        object_type=ObjectType.KEY_WORKER,
        object_ref=member.uuid,
        detail={"caseload_of": member.user.username, "shown": len(visible)},
    )
    return Caseload(
        member=member, key_workers=visible, hidden=hidden, limit=member.centre.caseload_limit(member.discipline)
    )


@dataclass
class DisciplineLoad:
    member: StaffMember
    count: int
    limit: int

    @property
    def over_limit(self) -> bool:
        return self.count > self.limit

    @property
    def at_limit(self) -> bool:
        return self.count >= self.limit


def discipline_caseloads(actor: Actor, centre: Centre, discipline: str) -> list[DisciplineLoad]:
    """Every active staff member of a discipline with their number of
    residents and the limit (counts only: no person is named)."""
    require_centres(actor, centre.uuid)
    limit = centre.caseload_limit(discipline)
    members = (
        StaffMember.objects.filter(centre=centre, discipline=discipline, active=True)
        .select_related("user")
        .annotate(load=Count("user__key_worker_of", filter=Q(user__key_worker_of__ended_on__isnull=True)))
        .order_by("-load", "user__last_name", "user__username")
    )
    record(
        actor,
        Action.LIST,
        object_type=ObjectType.STAFF_MEMBER,
        object_ref=centre.uuid,
        detail={"discipline": discipline},
    )
    return [DisciplineLoad(member=m, count=m.load, limit=limit) for m in members]


def staff_to_assign(centre: Centre, discipline: str) -> list[DisciplineLoad]:
    """The active staff of a discipline, least loaded first (the key-worker form)."""
    limit = centre.caseload_limit(discipline)
    members = (
        StaffMember.objects.filter(centre=centre, discipline=discipline, active=True)
        .select_related("user")
        .annotate(load=Count("user__key_worker_of", filter=Q(user__key_worker_of__ended_on__isnull=True)))
        .order_by("load", "user__last_name", "user__username")
    )
    return [DisciplineLoad(member=m, count=m.load, limit=limit) for m in members]


# --- A person's stays (the person tab and API) -------------------------------------------


@dataclass
class Stays:
    admissions: list[Admission]
    key_workers: list[KeyWorker]
    shows_rooms: bool  # the reader reads the contact-and-location compartment


def stays_of(person: Person, access: PersonAccess) -> Stays:
    """The caller has checked the person (``get_person_for_user``)."""
    admissions = list(
        Admission.objects.filter(person=person)
        .select_related("centre", "room")
        .prefetch_related("separations", "room_moves__from_room", "room_moves__to_room")
        .order_by("-admitted_on")
    )
    key_workers = list(
        KeyWorker.objects.filter(person=person).select_related("user").order_by("ended_on", "discipline", "-started_on")
    )
    return Stays(admissions=admissions, key_workers=key_workers, shows_rooms=access.can_read(ROOM_COMPARTMENT))


def get_admission_for_user(actor: Actor, ref: object) -> Admission:
    """An admission whose person the actor sees (404 otherwise)."""
    from zhusan.registry.selectors import get_person_for_user

    admission = Admission.objects.select_related("person", "centre", "room").filter(uuid=parse_ref(ref)).first()
    if admission is None:
        raise Http404("No such admission")
    _person, access = get_person_for_user(actor, admission.person.uuid, audit_view=False)
    if not access.can_read(Compartment.IDENTITY, Detail.REPATRIATION):
        # Being in a centre tells the person's history: masked like the tab.
        raise PermissionDenied(_("Your role does not give access to this part of the record."))
    record(
        actor,
        Action.VIEW,
        object_type=ObjectType.ADMISSION,
        object_ref=admission.uuid,
        person_ref=admission.person.uuid,
    )
    return admission


def residents_of(actor: Actor, centre: Centre) -> list[Admission]:
    """Open admissions at the centre whose person the actor sees (the key-worker picker)."""
    assert actor.user is not None
    return list(
        Admission.objects.open()
        .filter(centre=centre, person__in=visible_to(actor.user))
        .select_related("person", "room")
        .order_by("person__case_number")
    )
