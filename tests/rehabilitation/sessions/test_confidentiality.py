"""Note confidentiality per compartment, in the pages and the API alike: a
theologian cannot read a psychologist's note and the reverse; a case manager
sees only that a session took place, when, which discipline and with whom."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.rehabilitation.models import Discipline
from zhusan.rehabilitation.sessions import services
from zhusan.rehabilitation.sessions.models import SessionKind

from ...api.conftest import token_client
from ...registry.helpers import login
from .conftest import actor, now

PSYCH_NOTE = "Speaks of nightmares about the camp"
THEOL_NOTE = "Asked about the meaning of hijra"


@pytest.fixture
def two_sessions(world: dict[str, Any]) -> dict[str, Any]:
    woman = world["woman"]
    psych = services.session_plan(
        actor=actor(world["psychologist"]),
        kind=SessionKind.INDIVIDUAL,
        discipline=Discipline.PSYCHOLOGIST,
        starts_at=now(),
        persons=[woman],
    )
    services.session_note_add(actor=actor(world["psychologist"]), session=psych, person=woman, body=PSYCH_NOTE)
    theol = services.session_plan(
        actor=actor(world["theologian"]),
        kind=SessionKind.INDIVIDUAL,
        discipline=Discipline.THEOLOGIAN,
        starts_at=now(),
        persons=[woman],
    )
    services.session_note_add(actor=actor(world["theologian"]), session=theol, person=woman, body=THEOL_NOTE)
    return {"psych": psych, "theol": theol}


def _page(world: dict[str, Any], who: str, session: Any) -> str:
    response = login(Client(), world[who]).get(reverse("rehabilitation_sessions:session_detail", args=[session.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def _api(world: dict[str, Any], who: str, session: Any) -> dict[str, Any]:
    response = token_client(world[who]).get(f"/api/v1/rehabilitation/sessions/{session.uuid}/")
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.mark.parametrize(
    ("who", "reads_psych", "reads_theol"),
    [
        ("psychologist", True, False),
        ("theologian", False, True),
        ("case_manager", False, False),
    ],
)
def test_each_reader_reads_only_the_notes_of_their_compartment_on_the_page(
    world: dict[str, Any], two_sessions: dict[str, Any], who: str, reads_psych: bool, reads_theol: bool
) -> None:
    psych_page = _page(world, who, two_sessions["psych"])
    theol_page = _page(world, who, two_sessions["theol"])
    assert (PSYCH_NOTE in psych_page) is reads_psych
    assert (THEOL_NOTE in theol_page) is reads_theol
    # Everyone sees that the sessions took place and with whom.
    assert "psychologist" in psych_page and world["psychologist"].get_username() in psych_page
    if not reads_psych:
        assert 'id="notes-withheld"' in psych_page


@pytest.mark.parametrize(
    ("who", "reads_psych", "reads_theol"),
    [
        ("psychologist", True, False),
        ("theologian", False, True),
        ("case_manager", False, False),
    ],
)
def test_each_reader_reads_only_the_notes_of_their_compartment_in_the_api(
    world: dict[str, Any], two_sessions: dict[str, Any], who: str, reads_psych: bool, reads_theol: bool
) -> None:
    psych = _api(world, who, two_sessions["psych"])
    theol = _api(world, who, two_sessions["theol"])
    assert (psych["notes"] is not None and psych["notes"][0]["body"] == PSYCH_NOTE) is reads_psych
    assert (theol["notes"] is not None and theol["notes"][0]["body"] == THEOL_NOTE) is reads_theol
    assert psych["status"] == "planned" and psych["discipline"] == "psychologist"
    assert [s["uuid"] for s in psych["staff"]] == [str(world["psychologist"].uuid)]
    if not reads_psych:
        assert psych["notes"] is None and PSYCH_NOTE not in str(psych)


def test_the_case_manager_sees_on_the_person_tab_that_both_sessions_took_place(
    world: dict[str, Any], two_sessions: dict[str, Any]
) -> None:
    url = reverse("rehabilitation_sessions:person_sessions", args=[world["woman"].uuid])
    page = login(Client(), world["case_manager"]).get(url).content.decode()
    assert "Psychologist" in page and "Theologian" in page
    assert PSYCH_NOTE not in page and THEOL_NOTE not in page
    listed = token_client(world["case_manager"]).get(f"/api/v1/rehabilitation/sessions/persons/{world['woman'].uuid}/")
    assert listed.status_code == 200
    assert {s["discipline"] for s in listed.json()} == {"psychologist", "theologian"}
    assert all(s["notes"] is None for s in listed.json())


def test_a_theologian_posting_a_note_to_a_psychologists_session_is_refused_clearly_in_ui_and_api(
    world: dict[str, Any], two_sessions: dict[str, Any]
) -> None:
    session = two_sessions["psych"]
    page = login(Client(), world["theologian"]).post(
        reverse("rehabilitation_sessions:session_note_add", args=[session.uuid]),
        {"person": str(world["woman"].uuid), "body": "Mine"},
    )
    # The theologian is offered no note form, and a forged post is refused with the reason.
    assert page.status_code == 403
    api = token_client(world["theologian"]).post(
        f"/api/v1/rehabilitation/sessions/{session.uuid}/notes/",
        {"person": str(world["woman"].uuid), "body": "Mine"},
        format="json",
    )
    assert api.status_code == 403
    assert "only a psychologist writes them" in api.json()["detail"]
    assert session.notes.count() == 1


def test_a_teacher_sees_classes_but_not_that_a_child_saw_a_psychologist(world: dict[str, Any]) -> None:
    child = world["child"]
    services.session_plan(
        actor=actor(world["psychologist"]),
        kind=SessionKind.INDIVIDUAL,
        discipline=Discipline.PSYCHOLOGIST,
        starts_at=now(),
        persons=[child],
    )
    services.session_plan(
        actor=actor(world["teacher"]),
        kind=SessionKind.GROUP,
        discipline=Discipline.TEACHER,
        title="Reading class",
        starts_at=now(),
        persons=[child],
    )
    page = login(Client(), world["teacher"]).get(reverse("rehabilitation_sessions:person_sessions", args=[child.uuid]))
    text = page.content.decode()
    assert "Reading class" in text
    assert "Psychologist" not in text.split('id="sessions"')[1].split("</table>")[0]
