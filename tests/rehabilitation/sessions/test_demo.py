"""The demo writer on a hand-made plan: residents of a centre get held
sessions (individual with their key workers, group classes, group
counselling), the adult women's accounts give exactly half following a
husband and 85 % regret, and the adult men a professional assessment's
outcome; the same seed writes the same shares; the indicators count them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.demo.plan import Plan, Planned
from zhusan.demo.sessions import SessionsWriter
from zhusan.rehabilitation.models import Admission, Discipline, KeyWorker
from zhusan.rehabilitation.sessions.models import (
    IntakeAccount,
    ProfessionalRiskAssessment,
    Regret,
    Session,
    SessionKind,
    SessionStatus,
)
from zhusan.reporting.indicators import ReportFilters, count_table, statistical_rows

from ...factories import letters, make_person

WOMEN = 20


def _planned(key: str, role: str, sex: str) -> Planned:
    return Planned(key=key, role=role, sex=sex, birth={}, names=[], region="", address="")


@pytest.fixture
def demo(world: dict[str, Any]) -> dict[str, Any]:
    plan = Plan()
    created: dict[Planned, Any] = {}
    admission = Admission.objects.get(person=world["woman"])
    Admission.objects.filter(person=world["child"]).update(admitted_on=timezone.localdate() - timedelta(days=20))
    women = [world["woman"]]
    for i in range(WOMEN - 1):
        woman = make_person(world["registrar"], given="Aliya", family=f"Oma{letters(i)}", birth_year=1985 + i % 10)
        Admission.objects.create(
            person=woman,
            centre=admission.centre,
            room=admission.room,
            admitted_on=timezone.localdate() - timedelta(days=20),
            prefers_female_professional=False,
        )
        women.append(woman)
    for i, woman in enumerate(women):
        created[plan.add(_planned(f"w{i}", "woman", "female"))] = woman
    man = plan.add(_planned("m", "man", "male"))
    created[man] = world["man"]
    child = plan.add(_planned("c", "child", "female"))
    created[child] = world["child"]
    plan.families.append((next(p for p in plan.persons if p.key == "w0"), [child]))
    KeyWorker.objects.create(
        person=world["woman"],
        user=world["psychologist"],
        discipline=Discipline.PSYCHOLOGIST,
        started_on=admission.admitted_on,
    )
    users = {
        Role.PSYCHOLOGIST: world["psychologist"],
        Role.THEOLOGIAN: world["theologian"],
        Role.TEACHER: world["teacher"],
        Role.SECURITY_LIAISON: world["security"],
    }
    return {"plan": plan, "created": created, "users": users, "women": women}


def _run(world: dict[str, Any], demo: dict[str, Any], seed: int = 7) -> None:
    SessionsWriter(
        plan=demo["plan"], created=demo["created"], users=demo["users"], units={"centre": world["unit"]}, seed=seed
    ).run()


def test_the_writer_holds_sessions_for_residents_with_their_staff(world: dict[str, Any], demo: dict[str, Any]) -> None:
    _run(world, demo)
    held = Session.objects.filter(status=SessionStatus.HELD)
    assert held.filter(kind=SessionKind.INDIVIDUAL, discipline=Discipline.PSYCHOLOGIST).exists()
    assert held.filter(kind=SessionKind.GROUP, discipline=Discipline.PSYCHOLOGIST).exists()
    assert held.filter(kind=SessionKind.GROUP, discipline=Discipline.TEACHER).exists()
    # The woman who chose a female professional is seen by her (female) key worker only.
    for session in Session.objects.filter(kind=SessionKind.INDIVIDUAL, participants__person=world["woman"]):
        assert list(session.staff.all()) in ([world["psychologist"]], [world["theologian"]])
    assert not Session.objects.filter(participants__person=world["woman"], staff=world["male_psychologist"]).exists()


def test_the_adult_womens_accounts_give_the_public_records_shares(world: dict[str, Any], demo: dict[str, Any]) -> None:
    _run(world, demo)
    accounts = list(IntakeAccount.objects.all())
    assert len(accounts) == WOMEN
    assert sum("followed_spouse" in a.travel_reasons for a in accounts) == WOMEN // 2
    assert sum(a.regret == Regret.YES for a in accounts) == round(WOMEN * 0.85)
    assert not IntakeAccount.objects.filter(person=world["child"]).exists()


def test_the_same_seed_chooses_the_same_women(world: dict[str, Any], demo: dict[str, Any]) -> None:
    _run(world, demo, seed=11)
    first = sorted(a.person.case_number for a in IntakeAccount.objects.all() if a.regret == Regret.YES)
    IntakeAccount.objects.all().delete()
    _run(world, demo, seed=11)
    assert first == sorted(a.person.case_number for a in IntakeAccount.objects.all() if a.regret == Regret.YES)


def test_an_adult_man_has_an_assessment_outcome_and_the_child_none(world: dict[str, Any], demo: dict[str, Any]) -> None:
    _run(world, demo)
    assert ProfessionalRiskAssessment.objects.filter(person=world["man"]).exists()
    assert not ProfessionalRiskAssessment.objects.filter(person=world["child"]).exists()


def test_the_indicators_count_the_accounts_and_the_support(world: dict[str, Any], demo: dict[str, Any]) -> None:
    _run(world, demo)
    # Every person of this world is counted (no timeline needed for these).
    followed = count_table("travel_reason_followed_spouse")
    assert followed.cells[0][0] == WOMEN  # every adult woman with an account is in the population
    regret = count_table("regret_leaving")
    assert regret.cells[0][0] == WOMEN
    rows = statistical_rows(ReportFilters())
    women = [r for r in rows if r["intake_regret"] is not None]
    assert sum(r["intake_regret"] == Regret.YES for r in women) == round(WOMEN * 0.85)
    assert sum("followed_spouse" in r["intake_reasons"] for r in women) == WOMEN // 2
    assert sum(bool(r["sessions_attended_psychologist"]) for r in rows) > WOMEN // 2
