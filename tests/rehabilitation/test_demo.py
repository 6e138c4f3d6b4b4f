"""The demo's rehabilitation on the whole demo dataset (checked by
``tests/demo/test_demo_command.py``, which loads the demo once for every app):
Akniet with the public record's 45 theologians and 17 psychologists,
month-long stays for the returnees who went through rehabilitation,
mothers with their children in family rooms, discharges that match the
stages, key workers for every resident, caseloads for the demo logins;
the same seed writes the same stays."""

from __future__ import annotations

import statistics
from typing import Any

from zhusan.accounts.models import User
from zhusan.registry.models import BestInterestsAssessment, Stage
from zhusan.rehabilitation.models import Admission, Centre, Discipline, KeyWorker, StaffMember


def check_the_demo_runs_akniet_as_the_public_record_describes(demo: Any) -> None:
    centre = Centre.objects.get(name="Akniet")
    assert (centre.town, centre.region) == ("Aktau", "Mangystau")
    roster = StaffMember.objects.filter(centre=centre)
    assert roster.filter(discipline=Discipline.THEOLOGIAN).count() == 45
    assert roster.filter(discipline=Discipline.PSYCHOLOGIST).count() == 17
    assert not any(u.has_usable_password() for u in User.objects.filter(username__startswith="akniet."))

    expected = [p for p in demo.plan.persons if any(s == Stage.IN_REHABILITATION for s, _d in p.path)]
    admissions = list(Admission.objects.select_related("person", "room"))
    assert len(admissions) == len(expected)
    for admission in admissions:
        stage = admission.person.stage
        assert (admission.discharged_on is None) == (stage == Stage.IN_REHABILITATION)
    stays = [a.length_of_stay() for a in admissions if a.discharged_on]
    assert 26 <= statistics.median(stays) <= 34

    children = [a for a in admissions if a.discharged_on and a.person.is_child(a.discharged_on)]
    assert children
    assert all(a.discharge_assessment_id for a in children)
    assert BestInterestsAssessment.objects.filter(purpose="discharge").count() == len(children)

    # Mothers and their young children shared a family room.
    together = 0
    for carer, kids in demo.plan.families:
        mine = Admission.objects.filter(person=demo.created[carer]).first()
        for kid in kids:
            theirs = Admission.objects.filter(person=demo.created[kid]).first()
            if mine and theirs and theirs.person.age(theirs.admitted_on) < 7:
                assert theirs.room_id == mine.room_id
                together += 1
    assert together > 50

    assert all(
        KeyWorker.objects.filter(person=a.person, discipline=Discipline.PSYCHOLOGIST).exists() for a in admissions
    )
    for login in ("psychologist", "theologian", "doctor", "teacher"):
        assert KeyWorker.objects.filter(user__username=login).count() > 5, login
    chose = Admission.objects.filter(prefers_female_professional=True)
    assert chose.exists()
    assert not KeyWorker.objects.filter(person__admissions__in=chose, user__staff_member__is_female=False).exists()
