"""Records that cannot be decided go to review, not to a guess."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from zhusan.engine.engines import link_records
from zhusan.engine.link import LINKED, NEEDS_REVIEW, REVIEW_FLOOR, Decision, review
from zhusan.engine.model import Evidence
from zhusan.engine.persons import person_columns

from ..factories import letters

REGISTRY = [
    {"id": "R1", "given": "Айша", "family": "Жусупова", "birth": "1990-03-14", "sex": "female"},
    {"id": "R2", "given": "Мариям", "family": "Иванова", "birth": "1992", "sex": "female"},
    {"id": "R3", "given": "Мариям", "family": "Иванова", "birth": "1992", "sex": "female"},
    {"id": "R4", "kunya": "Умм Абдулла", "family": "Сарсенова", "sex": "female"},
    {"id": "R5", "given": "Мухаммед", "family": "Ахметов", "sex": "male"},
    {"id": "R6", "given": "Мухаммед", "family": "Ахметов", "sex": "male", "birth": "1970"},
    {"id": "R7", "given": "Мухаммед", "family": "Серіков", "sex": "male", "birth": "1980"},
    {"id": "R8", "given": "Мухаммед", "family": "Нурланов", "sex": "male", "birth": "1975"},
    {"id": "R9", "given": "Юсуф", "family": "Ибрагимов", "birth": "2001-05-05", "sex": "male"},
    # Her husband's family: the surname alone does not tell its women apart.
    {"id": "R10", "given": "Айгерим", "family": "Сарсенова", "birth": "1985", "sex": "female"},
    {"id": "R11", "given": "Динара", "family": "Сарсенова", "birth": "1979", "sex": "female"},
    {"id": "R12", "given": "Жанар", "family": "Сарсенова", "birth": "1991", "sex": "female"},
]


def decide(
    left: Sequence[Mapping[str, object]], right: Sequence[Mapping[str, object]] = REGISTRY
) -> dict[str, Decision]:
    pairs = link_records(left, right, all_pairs=True, threshold=REVIEW_FLOOR)
    lcols, rcols = person_columns(left), person_columns(right)
    decisions = review(
        pairs.left,
        pairs.right,
        pairs.probability,
        pairs.weight,
        pairs.evidence,
        left_given=lcols["given"],
        right_given=rcols["given"],
    )
    by_id = {str(left[d.row]["id"]): d for d in decisions}
    for d in by_id.values():  # the candidates are the record's own, best first
        assert all(int(pairs.left[k]) == d.row for k in d.pairs)
        probs = [pairs.probability[k] for k in d.pairs]
        assert probs == sorted(probs, reverse=True)
    return by_id


def right_ids(d: Decision, left: Sequence[Mapping[str, object]]) -> list[str]:
    pairs = link_records(left, REGISTRY, all_pairs=True, threshold=REVIEW_FLOOR)
    return [str(REGISTRY[int(pairs.right[k])]["id"]) for k in d.pairs]


def test_a_record_with_one_clear_candidate_is_linked() -> None:
    left = [{"id": "L1", "given": "Aisha", "family": "Zhusupova", "birth": "1990-03-14", "sex": "F"}]
    d = decide(left)["L1"]
    assert d.status == LINKED and d.reasons == ()
    assert right_ids(d, left) == ["R1"]


def test_namesakes_neither_clearly_the_one_go_to_review_with_both() -> None:
    left = [{"id": "L1", "given": "Mariyam", "family": "Ivanova", "birth": "1992", "sex": "F"}]
    d = decide(left)["L1"]
    assert d.status == NEEDS_REVIEW
    assert set(d.reasons) & {"namesakes", "close_second"}
    assert sorted(right_ids(d, left)) == ["R2", "R3"]


def test_a_record_found_only_by_a_kunya_goes_to_review() -> None:
    # Among fifty women born around 1990, "Umm Abdullah, born 1990" is found by her kunya alone.
    others = [
        {"id": f"W{letters(i)}", "given": f"Ai{letters(i)}", "family": f"Ku{letters(i + 7)}ova", "birth": str(1985 + i % 10),
         "sex": "female"}
        for i in range(40)
    ]  # fmt: skip
    right = [*REGISTRY[:3], {**REGISTRY[3], "birth": "1990"}, *REGISTRY[4:], *others]
    left = [{"id": "L1", "kunya": "Umm Abdullah", "birth": "1990", "sex": "F"}]
    d = decide(left, right)["L1"]
    assert d.status == NEEDS_REVIEW and d.reasons == ("kunya_only",)


def test_a_kunya_with_a_name_and_date_that_link_on_their_own_is_linked() -> None:
    ev = [
        Evidence("given name", "different", -3.0),
        Evidence("kunya (child's name)", "same name", 5.0),
        Evidence("date of birth", "same date of birth", 12.0),
    ]
    decisions = review(
        np.array([0]), np.array([0]), np.array([0.99]), np.array([14.0]), [ev],
        left_given=["Aisha"], right_given=["Fatima"],
    )  # fmt: skip
    assert decisions == [Decision(0, LINKED, (0,))]
    # the same kunya carrying a weak rest goes to review
    weak = review(
        np.array([0]), np.array([0]), np.array([0.9]), np.array([4.0]), [ev],
        left_given=["Aisha"], right_given=["Fatima"],
    )  # fmt: skip
    assert weak[0].status == NEEDS_REVIEW and weak[0].reasons == ("kunya_only",)


def test_a_common_name_with_no_date_to_compare_goes_to_review() -> None:
    left = [{"id": "L1", "given": "Muhammad", "family": "Nurlanov", "sex": "M"}]
    d = decide(left)["L1"]
    assert d.status == NEEDS_REVIEW and d.reasons == ("no_date_common_name",)
    assert right_ids(d, left) == ["R8"]


def test_a_rare_name_with_no_date_to_compare_is_linked() -> None:
    left = [{"id": "L1", "given": "Yusuf", "family": "Ibragimov", "sex": "M"}]
    d = decide(left)["L1"]
    assert d.status == LINKED
    assert right_ids(d, left) == ["R9"]


def test_a_record_with_no_candidate_is_neither_linked_nor_reviewed() -> None:
    left = [{"id": "L1", "given": "John", "family": "Smith", "birth": "1950", "sex": "M"}]
    assert decide(left) == {}


def test_a_review_shows_at_most_three_candidates_best_first() -> None:
    ev = [Evidence("given name", "same name", 5.0)]
    n = 5
    decisions = review(
        np.zeros(n, np.int64),
        np.arange(n),
        np.array([0.19, 0.2, 0.18, 0.17, 0.16]),
        np.full(n, 8.0),  # each a match on its own
        [ev] * n,
        left_given=["Aisha"],
        right_given=["Aisha"] * n,
    )
    assert decisions == [Decision(0, NEEDS_REVIEW, (1, 0, 2), ("namesakes",))]


def test_a_clear_best_with_a_distant_second_is_linked() -> None:
    ev = [Evidence("given name", "same name", 5.0), Evidence("date of birth", "same date of birth", 9.0)]
    decisions = review(
        np.array([0, 0]),
        np.array([0, 1]),
        np.array([0.9, 0.06]),
        np.array([12.0, -1.0]),
        [ev, ev],
        left_given=["Aisha"],
        right_given=["Aisha", "Aigerim"],
    )
    assert decisions == [Decision(0, LINKED, (0,))]
    # and the same second, close behind, sends it to review
    close = review(
        np.array([0, 0]),
        np.array([0, 1]),
        np.array([0.6, 0.4]),
        np.array([12.0, 11.0]),
        [ev, ev],
        left_given=["Aisha"],
        right_given=["Aisha", "Aigerim"],
    )
    assert close[0].status == NEEDS_REVIEW and close[0].reasons == ("close_second",)


def test_the_plan_writes_one_row_for_a_link_and_the_candidates_of_a_review() -> None:
    from zhusan.engine.link import review_plan

    plan = review_plan([Decision(0, LINKED, (4,)), Decision(1, NEEDS_REVIEW, (7, 5), ("namesakes", "close_second"))])
    assert plan == [
        (4, LINKED, 1, ""),
        (7, NEEDS_REVIEW, 1, "namesakes;close_second"),
        (5, NEEDS_REVIEW, 2, "namesakes;close_second"),
    ]


def test_the_pairs_plan_of_a_linkage_links_the_clear_and_reviews_the_namesakes() -> None:
    from zhusan.engine.link import pairs_plan

    left = [
        {"id": "L1", "given": "Aisha", "family": "Zhusupova", "birth": "1990-03-14", "sex": "F"},
        {"id": "L2", "given": "Mariyam", "family": "Ivanova", "birth": "1992", "sex": "F"},
    ]
    pairs = link_records(left, REGISTRY, all_pairs=True, threshold=REVIEW_FLOOR)
    lcols, rcols = person_columns(left), person_columns(REGISTRY)
    plan = pairs_plan(
        pairs.left, pairs.right, pairs.probability, pairs.weight, pairs.evidence,
        left_given=lcols["given"], right_given=rcols["given"],
    )  # fmt: skip
    rows = [
        (str(left[int(pairs.left[k])]["id"]), str(REGISTRY[int(pairs.right[k])]["id"]), d, r) for k, d, r, _ in plan
    ]
    assert rows[0] == ("L1", "R1", LINKED, 1)
    assert sorted((a, b, d) for a, b, d, _ in rows[1:]) == [("L2", "R2", NEEDS_REVIEW), ("L2", "R3", NEEDS_REVIEW)]
    assert sorted(r for *_, r in rows[1:]) == [1, 2]


def test_a_reason_left_out_no_longer_sends_a_record_to_review() -> None:
    ev = [Evidence("given name", "different", -3.0), Evidence("kunya (child's name)", "same name", 5.0)]
    args = (np.array([0]), np.array([0]), np.array([0.9]), np.array([4.0]), [ev])
    given = {"left_given": ["Aisha"], "right_given": ["Fatima"]}
    assert review(*args, **given)[0].status == NEEDS_REVIEW
    assert review(*args, **given, reasons=("close_second", "namesakes"))[0].status == LINKED
