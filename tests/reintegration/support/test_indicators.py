"""Support's indicators on hand-made records (exact figures: no perturbation)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhusan.registry.models import ConsentPurpose, Person, Stage, TimelineEntry
from zhusan.reintegration.support import services
from zhusan.reintegration.support.models import ReferralKind
from zhusan.reporting.indicators import ReportFilters, compute

from ...factories import make_person
from .conftest import act, consent


@pytest.fixture(autouse=True)
def exact(settings):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 1


def _returned_woman(consul):
    person = make_person(consul, given="Dana", family="Serikova", birth_year=1990)
    TimelineEntry.objects.create(
        person=person, from_stage="cleared", to_stage="repatriated", at=timezone.now(), reason="t"
    )
    Person.objects.filter(pk=person.pk).update(stage=Stage.REINTEGRATING)
    return person


def test_the_share_of_adult_women_in_work_or_training(consul, worker):
    women = [_returned_woman(consul) for _ in range(10)]
    make_person(consul, given="Aigul", family="Bekova", birth_year=1990)  # not returned: not counted
    for w in women[:4]:
        services.employment_add(
            actor=act(worker), person=w, employer_name="E", sector="S", contract_kind="permanent",
            started_on=date(2020, 1, 1),
        )  # fmt: skip
    services.course_add(
        actor=act(worker),
        person=women[4],
        provider="P",
        course="C",
        started_on=timezone.localdate() - timedelta(days=5),
    )
    services.employment_add(  # a job that ended does not count
        actor=act(worker), person=women[5], employer_name="E", sector="S", contract_kind="permanent",
        started_on=date(2020, 1, 1), ended_on=date(2021, 1, 1),
    )  # fmt: skip
    result = compute("women_in_work_or_training", filters=ReportFilters())
    assert result.values is not None and result.values[0] == pytest.approx(50.0)


def test_referrals_by_kind_and_outcome_and_the_median_response_time(
    consul, worker, ngo_unit, ngo_worker, liaison, security_unit
):
    sent = timezone.localdate() - timedelta(days=30)
    persons = [make_person(consul, given="Dana", family="Serikova") for _ in range(3)]
    for p in persons:
        consent(p, ConsentPurpose.SHARE_NGO, consul)
        consent(p, ConsentPurpose.SHARE_LAW_ENFORCEMENT, consul)
    for days, p in zip((2, 4, 9), persons, strict=True):
        r = services.referral_send(
            actor=act(worker), person=p, kind=ReferralKind.LIVELIHOOD, organisation=ngo_unit.organisation,
            reason="x", sent_on=sent,
        )  # fmt: skip
        services.referral_accept(
            actor=act(ngo_worker), referral=r, expected_version=1, answered_on=sent + timedelta(days=days)
        )
    # A security referral is never counted.
    services.referral_send(
        actor=act(liaison), person=persons[0], kind=ReferralKind.SECURITY, organisation=security_unit.organisation,
        reason="x",
    )  # fmt: skip
    by_kind = compute("persons_referred", by=["referral_kind"], filters=ReportFilters())
    counts = dict(zip(by_kind.table.rows, [line[0] for line in by_kind.table.cells], strict=True))
    assert counts["livelihood"] == 3
    assert "security" not in counts and not counts.get("health")
    days = compute("referral_response_days", filters=ReportFilters())
    assert days.values is not None and days.values[0] == 4


def test_the_briefing_sentence_states_the_published_figure():
    from zhusan.reintegration.support.statistics import first_group_sentence

    asked: list[str] = []

    def figure(code: str) -> str:
        asked.append(code)
        return "7"

    assert first_group_sentence(figure) == "7 women of the first group (Zhusan-1) work."
    assert asked == ["first_group_women_working"]
