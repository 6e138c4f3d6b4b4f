"""Query counts of the manifest page and the manifest PDF do not grow with
the number of persons on the manifest (N persons, then 3N)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhusan.operations import services
from zhusan.registry import services as registry_services
from zhusan.registry.models import NameKind, Script

from ..factories import CYRILLIC_DIGITS, letters, make_person
from ..registry.helpers import login
from .helpers import act, give_consent

pytestmark = pytest.mark.django_db

N = 3


def queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = get()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def board(consul, movement, start: int, stop: int) -> None:
    """Adults with two names, a document and consent, each on the manifest."""
    for i in range(start, stop):
        person = make_person(
            consul, given=f"Айгерім{letters(i, CYRILLIC_DIGITS)}", family="Жүсіпова", script=Script.CYRILLIC, birth_year=1990,
            extra_names=[registry_services.NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION,
                                                     given=f"AIGERIM{letters(i, 'ABCDEFGHIJ')}", family="ZHUSSIPOVA")],
        )  # fmt: skip
        registry_services.document_add(
            actor=act(consul), person=person, doc_type="laissez_passer", status="issued", number=f"LP-{i}"
        )
        give_consent(consul, person)
        services.manifest_add(actor=act(consul), movement=movement, person=person, travel_group=f"group {i % 2}")


def test_the_manifest_page_makes_as_many_queries_for_many_persons_as_for_few(client, consul, movement):
    login(client, consul)
    url = reverse("operations:movement_detail", args=[movement.uuid])
    board(consul, movement, 0, N)
    few = queries(lambda: client.get(url))
    board(consul, movement, N, 3 * N)
    many = queries(lambda: client.get(url))
    assert many == few, f"manifest page: {few} queries for {N} persons, {many} for {3 * N}"


def test_the_manifest_pdf_makes_as_many_queries_for_many_persons_as_for_few(client, consul, movement):
    login(client, consul)
    url = reverse("operations:manifest_print", args=[movement.uuid])
    board(consul, movement, 0, N)
    few = queries(lambda: client.get(url))
    board(consul, movement, N, 3 * N)
    many = queries(lambda: client.get(url))
    assert many == few, f"manifest PDF: {few} queries for {N} persons, {many} for {3 * N}"
