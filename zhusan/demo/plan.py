"""The demo's people, planned in memory before anything is written.

A seeded generator turns the operation figures into families, orphans with
their relatives at home, men, and people still waiting abroad. Nothing here
touches the database, so the plan is deterministic for a seed and can be
checked on its own; ``builder.py`` writes it through the registry services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from zhusan.registry.dates import BirthDate, BirthPrecision, best_age
from zhusan.registry.models import NameKind, Script, Sex, Stage
from zhusan.registry.services import NameInput

from .names import ARABIC_TO_KAZAKH, NameMaker, icao, informal


@dataclass(frozen=True)
class OperationSpec:
    """One repatriation operation. Men, women, children and orphans follow
    public reporting; where reporting gives only a total, the split is the
    demo's own consistent fill-in (noted per operation)."""

    name: str
    flights: tuple[date, ...]
    men: int
    women: int
    children: int
    orphans: int
    women_in_custody: int = 0
    men_in_custody: int = 0
    preschool_share: float = 0.6
    from_prison: bool = False
    # Rusafa only: exact girls and ages (at the operation date) of its children.
    child_profile: tuple[tuple[str, int], ...] = ()
    managed_regionally: bool = False

    @property
    def year(self) -> int:
        return self.flights[0].year


F, M = Sex.FEMALE.value, Sex.MALE.value
_RUSAFA_AGES = (1, 1, 2, 2, 2, 3, 3, 1, 2, 3, 6, 8, 10, 12)
_RUSAFA_SEXES = (F, F, F, F, F, M, M, M, M, M, F, M, F, F)  # 8 girls, 6 boys

OPERATIONS: tuple[OperationSpec, ...] = (
    # Reported: 47 with 30 children. Men/women (5/12) and orphans (2) are the demo's split.
    OperationSpec("Zhusan-1", (date(2019, 1, 6),), men=5, women=12, children=30, orphans=2,
                  women_in_custody=1, men_in_custody=5, managed_regionally=True),
    # Reported: 231, 156 children mostly pre-school, 18 orphans. Men/women (17/58) are the demo's split.
    OperationSpec("Zhusan-2", (date(2019, 5, 7), date(2019, 5, 9)), men=17, women=58, children=156, orphans=18,
                  women_in_custody=4, men_in_custody=17, preschool_share=0.85),
    # Reported: 246 = 8 + 67 + 171. Orphans (7) follow from 27 after three phases minus Zhusan-1 and -2.
    OperationSpec("Zhusan-3", (date(2019, 5, 28), date(2019, 5, 29), date(2019, 5, 30), date(2019, 5, 31)),
                  men=8, women=67, children=171, orphans=7, women_in_custody=5, men_in_custody=8),
    # Reported as "mid-2019"; the demo picks a day.
    OperationSpec("Zhusan-4", (date(2019, 7, 16),), men=3, women=19, children=49, orphans=4,
                  women_in_custody=2, men_in_custody=3),
    OperationSpec("Rusafa", (date(2019, 11, 27),), men=0, women=0, children=14, orphans=1, from_prison=True,
                  child_profile=tuple(zip(_RUSAFA_SEXES, _RUSAFA_AGES, strict=True))),
    OperationSpec("Zhusan-5", (date(2021, 2, 4),), men=4, women=1, children=7, orphans=2, men_in_custody=4),
)  # fmt: skip

# Home regions: the regional social-services unit that follows a family, and
# invented address patterns.
REGIONS: dict[str, tuple[str, ...]] = {
    "Mangystau": ("Aktau, microdistrict {a}, building {b}, flat {c}", "Zhanaozen, Samal microdistrict, house {b}"),
    "Almaty": ("Almaty, Alatau district, Shanyrak-2, street {a}, house {b}",),
    "Shymkent": ("Shymkent, Nursat microdistrict, building {b}, flat {c}",),
}
CAMP_SECTIONS = {"al-Hol": ("Annex", "Annex, Phase 5", "Phase 5", "Phase 6"), "Roj": ("Block 2", "Block 3")}


