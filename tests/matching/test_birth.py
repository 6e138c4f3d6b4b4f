"""One birth-date converter: a registry person's birth reaches the engine at
the same level whichever path scores them (duplicate proposals and checks,
the pool scored against a query, linkage jobs and ``zhusan link --registry``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import make_person
from zhusan.engine.dates import DateLevel, PartialDate, StatedAge, birth_value, compare_dates
from zhusan.matching.candidates import _pool_records, person_birth, query_from_person, query_from_values
from zhusan.matching.jobs import registry_records
from zhusan.registry.models import Person

pytestmark = pytest.mark.django_db


def _every_path(person: Person) -> list[Any]:
    fresh = Person.objects.get(pk=person.pk)
    pool, _shown, _owners, _by_pk = _pool_records(Person.objects.filter(pk=person.pk))
    return [
        person_birth(fresh),
        query_from_person(fresh).birth,
        pool[0]["birth"],
        registry_records(Person.objects.filter(pk=person.pk))[0]["birth"],
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"birth_precision": "exact", "birth_month": 3, "birth_day": 14}, PartialDate(1990, 3, 14)),
        ({"birth_precision": "month", "birth_month": 3}, PartialDate(1990, 3)),
        ({"birth_precision": "year"}, PartialDate(1990)),
        # Fields at odds with their precision (written around the services):
        # every path reads them the same way, at the level the fields support.
        ({"birth_precision": "exact", "birth_month": 3, "birth_day": None}, PartialDate(1990, 3)),
        ({"birth_precision": "unknown"}, None),
        (
            {
                "birth_precision": "estimated",
                "birth_year": None,
                "stated_age": 30,
                "stated_age_on": dt.date(2020, 6, 1),
            },
            StatedAge(30, PartialDate(2020, 6, 1)),
        ),
        ({"birth_precision": "estimated", "stated_age": None}, None),
    ],
)
def test_the_same_person_gets_the_same_birth_on_every_path(alice: Any, fields: dict[str, Any], expected: Any) -> None:
    person = make_person(alice, birth_year=1990)
    Person.objects.filter(pk=person.pk).update(**fields)
    births = _every_path(person)
    assert births == [expected] * len(births)


def test_the_same_pair_scores_the_same_date_level_whichever_path_converts_it(alice: Any) -> None:
    person = make_person(alice, birth_year=1990)
    Person.objects.filter(pk=person.pk).update(birth_precision="exact", birth_month=3, birth_day=None)
    incoming = PartialDate(1990, 3, 14)
    levels = {compare_dates(incoming, birth) for birth in _every_path(person)}
    assert levels == {DateLevel.SAME_MONTH}


def test_a_create_form_not_yet_saved_is_converted_by_the_same_function() -> None:
    values = {"given": "Aisha", "birth_precision": "month", "birth_year": 1990, "birth_month": 3, "birth_day": None}
    assert query_from_values(values).birth == birth_value("month", 1990, 3) == PartialDate(1990, 3)
