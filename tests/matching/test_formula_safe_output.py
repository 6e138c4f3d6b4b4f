"""Linkage results are written by the one formula-safe writer: names typed as
formulas in an uploaded list come back as text (``zhusan link``, the service,
the UI job's download)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhusan.matching.jobs import link_to_csv
from zhusan.matching.models import LinkageJob, LinkageMode

from ..core.test_tabular_out import MALICIOUS
from ..registry.helpers import login
from .test_link_command import REGISTRY_CSV

CALC = "+cmd|' /C calc'!A0"


def _list_with_formulas() -> str:
    """Every malicious name as the given name of a woman who matches R1 on family name and birth."""
    lines = ["Ref,Surname,First name,DOB,Sex"]
    for k, name in enumerate(MALICIOUS):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"L{k},ZHUSUPOVA,{quoted},1990-03-14,F")
    lines.append(f"{CALC},ZHUSUPOVA,AISHA,1990-03-14,F")  # a formula in the identifier column too
    return "\n".join(lines) + "\n"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _assert_no_cell_runs(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (column, cell)
            if cell.startswith("-"):
                float(cell)  # only a number (a negative weight) may start with a minus


def test_link_to_csv_writes_formula_names_as_text() -> None:
    left = [
        {"id": f"L{k}", "given": name, "family": "Zhusupova", "birth": "1990-03-14", "sex": "F"}
        for k, name in enumerate(MALICIOUS)
    ]
    right = [{"id": CALC, "given": "=1+1", "family": "Zhusupova", "birth": "1990-03-14", "sex": "F"}]
    out = io.StringIO()
    summary = link_to_csv(left, right, out, threshold=0.0, all_pairs=True)
    rows = _rows(out.getvalue())
    assert summary.pairs == len(rows) == len(MALICIOUS)
    assert {r["left_given"] for r in rows} >= {"'" + m for m in MALICIOUS if not m.startswith(("\t", "\r"))}
    assert {r["right_id"] for r in rows} == {"'" + CALC}
    _assert_no_cell_runs(rows)


def test_match_probabilities_and_weights_stay_numbers() -> None:
    left = [{"id": "L1", "given": "Aisha", "family": "Zhusupova", "birth": "1950", "sex": "M"}]
    right = [{"id": "R1", "given": "Aisha", "family": "Zhusupova", "birth": "1990-03-14", "sex": "F"}]
    out = io.StringIO()
    link_to_csv(left, right, out, threshold=0.0, all_pairs=True)
    (row,) = _rows(out.getvalue())
    assert float(row["match_weight"]) == pytest.approx(3.31, abs=0.01)
    assert 0 <= float(row["match_probability"]) <= 1
    assert row["evidence: date of birth"] == "dates of birth differ (-5.50)"


def test_the_link_command_writes_formula_names_as_text(tmp_path: Path) -> None:
    left, right, out = tmp_path / "list.csv", tmp_path / "reg.csv", tmp_path / "pairs.csv"
    left.write_text(_list_with_formulas(), encoding="utf-8")
    right.write_text(REGISTRY_CSV, encoding="utf-8")
    call_command("link", str(left), str(right), "-o", str(out), "--threshold", "0.01", "--all-pairs")
    rows = _rows(out.read_text(encoding="utf-8"))
    assert any(r["left_given"] == "'" + CALC for r in rows)
    assert any(r["left_id"] == "'" + CALC for r in rows)
    _assert_no_cell_runs(rows)


@pytest.mark.django_db
def test_the_linkage_job_download_writes_formula_names_as_text(client: Client, alice, settings) -> None:
    settings.LINKAGE_JOBS_INLINE = True
    login(client, alice)
    client.post(
        reverse("matching:linkage_create"),
        {
            "mode": LinkageMode.TWO_FILES,
            "left": SimpleUploadedFile("list.csv", _list_with_formulas().encode(), content_type="text/csv"),
            "right": SimpleUploadedFile("reg.csv", REGISTRY_CSV.encode(), content_type="text/csv"),
        },
    )
    job = LinkageJob.objects.get()
    rows = _rows(client.get(reverse("matching:linkage_download", args=[job.uuid])).content.decode())
    assert rows and any(r["left_given"] == "'" + CALC for r in rows)
    _assert_no_cell_runs(rows)
