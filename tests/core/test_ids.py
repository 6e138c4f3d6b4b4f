"""A list of ids in a query stays one parameter, and finds those ids."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhusan.core.ids import among, ids_value
from zhusan.registry.models import Person

from ..factories import letters, make_person

pytestmark = pytest.mark.django_db


def test_among_finds_the_persons_given_whatever_their_order_and_repeats(alice):
    persons = [make_person(alice, given=f"Ids{letters(n)}", family="Test") for n in range(4)]
    wanted = [persons[2].pk, persons[0].pk, persons[2].pk]
    assert set(Person.objects.filter(among("pk", wanted)).values_list("pk", flat=True)) == {
        persons[0].pk,
        persons[2].pk,
    }
    assert not Person.objects.filter(among("pk", [])).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array is PostgreSQL's")
def test_on_postgresql_the_ids_go_as_one_array_written_as_text(alice):
    persons = [make_person(alice, given=f"Ids{letters(n)}", family="Test") for n in range(3)]
    ids = [p.pk for p in reversed(persons)]
    assert ids_value(ids) == "{" + ",".join(str(pk) for pk in sorted(ids)) + "}"
    with CaptureQueriesContext(connection) as run:
        assert sorted(Person.objects.filter(among("pk", ids)).values_list("pk", flat=True)) == sorted(ids)
    (sql,) = [q["sql"] for q in run.captured_queries if "registry_person" in q["sql"]]
    # A sub-select: the planner does not weigh the array's length (docs in core.ids).
    assert "= ANY(CAST((SELECT '{" in sql


def test_elsewhere_the_ids_are_the_usual_list_in_order():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's list")
    assert ids_value({3, 1, 2}) == [1, 2, 3]
