"""Returnees for the follow-up tests: registered, moved along the lifecycle to
"reintegrating", arrived on a chosen day."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import Person, Stage, TimelineEntry

from ...factories import make_person

PATH = [Stage.VERIFIED, Stage.CLEARED, Stage.REPATRIATED, Stage.REINTEGRATING]


def act(user: Any) -> Actor:
    return Actor.system("tests", user=user)


def returnee(
    user: Any, *, arrived: date = date(2019, 5, 9), birth_year: int = 1990, sex: str = "female", **kwargs: Any
) -> Person:
    person = make_person(user, birth_year=birth_year, sex=sex, **kwargs)
    for stage in PATH:
        person = registry.stage_change(
            actor=act(user), person=person, to_stage=stage, reason="test", expected_version=person.version
        )
    at = timezone.make_aware(datetime.combine(arrived, time(12)))
    TimelineEntry.objects.filter(person=person, to_stage=Stage.REPATRIATED).update(at=at)
    person.refresh_from_db()
    return person
