"""Reads of centres, admissions, key workers and caseloads.

The first functions (``current_admission`` … ``prefers_female_professional``)
are the app's public reads for the other rehabilitation apps and the
instruments: plain lookups on a person or user the caller has already
checked. The scoped, audited reads for pages and the API follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from zhusan.registry.models import Person

from .models import Admission, KeyWorker, StaffMember

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
