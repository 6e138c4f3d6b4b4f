"""Case conferences: actions become goals of the person's plan; a
conference is listed for users who see one of its cases, showing only those;
minutes are read per compartment."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from zhusan.accounts.permissions import Compartment, Role
from zhusan.rehabilitation.care import selectors, services
from zhusan.rehabilitation.care.models import ConferenceCase, Domain, PlanGoal, PlanStatus
from zhusan.rehabilitation.care.services import ActionInput, AttendeeInput, CaseInput

from ...factories import make_person, make_staff
from .conftest import act, approved, in_days, today

pytestmark = pytest.mark.django_db


def conference(by, chair, *cases):
    return services.conference_create(
        actor=act(by),
        held_on=today(),
        title="Monthly review, Akniet",
        chair=chair,
        next_review_on=in_days(30),
        attendees=[
            AttendeeInput("Dana Serikbayeva", "Akniet centre", "psychologist"),
            AttendeeInput("Marat Aliyev", "Ministry of Education", "inspector"),
        ],
        cases=list(cases),
    )


def test_a_conference_action_becomes_a_goal_of_the_active_plan(psychologist, care_manager, resident):
    plan = approved(psychologist, care_manager, resident)
    conf = conference(
        care_manager,
        care_manager,
        CaseInput(
            person=resident,
            decisions="Continue counselling; start vocational course",
            dissents=[("Marat Aliyev", "Course should wait a month")],
            actions=[ActionInput(Domain.LIVELIHOOD, "Enrol in a sewing course", psychologist, in_days(14))],
        ),
    )
    goal = PlanGoal.objects.get(conference_case__conference=conf)
    assert goal.plan == plan and goal.owner == psychologist and goal.text == "Enrol in a sewing course"
    assert goal.due_on == in_days(14)
    case = ConferenceCase.objects.get(conference=conf)
    assert [d.name for d in case.dissents.all()] == ["Marat Aliyev"]


def test_an_action_for_a_person_without_a_plan_opens_a_draft(care_manager, psychologist, resident):
    conference(
        care_manager,
        care_manager,
        CaseInput(
            person=resident,
            decisions="Assess needs",
            actions=[ActionInput(Domain.HEALTH, "Dental check", psychologist, in_days(7))],
        ),
    )
    goal = PlanGoal.objects.get()
    assert goal.plan.person == resident and goal.plan.status == PlanStatus.DRAFT


def test_an_action_without_an_owner_is_refused_and_the_case_is_not_written(care_manager, resident):
    with pytest.raises(ValidationError) as err:
        conference(
            care_manager,
            care_manager,
            CaseInput(person=resident, decisions="X", actions=[ActionInput(Domain.HEALTH, "Dental", None, in_days(7))]),
        )
    assert "owner" in err.value.message_dict
    assert not ConferenceCase.objects.exists() and not PlanGoal.objects.exists()


def test_minutes_are_read_only_in_their_compartment(care_manager, psychologist, theologian, resident):
    conf = conference(care_manager, care_manager)
    case = services.conference_case_add(
        actor=act(psychologist),
        conference=conf,
        case=CaseInput(person=resident, decisions="Continue", minutes={Compartment.PSYCHOSOCIAL: "Nightmares easing"}),
    )
    services.conference_minute_add(
        actor=act(theologian), case=case, compartment=Compartment.RELIGIOUS, body="Reads with the imam"
    )

    def minutes(user):
        _conf, shown = selectors.get_conference_for_user(act(user), conf.uuid)
        return {m.body for m in shown[0].minutes}, shown[0].withheld

    assert minutes(psychologist) == ({"Nightmares easing"}, 1)
    assert minutes(theologian) == ({"Reads with the imam"}, 1)
    assert minutes(care_manager) == (set(), 2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM rehabilitation_care_conferenceminute")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "Nightmares" not in stored and "imam" not in stored


def test_a_minute_in_a_compartment_the_writer_may_not_write_is_refused(psychologist, care_manager, resident):
    conf = conference(care_manager, care_manager)
    with pytest.raises(ValidationError) as err:
        services.conference_case_add(
            actor=act(psychologist),
            conference=conf,
            case=CaseInput(person=resident, decisions="Continue", minutes={Compartment.RELIGIOUS: "Not mine"}),
        )
    assert "minute_compartment" in err.value.message_dict
    assert not ConferenceCase.objects.exists()


def test_a_conference_is_listed_only_with_the_cases_a_user_sees(
    care_manager, psychologist, outsider, registrar, resident
):
    conf = conference(care_manager, care_manager, CaseInput(person=resident, decisions="Continue"))
    far_consul = make_staff(Role.CONSULAR_OFFICER, outsider.unit, username="farconsul")
    far_person = make_person(far_consul, given="Zhanna", family="Omarova")
    services.conference_case_add(
        actor=act(outsider), conference=conf, case=CaseInput(person=far_person, decisions="Far decision")
    )
    assert list(selectors.conferences_for_user(psychologist)) == [conf]
    _conf, shown = selectors.get_conference_for_user(act(psychologist), conf.uuid)
    assert [c.case.person for c in shown] == [resident]
    _conf, shown = selectors.get_conference_for_user(act(outsider), conf.uuid)
    assert [c.case.person for c in shown] == [far_person]


def test_a_user_who_sees_no_case_does_not_find_the_conference(care_manager, outsider, resident):
    from django.http import Http404

    conf = conference(care_manager, care_manager, CaseInput(person=resident, decisions="Continue"))
    assert not selectors.conferences_for_user(outsider).exists()
    with pytest.raises(Http404):
        selectors.get_conference_for_user(act(outsider), conf.uuid)


def test_a_case_outside_the_writers_scope_is_refused(care_manager, outsider, resident):
    conf = conference(care_manager, care_manager)
    with pytest.raises(PermissionDenied):
        services.conference_case_add(
            actor=act(outsider), conference=conf, case=CaseInput(person=resident, decisions="X")
        )


@pytest.mark.parametrize(
    ("reader", "sees", "hidden"),
    [
        ("psychologist", "Nightmares easing", "Reads with the imam"),
        ("theologian", "Reads with the imam", "Nightmares easing"),
    ],
)
def test_each_discipline_reads_only_its_minute_in_the_page_and_the_api(
    request, client, care_manager, psychologist, theologian, resident, reader, sees, hidden
):
    from django.urls import reverse

    from ...api.conftest import token_client
    from ...registry.helpers import login

    conf = conference(care_manager, care_manager)
    case = services.conference_case_add(
        actor=act(psychologist),
        conference=conf,
        case=CaseInput(person=resident, decisions="Continue", minutes={Compartment.PSYCHOSOCIAL: "Nightmares easing"}),
    )
    services.conference_minute_add(
        actor=act(theologian), case=case, compartment=Compartment.RELIGIOUS, body="Reads with the imam"
    )
    user = request.getfixturevalue(reader)
    page = login(client, user).get(reverse("rehabilitation_care:conference_detail", args=[conf.uuid])).content.decode()
    api = token_client(user).get(f"/api/v1/rehabilitation/care/conferences/{conf.uuid}/").content.decode()
    tab = client.get(reverse("rehabilitation_care:person_plan", args=[resident.uuid])).content.decode()
    for text in (page, api, tab):
        assert sees in text and hidden not in text
    manager_page = login(client, care_manager).get(reverse("rehabilitation_care:conference_detail", args=[conf.uuid]))
    manager_api = token_client(care_manager).get(f"/api/v1/rehabilitation/care/conferences/{conf.uuid}/").json()
    assert "Nightmares" not in manager_page.content.decode() and "imam" not in manager_page.content.decode()
    assert manager_api["cases"][0]["minutes"] == [] and manager_api["cases"][0]["minutes_withheld"] == 2
    assert "Continue" in manager_page.content.decode()
