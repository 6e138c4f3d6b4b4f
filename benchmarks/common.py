"""Shared helpers for the benchmarks: scores and a plain-text table."""

from __future__ import annotations

import numpy as np


def scores(correct: np.ndarray, n_true: int) -> dict[str, float]:
    tp = int(np.sum(correct))
    fp = int(len(correct) - tp)
    precision = tp / max(tp + fp, 1)
    recall = tp / max(n_true, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": n_true - tp}


def report(rows: list[dict]) -> None:
    if not rows:
        return
    keys = list(rows[0].keys())
    for r in rows[1:]:
        keys += [k for k in r if k not in keys]

    def fmt(v):
        if isinstance(v, float):
            return f"{v:.4f}" if v < 10 else f"{v:.1f}"
        return "" if v is None else str(v)

    widths = {k: max(len(k), *(len(fmt(r.get(k))) for r in rows)) for k in keys}
    print(" | ".join(k.ljust(widths[k]) for k in keys))
    print("-+-".join("-" * widths[k] for k in keys))
    for r in rows:
        print(" | ".join(fmt(r.get(k)).ljust(widths[k]) for k in keys))


def febrl_splink_settings(link_type: str, **extra: object) -> object:
    """Splink's settings for the FEBRL sets (names, date of birth, address,
    suburb, postcode, state), as its documentation's FEBRL examples use them:
    one definition for linking two lists (FEBRL4) and deduplicating one (FEBRL3)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type=link_type,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("date_of_birth"),
            block_on("postcode", "street_number"),
            block_on("surname", "substr(date_of_birth, 1, 4)"),
            block_on("given_name", "postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("street_number", [1]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
        **extra,
    )
