"""Reads of livelihood, housing, referrals and transfers, through the one
access path.

Two sides read a referral: the person's case side (whoever reads the
referral's compartment of the person: the family compartment for care
referrals, justice and security for a security-service referral), and the
receiving side (users of the receiving organisation whose role reads that
compartment). Lists are filtered in the database, grant by grant, so a
security referral never appears in a care worker's list, not even as a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from zhusan.accounts.access import PersonAccess, active_grants, grant_filter, has_capability
from zhusan.accounts.permissions import CORE_CASE, Capability, Compartment, policy
from zhusan.audit.models import Action
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.access import access_for, names_shown
from zhusan.registry.models import Person

from .models import (
    CONTACT_COMPARTMENT,
    SUPPORT_COMPARTMENT,
    CaseTransfer,
    Employment,
    Housing,
    IncomeSupport,
    Referral,
    ReferralStatus,
    TransferStatus,
    VocationalCourse,
)

if TYPE_CHECKING:
    from zhusan.accounts.models import User

REFERRAL_COMPARTMENTS = (SUPPORT_COMPARTMENT, Compartment.JUSTICE_SECURITY)


def reads_referrals(user: User | Any) -> bool:
    """Whether any of the user's roles reads a referral's compartment: who
    may open the referral and transfer lists at all."""
    return user.is_authenticated and any(set(REFERRAL_COMPARTMENTS) & policy(g.role).read for g in active_grants(user))


def may_refer(user: User | Any, person: Person, access: PersonAccess) -> bool:
    """Whether the user may send some referral of ``person`` (the service checks the kind)."""
    if access.via_break_glass:
        return False
    return any(access.can_write(c) for c in REFERRAL_COMPARTMENTS) or (
        has_capability(user, Capability.OVERRIDE_CONSENT) and access.can_read(SUPPORT_COMPARTMENT)
    )


def may_transfer(user: User | Any, access: PersonAccess) -> bool:
    if access.via_break_glass:
        return False
    return access.can_write(Compartment.IDENTITY) or (
        has_capability(user, Capability.OVERRIDE_CONSENT) and access.can_read(SUPPORT_COMPARTMENT)
    )


def _none() -> Q:
    return Q(pk__in=[])


def case_side_filter(user: User | Any) -> Q:
    """Referrals of persons the user reaches through a grant whose role reads
    the referral's compartment (a Q over Referral, or CaseTransfer's person)."""
    out = _none()
    if not user.is_authenticated:
        return out
    for grant in active_grants(user):
        reach = grant_filter(grant, user)
        if reach is None:
            continue
        readable = [c.value for c in REFERRAL_COMPARTMENTS if c in policy(grant.role).read]
        if not readable:
            continue
        persons = Person.objects.not_merged() if reach == Q() else Person.objects.filter(reach).values("pk")
        out |= Q(compartment__in=readable, person__in=persons)
    return out


def receiving_filter(user: User | Any) -> Q:
    """Referrals sent to an organisation the user holds a role in, whose role
    reads the referral's compartment."""
    out = _none()
    if not user.is_authenticated:
        return out
    for grant in active_grants(user):
        readable = [c.value for c in REFERRAL_COMPARTMENTS if c in policy(grant.role).read]
        if readable:
            out |= Q(organisation_id=grant.organisation_id, compartment__in=readable)
    return out


def _with_people(qs: QuerySet[Referral], user: Any) -> QuerySet[Referral]:
    return qs.select_related("person", "organisation", "sent_by").prefetch_related(
        Prefetch("person__names", queryset=names_shown(_withheld(user)))
    )


def _withheld(user: Any) -> Any:
    from zhusan.registry.access import withheld_in_lists

    return withheld_in_lists(user)


def referrals_sent(user: Any) -> QuerySet[Referral]:
    """Referrals of the persons in the user's care (the case side)."""
    return _with_people(Referral.objects.filter(case_side_filter(user)), user)


def referrals_received(user: Any) -> QuerySet[Referral]:
    """Referrals to the user's organisations, waiting ones first."""
    qs = Referral.objects.filter(receiving_filter(user))
    return _with_people(qs, user).order_by("status", "due_on", "-pk")


def waiting_for_answer(user: Any) -> QuerySet[Referral]:
    return referrals_received(user).filter(status=ReferralStatus.SENT).order_by("due_on", "pk")


def overdue(user: Any) -> QuerySet[Referral]:
    """Referrals past their answer date, on either side of the user."""
    today = timezone.localdate()
    qs = Referral.objects.filter(case_side_filter(user) | receiving_filter(user)).filter(
        status=ReferralStatus.SENT, due_on__lt=today
    )
    return _with_people(qs, user).order_by("due_on", "pk")


def overrides_to_review(user: Any) -> tuple[QuerySet[Referral], QuerySet[CaseTransfer]]:
    """Referrals and transfers sent without consent, not yet reviewed, for a
    supervisor (empty for anyone else)."""
    if not has_capability(user, Capability.SUPERVISE):
        return Referral.objects.none(), CaseTransfer.objects.none()
    referrals = _with_people(
        Referral.objects.filter(case_side_filter(user), consent_on_file=False, override_reviewed_at__isnull=True),
        user,
    ).order_by("sent_on", "pk")
    transfers = (
        CaseTransfer.objects.filter(_transfer_case_side(user), consent_on_file=False, override_reviewed_at__isnull=True)
        .select_related("person", "to_unit__organisation", "from_unit__organisation", "requested_by")
        .prefetch_related(Prefetch("person__names", queryset=names_shown(_withheld(user))))
        .order_by("requested_on", "pk")
    )
    return referrals, transfers


