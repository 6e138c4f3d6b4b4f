"""Scoring against the instruments' official scoring rules: totals, subscales
(PCL-5 clusters, CRIES-8 intrusion and avoidance, SDQ total difficulties
without the prosocial scale) and the severity bands at their cut-offs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.instruments.catalogue import CRIES8, GAD7, INSTRUMENTS, PCL5, PHQ9, SDQ, band, cutoffs, score
from zhusan.instruments.services import validate_answers


def test_the_catalogue_has_the_published_shapes():
    assert (len(PHQ9.items), PHQ9.total_max, [c.value for c in PHQ9.choices]) == (9, 27, [0, 1, 2, 3])
    assert (len(GAD7.items), GAD7.total_max, [c.value for c in GAD7.choices]) == (7, 21, [0, 1, 2, 3])
    assert (len(PCL5.items), PCL5.total_max, [c.value for c in PCL5.choices]) == (20, 80, [0, 1, 2, 3, 4])
    assert (len(CRIES8.items), CRIES8.total_max, [c.value for c in CRIES8.choices]) == (8, 40, [0, 1, 3, 5])
    assert SDQ.total_max == 40 and SDQ.choices == ()
    for inst in INSTRUMENTS.values():
        assert inst.total_max == sum(max(inst.allowed(i)) for i in inst.items if i.key in inst.summed_items())


def test_phq9_worked_example_sums_the_items_and_bands_at_5_10_15_20():
    # "Several days" ×3, "More than half the days" ×2, "Nearly every day" ×1: 3 + 4 + 3 = 10, moderate.
    answers = validate_answers(PHQ9, {"1": 1, "2": 2, "3": 1, "4": 3, "5": 0, "6": 1, "7": 2, "8": 0, "9": 0})
    assert score(PHQ9, answers).total == 10
    assert band("phq9", 10) == "Moderate"
    expected = {0: "Minimal", 4: "Minimal", 5: "Mild", 9: "Mild", 14: "Moderate", 15: "Moderately severe"}
    expected |= {19: "Moderately severe", 20: "Severe", 27: "Severe"}
    assert {total: band("phq9", total) for total in expected} == expected


def test_gad7_bands_at_5_10_15():
    assert [band("gad7", t) for t in (4, 5, 9, 10, 14, 15, 21)] == [
        "Minimal", "Mild", "Mild", "Moderate", "Moderate", "Severe", "Severe",
    ]  # fmt: skip


def test_pcl5_total_and_the_four_cluster_scores():
    answers = {str(k): (k % 5) for k in range(1, 21)}  # 1,2,3,4,0,1,2,3,4,0,…
    scores = score(PCL5, validate_answers(PCL5, answers))
    assert scores.total == 40
    assert scores.subscales == {
        "b": 1 + 2 + 3 + 4 + 0,
        "c": 1 + 2,
        "d": 3 + 4 + 0 + 1 + 2 + 3 + 4,
        "e": 0 + 1 + 2 + 3 + 4 + 0,
    }
    assert band("pcl5", 32) == "Below the provisional cut-off"
    assert band("pcl5", 33) == "At or above the provisional cut-off"


def test_cries8_scores_0_1_3_5_and_17_is_the_cut_off():
    every_sometimes = {str(k): 3 for k in range(1, 9)}
    assert score(CRIES8, validate_answers(CRIES8, every_sometimes)).total == 24
    sixteen = {"1": 5, "2": 5, "3": 5, "4": 1, "5": 0, "6": 0, "7": 0, "8": 0}
    seventeen = {**sixteen, "5": 1}
    assert score(CRIES8, sixteen).total == 16 and band("cries8", 16) == "Below the cut-off"
    assert score(CRIES8, seventeen).total == 17 and band("cries8", 17) == "At or above the cut-off"
    assert score(CRIES8, seventeen).subscales == {"intrusion": 5 + 5 + 0 + 0, "avoidance": 5 + 1 + 1 + 0}


def test_a_cries8_answer_of_2_is_not_on_its_scale():
    with pytest.raises(ValidationError) as err:
        validate_answers(CRIES8, {**{str(k): 0 for k in range(1, 9)}, "4": 2})
    assert "item_4" in err.value.message_dict


def test_sdq_total_difficulties_leaves_out_the_prosocial_scale():
    answers = {"emotional": 4, "conduct": 3, "hyperactivity": 6, "peer": 2, "prosocial": 9}
    scores = score(SDQ, validate_answers(SDQ, answers))
    assert scores.total == 15
    assert scores.subscales["prosocial"] == 9
    assert band("sdq", 15) == "Slightly raised"


def test_missing_and_out_of_range_answers_are_all_named_at_once():
    with pytest.raises(ValidationError) as err:
        validate_answers(PHQ9, {"1": 4, "2": -1, "3": "x", "10": 0, **{str(k): 0 for k in range(4, 9)}})
    assert set(err.value.message_dict) == {"item_1", "item_2", "item_3", "item_9", "item_10"}


def test_cut_offs_are_configuration(settings):
    settings.ZHUSAN_INSTRUMENT_CUTOFFS = {"pcl5": [31]}
    assert cutoffs("pcl5") == [31]
    assert band("pcl5", 31) == "At or above the provisional cut-off"
    assert cutoffs("phq9") == [5, 10, 15, 20]
