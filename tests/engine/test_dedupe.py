"""One list deduplicated by the engine."""

from __future__ import annotations

import numpy as np
import pytest

from zhusan.engine.dedupe import components, dedupe_records, result_rows
from zhusan.engine.link import SelfLinker, _self_pairs
from zhusan.engine.persons import PERSON_FIELDS, PERSON_RULES, person_columns

LIST = [
    {"id": "A1", "given": "Aisha", "family": "Zhusupova", "father": "Serik", "birth": "1990-03-14", "sex": "female"},
    {"id": "B1", "given": "Юсуф", "family": "Иванов", "birth": "1985-07-02", "sex": "male"},
    {"id": "A2", "given": "Айша", "family": "Жусупова", "father": "Серик", "birth": "14.03.1990", "sex": "female"},
    {"id": "C1", "given": "Aigerim", "family": "Sarsenova", "birth": "1978-11-30", "sex": "female"},
    {"id": "A3", "given": "عائشة", "family": "Zhusupova", "birth": "1990", "sex": "female"},
    {"id": "B2", "given": "Yusuf", "family": "Ivanov", "birth": "1985", "sex": "male"},
]


def clusters_of(records: list[dict[str, object]]) -> list[list[str]]:
    result = dedupe_records(records)
    by_cluster: dict[int, list[str]] = {}
    for m in result.members:
        by_cluster.setdefault(m.cluster, []).append(str(records[m.row]["id"]))
    return list(by_cluster.values())


def test_one_person_listed_three_times_and_one_twice_make_two_clusters() -> None:
    assert clusters_of(LIST) == [["A1", "A2", "A3"], ["B1", "B2"]]


def test_each_pair_is_compared_once_and_no_row_with_itself() -> None:
    cols = person_columns(LIST)
    il, ir = _self_pairs(cols, PERSON_RULES, 2000)
    half = len(il) // 2
    assert (il != ir).all()
    assert (il[:half] < ir[:half]).all()
    assert (il[half:] == ir[:half]).all() and (ir[half:] == il[:half]).all()
    res = SelfLinker(PERSON_FIELDS, PERSON_RULES).dedupe(cols, threshold=0.0)
    assert res.n_candidates == half == len({(a, b) for a, b in zip(res.left, res.right, strict=True)})


def test_a_list_with_everyone_once_has_no_cluster() -> None:
    result = dedupe_records([LIST[0], LIST[1], LIST[3]])
    assert result.members == [] and result.clusters == 0


def test_an_empty_list_and_a_single_row_have_no_cluster() -> None:
    assert dedupe_records([]).clusters == 0
    assert dedupe_records(LIST[:1]).clusters == 0


def test_components_follow_chains() -> None:
    roots = components(6, np.array([0, 2, 4]), np.array([2, 4, 5]))
    assert roots.tolist() == [0, 1, 0, 3, 0, 0]


def test_the_output_numbers_rows_as_in_the_file_and_names_the_partner() -> None:
    result = dedupe_records(LIST)
    rows = list(result_rows(LIST, result))
    header = list(rows[0])
    assert header[:7] == [
        "cluster_id",
        "row",
        "id",
        "match_probability",
        "match_weight",
        "linked_to_row",
        "linked_to_id",
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert first["cluster_id"] == 1 and first["row"] == 2 and first["id"] == "A1"
    assert first["linked_to_id"] in ("A2", "A3")
    assert len(rows) == 1 + len(result.members) == 6


def test_progress_is_reported_up_to_a_hundred() -> None:
    seen: list[int] = []
    dedupe_records(LIST, progress=lambda p, m: seen.append(p))
    assert seen == sorted(seen) and seen[-1] == 100


def test_names_written_in_the_other_order_are_the_same_person() -> None:
    swapped = {"id": "A4", "given": "Zhusupova", "family": "Aisha", "birth": "1990", "sex": "female"}
    others = [LIST[1], LIST[3], LIST[5]]
    assert clusters_of([LIST[0], *others, swapped]) == [["A1", "A4"], ["B1", "B2"]]


def test_a_person_listed_twice_at_one_address_is_found_though_the_name_changed() -> None:
    at_home = {"address": "12 Abai street", "postcode": "050000", "sex": "female"}
    first = {"id": "H1", "given": "Aisha", "family": "Zhusupova", "birth": "1990-03-14", **at_home}
    married = {"id": "H2", "given": "Aisha", "family": "Nurlanova", "birth": "1990-03-14", **at_home}
    cols = person_columns([first, married])
    if "address" not in cols:
        pytest.skip("the person columns carry no address")
    from zhusan.engine.dedupe import DEDUPE_RULES

    il, _ir = _self_pairs(cols, DEDUPE_RULES, 2000)
    assert len(il) == 2  # the pair, both ways: found by the address rule


def test_each_repeated_row_points_to_the_first_row_of_its_cluster() -> None:
    from zhusan.engine.dedupe import duplicate_of

    assert duplicate_of(dedupe_records(LIST)) == {2: 0, 4: 0, 5: 1}
