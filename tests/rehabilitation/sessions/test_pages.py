"""The pages: planning from the person's tab, holding with attendance,
today's sessions and the My work panel; query counts of the lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhusan.rehabilitation.models import Discipline
from zhusan.rehabilitation.sessions import services
from zhusan.rehabilitation.sessions.models import Session, SessionKind, SessionStatus

from ...factories import make_person
from ...registry.helpers import login
from .conftest import actor, now


def _plan(world: dict[str, Any], person: Any, when: Any = None, **kwargs: Any) -> Session:
    params: dict[str, Any] = {"kind": SessionKind.INDIVIDUAL, "discipline": Discipline.PSYCHOLOGIST}
    params.update(kwargs)
    return services.session_plan(
        actor=actor(world["psychologist"]), starts_at=when or now(), persons=[person], **params
    )


def test_a_psychologist_plans_from_the_tab_then_marks_the_session_held(world: dict[str, Any]) -> None:
    client = login(Client(), world["psychologist"])
    url = reverse("rehabilitation_sessions:person_sessions", args=[world["woman"].uuid])
    assert 'id="plan-form"' in client.get(url).content.decode()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "kind": "individual",
            "discipline": "psychologist",
            "starts_on": today.isoformat(),
            "starts_time": "00:05",
            "planned_minutes": "60",
            "staff": [str(world["psychologist"].pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()
    session = Session.objects.get()
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'id="hold-form"' in page and 'id="note-form"' in page
    held = client.post(
        reverse("rehabilitation_sessions:session_hold", args=[session.uuid]),
        {"duration_minutes": "45", "version": str(session.version), f"attendance_{world['woman'].uuid}": "present"},
    )
    assert held.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.participants.get().attendance == "present"


def test_the_plan_form_shows_the_female_choice_refusal_next_to_the_staff(world: dict[str, Any]) -> None:
    client = login(Client(), world["case_manager"])
    url = reverse("rehabilitation_sessions:person_sessions", args=[world["woman"].uuid])
    response = client.post(
        url,
        {
            "kind": "individual",
            "discipline": "psychologist",
            "starts_on": timezone.localdate().isoformat(),
            "starts_time": "10:00",
            "planned_minutes": "60",
            "staff": [str(world["male_psychologist"].pk)],
        },
    )
    assert response.status_code == 400
    assert "chose a female professional" in response.content.decode()
    assert not Session.objects.exists()


def test_holding_with_a_missing_attendance_shows_the_error_and_writes_nothing(world: dict[str, Any]) -> None:
    session = _plan(world, world["woman"])
    response = login(Client(), world["psychologist"]).post(
        reverse("rehabilitation_sessions:session_hold", args=[session.uuid]),
        {"duration_minutes": "45", "version": str(session.version)},
    )
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_today_and_my_work_show_the_users_sessions_and_those_to_mark_held(world: dict[str, Any]) -> None:
    _plan(world, world["woman"])
    _plan(world, world["man"], when=now() - timedelta(days=2))
    client = login(Client(), world["psychologist"])
    today = client.get(reverse("rehabilitation_sessions:today")).content.decode()
    assert world["woman"].case_number in today
    assert "to mark held" in today
    home = client.get(reverse("mywork:home")).content.decode()
    assert "Today&#x27;s sessions" in home or "Today's sessions" in home
    assert reverse("rehabilitation_sessions:today") in home


def test_the_person_tab_lists_sessions_in_a_bounded_number_of_queries(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        _plan(world, world["woman"])
    client = login(Client(), world["case_manager"])
    url = reverse("rehabilitation_sessions:person_sessions", args=[world["woman"].uuid])
    client.get(url)
    with django_assert_max_num_queries(27):
        response = client.get(url)
    assert response.content.decode().count('data-status="planned"') == 12


def test_the_day_view_lists_sessions_in_a_bounded_number_of_queries(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    people = [make_person(world["registrar"], given="Saule", birth_year=1990 + i % 5) for i in range(6)]
    from zhusan.registry.models import CaseAssignment

    for person in people:
        CaseAssignment.objects.create(person=person, user=world["case_manager"])
        _plan(world, person)
    client = login(Client(), world["psychologist"])
    url = reverse("rehabilitation_sessions:today")
    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.content.decode().count('data-status="planned"') == 6


def test_a_participant_is_added_to_a_group_by_finding_and_choosing_them(world: dict[str, Any]) -> None:
    session = _plan(world, world["woman"], kind=SessionKind.GROUP, title="Group counselling for women")
    client = login(Client(), world["psychologist"])
    url = reverse("rehabilitation_sessions:session_participant_add", args=[session.uuid])
    found = client.post(url, {"action": "find", "find": world["man"].case_number, "version": str(session.version)})
    assert found.status_code == 200
    assert f'value="{world["man"].uuid}"' in found.content.decode()
    added = client.post(url, {"other": str(world["man"].uuid), "version": str(session.version)})
    assert added.status_code == 302
    assert session.participants.filter(person=world["man"]).exists()
    again = client.post(url, {"other": str(world["man"].uuid), "version": str(session.version + 1)})
    assert again.status_code == 400 and "already in the session" in again.content.decode()
