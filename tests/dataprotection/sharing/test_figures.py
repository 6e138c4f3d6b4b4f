"""The officer's figures: every registered provider's counts go through
disclosure control; small counts are suppressed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhusan.dataprotection import figures

from .conftest import act, agreement, expire


@pytest.fixture
def exact(settings):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 5


def _breaches(officer, n: int, *, found_hours_ago: float = 1) -> None:
    from zhusan.dataprotection.sharing import services

    now = timezone.now()
    for i in range(n):
        services.breach_create(
            actor=act(officer), title=f"Breach {'abcdefghij'[i]}", what_happened="A list was e-mailed.",
            happened_at=now - timedelta(hours=found_hours_ago + 1), discovered_at=now - timedelta(hours=found_hours_ago),
        )  # fmt: skip


def _figure(code: str) -> figures.PublishedFigure:
    return next(f for f in figures.published().figures if f.code == code)


def test_the_sharing_part_registers_its_figures():
    assert "dataprotection_sharing.breaches_and_agreements" in figures.providers()


def test_a_count_under_the_threshold_is_suppressed(exact, officer):
    _breaches(officer, 2)
    breaches = _figure("breaches")
    assert [line.value for line in breaches.lines] == [None, 0]  # two open: hidden; zero closed: shown
    assert breaches.total is None  # the total would give the hidden count away


def test_counts_at_the_threshold_are_shown(exact, officer):
    _breaches(officer, 5)
    _breaches(officer, 6, found_hours_ago=80)
    breaches = _figure("breaches")
    assert [line.value for line in breaches.lines] == [11, 0] and breaches.total == 11
    late = _figure("breach_notification")
    assert [line.value for line in late.lines] == [0, 6, 0]


def test_agreements_expired_and_expiring_are_counted(exact, officer, partner):
    expire(agreement(officer, partner), timezone.localdate() - timedelta(days=1))
    lines = {str(line.label): line.value for line in _figure("agreements").lines}
    assert lines == {"In force": 0, "Expiring within 30 days": 0, "Expired": None}


def test_a_failing_provider_is_named_and_the_others_still_published(exact, officer):
    def broken(query):
        raise RuntimeError("boom")

    figures.figure_provider("tests.broken", broken)
    try:
        result = figures.published()
    finally:
        figures._PROVIDERS.pop("tests.broken")
    assert result.failed == ["tests.broken"] and any(f.code == "breaches" for f in result.figures)


def test_the_figures_are_perturbed_by_the_cell_key_of_the_records(settings, officer):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["0", "0", "0", "0", "1"]  # always +2
    _breaches(officer, 6)
    assert _figure("breaches").lines[0].value == 8


def test_the_figures_page_counts_breaches_found_in_the_period_asked(client, exact, officer):
    from django.urls import reverse

    from ...registry.helpers import login

    _breaches(officer, 5)
    login(client, officer)
    url = reverse("dataprotection_sharing:figures")
    today = timezone.localdate()

    def breaches(response) -> int | None:
        return next(f for f in response.context["figures"] if f.code == "breaches").total

    assert breaches(client.get(url)) == 5
    before = client.get(url, {"end": (today - timedelta(days=10)).isoformat()})
    assert before.status_code == 200 and breaches(before) == 0
