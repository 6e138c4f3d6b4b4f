"""A tracing request's own life: the inquirer registered as a relative at
home and linked in one step (never counted in the programme), edit, close,
withdraw and merge, each audited through the UI and the API; a match hidden
by the reviewer's scope is announced without saying who it is; a kunya and a
place in another script are compared."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.engine.dates import PartialDate, StatedAge
from zhusan.matching import services
from zhusan.matching.models import SoughtPerson, TracingMatch, TracingMatchStatus, TracingStatus
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentPurpose, NameKind, Person, RecordType, Relationship, Script

from ..factories import make_person, make_staff
from ..registry.helpers import login


def actor(user):
    return Actor.system("tests", user=user)


def consented(user, **kwargs):
    person = make_person(user, **kwargs)
    registry.consent_record(
        actor=actor(user), person=person, purpose=ConsentPurpose.TRACING, status="granted", given_by="self"
    )
    return person


@pytest.fixture
def daughter(alice):
    return consented(alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1990)


def request_by(user, *, inquirer_name="Гульнар Серикова", **sought):
    values = {"given": "Zhanar", "family": "Serikova", "sex": "female", "birth_year": 1990,
              "relation_to_inquirer": "mother", **sought}  # fmt: skip
    data = services.TracingInput(
        managing_unit=user.unit, inquirer_name=inquirer_name, sought=[services.SoughtInput(**values)]
    )
    return services.tracing_request_create(actor=actor(user), data=data)


def grandmother_input():
    return services.InquirerInput(given="Гульнар", family="Серикова", script=Script.CYRILLIC, birth_year=1958)


# --- The inquirer as a relative at home ---------------------------------------------


def test_the_inquirer_is_registered_as_a_relative_at_home_and_linked_in_one_step(alice, daughter):
    request = request_by(alice)
    (match,) = services.tracing_run(actor=actor(alice), request=request)

    grandmother = services.tracing_inquirer_register(
        actor=actor(alice), request=request, inquirer=grandmother_input(), match=match, relation="mother"
    )

    assert grandmother.record_type == RecordType.RELATIVE and grandmother.stage is None
    assert Relationship.objects.filter(from_person=grandmother, to_person=daughter, kind="mother").exists()
    match.refresh_from_db()
    request.refresh_from_db()
    assert match.status == TracingMatchStatus.CONFIRMED
    assert request.inquirer == grandmother and request.status == TracingStatus.MATCHED
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="person", person_ref=grandmother.uuid).exists()
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="tracing_request").exists()


def test_a_relative_at_home_is_never_counted_as_a_person_in_the_programme(client: Client, alice, daughter):
    request = request_by(alice)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    grandmother = services.tracing_inquirer_register(
        actor=actor(alice), request=request, inquirer=grandmother_input(), match=match, relation="mother"
    )

    assert list(Person.objects.subjects()) == [daughter]
    login(client, alice)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert daughter.case_number in page and grandmother.case_number not in page
    # A relative at home is never a tracing match either.
    assert services.tracing_on_new_person(actor=actor(alice), person=grandmother) == []


def test_a_refused_registration_writes_nothing(alice, daughter):
    request = request_by(alice)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    persons, events = Person.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        services.tracing_inquirer_register(
            actor=actor(alice), request=request, inquirer=grandmother_input(), match=match, relation="aunt"
        )
    bad_name = services.InquirerInput(given="", family="", script=Script.CYRILLIC)
    with pytest.raises(ValidationError):
        services.tracing_inquirer_register(
            actor=actor(alice), request=request, inquirer=bad_name, match=match, relation="mother"
        )

    assert (Person.objects.count(), AuditEvent.objects.count()) == (persons, events)
    match.refresh_from_db()
    assert match.status == TracingMatchStatus.LIKELY


def test_the_one_step_form_registers_confirms_and_links(client: Client, alice, daughter):
    request = request_by(alice)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    login(client, alice)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Confirm and register" in page and "Very likely the same person" in page

    url = reverse("matching:tracing_register_inquirer_for_match", args=[request.uuid, match.uuid])
    data = {"given": "Гульнар", "family": "Серикова", "script": "cyrillic", "sex": "female", "relation": "mother"}
    response = client.post(url, data)

    assert response.status_code == 302
    grandmother = Person.objects.get(record_type=RecordType.RELATIVE)
    assert Relationship.objects.filter(from_person=grandmother, to_person=daughter, kind="mother").exists()


# --- Edit, close, withdraw, merge ------------------------------------------------------


def test_a_request_is_edited_and_searched_again(alice, daughter):
    request = request_by(alice, given="Dana", family="Other")
    assert services.tracing_run(actor=actor(alice), request=request) == []

    services.tracing_request_update(
        actor=actor(alice), request=request, inquirer_name="Гульнар Серикова", inquirer_contact="+7 700 000 00 00",
        managing_unit=alice.unit,
        sought=services.SoughtInput(given="Zhanar", family="Serikova", sex="female", birth_year=1990),
    )  # fmt: skip

    (match,) = services.tracing_run(actor=actor(alice), request=request)
    assert match.person == daughter
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="tracing_request").latest("pk")
    assert "sought.given" in event.changes


def test_withdrawing_needs_a_reason_and_a_finished_request_is_not_run_or_edited(alice, daughter):
    request = request_by(alice)
    with pytest.raises(ValidationError):
        services.tracing_request_withdraw(actor=actor(alice), request=request, reason="  ")
    request.refresh_from_db()
    assert request.status == TracingStatus.OPEN

    services.tracing_request_withdraw(actor=actor(alice), request=request, reason="The family found her")

    request.refresh_from_db()
    assert (request.status, request.status_reason) == (TracingStatus.WITHDRAWN, "The family found her")
    with pytest.raises(ValidationError):
        services.tracing_run(actor=actor(alice), request=request)
    with pytest.raises(ValidationError):
        services.tracing_request_close(actor=actor(alice), request=request)


def test_a_merged_request_hands_its_sought_persons_and_matches_to_the_other(alice, daughter):
    first = request_by(alice)
    second = request_by(alice, inquirer_name="Серик Сериков", relation_to_inquirer="father")
    services.tracing_run(actor=actor(alice), request=second)

    services.tracing_request_merge(actor=actor(alice), request=second, into=first, reason="Her father asked too")

    second.refresh_from_db()
    assert second.status == TracingStatus.MERGED and second.merged_into == first
    assert SoughtPerson.objects.filter(request=first).count() == 2
    assert not TracingMatch.objects.filter(request=second).exists()
    with pytest.raises(ValidationError):
        services.tracing_request_merge(actor=actor(alice), request=first, into=first)


def test_close_withdraw_and_merge_from_the_page(client: Client, alice, daughter):
    first, second, third = request_by(alice), request_by(alice), request_by(alice)
    login(client, alice)

    client.post(reverse("matching:tracing_close", args=[first.uuid]), {"reason": "Found"})
    client.post(reverse("matching:tracing_withdraw", args=[second.uuid]), {"reason": ""})
    client.post(reverse("matching:tracing_merge", args=[third.uuid]), {"into": str(second.uuid)})

    statuses = {r.pk: r.status for r in (first, second, third) if not r.refresh_from_db()}
    assert statuses == {first.pk: "closed", second.pk: "open", third.pk: "merged"}


def test_the_api_edits_closes_withdraws_and_merges(alice, daughter):
    api = APIClient()
    api.force_authenticate(alice)
    first, second = request_by(alice), request_by(alice)

    patched = api.patch(
        f"/api/v1/tracing-requests/{first.uuid}/", {"inquirer_contact": "Aktau", "sought": {"age": 35}}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["inquirer_contact"] == "Aktau" and patched.json()["sought"][0]["age"] == 35
    refused = api.post(f"/api/v1/tracing-requests/{second.uuid}/withdraw/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    merged = api.post(f"/api/v1/tracing-requests/{second.uuid}/merge/", {"into": str(first.uuid)}, format="json")
    assert merged.status_code == 200 and len(merged.json()["sought"]) == 2
    closed = api.post(f"/api/v1/tracing-requests/{first.uuid}/close/", {"reason": "Found"}, format="json")
    assert closed.json()["status"] == "closed"
    listed = api.get("/api/v1/tracing-requests/?status=merged").json()
    assert [r["uuid"] for r in listed] == [str(second.uuid)]


# --- A match outside the reviewer's caseload --------------------------------------------


def test_a_match_outside_the_caseload_is_announced_without_saying_who(client: Client, alice, centre_unit, daughter):
    dana = make_staff(Role.CASE_MANAGER, centre_unit, username="dana")  # own caseload: not the daughter
    request = request_by(dana)

    assert services.tracing_run(actor=actor(dana), request=request) == []

    assert TracingMatch.objects.filter(request=request, person=daughter).exists()
    login(client, dana)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "A possible match exists outside your caseload" in page and "Programme manager" in page
    for secret in (daughter.case_number, str(daughter.uuid), "Жанар"):
        assert secret not in page
    api = APIClient()
    api.force_authenticate(dana)
    body = api.get(f"/api/v1/tracing-requests/{request.uuid}/").content.decode()
    assert '"exists":true' in body.replace(" ", "") and "Programme manager" in body
    for secret in (daughter.case_number, str(daughter.uuid), "Жанар"):
        assert secret not in body
    # The programme manager sees it and can review it.
    manager = make_staff(Role.PROGRAMME_MANAGER, centre_unit)
    login(client, manager)
    assert daughter.case_number in client.get(request.get_absolute_url()).content.decode()


def test_no_announcement_when_every_match_is_visible(client: Client, alice, daughter):
    request = request_by(alice)
    services.tracing_run(actor=actor(alice), request=request)
    login(client, alice)
    assert "outside your caseload" not in client.get(request.get_absolute_url()).content.decode()


# --- Scripts, kunyas, birth --------------------------------------------------------------


def test_a_cyrillic_kunya_is_compared_with_a_latin_one(alice):
    kunya = registry.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Abdullah")
    mother = consented(alice, given="Zhanar", family="Serikova", birth_year=1990, extra_names=[kunya])
    request = request_by(alice, other_names="Умм Абдулла")

    (match,) = services.tracing_run(actor=actor(alice), request=request)

    assert match.person == mother
    levels = {f["field"]: f["level"] for f in match.evidence["fields"]}
    assert levels["kunya (child's name)"] != "missing on one side"


def test_the_sought_birth_goes_through_the_one_converter(alice):
    request = request_by(alice, birth_year=1990)
    by_year = services.query_from_sought(request.sought.get())
    assert by_year.birth == PartialDate(1990)
    request = request_by(alice, birth_year=None, age=35)
    by_age = services.query_from_sought(request.sought.get())
    assert isinstance(by_age.birth, StatedAge) and by_age.birth.years == 35
