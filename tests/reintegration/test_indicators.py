"""The indicators on a small programme: ten returned children, six living
with their grandmothers, four enrolled, three with a birth certificate; an
adult and a child still abroad are not counted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from zhusan.audit.services import Actor
from zhusan.registry.models import Person, TimelineEntry
from zhusan.reintegration import services
from zhusan.reporting.briefing import collect
from zhusan.reporting.indicators import ReportFilters, compute

from ..factories import letters, make_person
from . import world


def _returned(person: Person) -> None:
    TimelineEntry.objects.create(
        person=person, from_stage="cleared", to_stage="repatriated", reason="t",
        at=timezone.make_aware(datetime(2019, 5, 7)),
    )  # fmt: skip
    Person.objects.filter(pk=person.pk).update(stage="reintegrating")


@pytest.fixture
def programme(settings, ri_consul, ri_act):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 1
    consul = Actor.system("tests", user=ri_consul)
    children = []
    for i in range(10):
        child = make_person(ri_consul, given=f"Amina{letters(i)}", birth_year=world.today().year - 9)
        _returned(child)
        children.append(child)
    for child in children[:6]:
        world.place(ri_act, child, world.grandmother_of(consul, child, given=f"Gulnar{letters(child.pk)}"))
    for child in children[:4]:
        world.enrol(ri_act, child)
    for child in children[:3]:
        pathway = services.pathway_create(
            actor=ri_act, person=child, document_type="birth_certificate", started_on=world.today() - timedelta(days=9)
        )
        services.pathway_update(
            actor=ri_act, pathway=pathway, expected_version=pathway.version, status="issued",
            issued_on=world.today(), document_number="BC",
        )  # fmt: skip
    make_person(ri_consul, given="Dana", birth_year=1990)  # an adult: not a child
    make_person(ri_consul, given="Zhanna", birth_year=world.today().year - 5)  # not returned
    return children


def test_the_shares_of_returned_children_with_family_in_school_and_with_a_birth_certificate(programme):
    filters = ReportFilters()
    assert compute("children_with_family_share", filters=filters).values == (60.0,)
    assert compute("children_in_education_share", filters=filters).values == (40.0,)
    assert compute("children_with_birth_certificate_share", filters=filters).values == (30.0,)
    by_region = compute("children_with_family_share", by=("region",), filters=filters)
    assert by_region.values == (60.0,)


def test_the_briefing_states_the_children_sentence_from_the_published_counts(programme):
    sentences = collect(ReportFilters(), rule="", synthetic=False, threshold=1).sentences
    assert "6 returned children live with relatives and 4 attend school or kindergarten." in sentences


def test_a_small_count_is_suppressed_in_the_sentence_too(programme, settings):
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 10
    sentences = collect(ReportFilters(), rule="", synthetic=False, threshold=10).sentences
    sentence = next(s for s in sentences if "live with relatives" in s)
    assert "6" not in sentence and "suppressed" in sentence
