"""The printable manifest carries only what travel needs, and is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from fpdf import FPDF

from zhusan.audit.models import Action, AuditEvent
from zhusan.core.fonts import FONT, FONT_REGULAR
from zhusan.operations import printing, services
from zhusan.registry import services as registry_services
from zhusan.registry.models import NameKind, Script

from ..factories import make_person
from ..registry.helpers import login
from ..reporting.test_briefing import pdf_strings, pdf_text
from .helpers import act

pytestmark = pytest.mark.django_db


def test_the_printed_manifest_lists_travel_details_only_and_is_audited(client, consul, movement):
    person = make_person(
        consul, given="Айгерім", family="Жүсіпова", script=Script.CYRILLIC, vulnerabilities=["pregnancy"],
        extra_names=[registry_services.NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION,
                                                 given="AIGERIM", family="ZHUSSIPOVA")],
    )  # fmt: skip
    registry_services.document_add(
        actor=act(consul), person=person, doc_type="laissez_passer", status="issued", number="LP-0042"
    )
    services.manifest_add(actor=act(consul), movement=movement, person=person)
    login(client, consul)
    response = client.get(reverse("operations:manifest_print", args=[movement.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert person.case_number in text
    assert "AIGERIM ZHUSSIPOVA" in text
    assert "LP-0042" in text
    assert "Pregnancy" not in text and "pregnancy" not in text
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="manifest")
    assert event.detail["persons"] == 1


def test_a_teacher_cannot_print_a_manifest(client, teacher, movement):
    login(client, teacher)
    response = client.get(reverse("operations:manifest_print", args=[movement.uuid]))
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def _print(client, consul, movement) -> bytes:
    login(client, consul)
    response = client.get(reverse("operations:manifest_print", args=[movement.uuid]))
    assert response.status_code == 200
    return response.content


def test_an_arabic_name_is_printed_shaped_right_to_left_with_its_icao_latin_beside_it(client, consul, movement):
    boy = make_person(consul, given="يوسف", family="عبد الرحمن", script=Script.ARABIC, sex="male", birth_year=2015)
    services.manifest_add(actor=act(consul), movement=movement, person=boy)

    strings = pdf_strings(_print(client, consul, movement), strict=False)

    # Shaped text is written glyph by glyph, left to right on the page: the
    # first word, يوسف, is the rightmost; each glyph reads back as its letter.
    assert "يوسف عبد الرحمن"[::-1] in "".join(strings)
    assert "YUSF ABD ALRHMN" in strings
    assert "Latin (ICAO)" in strings


def test_a_registered_latin_spelling_is_preferred_to_the_transliteration(client, consul, movement):
    latin = registry_services.NameInput(
        script=Script.LATIN, kind=NameKind.TRANSLITERATION, given="Yusuf", family="Abdurrahman"
    )
    boy = make_person(consul, given="يوسف", family="عبد الرحمن", script=Script.ARABIC, extra_names=[latin])
    services.manifest_add(actor=act(consul), movement=movement, person=boy)

    text = pdf_text(_print(client, consul, movement))

    assert "Yusuf Abdurrahman" in text
    assert "YUSF ABD ALRHMN" not in text


def test_no_value_runs_over_its_column(consul, movement):
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_page()
    pdf.set_font(FONT, "", printing.FONT_SIZE)
    row = [
        "999",
        "KZ-000123456",
        "Айгерім-Гүлжан Нұрсұлтанқызы Жүсіпова-Абдрахманова",
        "AIGERIMGULZHANNURSULTANKYZYZHUSSIPOVAABDRAKHMANOVA",
        "Female",
        "about 2015",
        "Family group of the Abdurrahman household",
        "Laissez-passer LP-2019-000000000042-ERBIL",
    ]

    (cells,) = printing.layout_rows(pdf, [row])

    for (width, _title), cell, value in zip(printing.COLUMNS, cells, row, strict=True):
        assert all(pdf.get_string_width(line) <= width - 2 * printing.PADDING for line in cell.lines)
        assert "".join(cell.lines).replace(" ", "") == value.replace(" ", "")
    assert len(cells[3].lines) > 1  # a word wider than its column is cut


def test_a_long_manifest_repeats_the_column_headings_on_each_page(client, consul, movement):
    for k in range(40):
        person = make_person(consul, given="Person " + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"[k], family="Long")
        services.manifest_add(actor=act(consul), movement=movement, person=person)

    strings = pdf_strings(_print(client, consul, movement))

    assert strings.count("Latin (ICAO)") >= 2
    assert "40 persons on this manifest." in strings


def test_the_printing_time_carries_its_time_zone(client, consul, movement):
    text = pdf_text(_print(client, consul, movement))

    assert "(Asia/Almaty)" in text
