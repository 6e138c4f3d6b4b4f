"""What rehabilitation hangs on the person and elsewhere: the recipients of
a safety alert, the "My residents" panel, the published figures."""

from __future__ import annotations

import pytest

from zhusan.audit.services import Actor
from zhusan.instruments.extensions import recipient_providers
from zhusan.rehabilitation import services
from zhusan.rehabilitation.extensions import alert_recipients
from zhusan.rehabilitation.work import residents_panel
from zhusan.reporting.indicators import compute, count_table

from .conftest import act, admit, days_ago, returnee

pytestmark = pytest.mark.django_db


def test_a_safety_alert_goes_to_the_psychologist_key_worker_and_her_supervisor(
    case_manager, centre, womens_room, mother, female_psychologist, lead_psychologist
):
    assert alert_recipients in recipient_providers()
    admit(case_manager, centre, (mother, womens_room))
    assert alert_recipients(mother) == []
    services.key_worker_assign(
        actor=act(case_manager),
        person=mother,
        user=female_psychologist,
        discipline="psychologist",
        started_on=days_ago(1),
    )
    assert alert_recipients(mother) == [female_psychologist, lead_psychologist]


def test_my_residents_shows_the_caseload_and_warns_over_the_limit(
    case_manager, registrar, centre, womens_room, female_psychologist
):
    assert residents_panel(Actor.system("t", user=case_manager)) is None
    centre.caseload_limits = {"psychologist": 1}
    centre.save()
    for name in ("Saule", "Gulnara"):
        person = returnee(registrar, given=name)
        admit(case_manager, centre, (person, womens_room))
        services.key_worker_assign(
            actor=act(case_manager), person=person, user=female_psychologist, discipline="psychologist",
            started_on=days_ago(1), reason="Colleague on leave.",
        )  # fmt: skip
    panel = residents_panel(Actor.system("t", user=female_psychologist))
    assert panel is not None and panel.count == 2
    assert "Over the caseload limit" in panel.items[0].text


def test_the_figures_count_admissions_residents_and_the_length_of_stay(
    settings, case_manager, registrar, centre, womens_room, single_room
):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 1
    stayed = returnee(registrar, given="Saule")
    [admission] = admit(case_manager, centre, (stayed, womens_room), on=days_ago(30))
    services.admission_discharge(
        actor=act(case_manager), admission=admission, discharged_on=days_ago(2), destination="relatives",
        summary="Home.", expected_version=admission.version,
    )  # fmt: skip
    admit(case_manager, centre, (returnee(registrar, given="Gulnara"), single_room))
    assert count_table("rehabilitation_admissions").cells[0][0] == 2
    assert count_table("rehabilitation_residents", by=["rehab_centre"]).cells[0][0] == 1
    result = compute("rehabilitation_length_of_stay", threshold=1)
    assert result.values == (28.0,)
