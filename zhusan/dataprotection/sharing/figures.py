"""This part's figures for the officer (``zhusan.dataprotection.figures``):
open breaches, breaches notified late, agreements expired or expiring."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.dataprotection.figures import Figure, FigureQuery, Line

from .models import EXPIRING_DAYS, NOTIFICATION_HOURS, AgreementStatus, Breach, BreachStatus, SharingAgreement


def _within(query: FigureQuery) -> Q:
    """Breaches found within the period."""
    tz = timezone.get_current_timezone()
    q = Q()
    if query.start:
        q &= Q(discovered_at__gte=datetime.combine(query.start, time.min, tzinfo=tz))
    if query.end:
        q &= Q(discovered_at__lt=datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=tz))
    return q


def sharing_figures(query: FigureQuery) -> list[Figure]:
    now = timezone.now()
    today = timezone.localdate()
    window = timedelta(hours=NOTIFICATION_HOURS)
    found = Breach.objects.filter(_within(query))
    open_ids = found.filter(status=BreachStatus.OPEN).values_list("uuid", flat=True)
    closed_ids = found.filter(status=BreachStatus.CLOSED).values_list("uuid", flat=True)
    late_ids = found.filter(
        Q(authority_decision="notified", authority_notified_at__gt=F("discovered_at") + window)
        | Q(authority_decision="undecided", discovered_at__lt=now - window)
    ).values_list("uuid", flat=True)
    on_time_ids = found.filter(
        authority_decision="notified", authority_notified_at__lte=F("discovered_at") + window
    ).values_list("uuid", flat=True)
    not_required_ids = found.filter(authority_decision="not_required").values_list("uuid", flat=True)
    active = SharingAgreement.objects.filter(status=AgreementStatus.ACTIVE)
    expired = active.filter(expires_on__lt=today).values_list("uuid", flat=True)
    expiring = active.filter(
        starts_on__lte=today, expires_on__gte=today, expires_on__lte=today + timedelta(days=EXPIRING_DAYS)
    ).values_list("uuid", flat=True)
    in_force = active.filter(starts_on__lte=today, expires_on__gt=today + timedelta(days=EXPIRING_DAYS)).values_list(
        "uuid", flat=True
    )
    return [
        Figure(
            code="breaches",
            title=_("Breaches found in the period"),
            lines=[Line.of(_("Open"), open_ids), Line.of(_("Closed"), closed_ids)],
            order=40,
            total=True,
        ),
        Figure(
            code="breach_notification",
            title=_("Notification of breaches to the authority"),
            description=_("Late: notified more than 72 hours after discovery, or still undecided after 72 hours."),
            lines=[
                Line.of(_("Notified within 72 hours"), on_time_ids),
                Line.of(_("Notified late or overdue"), late_ids),
                Line.of(_("Not required"), not_required_ids),
            ],
            order=41,
        ),
        Figure(
            code="agreements",
            title=_("Sharing agreements (today)"),
            lines=[
                Line.of(_("In force"), in_force),
                Line.of(_("Expiring within 30 days"), expiring),
                Line.of(_("Expired"), expired),
            ],
            order=42,
        ),
    ]
