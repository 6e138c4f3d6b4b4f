from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.core.models import DatasetMarker
from zhusan.reporting.exports import safe_text
from zhusan.reporting.indicators import ReportFilters, compute

from ..factories import make_staff
from ..registry.helpers import login

# Exact counts: these tests check what is counted and suppressed, not the noise
# (tests/reporting/test_differencing.py checks that).
pytestmark = pytest.mark.usefixtures("exact_counts")


@pytest.fixture
def analyst(programme):
    return make_staff(Role.ANALYST, programme["west"], username="dana")


@pytest.fixture
def analyst_client(client, analyst):
    return login(client, analyst)


def test_an_analyst_sees_the_dashboard_with_its_rule_and_charts(analyst_client, analyst):
    response = analyst_client.get("/reports/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Counts from 1 to 4 are suppressed" in body
    assert body.count("<svg") >= 3
    assert "Aisha" not in body and "Nurlanova" not in body  # aggregates only, never a person
    event = AuditEvent.objects.filter(action=Action.VIEW, object_type="report").latest("seq")
    assert event.actor_username == "dana"


def test_a_programme_manager_sees_the_dashboard(client, programme):
    manager = make_staff(Role.PROGRAMME_MANAGER, programme["west"], username="erlan")
    assert login(client, manager).get("/reports/").status_code == 200


def test_a_case_manager_is_refused_and_the_refusal_audited(client, programme):
    response = login(client, programme["staff"]).get("/reports/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="report").exists()
    assert not AuditEvent.objects.filter(action=Action.VIEW, object_type="report").exists()


def test_the_dashboard_says_when_the_data_is_synthetic(analyst_client):
    assert "synthetic demo data" not in analyst_client.get("/reports/").content.decode()
    DatasetMarker.objects.create(is_synthetic=True, description="demo")
    assert "synthetic demo data" in analyst_client.get("/reports/").content.decode()


def test_the_dashboard_filters_by_region(analyst_client):
    body = analyst_client.get("/reports/?region=Turkistan").content.decode()
    assert "<td>6</td>" in body  # the six women managed in the south


def test_an_inverted_period_is_refused_with_a_message(analyst_client):
    body = analyst_client.get("/reports/?start=2020-01-01&end=2019-01-01").content.decode()
    assert "The start of the period must not be after its end." in body


def test_the_dashboard_is_mirrored_in_arabic(analyst_client):
    analyst_client.cookies["django_language"] = "ar"
    body = analyst_client.get("/reports/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in body
    assert 'direction="rtl"' in body


def test_a_csv_export_holds_the_protected_table_and_its_notes(analyst_client):
    response = analyst_client.get("/reports/persons.csv?by=age_band&region=Mangystau")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Age band", "persons"]
    assert rows[1] == ["0-4", "x"] and rows[2] == ["5-11", "x"] and rows[4] == ["18-59", "12"]
    assert rows[7] == ["Total", "21"]
    assert any("Disclosure control" in row[0] for row in rows if row)
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.object_ref == "persons" and event.detail["format"] == "csv"


def test_every_export_says_when_the_data_is_synthetic(analyst_client):
    DatasetMarker.objects.create(is_synthetic=True, description="demo")
    body = analyst_client.get("/reports/returnees.csv?by=sex").content.decode()
    assert body.splitlines()[-5].startswith("SYNTHETIC DATA")


def test_an_xlsx_export_reads_back_with_the_same_figures(analyst_client):
    response = analyst_client.get("/reports/persons.xlsx?by=age_band,sex&region=Mangystau")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    header = next(k for k, row in enumerate(values) if row[0] == "Age band")
    assert values[header][1:] == ("Female", "Male", "Unknown", "Total")
    body = {row[0]: row[1:] for row in values[header + 1 :]}
    result = compute("persons", by=["age_band", "sex"], filters=ReportFilters(region="Mangystau"))
    expected = result.table
    for k, label in enumerate(result.row_labels()):
        shown = [("x" if v is None else v) for v in (*expected.cells[k], expected.row_totals[k])]
        assert body[label] == tuple(shown)
    assert body["Total"][-1] == 21
    assert any(row[0] and str(row[0]).startswith("Disclosure control") for row in values)


def _hxl_lines(content: bytes) -> list[list[str]]:
    """The header row, the hashtag row and the data rows (the notes above are dropped)."""
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    tags = next(k for k, line in enumerate(lines) if line and line[0].startswith("#"))
    return lines[tags - 1 :]


def test_an_hxl_export_has_the_hashtag_row_below_the_header(analyst_client):
    response = analyst_client.get("/reports/returnees.hxl?by=age_band,sex")
    rows = _hxl_lines(response.content)
    assert rows[0][:3] == ["Age band", "Female", "Male"]
    assert rows[1] == ["#meta+age_band", "#reached+f", "#reached+m", "#reached+unknown", "#reached+total"]
    assert response["Content-Disposition"].endswith('-hxl.csv"')


def test_a_disaggregation_an_indicator_does_not_allow_is_refused_and_not_audited(analyst_client):
    response = analyst_client.get("/reports/orphans.csv?by=age_group")
    assert response.status_code == 400
    assert "orphans can be broken down by at most two of" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_case_manager_cannot_export(client, programme):
    assert login(client, programme["staff"]).get("/reports/persons.csv").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert safe_text(text) == "'" + text
    assert safe_text("Mangystau") == "Mangystau"
    assert safe_text(12) == 12


def test_a_region_named_like_a_formula_is_exported_as_text(analyst_client, programme):
    unit = programme["south"]
    unit.region = "=cmd|' /C calc'!A0"
    unit.save()
    body = analyst_client.get("/reports/persons.csv?by=region").content.decode()
    assert "'=cmd|" in body
    assert "\n=cmd" not in body
    xlsx = analyst_client.get("/reports/persons.xlsx?by=region").content
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    texts = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert "'=cmd|' /C calc'!A0" in texts


def test_the_dashboard_shows_arrivals_over_time_and_time_in_stage_with_their_tables(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    body = login(client, analyst).get("/reports/").content.decode()
    assert '<h2 id="arrivals-h">Arrivals by operation over time</h2>' in body
    assert '<h2 id="stage-time-h">Time spent in each stage</h2>' in body
    assert 'fill="url(#arrivals-hatch)"' in body and "2019-05 · Zhusan-1: suppressed" in body
    assert "18 (18–24)" in body  # the median days verified, with its quartiles
    assert body.count("<details") >= 2 and "<caption>Time spent in each stage</caption>" in body
    assert "<td>suppressed</td>" in body


def test_the_dashboard_charts_follow_the_region_filter(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    body = login(client, analyst).get("/reports/?region=Aral").content.decode()
    assert "2019-03 · Zhusan-1: 6" in body and "· Zhusan-2:" not in body  # (the filter still lists it)
    assert "25 (12.5–37.5)" in body


def test_the_dashboard_mirrors_the_new_charts_in_arabic(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    logged_in = login(client, analyst)
    logged_in.cookies["django_language"] = "ar"
    with translation.override("en"):  # the request switches the thread to Arabic: switch back after
        body = logged_in.get("/reports/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in body
    # The first month's column sits on the right of the chart, the last one on the left.
    march = re.search(r'<rect x="([\d.]+)"[^>]*><title>2019-03 · Zhusan-1: ', body)
    may = re.search(r'<rect x="([\d.]+)"[^>]*><title>2019-05 · Zhusan-2: 7', body)
    assert float(march.group(1)) > 400 and float(may.group(1)) < 240


def test_time_in_stage_exports_with_quartiles_and_a_hashtag_per_column(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    response = login(client, analyst).get("/reports/time_in_stage.hxl")
    lines = _hxl_lines(response.content)
    assert lines[0] == [
        "Lifecycle stage",
        "Left the stage",
        "Still in the stage",
        "Total",
        "Median days",
        "Lower quartile (days)",
        "Upper quartile (days)",
    ]
    assert len(lines[1]) == len(lines[0]) and lines[1][-3:] == [
        "#indicator+value+median+days",
        "#indicator+value+q1+days",
        "#indicator+value+q3+days",
    ]
    rows = {line[0]: line for line in lines[2:] if line}
    assert rows["Verified"][1:] == ["15", "0", "15", "18.0", "18.0", "24.0"]
    assert rows["Remained abroad"][1:] == ["x", "0", "x", "x", "x", "x"]


def test_arrivals_export_per_month_and_operation(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    response = login(client, analyst).get("/reports/arrivals.csv?by=arrival_month,operation")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:3] == ["Month of arrival", "Zhusan-1", "Zhusan-2"]
    assert lines[2][:3] == ["2019-04", "0", "0"]
    assert lines[3][:3] == ["2019-05", "x", "7"]


def test_the_dashboard_and_its_exports_filter_by_operation_and_say_so(analyst_client, journeys):
    body = analyst_client.get("/reports/?operation=Zhusan-2").content.decode()
    assert '<option value="Zhusan-2" selected>' in body
    rows = list(csv.reader(io.StringIO(analyst_client.get("/reports/persons.csv?operation=Zhusan-2").content.decode())))
    assert rows[1] == ["All", "7"]
    assert any("Operation: Zhusan-2." in row[0] for row in rows if row)


def test_an_unknown_operation_in_the_filter_is_refused_with_a_message(analyst_client, journeys):
    body = analyst_client.get("/reports/?operation=Zhusan-99").content.decode()
    assert "Select a valid choice" in body
