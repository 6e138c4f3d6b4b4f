"""The DuckDB twin of candidate_pairs joins the same keys into the same pairs."""

from __future__ import annotations

import numpy as np
import pytest

from zhusan.engine.blocking import Columns, Rule, candidate_pairs, column_rule
from zhusan.engine.duck import duckdb_candidate_pairs
from zhusan.engine.persons import PERSON_RULES, person_columns


def _listed(name: str, left: list[list[str]], right: list[list[str]]) -> Rule:
    """A rule whose keys are given row by row (left side, right side)."""
    return Rule(name, lambda cols: left, lambda cols: right)


def _rows(n: int) -> Columns:
    return {"x": [None] * n}


def _same(left: Columns, right: Columns, rules: list[Rule], max_block: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    pandas_l, pandas_r = candidate_pairs(left, right, rules, max_block=max_block)
    duck_l, duck_r = duckdb_candidate_pairs(left, right, rules, max_block=max_block)
    assert duck_l.dtype == duck_r.dtype == np.int64
    np.testing.assert_array_equal(duck_l, pandas_l)
    np.testing.assert_array_equal(duck_r, pandas_r)
    return duck_l, duck_r


def test_the_person_rules_give_the_same_pairs_across_scripts() -> None:
    registry = [
        {"given": "Айша", "family": "Жүсіпова", "birth": "14.03.1990", "father": "Серік"},
        {"given": "Хадиша", "family": "Жүсіпова", "birth": "01.02.1991"},
        {"given": "Юсуф", "family": "Иванов", "birth": "02.07.1985", "kunya": "Абу Умар"},
        {"given": "عائشة", "family": "يوسوبوفا", "birth": "1990"},
        {"given": "", "family": "", "birth": ""},
    ]
    incoming = [
        {"given": "AISHA", "family": "ZHUSUPOVA", "birth": "1990-03-14"},
        {"given": "Yusup", "family": "Ivanov", "birth": "1986"},
        {"given": "", "family": "Ivanov", "kunya": "Abu Umar", "birth": ""},
        {"given": "John", "family": "Smith", "birth": "1950-01-01"},
    ]
    il, ir = _same(person_columns(incoming), person_columns(registry), PERSON_RULES)
    assert (0, 0) in set(zip(il.tolist(), ir.tolist(), strict=True)) and len(il) > 3


def test_a_block_larger_than_max_block_is_dropped_and_one_at_max_block_kept() -> None:
    rule = _listed("k", [["big"], ["small"], ["big", "small"]], [["big"], ["big"], ["big"], ["small"], ["small"]])
    il, ir = _same(_rows(3), _rows(5), [rule], max_block=2)
    assert list(zip(il.tolist(), ir.tolist(), strict=True)) == [(1, 3), (1, 4), (2, 3), (2, 4)]


def test_a_pair_found_by_several_rules_and_keys_comes_once_sorted() -> None:
    first = _listed("a", [["x", "y"], []], [["y"], ["x"], ["x"]])
    second = _listed("b", [["x"], ["x"]], [["x"], [], ["x"]])
    il, ir = _same(_rows(2), _rows(3), [first, second])
    assert list(zip(il.tolist(), ir.tolist(), strict=True)) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 2)]


def test_rows_without_keys_empty_keys_and_no_keys_at_all() -> None:
    # an empty string is a key like any other (both join it); a row with no key joins nothing
    rule = _listed("e", [[""], [], ["a"]], [[], [""], ["b"]])
    il, ir = _same(_rows(3), _rows(3), [rule])
    assert list(zip(il.tolist(), ir.tolist(), strict=True)) == [(0, 1)]
    nothing = _listed("none", [[], []], [[], []])
    assert [len(a) for a in _same(_rows(2), _rows(2), [nothing])] == [0, 0]
    assert [len(a) for a in _same(_rows(2), _rows(2), [])] == [0, 0]


@pytest.mark.parametrize(
    "key", ["Жүсіпова", "عائشة", "Oʻgʻiloy", "ҷӣӯҳ", "名前", "emoji 🙂", "e\u0301 decomposed", "quote ' \" ;"]
)
def test_unicode_keys_are_joined_as_written(key: str) -> None:
    # the composed é (U+00E9) and the decomposed e + U+0301 are different keys in both
    rule = _listed("u", [[key], ["\u00e9 decomposed"]], [[key], [key.upper()], ["x"]])
    il, ir = _same(_rows(2), _rows(3), [rule])
    assert (0, 0) in set(zip(il.tolist(), ir.tolist(), strict=True))


def test_column_rules_with_a_prefix_and_missing_values() -> None:
    left = {"family": ["Ivanov", None, "ivanova", "  "], "year": ["1990", "1990", "1990", "1990"]}
    right = {"family": ["IVANOVA", "Ivanov", "", None], "year": ["1990", "1991", "1990", "1990"]}
    rules = [column_rule("family", prefix=5), column_rule("family", "year")]
    il, ir = _same(left, right, rules)
    assert list(zip(il.tolist(), ir.tolist(), strict=True)) == [(0, 0), (0, 1), (2, 0), (2, 1)]
