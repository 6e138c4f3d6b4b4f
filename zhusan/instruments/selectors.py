"""Reads of instruments, through the one access path: every record here is
in the psychosocial compartment, so lists reach only the persons the user
reads that compartment of (``psychosocial_persons``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhusan.accounts.access import active_grants, grant_filter
from zhusan.accounts.permissions import Compartment, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.access import access_for
from zhusan.registry.models import Person

from .models import Administration, SafetyAlert, ScheduledAdministration

PSY = Compartment.PSYCHOSOCIAL


def psychosocial_persons(user: Any) -> QuerySet[Person]:
    """The (unmerged) persons whose psychosocial compartment ``user`` reads
    through a role grant (break-the-glass opens one record, never a list)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    parts = [q for g in active_grants(user) if PSY in policy(g.role).read and (q := grant_filter(g, user)) is not None]
    if not parts:
        return Person.objects.none()
    condition = parts[0]
    for q in parts[1:]:
        condition |= q
    qs = Person.objects.filter(merged_into__isnull=True)
    if condition == Q():
        return qs
    return qs.filter(pk__in=Person.objects.filter(condition).values("pk"))


def reads_psychosocial(user: Any) -> bool:
    return user is not None and user.is_authenticated and any(PSY in policy(g.role).read for g in active_grants(user))


def may_list_alerts(user: Any) -> bool:
    """Psychosocial readers, and anyone an alert was ever sent to (a supervisor)."""
    return reads_psychosocial(user) or (
        user is not None and user.is_authenticated and SafetyAlert.objects.filter(recipients=user).exists()
    )


def administrations_of(person: Person, instrument: str | None = None) -> QuerySet[Administration]:
    qs = Administration.objects.filter(person=person).select_related("administered_by")
    if instrument:
        qs = qs.filter(instrument=instrument)
    return qs


def schedule_of(person: Person) -> QuerySet[ScheduledAdministration]:
    return ScheduledAdministration.objects.filter(person=person).select_related("administration")


def alerts_of(person: Person) -> QuerySet[SafetyAlert]:
    return SafetyAlert.objects.filter(person=person).select_related("administration", "acknowledged_by")


def overdue_for_user(user: Any, today: date | None = None) -> QuerySet[ScheduledAdministration]:
    """Scheduled instruments past their due date and not done, for the persons
    whose psychosocial compartment the user reads."""
    today = today or timezone.localdate()
    return (
        ScheduledAdministration.objects.filter(
            administration__isnull=True, due_on__lt=today, person__in=psychosocial_persons(user).values("pk")
        )
        .select_related("person")
        .prefetch_related("person__names")
        .order_by("due_on", "pk")
    )


def open_alerts_for_user(user: Any) -> QuerySet[SafetyAlert]:
    """Unacknowledged alerts the user is a recipient of, or about persons whose
    psychosocial compartment they read."""
    return (
        SafetyAlert.objects.filter(acknowledged_at__isnull=True)
        .filter(Q(recipients=user) | Q(person__in=psychosocial_persons(user).values("pk")))
        .distinct()
        .select_related("person", "administration")
        .prefetch_related("person__names")
        .order_by("created_at", "pk")
    )


def get_alert_for_user(actor: Actor, ref: object) -> tuple[SafetyAlert, bool]:
    """An alert the actor receives or whose person's psychosocial compartment
    they read; and whether they read it (the answers and action are shown only
    then). Audited."""
    user = actor.user
    alert = (
        SafetyAlert.objects.select_related("person", "administration", "acknowledged_by")
        .filter(uuid=parse_ref(ref))
        .first()
    )
    if alert is None or user is None:
        raise Http404("No such alert")
    access = access_for(user, alert.person)
    reads = access.can_read(PSY)
    if not reads and not alert.recipients.filter(pk=user.pk).exists():
        raise Http404("No such alert")
    record(actor, Action.VIEW, object_type=ObjectType.SAFETY_ALERT, object_ref=alert.uuid, person_ref=alert.person.uuid)
    return alert, reads


def get_administration_for_user(actor: Actor, ref: object) -> Administration:
    """An administration whose person's psychosocial compartment the actor reads. Audited."""
    admin = Administration.objects.select_related("person", "administered_by").filter(uuid=parse_ref(ref)).first()
    if admin is None or actor.user is None or not access_for(actor.user, admin.person).can_read(PSY):
        raise Http404("No such administration")
    record(
        actor,
        Action.VIEW,
        object_type=ObjectType.INSTRUMENT_ADMINISTRATION,
        object_ref=admin.uuid,
        person_ref=admin.person.uuid,
    )
    return admin
