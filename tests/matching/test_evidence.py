"""The engine's evidence as a caseworker reads it: a field missing on one side
is said as not compared, except the fields only lists carry (the registry has
no mother's name, address, district, postcode or phone to compare)."""

from __future__ import annotations

from zhusan.matching.evidence import explain


def test_a_field_missing_on_one_side_is_not_compared_but_fields_only_lists_carry_go_unsaid() -> None:
    evidence = {
        "fields": [
            {"field": "given name", "level": "same name", "weight": 4.0},
            {"field": "date of birth", "level": "missing on one side", "weight": 0.0},
            {"field": "mother's name", "level": "missing on one side", "weight": 0.0},
            {"field": "phone", "level": "missing on one side", "weight": 0.0},
        ]
    }
    out = explain(0.9, evidence)
    assert [str(text) for text in out.not_compared] == ["date of birth"]
    assert len(out.findings) == 1
