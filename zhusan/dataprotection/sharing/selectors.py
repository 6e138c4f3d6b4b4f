"""Reads for the officer's pages: agreements, assessments, breaches, and the
audit trail searches that answer "what did user U do between T1 and T2" and
"who saw this record".

The officer reads no case compartment (scope None): these pages show audit
events (who, when, what kind of record, which case number) and never a
record's content. Each search is itself audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhusan.accounts.models import Organisation
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.registry.models import Person

from .models import (
    EXPIRING_DAYS,
    NOTIFICATION_HOURS,
    AgreementStatus,
    AssessmentDecision,
    Breach,
    BreachStatus,
    ImpactAssessment,
    SharingAgreement,
)

# Reads of a person's data: what "who saw this record" lists.
READ_ACTIONS = (Action.VIEW, Action.LIST, Action.SEARCH, Action.EXPORT, Action.BREAK_GLASS)
# At most this many events are listed for choosing (narrow the search beyond).
EVENT_LIMIT = 500


def agreements() -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.select_related("organisation", "assessment").order_by(
        "organisation__name", "-expires_on"
    )


def assessments() -> QuerySet[ImpactAssessment]:
    return ImpactAssessment.objects.select_related("organisation", "decided_by").annotate(
        n_agreements=Count("agreements")
    )


def breaches() -> QuerySet[Breach]:
    return Breach.objects.annotate(n_records=Count("records"), n_persons=Count("records__person", distinct=True))


def open_breaches() -> QuerySet[Breach]:
    return breaches().filter(status=BreachStatus.OPEN).order_by("discovered_at")


def expiring_agreements(day: date | None = None) -> QuerySet[SharingAgreement]:
    """Active agreements in force that expire within ``EXPIRING_DAYS``."""
    today = day or timezone.localdate()
    return agreements().filter(
        status=AgreementStatus.ACTIVE,
        starts_on__lte=today,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=EXPIRING_DAYS),
    )


def expired_agreements(day: date | None = None) -> QuerySet[SharingAgreement]:
    """Active agreements past their expiry (sharing with the partner is blocked)."""
    today = day or timezone.localdate()
    return agreements().filter(status=AgreementStatus.ACTIVE, expires_on__lt=today)


def waiting_assessments() -> QuerySet[ImpactAssessment]:
    return assessments().filter(decision__in=[AssessmentDecision.PENDING, AssessmentDecision.NEEDS_CHANGES])


@dataclass(frozen=True)
class PartnerLine:
    """One partner organisation and what may be shared with it today."""

    organisation: Organisation
    referral: SharingAgreement | None
    transfer: SharingAgreement | None
    case_export: SharingAgreement | None


def partners_with_agreements(day: date | None = None) -> list[PartnerLine]:
    """Every organisation with an agreement in force today, for whoever refers:
    which partners may receive referrals, transfers, exports, and until when."""
    today = day or timezone.localdate()
    valid = list(agreements().filter(status=AgreementStatus.ACTIVE, starts_on__lte=today, expires_on__gte=today))
    out: dict[int, dict[str, SharingAgreement | None]] = {}
    orgs: dict[int, Organisation] = {}
    for a in valid:
        orgs[a.organisation_id] = a.organisation
        line = out.setdefault(a.organisation_id, {"referral": None, "transfer": None, "case_export": None})
        for purpose in a.purposes:
            current = line[purpose]
            if current is None or current.expires_on < a.expires_on:
                line[purpose] = a
    return [
        PartnerLine(orgs[k], v["referral"], v["transfer"], v["case_export"])
        for k, v in sorted(out.items(), key=lambda kv: orgs[kv[0]].name)
    ]


# --- The audit trail, for choosing and for "who saw this record" ------------------------------------


def person_by_case_number(case_number: str) -> Person | None:
    """The person (merged or not) with this case number; the officer sees only
    the audit events about them, never the record."""
    value = case_number.strip()
    if not value:
        return None
    return Person.objects.filter(case_number__iexact=value).only("pk", "uuid", "case_number").first()


def case_numbers_of(refs: set[str]) -> dict[str, str]:
    """person_ref → case number, for showing events."""
    valid = [r for r in refs if _is_uuid(r)]
    return {str(u): c for u, c in Person.objects.filter(uuid__in=valid).values_list("uuid", "case_number")}


def audit_search(
    *,
    actor: Actor,
    username: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    case_number: str = "",
    reads_only: bool = False,
) -> tuple[list[AuditEvent], bool]:
    """Audit events matching the search (at most ``EVENT_LIMIT``, newest
    first) and whether there were more. The search is audited."""
    events = AuditEvent.objects.all()
    if username.strip():
        events = events.filter(actor_username__iexact=username.strip())
    if start is not None:
        events = events.filter(at__gte=start)
    if end is not None:
        events = events.filter(at__lte=end)
    if case_number.strip():
        person = person_by_case_number(case_number)
        if person is None:
            events = events.none()
        else:
            events = events.filter(person_ref=str(person.uuid))
    if reads_only:
        events = events.filter(action__in=READ_ACTIONS)
    found = list(events.order_by("-seq")[: EVENT_LIMIT + 1])
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.BREACH,
        detail={
            "audit_search": {
                "username": username.strip(),
                "start": start.isoformat() if start else "",
                "end": end.isoformat() if end else "",
                "case_number": case_number.strip(),
                "reads_only": reads_only,
            },
            "found": min(len(found), EVENT_LIMIT),
        },
    )
    return found[:EVENT_LIMIT], len(found) > EVENT_LIMIT


def who_saw(*, actor: Actor, case_number: str) -> tuple[Person | None, list[AuditEvent], bool]:
    """The audit events that read the record with this case number: who, when, via, break-the-glass."""
    person = person_by_case_number(case_number)
    if person is None:
        record(actor, Action.SEARCH, object_type=ObjectType.PERSON, detail={"who_saw": case_number.strip()[:64]})
        return None, [], False
    events = list(
        AuditEvent.objects.filter(person_ref=str(person.uuid), action__in=READ_ACTIONS).order_by("-seq")[
            : EVENT_LIMIT + 1
        ]
    )
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.PERSON,
        object_ref=person.uuid,
        detail={"who_saw": person.case_number, "found": min(len(events), EVENT_LIMIT)},
    )
    return person, events[:EVENT_LIMIT], len(events) > EVENT_LIMIT


def breach_counts(now: datetime | None = None) -> dict[str, int]:
    """Plain counts for the home section (the officer's own log; figures go through disclosure control)."""
    moment = now or timezone.now()
    open_qs = Breach.objects.filter(status=BreachStatus.OPEN)
    return {
        "open": open_qs.count(),
        "overdue": open_qs.filter(
            Q(authority_decision="undecided"), discovered_at__lt=moment - timedelta(hours=NOTIFICATION_HOURS)
        ).count(),
    }


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
