"""The programme's outcome on work, as the briefing states it."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry.models import Person, Sex

from .models import Employment

FIRST_GROUP = "Zhusan-1"


def first_group_women_working(operation_code: str = FIRST_GROUP) -> int:
    """Women who arrived with the first operation and hold a current job."""
    today = timezone.localdate()
    arrived = ManifestEntry.objects.filter(movement__operation__code=operation_code, status=EntryStatus.ARRIVED)
    working = Employment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)
    return (
        Person.objects.not_merged()
        .filter(sex=Sex.FEMALE, pk__in=arrived.values("person_id"))
        .filter(pk__in=working.values("person_id"))
        .exclude(birth_date_mid__gt=today.replace(year=today.year - 18))
        .count()
    )
