"""The static site: plain HTML and CSS, charts as SVG drawn at build time,
one folder per language (Arabic right to left), no JavaScript, no server.

``build(figures, out)`` writes ``out/index.html`` (the choice of language),
``out/style.css`` and, per language, ``out/<lang>/index.html`` (the regional
overview) and ``out/<lang>/<country>.html`` (one page per country).
Every string is marked for translation and rendered under
``translation.override(lang)``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.reporting.exports import SUPPRESSED

from .charts import bars
from .sources import Count, Figure, Source

# Each language named in itself (the switcher is read by someone who may not read the page's language).
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("ru", "Русский"),
    ("kk", "Қазақша"),
    ("ar", "العربية"),
)
REGION = "REGION"
COUNTRY_NAMES: dict[str, str | Promise] = {
    "KZ": gettext_lazy("Kazakhstan"),
    "UZ": gettext_lazy("Uzbekistan"),
    "TJ": gettext_lazy("Tajikistan"),
    "XK": gettext_lazy("Kosovo"),
    "IQ": gettext_lazy("Iraq"),
    REGION: gettext_lazy("North-east Syrian camps (all nationalities)"),
}
ORDER = ("KZ", "UZ", "TJ", "XK", "IQ")
COLUMNS = ("total", "men", "women", "children", "orphans", "remaining")


def column_headings() -> dict[str, str]:
    return {
        "total": _("Total"),
        "men": _("Men"),
        "women": _("Women"),
        "children": _("Children"),
        "orphans": _("Orphans"),
        "remaining": _("Still abroad"),
    }


def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


def qualifier_text(qualifier: str) -> str:
    known = {"at least": _("at least"), "about": _("about"), "more than": _("more than")}
    return known.get(qualifier, qualifier)


def show(value: Count, qualifier: str = "") -> str:
    """A count as written on the site: "unknown", "suppressed" or the number."""
    if value is None:
        return _("unknown")
    if value == SUPPRESSED:
        return _("suppressed")
    number = f"{value:,}"
    return f"{qualifier_text(qualifier)} {number}" if qualifier else number


def _chart_value(value: Count) -> int | None:
    return value if isinstance(value, int) else None


@dataclass
class SourceNotes:
    """The sources a page cites, numbered in the order of first use."""

    sources: list[Source]

    def number(self, source: Source) -> int:
        if source not in self.sources:
            self.sources.append(source)
        return self.sources.index(source) + 1


def _row(figure: Figure, notes: SourceNotes, *, with_country: bool = False) -> dict[str, Any]:
    return {
        "country": country_name(figure.country),
        "country_code": figure.country,
        "label": figure.label or _("No figure published"),
        "date": figure.date or (str(figure.year) if figure.year else ""),
        "year": figure.year or "",
        "kind": figure.kind,
        "sub": bool(figure.part_of),
        "part_of": figure.part_of,
        "cells": [(name, show(figure.count(name), figure.qualifier)) for name in COLUMNS],
        "note": figure.note,
        "origin": figure.origin,
        "noise": figure.noise,
        "source": notes.number(figure.source),
        "with_country": with_country,
    }


def countries_of(figures: Sequence[Figure]) -> list[str]:
    present = {f.country for f in figures if f.country != REGION}
    return [c for c in ORDER if c in present] + sorted(present - set(ORDER))


def _chart(figures: Sequence[Figure], column: str, labels: Sequence[str], title: str, rtl: bool) -> SafeString:
    return bars(
        labels,
        [_chart_value(f.count(column)) for f in figures],
        [show(f.count(column), f.qualifier) for f in figures],
        title=title,
        desc=_("The same figures are in the table on this page."),
        rtl=rtl,
    )


def _returned_chart(figures: Sequence[Figure], title: str, rtl: bool, *, with_country: bool) -> SafeString | None:
    shown = [f for f in figures if f.count("total") is not None]
    if not shown:
        return None
    labels = [
        (f"{country_name(f.country)}: " if with_country else "") + f"{f.label} ({f.year or _('year unknown')})"
        for f in shown
    ]
    return _chart(shown, "total", labels, title, rtl)


def _women_children_chart(figures: Sequence[Figure], title: str, rtl: bool) -> SafeString | None:
    labels: list[str] = []
    values: list[int | None] = []
    texts: list[str] = []
    for figure in figures:
        for name, heading in (("women", _("women")), ("children", _("children"))):
            if figure.count(name) is not None:
                labels.append(f"{figure.label} · {heading}")
                values.append(_chart_value(figure.count(name)))
                texts.append(show(figure.count(name)))
    if not labels:
        return None
    return bars(labels, values, texts, title=title, desc=_("The same figures are in the table on this page."), rtl=rtl)


def _source_list(notes: SourceNotes) -> list[dict[str, str]]:
    return [
        {
            "title": source.title,
            "publisher": source.publisher or _("not recorded"),
            "url": source.url,
            "date": source.date or _("not recorded"),
        }
        for source in notes.sources
    ]


def _common(lang: str, page: str, built_on: date) -> dict[str, Any]:
    return {
        "lang": lang,
        "rtl": translation.get_language_bidi(),
        "languages": [
            {"code": code, "name": name, "href": f"../{code}/{page}", "current": code == lang}
            for code, name in LANGUAGES
        ],
        "built_on": built_on.isoformat(),
        "headings": column_headings(),
    }


def render_overview(figures: Sequence[Figure], lang: str, built_on: date) -> str:
    rtl = translation.get_language_bidi()
    notes = SourceNotes([])
    countries = countries_of(figures)
    top = [f for c in countries for f in figures if f.country == c and f.top_level and f.kind != "remaining"]
    remaining = [f for f in figures if f.kind == "remaining"]
    context = {
        **_common(lang, "index.html", built_on),
        "title": _("Who has brought how many home"),
        "countries": [{"code": c, "name": country_name(c), "href": f"{c}.html"} for c in countries],
        "rows": [_row(f, notes, with_country=True) for f in top],
        "remaining_rows": [_row(f, notes, with_country=True) for f in remaining],
        "chart": _returned_chart(
            [f for f in top if f.kind in ("operation", "total")],
            _("People returned, by country and operation (as reported)"),
            rtl,
            with_country=True,
        ),
        "remaining_chart": _chart(
            remaining,
            "remaining",
            [f.label for f in remaining],
            _("Still in the north-east Syrian camps"),
            rtl,
        )
        if remaining
        else None,
        "deployment_noise": max((f.noise for f in figures if f.origin == "deployment"), default=0),
    }
    context["sources"] = _source_list(notes)
    return render_to_string("tracker/site/overview.html", context)


def render_country(figures: Sequence[Figure], code: str, lang: str, built_on: date) -> str:
    rtl = translation.get_language_bidi()
    notes = SourceNotes([])
    mine = [f for f in figures if f.country == code]
    name = country_name(code)
    context = {
        **_common(lang, f"{code}.html", built_on),
        "title": name,
        "code": code,
        "rows": [_row(f, notes) for f in mine],
        "chart": _returned_chart(
            [f for f in mine if f.kind in ("operation", "cumulative")],
            _("People returned by operation: %(country)s") % {"country": name},
            rtl,
            with_country=False,
        ),
        "women_children_chart": _women_children_chart(
            [f for f in mine if f.kind == "operation"],
            _("Women and children returned: %(country)s") % {"country": name},
            rtl,
        ),
        "deployment_noise": max((f.noise for f in mine if f.origin == "deployment"), default=0),
    }
    context["sources"] = _source_list(notes)
    return render_to_string("tracker/site/country.html", context)


def build(figures: Sequence[Figure], out: Path, *, built_on: date | None = None) -> list[Path]:
    """Write the site into ``out`` (created if needed); the paths written, relative to ``out``."""
    built_on = built_on or timezone.localdate()
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "style.css").write_text(render_to_string("tracker/site/style.css"), encoding="utf-8")
        with translation.override("en"):
            (root / "index.html").write_text(
                render_to_string("tracker/site/languages.html", {"languages": LANGUAGES}), encoding="utf-8"
            )
        for lang, _name in LANGUAGES:
            folder = root / lang
            folder.mkdir()
            with translation.override(lang):
                (folder / "index.html").write_text(render_overview(figures, lang, built_on), encoding="utf-8")
                for code in countries_of(figures):
                    (folder / f"{code}.html").write_text(
                        render_country(figures, code, lang, built_on), encoding="utf-8"
                    )
        out.mkdir(parents=True, exist_ok=True)
        for path in sorted(root.rglob("*")):
            target = out / path.relative_to(root)
            if path.is_dir():
                target.mkdir(exist_ok=True)
            else:
                shutil.copyfile(path, target)
                written.append(path.relative_to(root))
    return written
