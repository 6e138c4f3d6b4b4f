"""The pages: the tab by compartment, the forms refusing bad input with the
message next to the field, the lists and their query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zhusan.reintegration.models import Placement

from ..registry.helpers import login
from . import world


def test_the_tab_shows_placement_documents_and_education_to_the_social_worker(
    client, ri_act, ri_social, ri_child, ri_granny
):
    world.place(ri_act, ri_child, ri_granny, guardianship=True)
    world.enrol(ri_act, ri_child)
    world.pathway(ri_act, ri_child)
    page = login(client, ri_social).get(f"/reintegration/persons/{ri_child.uuid}/").content.decode()
    assert "With relatives" in page and "GO-MNG" in page
    assert "School of Aktau" in page and "Letter to the school" in page
    assert "Aktau city court" in page


def test_the_lawyer_sees_placement_and_documents_but_not_the_school(client, ri_act, ri_lawyer, ri_child, ri_granny):
    world.place(ri_act, ri_child, ri_granny)
    world.enrol(ri_act, ri_child)
    page = login(client, ri_lawyer).get(f"/reintegration/persons/{ri_child.uuid}/").content.decode()
    assert "With relatives" in page
    assert "Civil documents and legal status" in page
    assert "School of Aktau" not in page


def test_a_teacher_does_not_see_the_tab(client, ri_teacher, ri_child):
    response = login(client, ri_teacher).get(f"/reintegration/persons/{ri_child.uuid}/")
    assert response.status_code == 403


def test_the_placement_form_without_an_assessment_saves_nothing_and_says_why(
    client, ri_act, ri_social, ri_child, ri_granny
):
    from zhusan.reintegration import services

    services.home_visit_record(
        actor=ri_act, person=ri_child, carer=ri_granny, visited_on=world.today(), outcome="suitable"
    )
    response = login(client, ri_social).post(
        f"/reintegration/persons/{ri_child.uuid}/placement/",
        {
            "kind": "relatives", "carer": str(ri_granny.uuid), "carer_relation": "grandparent",
            "started_on": world.today().isoformat(), "next_review_on": (world.today() + timedelta(days=90)).isoformat(),
            "childs_assent": "agrees",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "best-interests assessment" in response.content.decode()
    assert not Placement.objects.exists()


def test_the_placement_form_with_an_assessment_and_an_order_saves(client, ri_act, ri_social, ri_child, ri_granny):
    from zhusan.reintegration import services

    services.home_visit_record(
        actor=ri_act, person=ri_child, carer=ri_granny, visited_on=world.today(), outcome="suitable"
    )
    response = login(client, ri_social).post(
        f"/reintegration/persons/{ri_child.uuid}/placement/",
        {
            "kind": "relatives", "carer": str(ri_granny.uuid), "carer_relation": "grandparent",
            "started_on": world.today().isoformat(), "next_review_on": (world.today() + timedelta(days=90)).isoformat(),
            "childs_assent": "agrees", "bi_assessed_on": world.today().isoformat(),
            "bi_recommendation": "Grandmother.", "bi_childs_views": "Wants to live with her grandmother.",
            "guardianship_authority": "Aktau guardianship authority", "guardianship_reference": "GO-ABC",
            "guardianship_issued_on": world.today().isoformat(),
            "guardianship_next_review_on": (world.today() + timedelta(days=365)).isoformat(),
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert Placement.objects.get().carer == ri_granny


def test_a_relative_outside_the_childs_family_is_not_offered_as_carer(client, ri_social, ri_child, ri_consul):
    from ..factories import make_person

    stranger = make_person(ri_consul, given="Zhanna", birth_year=1970)
    page = login(client, ri_social).get(f"/reintegration/persons/{ri_child.uuid}/placement/").content.decode()
    assert stranger.case_number not in page


def test_a_psychologist_cannot_open_the_placement_form(client, ri_home, ri_child):
    from zhusan.accounts.permissions import Role

    from ..factories import make_staff

    psychologist = make_staff(Role.PSYCHOLOGIST, ri_home, username="ri-psy")
    assert login(client, psychologist).get(f"/reintegration/persons/{ri_child.uuid}/placement/").status_code == 403


def test_the_enrolment_form_refuses_a_start_before_birth_with_the_message(client, ri_social, ri_child):
    response = login(client, ri_social).post(
        f"/reintegration/persons/{ri_child.uuid}/enrolment/",
        {"level": "school", "school": "School of Aktau", "school_language": "ru", "grade": "1",
         "started_on": f"{ri_child.birth_year - 1}-09-01", "support_contact": "Aigerim"},
    )  # fmt: skip
    assert "The school start date is before the child&#x27;s birth." in response.content.decode()


def _many_placements(act, consul, n: int) -> None:
    from zhusan.audit.services import Actor

    from ..factories import letters, make_person

    for i in range(n):
        child = make_person(consul, given=f"Amina{letters(i)}", birth_year=world.today().year - 8)
        granny = world.grandmother_of(Actor.system("tests", user=consul), child, given=f"Gulnar{letters(i)}")
        world.place(act, child, granny, on=world.today() - timedelta(days=100), review_in_days=30)


@pytest.mark.parametrize("n", [2, 8])
def test_the_due_list_takes_the_same_number_of_queries_for_more_rows(
    client, ri_act, ri_social, ri_consul, django_assert_max_num_queries, n
):
    _many_placements(ri_act, ri_consul, n)
    login(client, ri_social)
    with django_assert_max_num_queries(25):
        response = client.get("/reintegration/placements/due/")
    assert response.content.decode().count("overdue") >= n


def test_the_caseload_takes_a_bounded_number_of_queries(client, ri_lawyer, ri_consul, django_assert_max_num_queries):
    from zhusan.audit.services import Actor

    from ..factories import letters, make_person

    act = Actor.system("tests", user=ri_lawyer)
    for i in range(6):
        world.pathway(act, make_person(ri_consul, given=f"Dana{letters(i)}", birth_year=2015))
    login(client, ri_lawyer)
    with django_assert_max_num_queries(25):
        response = client.get("/reintegration/pathways/?mine=1")
    assert response.content.decode().count("Aktau city court") == 6


def test_the_lists_are_refused_to_roles_that_do_not_read_their_records(client, ri_teacher):
    login(client, ri_teacher)
    assert client.get("/reintegration/placements/due/").status_code == 403
    assert client.get("/reintegration/pathways/").status_code == 403


def test_my_work_shows_the_placements_due_to_the_social_worker(client, ri_act, ri_social, ri_child, ri_granny):
    world.place(ri_act, ri_child, ri_granny, on=world.today() - timedelta(days=100), review_in_days=30)
    page = login(client, ri_social).get("/my-work/").content.decode()
    assert "Placements due for review" in page and ri_child.case_number in page
