"""The dashboard's figures are computed once and kept (zhusan/reporting/cache.py):
a large registry reads them stored, with the time they were computed; a write
makes them stale and queues their recomputation; reads do not; what is stored
is exactly what ``compute`` publishes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.reporting import cache, tasks
from zhusan.reporting.indicators import ReportFilters, compute
from zhusan.reporting.models import DashboardFigures

from ..factories import make_person, make_staff
from ..registry.helpers import login


@pytest.fixture
def large(settings):
    """Every registry counts as large: figures come from the store and the queue."""
    settings.ZHUSAN_DASHBOARD_INLINE_LIMIT = 0


@pytest.fixture
def analyst_client(client, programme):
    return login(client, make_staff(Role.ANALYST, programme["west"], username="dana"))


@pytest.fixture
def computations(monkeypatch):
    """Counts the times the figures are computed from the records."""
    calls: list[ReportFilters] = []
    real = cache.compute_payload

    def counting(filters: ReportFilters):  # type: ignore[no-untyped-def]
        calls.append(filters)
        return real(filters)

    monkeypatch.setattr(cache, "compute_payload", counting)
    return calls


@pytest.fixture
def queue_stopped(monkeypatch):
    """The worker is not running: what is queued stays queued."""
    queued: list[dict[str, str]] = []
    monkeypatch.setattr(tasks, "queue_recompute", queued.append)
    return queued


def test_stored_figures_are_exactly_the_published_ones(programme):
    filters = ReportFilters(region="Mangystau")
    for code, by in [("persons", ("age_band", "sex")), ("children_share_of_returnees", ()), ("time_in_stage", ())]:
        published = compute(code, by=by, filters=filters)
        restored = cache.load_result(cache.dump_result(published), filters)
        assert restored.table == published.table
        assert restored.values == published.values
        assert restored.quartiles == published.quartiles
        assert restored.row_labels() == published.row_labels()


def test_a_large_registry_computes_once_and_then_reads_the_stored_figures(
    large, analyst_client, computations, django_capture_on_commit_callbacks
):
    first = analyst_client.get("/reports/")
    second = analyst_client.get("/reports/")
    assert first.status_code == second.status_code == 200
    assert len(computations) == 1  # the second view read what the first one's task stored
    body = second.content.decode()
    assert "Figures as of" in body and "being computed" not in body
    assert body.count("<svg") >= 3
    row = DashboardFigures.objects.get()
    assert row.payload is not None and row.computed_at is not None and row.requested_at is None


def test_the_same_query_gets_the_same_perturbed_figures_stored_or_computed(large, programme):
    """Published counts are perturbed (no exact_counts here); storing them changes nothing."""
    stored = cache.dashboard_results(ReportFilters())
    assert stored is not None
    assert [r.table.grand_total for r in stored["headline"]] == [
        compute(code).table.grand_total for code in cache.HEADLINE
    ]
    assert stored["pyramid"].table == compute("persons", by=("age_band", "sex")).table


def test_a_write_makes_the_figures_stale_and_they_are_computed_again(large, programme, computations, settings):
    settings.ZHUSAN_DASHBOARD_MIN_INTERVAL_SECONDS = 0
    before = cache.dashboard_results(ReportFilters())
    assert before is not None
    row = DashboardFigures.objects.get()
    assert cache.is_fresh(row)
    make_person(programme["staff"], sex="female", birth_year=1990)  # a registration: an audited write
    assert not cache.is_fresh(row)
    after = cache.dashboard_results(ReportFilters())
    assert len(computations) == 2
    assert after is not None and not after.stale
    assert cache.is_fresh(DashboardFigures.objects.get())


def test_reading_and_viewing_leave_the_figures_fresh(large, analyst_client, computations):
    analyst_client.get("/reports/")
    analyst_client.get("/persons/")
    analyst_client.get("/reports/")
    assert len(computations) == 1
    assert cache.is_fresh(DashboardFigures.objects.get())


def test_figures_computed_on_another_day_or_too_long_ago_are_stale(large, programme, settings):
    cache.dashboard_results(ReportFilters())
    row = DashboardFigures.objects.get()
    assert cache.is_fresh(row)
    assert not cache.is_fresh(row, now=timezone.now() + timedelta(days=1))
    settings.ZHUSAN_DASHBOARD_MAX_AGE_SECONDS = 60
    assert not cache.is_fresh(row, now=timezone.now() + timedelta(minutes=2))


def test_while_the_first_computation_waits_on_the_queue_the_dashboard_says_so(
    large, analyst_client, queue_stopped, computations
):
    body = analyst_client.get("/reports/").content.decode()
    assert "being computed for the first time" in body
    assert "<svg" not in body
    assert len(queue_stopped) == 1 and computations == []
    analyst_client.get("/reports/")
    assert len(queue_stopped) == 1  # one request at a time per set of filters


def test_stale_figures_are_shown_with_their_time_while_they_are_recomputed(
    large, programme, analyst_client, queue_stopped, settings
):
    settings.ZHUSAN_DASHBOARD_MIN_INTERVAL_SECONDS = 0
    cache.refresh(ReportFilters())
    computed_at = DashboardFigures.objects.get().computed_at
    make_person(programme["staff"], sex="male", birth_year=1980)
    body = analyst_client.get("/reports/").content.decode()
    assert "Figures as of" in body and "computed again" in body
    assert timezone.localtime(computed_at).strftime("%H:%M") in body
    assert len(queue_stopped) == 1


def test_figures_younger_than_the_interval_are_shown_stale_after_a_write_and_not_computed_again(
    large, programme, analyst_client, queue_stopped, computations
):
    cache.refresh(ReportFilters())
    computed_at = DashboardFigures.objects.get().computed_at
    make_person(programme["staff"], sex="male", birth_year=1980)  # an audited write: the figures are stale

    body = analyst_client.get("/reports/").content.decode()

    assert queue_stopped == [] and len(computations) == 1  # the refresh above, nothing more
    next_at = timezone.localtime(computed_at + cache.min_interval()).strftime("%H:%M")
    assert "Figures as of" in body and f"computed again at most every few minutes, next after {next_at}" in body
    assert body.count("<svg") >= 3


def test_once_the_interval_has_passed_stale_figures_are_queued_for_recomputation(
    large, programme, analyst_client, queue_stopped
):
    cache.refresh(ReportFilters())
    DashboardFigures.objects.update(computed_at=timezone.now() - cache.min_interval() - timedelta(seconds=1))
    make_person(programme["staff"], sex="male", birth_year=1980)

    body = analyst_client.get("/reports/").content.decode()

    assert len(queue_stopped) == 1
    assert "being computed again" in body


def test_the_task_recomputes_the_figures_for_its_filters(programme):
    filters = ReportFilters(start=date(2019, 1, 1), end=date(2019, 12, 31), sex="female", region="Mangystau")
    assert tasks.filters_from(filters.as_dict()) == filters
    tasks.recompute_dashboard.enqueue(filters=filters.as_dict())  # immediate backend in tests
    row = DashboardFigures.objects.get(key=cache.figures_key(filters))
    assert row.filters == filters.as_dict()
    assert (
        cache.load_payload(row.payload, filters)["stages"].table
        == compute("persons", by=("stage",), filters=filters).table
    )


def test_a_small_registry_is_computed_on_every_view(programme, analyst_client, computations):
    analyst_client.get("/reports/")
    analyst_client.get("/reports/")
    assert len(computations) == 2
    assert DashboardFigures.objects.count() == 1  # the same row, written again


def test_other_disclosure_settings_are_other_figures(programme, settings):
    key = cache.figures_key(ReportFilters())
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    assert cache.figures_key(ReportFilters()) != key
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 10
    assert cache.figures_key(ReportFilters(sex="male")) != cache.figures_key(ReportFilters())
