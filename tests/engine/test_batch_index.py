"""Batch linkage through the registry index: one build, one fit, every
incoming record keeps its best registry row above the threshold."""

from __future__ import annotations

import numpy as np

from zhusan.engine.dates import PartialDate
from zhusan.engine.index import RegistryIndex
from zhusan.engine.link import Linker
from zhusan.engine.persons import PERSON_FIELDS, PERSON_RULES, person_columns

REGISTRY = [
    {"given": "Айша", "family": "Жүсіпова", "father": "Серік", "birth": PartialDate(1990, 3, 14), "sex": "f"},
    {"given": "Фатима", "family": "Жүсіпова", "father": "Серік", "birth": PartialDate(1992, 7, 2), "sex": "f"},
    {"given": "Юсуф", "family": "Иванов", "father": "Марат", "birth": PartialDate(1985, 1, 9), "sex": "m"},
    {"given": "Мухаммед", "family": "Ахметов", "father": "Ерлан", "birth": PartialDate(2001, 5, 5), "sex": "m"},
    {"given": "Айгерим", "family": "Сарсенова", "father": "Нурлан", "birth": PartialDate(1978, 11, 30), "sex": "f"},
]
INCOMING = [
    {"given": "John", "family": "Smith", "birth": "1950"},  # in no block
    {"given": "يوسف", "family": "Ivanov", "father": "Marat", "birth": "1985", "sex": "m"},
    {"given": "Aysha", "family": "Zhusupova", "father": "Serik", "birth": "1990-03-14", "sex": "f"},
    {"given": "Mukhammed", "family": "Akhmetov", "father": "Erlan", "birth": "2001-05-05", "sex": "m"},
]


def _index() -> RegistryIndex:
    return RegistryIndex(person_columns(REGISTRY), n_random=200)


def test_each_incoming_record_keeps_its_registry_person_across_scripts() -> None:
    links = _index().link(person_columns(INCOMING))
    assert dict(zip(links.left.tolist(), links.right.tolist(), strict=True)) == {1: 2, 2: 0, 3: 3}
    assert np.all(links.probability >= 0.5)
    assert links.gammas.shape == (3, len(PERSON_FIELDS))


def test_chunks_give_the_same_links_as_one_pass() -> None:
    index = _index()
    one = index.link(person_columns(INCOMING))
    chunked = index.link(person_columns(INCOMING), chunk=1)
    assert one.left.tolist() == chunked.left.tolist()
    assert one.right.tolist() == chunked.right.tolist()
    assert np.allclose(one.weight, chunked.weight)
    assert one.n_candidates == chunked.n_candidates
    threaded = index.link(person_columns(INCOMING), chunk=1, workers=2)
    assert threaded.right.tolist() == one.right.tolist()


def test_a_threshold_above_every_share_links_nothing() -> None:
    links = _index().link(person_columns(INCOMING), threshold=1.01)
    assert len(links) == 0
    assert links.n_candidates > 0


def test_a_batch_with_no_candidates_is_empty_not_an_error() -> None:
    links = _index().link(person_columns([{"given": "John", "family": "Smith", "birth": "1950"}]))
    assert len(links) == 0 and links.n_candidates == 0


def test_the_index_finds_what_the_one_shot_linker_finds_on_the_same_data() -> None:
    index = _index()
    columns = person_columns(INCOMING)
    index.fit(columns)
    through_index = index.link(columns)
    res = Linker(PERSON_FIELDS, PERSON_RULES).link(
        person_columns(INCOMING), person_columns(REGISTRY), each_left_matches_at_most_one=True
    )
    best = {}
    for left, right, weight in zip(res.left.tolist(), res.right.tolist(), res.weight.tolist(), strict=True):
        if left not in best or weight > best[left][1]:
            best[left] = (right, weight)
    assert dict(zip(through_index.left.tolist(), through_index.right.tolist(), strict=True)) == {
        k: v[0] for k, v in best.items()
    }


def _em_per_pair(model, gammas, groups, *, n_left, n_right, share, iterations):
    """The E and M steps written plainly, once per pair: the reference."""
    for _ in range(iterations):
        model.set_share(share, n_right)
        odds = np.exp2(np.clip(model.match_weight(gammas), -60, 60))
        p = odds / (1.0 + np.bincount(groups, weights=odds)[groups])
        for j, f in enumerate(model.fields):
            ok = gammas[:, j] >= 0
            counts = np.bincount(gammas[ok, j], weights=p[ok], minlength=len(f.levels))
            model.m[j] = (counts + model.pseudo_m[j]) / (counts.sum() + model.pseudo_m[j].sum())
        share = float(p.sum()) / n_left
    model.set_share(share, n_right)


def test_em_by_comparison_pattern_estimates_what_em_per_pair_does() -> None:
    from zhusan.engine.model import FellegiSunter

    rng = np.random.default_rng(0)
    gammas = np.stack([rng.integers(-1, len(f.levels), 3000) for f in PERSON_FIELDS], axis=1).astype(np.int8)
    groups = np.sort(rng.integers(0, 400, 3000))
    per_pair, per_pattern = FellegiSunter(PERSON_FIELDS), FellegiSunter(PERSON_FIELDS)
    per_pattern.estimate_m(gammas, groups=groups, n_left=2000, n_right=5000, share=0.5, max_iter=15, tol=0)
    _em_per_pair(per_pair, gammas, groups, n_left=2000, n_right=5000, share=0.5, iterations=15)
    assert per_pattern.iterations == 15
    assert np.isclose(per_pattern.share, per_pair.share)
    assert np.isclose(per_pattern.prior, per_pair.prior)
    for a, b in zip(per_pattern.m, per_pair.m, strict=True):
        assert np.allclose(a, b)
