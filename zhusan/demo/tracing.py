"""The review queues on first look: grandmothers' tracing requests and
near-duplicate registrations, written after the plan's persons.

Grandmothers at home ask after daughters and grandchildren still in the
camps (the plan's waiting families): each request gives what a grandmother
knows — her daughter's name in an informal Latin spelling, the kunya she
heard, in Cyrillic, an approximate birth year and the grandchildren's names
— and is searched, so its matches wait for review. A few waiting persons
were registered twice at a camp screening (an informal Latin spelling, no
Cyrillic), and the duplicate check proposes the pairs.

Seeded: the same seed picks the same families and spellings. The extra
registrations are persons in the camps, not returnees, so the published
figures (``builder.demo_table``) do not move; grandmothers are not
registered at all (a case manager registers one as a relative at home when
she confirms a match).
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.matching import services as matching
from zhusan.registry import services
from zhusan.registry.models import LawfulBasis, NameKind, Person, RecordType, Script, Site, Stage

from .names import informal
from .plan import Plan, Planned

GRANDMOTHERS = ("Гүлнар", "Сәуле", "Раушан", "Бақыт", "Күләш", "Зәуре")
REQUESTS = 3
DUPLICATES = 3


@dataclass
class TracingWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    sites: dict[str, Site]
    seed: int

    def run(self) -> None:
        rng = Random(self.seed * 1009 + 14)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        families = [(carer, kids) for carer, kids in self.plan.families if carer.role == "waiting"]
        reviewer = Actor.system("zhusan demo", user=self.users[Role.CASE_MANAGER])
        for carer, children in rng.sample(families, min(REQUESTS, len(families))):
            self._request(rng, reviewer, carer, children)
        consul = Actor.system("zhusan demo", user=self.users[Role.CONSULAR_OFFICER])
        waiting = [p for carer, kids in families for p in (carer, *kids)]
        manager = Actor.system("zhusan demo", user=self.users[Role.PROGRAMME_MANAGER])
        for planned in rng.sample(waiting, min(DUPLICATES, len(waiting))):
            twin = self._register_again(consul, planned)
            matching.duplicates_check(actor=manager, person=twin)

    def _request(self, rng: Random, actor: Actor, mother: Planned, children: list[Planned]) -> None:
        legal = next(n for n in mother.names if n.is_primary)
        kunya = next((n.given for n in mother.names if n.kind == NameKind.KUNYA and n.script == Script.LATIN), "")
        person = self.created[mother]
        year = person.birth_year
        if year is None and person.stated_age is not None and person.stated_age_on is not None:
            year = person.stated_age_on.year - person.stated_age  # what the family would reckon
        grandchildren = ", ".join(next(n.given for n in c.names if n.is_primary) for c in children)
        sought = matching.SoughtInput(
            given=informal(legal.given),
            family=informal(legal.family),
            other_names=_cyrillic_kunya(kunya),
            sex=mother.sex,
            birth_year=year,
            last_known_place="аль-Холь" if mother.site == "al-Hol" else "Рож",
            relatives_names=grandchildren,
            relation_to_inquirer="mother",
        )
        request = matching.tracing_request_create(
            actor=actor,
            data=matching.TracingInput(
                managing_unit=self.units["centre"],
                inquirer_name=f"{rng.choice(GRANDMOTHERS)} {legal.family}",
                inquirer_contact=f"{mother.address} (synthetic)",
                sought=[sought],
            ),
        )
        matching.tracing_run(actor=actor, request=request)

    def _register_again(self, actor: Actor, planned: Planned) -> Person:
        """The same person entered again at another screening: an informal
        Latin spelling (and the kunya heard in the camp), the same birth."""
        original = self.created[planned]
        legal = next(n for n in planned.names if n.is_primary)
        kunyas = [
            services.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given=n.given)
            for n in planned.names
            if n.kind == NameKind.KUNYA and n.script == Script.LATIN
        ]
        twin = services.person_create(
            actor=actor,
            data=services.PersonInput(
                sex=planned.sex,
                lawful_basis=LawfulBasis.PUBLIC_INTEREST,
                managing_unit=self.units["consulate"],
                record_type=RecordType.SUBJECT,
                stage=Stage.IDENTIFIED,
                birth_precision=original.birth_precision,
                birth_year=original.birth_year,
                birth_month=original.birth_month,
                birth_day=original.birth_day,
                stated_age=original.stated_age,
                stated_age_on=original.stated_age_on,
                names=[
                    services.NameInput(
                        script=Script.LATIN,
                        kind=NameKind.FOREIGN_DOCUMENT,
                        given=informal(legal.given),
                        family=informal(legal.family),
                        is_primary=True,
                    ),
                    *kunyas,
                ],
                languages=planned.languages,
            ),
        )
        site = self.sites[planned.site]
        services.stay_add(actor=actor, person=twin, kind=site.kind, site=site, section=planned.section)
        return twin


_LATIN_TO_CYRILLIC = {
    "Umm": "Умм", "Abu": "Абу", "Abdullah": "Абдулла", "Yusuf": "Юсуф", "Ibrahim": "Ибрахим", "Umar": "Умар",
    "Zayd": "Зайд", "Hamza": "Хамза", "Ali": "Али", "Muhammad": "Мухаммад", "Abdurrahman": "Абдуррахман",
    "Yahya": "Яхья", "Isa": "Иса", "Musa": "Муса", "Harun": "Харун", "Bilal": "Билал", "Khalid": "Халид",
}  # fmt: skip


def _cyrillic_kunya(latin: str) -> str:
    """The kunya as a grandmother in Kazakhstan writes it (Cyrillic); the
    Latin word where the short table has none."""
    return " ".join(_LATIN_TO_CYRILLIC.get(word, word) for word in latin.split())
