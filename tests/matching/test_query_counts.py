"""The duplicate review list makes as many queries for many pairs as for few."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhusan.matching.models import DuplicateCandidate
from zhusan.registry import services as registry
from zhusan.registry.models import NameKind, Script

from ..factories import CYRILLIC_DIGITS, letters, make_person
from ..registry.helpers import login

N = 3


def pairs(alice, start: int, stop: int) -> None:
    """One woman registered twice, per step, each record with two names."""
    for i in range(start, stop):
        extra = [registry.NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION, given=f"Aisha{letters(i)}")]
        cyr = make_person(
            alice,
            given=f"Айша{letters(i, CYRILLIC_DIGITS)}",
            family="Нурланова",
            script=Script.CYRILLIC,
            extra_names=extra,
        )
        lat = make_person(alice, given=f"Aysha{letters(i)}", family="Nurlanov")
        a, b = (cyr, lat) if cyr.pk < lat.pk else (lat, cyr)
        DuplicateCandidate.objects.create(person_a=a, person_b=b, probability=0.9)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_duplicate_review_list_makes_as_many_queries_for_many_pairs_as_for_few(client, alice):
    login(client, alice)
    url = reverse("matching:duplicate_list")
    pairs(alice, 0, N)
    few = queries(client, url)
    pairs(alice, N, 3 * N)
    many = queries(client, url)
    assert f"Айша{letters(8, CYRILLIC_DIGITS)}" in client.get(url).content.decode()
    assert many == few, f"duplicate list: {few} queries for {N} pairs, {many} for {3 * N}"
