"""A query of few records finds its pairs without frames: the same pairs as the join."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhusan.engine import blocking
from zhusan.engine.blocking import Rule, candidate_pairs
from zhusan.engine.persons import PERSON_RULES, person_columns

keys = st.lists(st.lists(st.sampled_from(["a", "b", "c", "", "Ж", "ع"]), max_size=3), min_size=1, max_size=12)


def _joined(left, right, rules, max_block):  # type: ignore[no-untyped-def]
    """The frames' join, whatever the size of the query side."""
    saved, blocking.FEW = blocking.FEW, 0
    try:
        return candidate_pairs(left, right, rules, max_block=max_block)
    finally:
        blocking.FEW = saved


@settings(max_examples=300, deadline=None)
@given(left=keys, right=keys, extra=keys, max_block=st.integers(1, 4))
def test_few_query_records_give_the_pairs_of_the_join(left, right, extra, max_block) -> None:  # type: ignore[no-untyped-def]
    # Two rules, keys repeated within a row and across rows, blocks cut at max_block.
    rules = [Rule("one", lambda c: left, lambda c: right), Rule("two", lambda c: extra[: len(left)], lambda c: right)]
    rows_l, rows_r = {"x": [None] * len(left)}, {"x": [None] * len(right)}
    few = candidate_pairs(rows_l, rows_r, rules, max_block=max_block)
    joined = _joined(rows_l, rows_r, rules, max_block)
    for got, expected in zip(few, joined, strict=True):
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)


def test_a_person_against_a_registry_gets_the_pairs_of_the_join() -> None:
    registry = person_columns(
        [
            {"given": "Айша", "family": "Жүсіпова", "birth": "14.03.1990", "father": "Серік"},
            {"given": "Aisha", "family": "Zhusupova", "birth": "1990"},
            {"given": "عائشة", "family": "يوسوبوفا", "birth": "1990"},
            {"given": "Yusup", "family": "Ivanov", "birth": "1986", "kunya": "Abu Umar"},
        ]
        * 3
    )
    person = person_columns([{"given": "AISHA", "family": "ZHUSUPOVA", "birth": "1990-03-14"}])
    few = candidate_pairs(person, registry, PERSON_RULES, max_block=5)
    joined = _joined(person, registry, PERSON_RULES, 5)
    assert len(few[0]) > 0
    for got, expected in zip(few, joined, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n_left", [blocking.FEW, blocking.FEW + 1])
def test_the_way_is_chosen_by_the_size_of_the_query_side(n_left, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    used = []
    monkeypatch.setattr(blocking, "_pairs_of_few", lambda *a: used.append(1) or np.empty(0, np.int64))
    rule = Rule("k", lambda c: [["a"]] * n_left, lambda c: [["a"]])
    candidate_pairs({"x": [None] * n_left}, {"x": [None]}, [rule])
    assert bool(used) == (n_left <= blocking.FEW)