@dataclass(eq=False)
class Planned:
    """One person to create, with everything the builder needs."""

    key: str
    role: str  # man, woman, child, relative, waiting, held_mother
    sex: str
    birth: dict[str, Any]
    names: list[NameInput]
    region: str
    address: str
    operation: str | None = None
    flight: date | None = None
    site: str = ""  # where they were abroad
    section: str = ""
    abroad_from: date | None = None
    path: list[tuple[str, date]] = field(default_factory=list)  # stage transitions after registration
    vulnerabilities: list[str] = field(default_factory=list)
    mother: Planned | None = None
    guardian: Planned | None = None
    guardian_kind: str = ""
    spouse: Planned | None = None
    dna_reference: str = ""
    unit: str = "centre"  # centre, consulate or a region name
    interview_on: date | None = None
    languages: str = "kk, ru"

    @property
    def stage(self) -> str:
        return self.path[-1][0] if self.path else Stage.IDENTIFIED.value

    @property
    def is_subject(self) -> bool:
        return self.role != "relative"


@dataclass
class Plan:
    persons: list[Planned] = field(default_factory=list)
    families: list[tuple[Planned, list[Planned]]] = field(default_factory=list)  # carer, children

    def add(self, person: Planned) -> Planned:
        self.persons.append(person)
        return person


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Planner:
    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)  # noqa: S311 - reproducible fiction, not a secret
        self.names = NameMaker(self.rng)
        self.lab_counter = 0
        self.plan = Plan()

    # --- Birth dates ---------------------------------------------------------

    def birth(self, age: int, on: date, interview: date, *, documented: bool) -> dict[str, Any]:
        """Birth fields whose best age on ``on`` is exactly ``age``, with a
        precision typical of the record: exact for documented people, often a
        year, a month or a stated age for those born or registered abroad."""
        earliest = _years_before(on, age + 1) + timedelta(days=1)
        latest = _years_before(on, age)
        for _attempt in range(20):
            born = earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))
            roll = self.rng.random()
            if documented and roll < 0.75:
                fields = {"birth_precision": BirthPrecision.EXACT, "birth_year": born.year,
                          "birth_month": born.month, "birth_day": born.day}  # fmt: skip
            elif roll < 0.85 or born > interview:
                fields = {"birth_precision": BirthPrecision.MONTH, "birth_year": born.year, "birth_month": born.month}
            elif roll < 0.92:
                fields = {"birth_precision": BirthPrecision.YEAR, "birth_year": born.year}
            else:
                stated = best_age(born, born, interview) or 0
                fields = {"birth_precision": BirthPrecision.ESTIMATED, "stated_age": stated, "stated_age_on": interview}
            low, high = BirthDate(**_as_birth(fields)).bounds()
            if best_age(low, high, on) == age and high is not None and high <= on:
                return fields
        return {"birth_precision": BirthPrecision.EXACT, "birth_year": latest.year,
                "birth_month": latest.month, "birth_day": latest.day}  # fmt: skip

    # --- Names ----------------------------------------------------------------

    def adult_names(self, sex: str, *, family_base: str | None = None) -> list[NameInput]:
        cyr = self.names.cyrillic(sex, family_base=family_base)
        names = [
            NameInput(script=Script.CYRILLIC, kind=NameKind.LEGAL, given=cyr.given, patronymic=cyr.patronymic,
                      family=cyr.family, is_primary=True),
            NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION, given=icao(cyr.given),
                      family=icao(cyr.family)),
        ]  # fmt: skip
        if self.rng.random() < 0.5:
            names.append(NameInput(script=Script.LATIN, kind=NameKind.FOREIGN_DOCUMENT,
                                   given=informal(cyr.given), family=informal(cyr.family)))  # fmt: skip
        return names

    def child_names(self, sex: str, family_base: str, born_abroad: bool, mother: Planned | None) -> list[NameInput]:
        family = family_base if sex == M else family_base + "а"
        if not born_abroad:
            father = self.names.father()
            cyr = self.names.cyrillic(sex, family_base=family_base, father=father)
            return [
                NameInput(script=Script.CYRILLIC, kind=NameKind.LEGAL, given=cyr.given, patronymic=cyr.patronymic,
                          family=cyr.family, is_primary=True),
                NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION, given=icao(cyr.given),
                          family=icao(cyr.family)),
            ]  # fmt: skip
        arabic, latin = self.names.arabic_given(sex)
        return [
            NameInput(script=Script.CYRILLIC, kind=NameKind.LEGAL, given=ARABIC_TO_KAZAKH[latin], family=family,
                      is_primary=True),
            NameInput(script=Script.ARABIC, kind=NameKind.BIRTH, given=arabic),
            NameInput(script=Script.LATIN, kind=NameKind.FOREIGN_DOCUMENT, given=latin, family=informal(family)),
        ]  # fmt: skip

    def add_kunya(self, person: Planned, son: Planned | None) -> None:
        son_name = None
        if son is not None:
            arabic = next((n for n in son.names if n.script == Script.ARABIC), None)
            latin = next((n for n in son.names if n.kind == NameKind.FOREIGN_DOCUMENT), None)
            if arabic and latin:
                son_name = (arabic.given, latin.given)
        arabic_kunya, latin_kunya = self.names.kunya(person.sex, son_name)
        person.names.append(NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given=latin_kunya))
        if self.rng.random() < 0.6:
            person.names.append(NameInput(script=Script.ARABIC, kind=NameKind.KUNYA, given=arabic_kunya))

    # --- Places and paths -----------------------------------------------------

    def home(self) -> tuple[str, str]:
        region = self.rng.choices(list(REGIONS), weights=(5, 2, 2))[0]
        pattern = self.rng.choice(REGIONS[region])
        address = pattern.format(a=self.rng.randint(1, 34), b=self.rng.randint(1, 60), c=self.rng.randint(1, 120))
        return region, address

    def camp(self) -> tuple[str, str]:
        site = "al-Hol" if self.rng.random() < 0.8 else "Roj"
        return site, self.rng.choice(CAMP_SECTIONS[site])

    def path(self, flight: date, *, custody: bool, final: str, interview: date) -> list[tuple[str, date]]:
        verified = interview + timedelta(days=self.rng.randint(14, 40))
        steps = [
            (Stage.VERIFIED.value, min(verified, flight - timedelta(days=12))),
            (Stage.CLEARED.value, flight - timedelta(days=self.rng.randint(3, 10))),
            (Stage.REPATRIATED.value, flight),
        ]
        if custody:
            return [*steps, (Stage.IN_CUSTODY.value, flight)]
        steps.append((Stage.IN_REHABILITATION.value, flight))
        if final in (Stage.REINTEGRATING, Stage.CLOSED):
            steps.append((Stage.REINTEGRATING.value, flight + timedelta(days=self.rng.randint(26, 34))))
        if final == Stage.CLOSED:
            steps.append((Stage.CLOSED.value, flight + timedelta(days=self.rng.randint(500, 900))))
        return steps

    def lab_reference(self, year: int) -> str:
        self.lab_counter += 1
        return f"LAB-DEMO-{year}-{self.lab_counter:04d}"

    # --- Operations -------------------------------------------------------------

    def child_ages(self, spec: OperationSpec, count: int) -> list[int]:
        ages = []
        for _ in range(count):
            if self.rng.random() < spec.preschool_share:
                ages.append(self.rng.choices(range(0, 7), weights=(2, 4, 4, 4, 3, 3, 2))[0])
            else:
                ages.append(self.rng.randint(7, 15))
        return ages

    def split(self, total: int, parts: int) -> list[int]:
        """``total`` children over ``parts`` mothers, each at least one."""
        counts = [1] * parts
        for _ in range(total - parts):
            counts[self.rng.randrange(parts)] += 1
        return counts

    def operation(self, spec: OperationSpec) -> None:
        rng = self.rng
        final_default = Stage.CLOSED.value if spec.managed_regionally else Stage.REINTEGRATING.value

        def base(role: str, sex: str, age: int, flight: date, interview: date, **kw: Any) -> Planned:
            region, address = kw.pop("home", None) or self.home()
            person = Planned(
                key=f"{spec.name}-{role}-{len(self.plan.persons)}", role=role, sex=sex,
                birth=self.birth(age, flight, interview, documented=kw.pop("documented", True)),
                names=kw.pop("names"), region=region, address=address, operation=spec.name, flight=flight,
                interview_on=interview, unit=region if spec.managed_regionally else "centre", **kw,
            )  # fmt: skip
            return self.plan.add(person)

        def interview_for(flight: date) -> date:
            return flight - timedelta(days=rng.randint(60, 150))

        # Women and their children, family by family.
        accompanied = spec.children - spec.orphans
        custody_women = set(rng.sample(range(spec.women), spec.women_in_custody))
        counts = self.split(accompanied, spec.women) if spec.women else []
        profile = list(spec.child_profile)
        women: list[Planned] = []
        for i in range(spec.women):
            flight = rng.choice(spec.flights)
            interview = interview_for(flight)
            site, section = self.camp()
            ages = sorted(self.child_ages(spec, counts[i]), reverse=True)
            mother_age = max(ages[0] + rng.randint(17, 24), rng.randint(19, 42))
            family_base = self.names.surname()
            custody = i in custody_women
            final = Stage.IN_CUSTODY.value if custody else final_default
            mother = base(
                "woman", F, mother_age, flight, interview, names=self.adult_names(F),
                site=site, section=section, abroad_from=date(rng.randint(2014, 2016), rng.randint(1, 12), 1),
                path=self.path(flight, custody=custody, final=final, interview=interview),
                vulnerabilities=["female_headed_household"] if rng.random() < 0.7 else [],
            )  # fmt: skip
            women.append(mother)
            children = []
            for age in ages:
                sex = rng.choice((F, M))
                born_abroad = age <= flight.year - 2015
                child = base(
                    "child", sex, age, flight, interview,
                    names=self.child_names(sex, family_base, born_abroad, mother),
                    documented=not born_abroad, home=(mother.region, mother.address), site=site, section=section,
                    abroad_from=mother.abroad_from, mother=mother,
                    path=self.path(flight, custody=False, final=final_default, interview=interview),
                    languages="kk, ru, ar" if born_abroad else "kk, ru",
                )  # fmt: skip
                if born_abroad and rng.random() < 0.35:
                    child.dna_reference = self.lab_reference(flight.year)
                children.append(child)
            if rng.random() < 0.6:
                sons = [c for c in children if c.sex == M and any(n.script == Script.ARABIC for n in c.names)]
                self.add_kunya(mother, sons[0] if sons else None)
            self.plan.families.append((mother, children))

        # Orphans (and, for Rusafa, children whose mothers stay in prison),
        # in sibling groups, each with a relative at home.
        alone = spec.orphans if not spec.from_prison else spec.children
        orphan_flags = [True] * spec.orphans + [False] * (alone - spec.orphans)
        i = 0
        while i < alone:
            size = min(rng.choice((1, 1, 2, 2, 3)), alone - i)
            self.sibling_group(spec, orphan_flags[i : i + size], profile[i : i + size], final_default)
            i += size

        # Men: most arrested on arrival; some are husbands of returned women.
        custody_men = set(rng.sample(range(spec.men), spec.men_in_custody))
        for j in range(spec.men):
            flight = rng.choice(spec.flights)
            interview = interview_for(flight)
            custody = j in custody_men
            man = base(
                "man", M, rng.randint(22, 48), flight, interview, names=self.adult_names(M),
                site="al-Hasakah detention", section=f"Hall {rng.randint(1, 9)}",
                abroad_from=date(rng.randint(2013, 2015), rng.randint(1, 12), 1),
                path=self.path(flight, custody=custody, final=final_default, interview=interview),
            )  # fmt: skip
            if rng.random() < 0.5:
                self.add_kunya(man, None)
            free = [w for w in women if w.spouse is None]
            if free and rng.random() < 0.6:
                wife = rng.choice(free)
                man.spouse, wife.spouse = wife, man

    def relative(self, year: int, home: tuple[str, str], kind: str, family_base: str, interview: date) -> Planned:
        sex = F
        age = self.rng.randint(48, 70) if kind == "grandparent" else self.rng.randint(30, 50)
        names = self.adult_names(sex, family_base=family_base if kind == "grandparent" else None)
        person = Planned(
            key=f"relative-{len(self.plan.persons)}", role="relative", sex=sex,
            birth=self.birth(age, interview, interview, documented=True), names=names, region=home[0],
            address=home[1], unit=home[0],
        )  # fmt: skip
        return self.plan.add(person)

    def sibling_group(
        self, spec: OperationSpec, orphan: list[bool], profile: list[tuple[str, int]], final: str
    ) -> None:
        rng = self.rng
        flight = rng.choice(spec.flights)
        interview = flight - timedelta(days=rng.randint(40, 120))
        home = self.home()
        family_base = self.names.surname()
        kind = rng.choice(("grandparent", "grandparent", "aunt_uncle"))
        relative = self.relative(flight.year, home, kind, family_base, interview)
        held_mother = None
        if spec.from_prison and not all(orphan):
            held_mother = self.plan.add(Planned(
                key=f"held-{len(self.plan.persons)}", role="held_mother", sex=F,
                birth=self.birth(rng.randint(24, 38), interview, interview, documented=True),
                names=self.adult_names(F, family_base=None), region=home[0], address=home[1],
                site="Rusafa prison", section=f"Women's wing, cell {rng.randint(1, 40)}",
                abroad_from=date(2017, rng.randint(7, 12), 1), unit="consulate", interview_on=interview,
                path=[(Stage.REMAINED_ABROAD.value, flight)],
            ))  # fmt: skip
        children = []
        for n, is_orphan in enumerate(orphan):
            sex, age = profile[n] if profile else (rng.choice((F, M)), self.child_ages(spec, 1)[0])
            born_abroad = age <= flight.year - 2015
            site, section = ("Rusafa prison", "Women's wing, with mother") if spec.from_prison else self.camp()
            vulns = ["orphan"] if is_orphan else []
            if is_orphan or spec.from_prison:
                vulns.append("unaccompanied" if rng.random() < 0.6 or spec.from_prison else "separated")
            child = self.plan.add(Planned(
                key=f"{spec.name}-child-{len(self.plan.persons)}", role="child", sex=sex,
                birth=self.birth(age, flight, interview, documented=not born_abroad),
                names=self.child_names(sex, family_base, born_abroad, None), region=home[0], address=home[1],
                operation=spec.name, flight=flight, site=site, section=section,
                abroad_from=date(rng.randint(2014, 2017), rng.randint(1, 12), 1), interview_on=interview,
                path=self.path(flight, custody=False, final=final, interview=interview), vulnerabilities=vulns,
                guardian=relative, guardian_kind=kind, dna_reference=self.lab_reference(flight.year),
                mother=None if is_orphan else held_mother, unit=home[0] if spec.managed_regionally else "centre",
                languages="kk, ru, ar" if born_abroad else "kk, ru",
            ))  # fmt: skip
            children.append(child)
        self.plan.families.append((relative, children))

    def waiting(self, families: int) -> None:
        """Women and children still in the camps: identified or verified, not returned."""
        rng = self.rng
        today_ref = date(2024, 9, 1)
        for _ in range(families):
            site, section = self.camp()
            interview = today_ref + timedelta(days=rng.randint(0, 200))
            home = self.home()
            family_base = self.names.surname()
            stage = rng.choice((Stage.IDENTIFIED.value, Stage.VERIFIED.value))
            path = [] if stage == Stage.IDENTIFIED else [(stage, interview + timedelta(days=30))]
            mother = self.plan.add(Planned(
                key=f"waiting-{len(self.plan.persons)}", role="waiting", sex=F,
                birth=self.birth(rng.randint(24, 40), interview, interview, documented=False),
                names=self.adult_names(F), region=home[0], address=home[1], site=site, section=section,
                abroad_from=date(rng.randint(2014, 2016), rng.randint(1, 12), 1), unit="consulate",
                interview_on=interview, path=list(path),
            ))  # fmt: skip
            self.add_kunya(mother, None)
            children = []
            for age in sorted(rng.sample(range(1, 11), rng.randint(2, 4)), reverse=True):
                sex = rng.choice((F, M))
                children.append(self.plan.add(Planned(
                    key=f"waiting-{len(self.plan.persons)}", role="waiting", sex=sex,
                    birth=self.birth(age, interview, interview, documented=False),
                    names=self.child_names(sex, family_base, True, mother), region=home[0], address=home[1],
                    site=site, section=section, abroad_from=mother.abroad_from, unit="consulate",
                    interview_on=interview, path=list(path), mother=mother, languages="ar, kk",
                )))  # fmt: skip
            self.plan.families.append((mother, children))


def _as_birth(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "precision": BirthPrecision(fields["birth_precision"]),
        "year": fields.get("birth_year"),
        "month": fields.get("birth_month"),
        "day": fields.get("birth_day"),
        "stated_age": fields.get("stated_age"),
        "stated_on": fields.get("stated_age_on"),
    }


def make_plan(seed: int) -> Plan:
    planner = Planner(seed)
    for spec in OPERATIONS:
        planner.operation(spec)
    planner.waiting(families=5)
    return planner.plan
