"""The table of given-name families (data/name_families.csv).

A family is one name across traditions and scripts: Yusuf, Zhusip, Jusup,
Iosif, Юсуф, Жүсіп and يوسف are one family. Each variant is indexed by its
:func:`~zhusan.engine.translit.match_key`, so spellings that fold together
need no row of their own.

Uzbek, Tajik and Kyrgyz given names take an affectionate or honorific ending
that lists write or leave out: -jon (Umarjon, Умарҷон), -jan, -bek (Yusufbek)
and -xon / -khon / -hon (Dilnozaxon, Oyshaxon). A name the table does not
know is looked up again without such an ending, so Umarjon belongs to Umar's
family and Oyshaxon to Aisha's; a name listed whole (Otabek, Nurjahon)
is found whole first.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .translit import match_key

DATA = Path(__file__).parent / "data" / "name_families.csv"

#: Central Asian endings of a given name, as match keys: -jon, -jan, -bek, and
#: -xon / -khon / -hon (all "hon" once x and kh are folded to h).
ENDINGS = ("jon", "jan", "bek", "hon")
_MIN_STEM = 3


def _stems(key: str) -> list[str]:
    return [key[: -len(e)] for e in ENDINGS if key.endswith(e) and len(key) - len(e) >= _MIN_STEM]


@dataclass(frozen=True)
class NameFamily:
    id: str
    canonical: str
    sex: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class FamilyTable:
    families: dict[str, NameFamily]
    by_key: dict[str, frozenset[str]]

    def ids(self, name: str) -> frozenset[str]:
        """The family ids of a given name (empty when unknown). Arabic
        spellings without vowels can belong to more than one family."""
        key = match_key(name)
        found = self.by_key.get(key)
        if found is None and key.endswith(ENDINGS) and " " not in key:
            found = next((self.by_key[stem] for stem in _stems(key) if stem in self.by_key), None)
        return found or frozenset()

    def same_family(self, a: str, b: str) -> bool:
        return bool(self.ids(a) & self.ids(b))

    def primary(self, name: str) -> str | None:
        """One family id for blocking: the first in sort order."""
        ids = self.ids(name)
        return min(ids) if ids else None


def load(path: Path = DATA) -> FamilyTable:
    families: dict[str, NameFamily] = {}
    by_key: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            variants = tuple(v.strip() for v in row["variants"].split("|") if v.strip())
            if row["id"] in families:
                raise ValueError(f"name family {row['id']!r} is listed twice in {path.name}")
            families[row["id"]] = NameFamily(row["id"], row["canonical"], row["sex"], variants)
            for variant in (row["canonical"], *variants):
                by_key.setdefault(match_key(variant), set()).add(row["id"])
    return FamilyTable(families, {k: frozenset(v) for k, v in by_key.items() if k})


@cache
def table() -> FamilyTable:
    return load()