def may_answer_referral(user: Any, referral: Referral) -> bool:
    """The receiving organisation's users whose role reads the referral's
    compartment; for a service named in free text, the case side records
    the answer it gave (whoever may write the referral's compartment)."""
    if referral.organisation_id is None:
        return access_for(user, referral.person).can_write(referral.compartment)
    return any(
        g.organisation_id == referral.organisation_id and Compartment(referral.compartment) in policy(g.role).read
        for g in active_grants(user)
    )


# --- One referral ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    case_side: bool  # the user reads the person's record (and its contact data if allowed)
    access: PersonAccess | None
    may_answer: bool


def get_referral_for_user(actor: Actor, ref: object) -> ReferralView:
    """The referral if the user reads it from either side; a 404 (audited)
    otherwise, so that a security referral's existence is not revealed."""
    user = actor.user
    assert user is not None
    referral = (
        Referral.objects.select_related("person", "organisation", "sent_by", "responded_by")
        .filter(uuid=parse_ref(ref))
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    access = access_for(user, referral.person)
    case_side = access.can_read(referral.compartment)
    receiving = (
        referral.organisation_id is not None
        and Referral.objects.filter(receiving_filter(user), pk=referral.pk).exists()
    )
    if not (case_side or receiving):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=Referral.audit_type,
            object_ref=referral.uuid,
            person_ref=referral.person.uuid,
            detail={"why": "neither the case side nor the receiving organisation"},
        )
        raise Http404("No such referral")
    record(
        actor, Action.VIEW, object_type=Referral.audit_type, object_ref=referral.uuid, person_ref=referral.person.uuid
    )
    withheld = access.withheld if case_side else _withheld(user)
    prefetch_related_objects([referral.person], Prefetch("names", queryset=names_shown(withheld)))
    return ReferralView(referral, case_side, access if case_side else None, may_answer_referral(user, referral))


# --- Transfers --------------------------------------------------------------------------


def _transfer_case_side(user: Any) -> Q:
    """Transfers of persons the user reaches through a grant whose role reads
    the family compartment (a transfer is social work, as a referral is)."""
    out = _none()
    if not user.is_authenticated:
        return out
    for grant in active_grants(user):
        reach = grant_filter(grant, user)
        if reach is None or SUPPORT_COMPARTMENT not in policy(grant.role).read:
            continue
        persons = Person.objects.not_merged() if reach == Q() else Person.objects.filter(reach).values("pk")
        out |= Q(person__in=persons)
    return out


def _transfer_receiving(user: Any) -> Q:
    orgs = [g.organisation_id for g in active_grants(user) if policy(g.role).write & CORE_CASE]
    return Q(to_unit__organisation_id__in=orgs) if orgs else _none()


def may_answer_transfer(user: Any, transfer: CaseTransfer) -> bool:
    """Case staff of the receiving organisation (a role that writes case data there)."""
    org_id = transfer.to_unit.organisation_id
    return any(g.organisation_id == org_id and policy(g.role).write & CORE_CASE for g in active_grants(user))


def transfers_for(user: Any) -> QuerySet[CaseTransfer]:
    return (
        CaseTransfer.objects.filter(_transfer_case_side(user) | _transfer_receiving(user))
        .select_related("person", "to_unit__organisation", "from_unit__organisation", "requested_by")
        .prefetch_related(Prefetch("person__names", queryset=names_shown(_withheld(user))))
        .order_by("-requested_on", "-pk")
    )


def transfers_waiting(user: Any) -> QuerySet[CaseTransfer]:
    return transfers_for(user).filter(_transfer_receiving(user), status=TransferStatus.REQUESTED)


def get_transfer_for_user(actor: Actor, ref: object) -> CaseTransfer:
    user = actor.user
    assert user is not None
    transfer = (
        CaseTransfer.objects.select_related("person", "to_unit__organisation", "from_unit__organisation")
        .filter(uuid=parse_ref(ref))
        .first()
    )
    if (
        transfer is None
        or not CaseTransfer.objects.filter(
            _transfer_case_side(user) | _transfer_receiving(user), pk=transfer.pk
        ).exists()
    ):
        if transfer is not None:
            record(
                actor,
                Action.PERMISSION_DENIED,
                object_type=CaseTransfer.audit_type,
                object_ref=transfer.uuid,
                person_ref=transfer.person.uuid,
                detail={"why": "neither the case side nor the receiving organisation"},
            )
        raise Http404("No such transfer")
    record(
        actor,
        Action.VIEW,
        object_type=CaseTransfer.audit_type,
        object_ref=transfer.uuid,
        person_ref=transfer.person.uuid,
    )
    return transfer


# --- The person's tab ----------------------------------------------------------------------


def support_of(person: Person, access: PersonAccess) -> dict[str, Any]:
    """What the person's "Support" tab shows to a reader with ``access``
    (who reads the family compartment: the tab's)."""
    readable = [c.value for c in REFERRAL_COMPARTMENTS if access.can_read(c)]
    return {
        "courses": list(VocationalCourse.objects.filter(person=person)),
        "employments": list(Employment.objects.filter(person=person)),
        "income_support": list(IncomeSupport.objects.filter(person=person)),
        "housing": list(Housing.objects.filter(person=person)),
        "referrals": list(
            Referral.objects.filter(person=person, compartment__in=readable).select_related("organisation")
        ),
        "transfers": list(
            CaseTransfer.objects.filter(person=person).select_related("to_unit__organisation", "from_unit")
        ),
        "shows_contact": access.can_read(CONTACT_COMPARTMENT),
    }
