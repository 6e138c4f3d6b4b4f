"""The rehabilitation pages: the occupancy board, admission of a family,
discharge with the best-interests assessment, key workers, caseloads, the
person tab; by role and compartment; query counts of the lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.registry.models import Stage
from zhusan.rehabilitation import services
from zhusan.rehabilitation.models import Admission, KeyWorker

from ..factories import letters, make_staff
from ..registry.helpers import login
from .conftest import act, admit, days_ago, returnee

pytestmark = pytest.mark.django_db


def queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = get()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def test_the_board_names_residents_by_room_and_counts_free_beds(
    client, case_manager, centre, family_room, womens_room, mother, toddler
):
    admit(case_manager, centre, (mother, family_room), (toddler, family_room))
    login(client, case_manager)
    page = client.get(reverse("rehabilitation:centre_detail", args=[centre.uuid])).content.decode()
    assert mother.case_number in page and toddler.case_number in page
    assert "2 of 7 beds taken; 5 free." in page


def test_a_psychologist_sees_the_beds_taken_but_not_who_sleeps_where(
    client, case_manager, bob_in_home, centre, womens_room, mother
):
    admit(case_manager, centre, (mother, womens_room))
    login(client, bob_in_home)
    page = client.get(reverse("rehabilitation:centre_detail", args=[centre.uuid])).content.decode()
    assert "Bed taken" in page
    assert mother.case_number not in page


def test_the_board_lists_movements_expected_in_the_centres_town(client, case_manager, registrar, centre):
    from zhusan.operations import services as operations
    from zhusan.registry.models import Site, SiteKind

    camp = Site.objects.create(name="Roj", kind=SiteKind.CAMP, country="SY")
    operation = operations.operation_create(actor=act(registrar), code="Zhusan-6", name="Zhusan 6", country="KZ")
    movement = operations.movement_create(
        actor=act(registrar), operation=operation, label="Flight 1", origin=camp, destination="Aktau airport"
    )
    traveller = returnee(registrar, given="Zarina", stage=Stage.CLEARED)
    operations.manifest_add(actor=act(registrar), movement=movement, person=traveller)
    login(client, case_manager)
    page = client.get(reverse("rehabilitation:centre_detail", args=[centre.uuid])).content.decode()
    assert "Zhusan-6" in page and "1 person expected on planned movements." in page


def test_a_case_manager_admits_a_mother_with_her_toddler_through_the_form(
    client, case_manager, centre, family_room, mother, toddler
):
    login(client, case_manager)
    url = reverse("rehabilitation:admit", args=[centre.uuid])
    found = client.get(url, {"find": "Aigerim"}).content.decode()
    assert f"?person={mother.uuid}" in found
    form = client.get(url, {"person": mother.uuid}).content.decode()
    assert f"with_{toddler.uuid}" in form
    response = client.post(
        url,
        {
            "person": mother.uuid,
            "admitted_on": days_ago(0).isoformat(),
            "room": family_room.uuid,
            "prefers_female_professional": "on",
            f"with_{toddler.uuid}": "on",
            f"room_{toddler.uuid}": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert set(Admission.objects.values_list("person_id", flat=True)) == {mother.pk, toddler.pk}
    assert Admission.objects.get(person=mother).prefers_female_professional is True
    assert Admission.objects.get(person=toddler).prefers_female_professional is False


def test_the_form_refuses_the_mother_alone_and_says_why(client, case_manager, centre, family_room, mother, toddler):
    login(client, case_manager)
    response = client.post(
        reverse("rehabilitation:admit", args=[centre.uuid]),
        {"person": mother.uuid, "admitted_on": days_ago(0).isoformat(), "room": family_room.uuid},
    )
    assert response.status_code == 400
    assert "not admitted with them" in response.content.decode()
    assert not Admission.objects.exists()


def test_a_psychologist_cannot_open_the_admission_form(client, bob_in_home, centre):
    login(client, bob_in_home)
    assert client.get(reverse("rehabilitation:admit", args=[centre.uuid])).status_code == 403


def test_the_discharge_form_asks_a_childs_best_interests_assessment(
    client, case_manager, centre, womens_room, single_room, mother, older_child
):
    admit(case_manager, centre, (mother, womens_room))
    [admission] = admit(case_manager, centre, (older_child, single_room))
    login(client, case_manager)
    url = reverse("rehabilitation:discharge", args=[admission.uuid])
    assert "Best-interests assessment of the discharge" in client.get(url).content.decode()
    data = {
        "discharged_on": days_ago(0).isoformat(),
        "destination": "relatives",
        "summary": "Goes home with his mother.",
        "version": admission.version,
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "best-interests assessment" in refused.content.decode()
    data |= {
        "assessed_on": days_ago(1).isoformat(),
        "recommendation": "Home with mother.",
        "childs_views": "Wants school.",
    }
    assert client.post(url, data).status_code == 302
    older_child.refresh_from_db()
    assert older_child.stage == Stage.REINTEGRATING


def test_the_key_worker_form_warns_of_a_full_caseload(
    client, case_manager, centre, womens_room, mother, female_psychologist
):
    centre.caseload_limits = {"psychologist": 1}
    centre.save()
    admit(case_manager, centre, (mother, womens_room))
    services.key_worker_assign(
        actor=act(case_manager),
        person=mother,
        user=female_psychologist,
        discipline="psychologist",
        started_on=days_ago(1),
    )
    login(client, case_manager)
    page = client.get(reverse("rehabilitation:key_worker_assign", args=[mother.uuid]), {"discipline": "psychologist"})
    assert "at or over the limit" in page.content.decode()


def test_the_person_tab_shows_the_room_only_to_readers_of_location(
    client, case_manager, bob_in_home, centre, womens_room, mother
):
    admit(case_manager, centre, (mother, womens_room))
    url = reverse("rehabilitation:person_rehabilitation", args=[mother.uuid])
    login(client, case_manager)
    assert "Women&#x27;s room" in client.get(url).content.decode()
    client.logout()
    login(client, bob_in_home)
    page = client.get(url)
    assert page.status_code == 200
    assert "Akniet" in page.content.decode() and "Women&#x27;s room" not in page.content.decode()


def test_a_teacher_does_not_see_the_rehabilitation_tab(
    client, case_manager, home, centre, single_room, mother, older_child
):
    admit(case_manager, centre, (mother, single_room))
    teacher = make_staff(Role.TEACHER, home, username="teacher")
    login(client, teacher)
    assert client.get(reverse("rehabilitation:person_rehabilitation", args=[older_child.uuid])).status_code == 403


def test_my_caseload_lists_my_residents_and_a_stranger_cannot_open_it(
    client, case_manager, bob_in_home, centre, womens_room, mother, female_psychologist
):
    admit(case_manager, centre, (mother, womens_room))
    services.key_worker_assign(
        actor=act(case_manager),
        person=mother,
        user=female_psychologist,
        discipline="psychologist",
        started_on=days_ago(1),
    )
    login(client, female_psychologist)
    page = client.get(reverse("rehabilitation:my_caseload"), follow=True).content.decode()
    assert mother.case_number in page
    client.logout()
    login(client, bob_in_home)
    member = female_psychologist.staff_member
    assert client.get(reverse("rehabilitation:caseload", args=[member.uuid])).status_code == 403


def _residents(case_manager, registrar, centre, room, psychologist, start: int, stop: int) -> None:
    for i in range(start, stop):
        person = returnee(registrar, given=f"Aruzhan{letters(i)}")
        admit(case_manager, centre, (person, room))
        services.key_worker_assign(
            actor=act(case_manager), person=person, user=psychologist, discipline="psychologist", started_on=days_ago(1)
        )


def test_the_board_and_caseload_pages_make_as_many_queries_for_many_residents_as_for_few(
    client, admin_user, case_manager, registrar, centre, female_psychologist
):
    room = services.room_create(actor=act(admin_user), centre=centre, name="Dormitory", beds=30)
    centre.caseload_limits = {"psychologist": 30}
    centre.save()
    login(client, case_manager)
    member = female_psychologist.staff_member
    pages = [
        reverse("rehabilitation:centre_detail", args=[centre.uuid]),
        reverse("rehabilitation:caseload", args=[member.uuid]),
        reverse("rehabilitation:discipline_caseloads", args=[centre.uuid]),
        reverse("rehabilitation:centre_list"),
    ]
    _residents(case_manager, registrar, centre, room, female_psychologist, 0, 2)
    few = [queries(lambda url=url: client.get(url)) for url in pages]
    _residents(case_manager, registrar, centre, room, female_psychologist, 2, 8)
    many = [queries(lambda url=url: client.get(url)) for url in pages]
    assert many == few
    assert KeyWorker.objects.count() == 8
