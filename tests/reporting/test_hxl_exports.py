"""HXL exports read back with libhxl, the HXL standard's own library: every
data row is a category, the column sums are the published totals, and the
notes are not data."""

from __future__ import annotations

import io
from typing import Any

import hxl
import pytest
from django.test import Client

from zhusan.accounts.permissions import Role
from zhusan.core.models import DatasetMarker
from zhusan.reporting.indicators import ReportFilters, compute

from ..factories import make_staff
from ..registry.helpers import login

pytestmark = pytest.mark.usefixtures("exact_counts")


@pytest.fixture
def analyst_client(client: Client, programme: dict[str, Any]) -> Client:
    DatasetMarker.objects.create(is_synthetic=True, description="demo")
    return login(client, make_staff(Role.ANALYST, programme["west"], username="dana"))


def read_hxl(content: bytes) -> hxl.model.Dataset:
    return hxl.data(io.BytesIO(content), hxl.InputOptions(allow_local=True)).cache()


def column_sum(dataset: hxl.model.Dataset, tag: str) -> int:
    return sum(int(row.get(tag)) for row in dataset)


def test_the_sum_of_each_column_is_the_published_total(analyst_client: Client) -> None:
    response = analyst_client.get("/reports/persons.hxl?by=region,sex")
    dataset = read_hxl(response.content)
    published = compute("persons", by=["region", "sex"], filters=ReportFilters()).table

    assert [str(c) for c in dataset.columns] == [
        "#adm1+name",
        "#affected+f",
        "#affected+m",
        "#affected+unknown",
        "#affected+total",
    ]
    assert column_sum(dataset, "#affected+f") == published.column_totals[0]
    assert column_sum(dataset, "#affected+m") == published.column_totals[1]
    assert column_sum(dataset, "#affected+total") == published.grand_total


def test_no_note_and_no_total_is_a_data_row(analyst_client: Client) -> None:
    response = analyst_client.get("/reports/persons.hxl?by=region,sex")
    dataset = read_hxl(response.content)

    regions = [row.get("#adm1+name") for row in dataset]

    assert sorted(regions) == ["Mangystau", "Turkistan"]
    assert all(len([v for v in row.values if v]) == len(dataset.columns) for row in dataset)


def test_the_notes_and_the_totals_are_kept_above_the_header(analyst_client: Client) -> None:
    text = analyst_client.get("/reports/persons.hxl?by=region,sex").content.decode("utf-8-sig")
    above = text.split("#adm1+name")[0]

    assert "SYNTHETIC DATA" in above
    assert "Filters: period" in above
    assert "Disclosure control:" in above
    assert "Published totals (not repeated as a data row): Female: " in above
    assert f"Total: {compute('persons', by=['region', 'sex']).table.grand_total}." in above


def test_a_table_with_no_breakdown_is_its_one_row(analyst_client: Client) -> None:
    dataset = read_hxl(analyst_client.get("/reports/returnees.hxl").content)

    rows = list(dataset)

    assert len(rows) == 1
    assert int(rows[0].get("#reached+total")) == compute("returnees").table.grand_total
