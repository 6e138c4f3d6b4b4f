"""A synthetic cross-script population: a registry written in Cyrillic and
lists of the same people written as camp, prison and consular lists would
write them (ICAO Latin, informal Latin, Arabic script, kunyas, year-only dates
and stated ages), with siblings and namesakes as hard negatives.

Every record carries ``pid``, the true person id, used only for scoring.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from zhusan.engine.dates import PartialDate, StatedAge
from zhusan.engine.name_families import table
from zhusan.engine.translit import icao, script_of

PLACES = [("Алматы", "Almaty"), ("Шымкент", "Shymkent"), ("Атырау", "Atyrau"), ("Ақтау", "Aktau"),
          ("Тараз", "Taraz"), ("Қарағанды", "Karaganda"), ("Жезқазған", "Zhezkazgan"), ("Ақтөбе", "Aktobe"),
          ("Орал", "Oral"), ("Семей", "Semey"), ("Түркістан", "Turkistan"), ("Қызылорда", "Kyzylorda")]  # fmt: skip

_TO_ARABIC = [("zh", "ج"), ("kh", "خ"), ("sh", "ش"), ("ch", "تش"), ("ts", "تس"), ("a", "ا"), ("b", "ب"),
              ("v", "ف"), ("g", "غ"), ("d", "د"), ("e", "ي"), ("z", "ز"), ("i", "ي"), ("y", "ي"), ("k", "ك"),
              ("q", "ق"), ("l", "ل"), ("m", "م"), ("n", "ن"), ("o", "و"), ("p", "ب"), ("r", "ر"), ("s", "س"),
              ("t", "ت"), ("u", "و"), ("f", "ف"), ("h", "ه"), ("j", "ج")]  # fmt: skip


def to_arabic(latin: str) -> str:
    """How an Arabic-speaking clerk might write a foreign name."""
    s, out, i = latin.lower(), [], 0
    while i < len(s):
        for src, dst in _TO_ARABIC:
            if s.startswith(src, i):
                if i == 0 and src in "eiouy":
                    out.append("ا")
                out.append(dst)
                i += len(src)
                break
        else:
            i += 1
    return "".join(out)


def informal(latin: str, rng: random.Random) -> str:
    """An informal Latin spelling: doubled s, j for zh, y for i, ou for u."""
    s = latin.lower()
    for old, new, p in [("zh", "j", 0.4), ("s", "ss", 0.3), ("i", "y", 0.2), ("u", "ou", 0.1), ("kh", "h", 0.5)]:
        if old in s and rng.random() < p:
            s = s.replace(old, new, 1)
    return s.capitalize()


def typo(s: str, rng: random.Random) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.random()
    if op < 0.4:
        return s[:i] + s[i + 1 :]
    if op < 0.7:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + s[i] + s[i:]


@dataclass
class Name:
    cyr: str
    lat: tuple[str, ...]
    arb: str


def _names(sex: str) -> list[Name]:
    out = []
    for fam in table().families.values():
        if fam.sex != sex:
            continue
        cyr = [v for v in fam.variants if script_of(v) == "cyrillic"]
        lat = tuple(v for v in fam.variants if script_of(v) == "latin" and " " not in v)
        arb = [v for v in fam.variants if script_of(v) == "arabic"]
        if cyr and lat:
            out.append(Name(cyr[0], lat, arb[0] if arb else to_arabic(lat[0])))
    return out


class Population:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.male, self.female = _names("m"), _names("f")
        roots = [n.cyr for n in self.male if n.cyr[-1] not in "аеиоуыэюяәөұүі"]
        self.roots = roots

    def surname(self, root: str, sex: str) -> str:
        suffix = "ев" if root[-1] in "йжшщч" else "ов"
        return root + suffix + ("а" if sex == "f" else "")

    def families(self, n_persons: int) -> list[dict]:
        """Registry persons, in sibling groups, with namesakes mixed in."""
        rng, people, pid = self.rng, [], 0
        while len(people) < n_persons:
            root = rng.choice(self.roots)
            father = rng.choice(self.male)
            year0 = rng.randint(1960, 2018)
            place = rng.choice(PLACES)
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                sex = rng.choice("mf")
                given = rng.choice(self.male if sex == "m" else self.female)
                year = year0 + rng.randint(-4, 4)
                born = PartialDate(year, rng.randint(1, 12), rng.randint(1, 28))
                people.append({"pid": pid, "sex": sex, "given": given, "root": root, "father": father,
                               "born": born, "place": place, "kunya_child": rng.choice(self.male)})  # fmt: skip
                pid += 1
                if rng.random() < 0.05:  # a namesake: same names, another father and birth
                    shift = rng.choice([-6, -5, -4, -3, -2, 2, 3, 4, 5, 6])
                    people.append({**people[-1], "pid": pid, "father": rng.choice(self.male),
                                   "kunya_child": rng.choice(self.male), "place": rng.choice(PLACES),
                                   "born": PartialDate(year + shift, rng.randint(1, 12), rng.randint(1, 28))})  # fmt: skip
                    pid += 1
        return people[:n_persons]

    def registry_record(self, p: dict) -> dict:
        return {
            "pid": p["pid"], "given": p["given"].cyr, "family": self.surname(p["root"], p["sex"]),
            "father": p["father"].cyr, "birth": p["born"], "sex": p["sex"], "place": p["place"][0],
            "kunya": ("Умм " if p["sex"] == "f" else "Абу ") + p["kunya_child"].cyr,
        }  # fmt: skip

    def list_record(self, p: dict) -> dict:
        """The same person as written on a list abroad, in one of five styles."""
        rng = self.rng
        family_cyr = self.surname(p["root"], p["sex"])
        family_lat = icao(family_cyr).capitalize()
        style = rng.choice(["icao", "informal", "arabic", "kunya", "age"])
        rec: dict = {"pid": p["pid"], "sex": p["sex"] if rng.random() < 0.8 else None, "style": style}
        born: PartialDate = p["born"]
        if style == "icao":
            rec |= {"given": icao(p["given"].cyr), "family": icao(family_cyr), "father": icao(p["father"].cyr),
                    "birth": born, "place": p["place"][1].upper()}  # fmt: skip
        elif style == "informal":
            rec |= {"given": rng.choice(p["given"].lat), "family": informal(family_lat, rng),
                    "father": rng.choice(p["father"].lat) if rng.random() < 0.6 else None,
                    "birth": PartialDate(born.year) if rng.random() < 0.5 else born, "place": p["place"][1]}  # fmt: skip
        elif style == "arabic":
            rec |= {"given": p["given"].arb, "family": to_arabic(family_lat), "father": p["father"].arb,
                    "birth": PartialDate(born.year)}  # fmt: skip
        elif style == "kunya":
            kunya = ("Umm " if p["sex"] == "f" else "Abu ") + rng.choice(p["kunya_child"].lat)
            rec |= {"kunya": kunya, "family": informal(family_lat, rng),
                    "birth": PartialDate(born.year + rng.choice([0, 0, 1, -1]))}  # fmt: skip
        else:
            at = PartialDate(2019, rng.randint(1, 12), rng.randint(1, 28))
            age = at.year - born.year - ((at.month, at.day) < (born.month, born.day))
            rec |= {"given": rng.choice(p["given"].lat), "family": family_lat, "birth": StatedAge(age, at),
                    "father": rng.choice(p["father"].lat) if rng.random() < 0.5 else None}  # fmt: skip
        if rng.random() < 0.15 and rec.get("given") and script_of(rec["given"]) == "latin":
            rec["given"] = typo(rec["given"], rng)
        if rng.random() < 0.15 and rec.get("family") and script_of(rec["family"]) == "latin":
            rec["family"] = typo(rec["family"], rng)
        return rec


def make(n_registry: int, n_list: int, *, unmatched_share: float = 0.2, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """A registry and a list; a share of the list's people are not in the registry."""
    pop = Population(seed)
    people = pop.families(n_registry + int(n_list * unmatched_share) + 1)
    registered, outside = people[:n_registry], people[n_registry:]
    rng = pop.rng
    chosen = rng.sample(registered, n_list - int(n_list * unmatched_share)) + outside[: int(n_list * unmatched_share)]
    return [pop.registry_record(p) for p in registered], [pop.list_record(p) for p in chosen]
