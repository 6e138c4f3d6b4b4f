"""The demo writer on a hand-made centre: residents get a baseline, the
discharged a before-discharge administration that mostly improves, and one
PHQ-9 raises a safety alert the demo psychologist sees, left open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zhusan.accounts.permissions import Role
from zhusan.demo.instruments import InstrumentsWriter
from zhusan.instruments import selectors
from zhusan.instruments.models import Administration, SafetyAlert, ScheduledAdministration
from zhusan.rehabilitation.models import Admission, Centre, Room

from ..factories import letters, make_person
from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_writes_improving_trajectories_and_one_open_alert_for_the_psychologist(alice, bob, centre_unit):
    centre = Centre.objects.create(name="Akniet", region="Mangystau", unit=centre_unit)
    room = Room.objects.create(centre=centre, name="A", beds=40)
    for i in range(8):
        person = make_person(alice, given=f"Zhanar{letters(i)}", birth_year=TODAY.year - 25 - i)
        admitted = TODAY - timedelta(days=400 - 40 * i)
        discharged = admitted + timedelta(days=30) if i < 6 else None
        Admission.objects.create(
            person=person, centre=centre, room=room, admitted_on=admitted, discharged_on=discharged,
            destination="relatives" if discharged else "",
        )  # fmt: skip
    child = make_person(alice, given="Arman", sex="male", birth_year=TODAY.year - 10)
    Admission.objects.create(person=child, centre=centre, room=room, admitted_on=TODAY - timedelta(days=10))

    InstrumentsWriter(plan=None, created={}, users={Role.PSYCHOLOGIST: bob}, units={}, seed=7).run()  # type: ignore[arg-type]

    assert set(Administration.objects.filter(person=child).values_list("instrument", flat=True)) == {"cries8", "sdq"}
    pairs = []
    for admin in Administration.objects.filter(occasion="before_discharge", instrument="phq9"):
        baseline = Administration.objects.get(person=admin.person, instrument="phq9", occasion="baseline")
        pairs.append(baseline.total - admin.total)
    assert len(pairs) == 6 and sum(1 for drop in pairs if drop > 0) >= 4
    alert = SafetyAlert.objects.get()
    assert alert.is_open and alert in selectors.open_alerts_for_user(bob)
    assert ScheduledAdministration.objects.filter(administration__isnull=True, due_on__lt=TODAY).exists()
