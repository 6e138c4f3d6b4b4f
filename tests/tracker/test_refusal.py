"""Only aggregates that passed disclosure control at their source are
accepted: anything else is refused with the reason, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhusan.tracker.sources import RefusedSourceError, read_aggregate

from .hxl_samples import HEADER, MARKER, TAGS, good_aggregate, write


def _refusal(tmp_path: Path, text: str) -> str:
    source = write(tmp_path / "in.csv", text)
    out = tmp_path / "site"
    with pytest.raises(CommandError) as caught:
        call_command("tracker", "build", str(source), "-o", str(out))
    assert not out.exists(), "nothing may be written on a refusal"
    return str(caught.value)


def test_a_good_aggregate_is_accepted(tmp_path: Path) -> None:
    figures = read_aggregate(str(write(tmp_path / "in.csv", good_aggregate())), min_threshold=5)
    assert [(f.country, f.label, f.year, f.count("total"), f.count("women")) for f in figures] == [
        ("KZ", "Zhusan-6", 2026, 40, "x")
    ]


def test_a_line_list_with_names_and_birth_dates_is_refused(tmp_path: Path) -> None:
    text = "Name,Date of birth,Case number\n#meta+name,#date+birth,#meta+case\nAigerim,2010-01-01,KZ-1\n"
    reason = _refusal(tmp_path, text)
    assert "person-level" in reason and "Nothing was written" in reason


@pytest.mark.parametrize(
    ("header", "tag"),
    [
        ("Passport", "#meta+passport"),
        ("Case number", "#meta+code"),
        ("Person", "#meta+id"),
        ("Phone", "#contact+phone"),
    ],
)
def test_a_person_level_column_hidden_in_an_aggregate_is_refused(tmp_path: Path, header: str, tag: str) -> None:
    text = "\n".join([MARKER, HEADER + f",{header}", TAGS + f",{tag}", "KZ,Zhusan-6,2026,0,x,33,x,40,v"]) + "\n"
    assert "person-level" in _refusal(tmp_path, text)


def test_an_unsuppressed_count_below_the_threshold_is_refused(tmp_path: Path) -> None:
    reason = _refusal(tmp_path, good_aggregate(body="KZ,Zhusan-6,2026,3,x,33,x,40"))
    assert "shows 3, below the disclosure threshold of 5 and not suppressed" in reason
    assert "#reached+m+adults" in reason


def test_a_file_without_the_disclosure_marker_is_refused(tmp_path: Path) -> None:
    reason = _refusal(tmp_path, "\n".join([HEADER, TAGS, "KZ,Zhusan-6,2026,0,x,33,x,40"]) + "\n")
    assert "no disclosure-control marker" in reason


def test_a_threshold_below_the_trackers_own_is_refused(tmp_path: Path) -> None:
    reason = _refusal(tmp_path, good_aggregate(marker=MARKER.replace("threshold=5", "threshold=2")))
    assert "threshold of 2, below the tracker's 5" in reason


def test_a_file_that_is_not_hxl_is_refused(tmp_path: Path) -> None:
    assert "not an HXL table" in _refusal(tmp_path, "a,b\n1,2\n")


def test_a_file_without_a_country_is_refused_unless_the_source_names_one(tmp_path: Path) -> None:
    text = good_aggregate().replace("#country+code,", "#meta+x,")
    source = write(tmp_path / "in.csv", text)
    with pytest.raises(RefusedSourceError, match="names no country"):
        read_aggregate(str(source), min_threshold=5)
    assert read_aggregate(f"UZ={source}", min_threshold=5)[0].country == "UZ"


def test_other_schemes_than_http_are_refused() -> None:
    with pytest.raises(RefusedSourceError, match="only files and http"):
        read_aggregate("ftp://example.org/a.csv", min_threshold=5)


def test_one_bad_source_among_good_ones_stops_the_build(tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", good_aggregate())
    bad = write(tmp_path / "bad.csv", good_aggregate(body="KZ,Zhusan-7,2026,0,x,1,x,40"))
    out = tmp_path / "site"
    with pytest.raises(CommandError, match="bad.csv"):
        call_command("tracker", "build", str(good), str(bad), "-o", str(out))
    assert not out.exists()
