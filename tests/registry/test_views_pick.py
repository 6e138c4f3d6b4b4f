"""The person picker: a scoped, audited search that replaces typed case numbers."""

from __future__ import annotations

from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import Household, NameKind, Script

from ..factories import make_person
from .helpers import login

PICK = reverse("registry:person_pick")


def mother_of(alice, **kwargs):
    return make_person(
        alice,
        given="Aigerim",
        family="Nurlanova",
        extra_names=[services.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Yusuf")],
        **kwargs,
    )


def test_the_endpoint_lists_matches_in_scope_as_json(client, alice, charlie):
    mother = mother_of(alice)
    mother_of(charlie)
    results = login(client, alice).get(PICK, {"q": "umm yusuf"}).json()["results"]
    assert [r["uuid"] for r in results] == [str(mother.uuid)]
    assert results[0]["case_number"] == mother.case_number
    assert "Umm Yusuf" in results[0]["label"]


def test_the_endpoint_is_audited_as_a_search(client, alice):
    login(client, alice).get(PICK, {"q": "umm yusuf"})
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor_id=alice.pk).exists()


def test_the_endpoint_does_not_reveal_a_case_number_outside_scope(client, alice, charlie):
    other = make_person(charlie)
    assert login(client, alice).get(PICK, {"q": other.case_number}).json()["results"] == []


def test_the_endpoint_refuses_a_role_that_reads_no_case_records(client, centre_unit):
    from ..factories import make_staff

    analyst = make_staff("analyst", centre_unit, username="analyst")
    assert login(client, analyst).get(PICK, {"q": "a"}).status_code == 403


def test_an_empty_query_finds_nobody(client, alice):
    make_person(alice)
    assert login(client, alice).get(PICK, {"q": " "}).json()["results"] == []


def test_the_relationship_form_finds_then_links_the_mother_without_a_case_number(client, alice):
    child = make_person(alice, given="Yusuf", family="", birth_year=2016)
    mother = mother_of(alice, birth_year=1990)
    url = reverse("registry:relationship_add", args=[child.uuid])
    login(client, alice)
    step1 = client.post(url, {"find": "Umm Yusuf", "action": "find", "direction": "other_is", "kind": "mother"})
    assert step1.status_code == 200
    page = step1.content.decode()
    assert f'value="{mother.uuid}"' in page
    assert f'value="{child.uuid}"' not in page  # not oneself
    assert not step1.context["form"].errors
    step2 = client.post(
        url,
        {
            "find": "Umm Yusuf",
            "other": str(mother.uuid),
            "direction": "other_is",
            "kind": "mother",
            "established_by": "declared",
        },
    )
    assert step2.status_code == 302
    assert child.relations_in.get().from_person == mother


def test_saving_with_several_matches_and_no_choice_asks_to_choose(client, alice):
    child = make_person(alice, given="Yusuf", family="", birth_year=2016)
    mother_of(alice)
    mother_of(alice)
    response = login(client, alice).post(
        reverse("registry:relationship_add", args=[child.uuid]),
        {"find": "umm yusuf", "direction": "other_is", "kind": "mother", "established_by": "declared"},
    )
    assert response.context["form"].errors["other"] == ["Choose the person from the list."]
    assert not child.relations_in.exists()


def test_a_chosen_person_outside_scope_answers_like_an_unknown_one(client, alice, charlie):
    child = make_person(alice, given="Yusuf", family="", birth_year=2016)
    outsider = make_person(charlie)
    url = reverse("registry:relationship_add", args=[child.uuid])
    data = {"direction": "other_is", "kind": "mother", "established_by": "declared"}
    login(client, alice)
    forged = client.post(url, {**data, "other": str(outsider.uuid)})
    unknown = client.post(url, {**data, "find": "KZ-999999"})
    out_of_scope = client.post(url, {**data, "find": outsider.case_number})
    expected = ["No person with this case number in your caseload."]
    assert forged.context["form"].errors["find"] == expected
    assert unknown.context["form"].errors["find"] == expected
    assert out_of_scope.context["form"].errors["find"] == expected
    assert not child.relations_in.exists()


def test_the_household_form_adds_a_member_chosen_with_the_picker(client, alice):
    mother = mother_of(alice)
    child = make_person(alice, given="Yusuf", family="", birth_year=2016)
    household = services.household_create(
        actor=Actor.system("tests", user=alice), label="Aigerim and children", members=[(mother, "carer")]
    )
    url = reverse("registry:household_member_add", args=[mother.uuid])
    login(client, alice)
    step1 = client.post(url, {"household": household.pk, "find": "Yusuf", "action": "find", "role": "child"})
    assert f'value="{child.uuid}"' in step1.content.decode()
    step2 = client.post(url, {"household": household.pk, "find": "Yusuf", "other": str(child.uuid), "role": "child"})
    assert step2.status_code == 302
    assert set(Household.objects.get().members.all()) == {mother, child}
