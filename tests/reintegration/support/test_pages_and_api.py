"""The pages and the API: a referral sent from the form, answered by the
receiving organisation, lists within a bounded number of queries, and the
API's same rules (400 with field errors, nothing written)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhusan.registry.models import ConsentPurpose
from zhusan.reintegration.support import services
from zhusan.reintegration.support.models import Employment, Referral, ReferralKind, ReferralStatus

from ...api.conftest import token_client
from ...factories import make_person
from ...registry.helpers import login
from .conftest import act, consent


def test_a_worker_refers_from_the_form_and_the_ngo_answers_on_the_page(
    worker, woman, ngo_unit, ngo_worker, ngo_consent, client
):
    login(client, worker)
    form_url = reverse("reintegration_support:referral_create", args=[woman.uuid])
    assert client.get(form_url).status_code == 200
    response = client.post(
        form_url,
        {"kind": "livelihood", "organisation": str(ngo_unit.organisation.uuid), "reason": "Tailoring course."},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()

    login(client, ngo_worker)
    page = client.get(referral.get_absolute_url())
    assert page.status_code == 200 and "Tailoring course." in page.content.decode()
    answer = reverse("reintegration_support:referral_answer", args=[referral.uuid])
    assert client.post(answer, {"decision": "decline", "text": "", "version": 1}).status_code == 400
    assert client.post(answer, {"decision": "accept", "version": 1}).status_code == 302
    assert (
        client.post(answer, {"decision": "complete", "text": "Hired as a seamstress.", "version": 2}).status_code == 302
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


def test_the_form_shows_why_a_referral_without_consent_is_refused(worker, woman, ngo_unit, client):
    login(client, worker)
    response = client.post(
        reverse("reintegration_support:referral_create", args=[woman.uuid]),
        {"kind": "livelihood", "organisation": str(ngo_unit.organisation.uuid), "reason": "Course."},
    )
    assert response.status_code == 400
    assert "No consent on file" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_person_tab_lists_within_a_bounded_number_of_queries(
    worker, consul, ngo_unit, client, django_assert_max_num_queries
):
    def person_with_support(i: int):
        person = make_person(consul, given="Dana", family="Serikova")
        consent(person, ConsentPurpose.SHARE_NGO, consul)
        for _ in range(i):
            services.referral_send(
                actor=act(worker), person=person, kind=ReferralKind.LIVELIHOOD, organisation=ngo_unit.organisation,
                reason="x",
            )  # fmt: skip
            services.employment_add(
                actor=act(worker), person=person, employer_name="E", sector="S", contract_kind="permanent",
                started_on=timezone.localdate() - timedelta(days=9),
            )  # fmt: skip
        return person

    login(client, worker)
    few, many = person_with_support(1), person_with_support(6)
    url = "reintegration_support:person_support"
    client.get(reverse(url, args=[few.uuid]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as base:
        client.get(reverse(url, args=[few.uuid]))
    with django_assert_max_num_queries(len(base.captured_queries)):
        assert client.get(reverse(url, args=[many.uuid])).status_code == 200


@pytest.mark.parametrize("name", ["referrals_sent", "referrals_received", "referrals_overdue"])
def test_the_referral_lists_take_a_bounded_number_of_queries(
    name, worker, ngo_worker, consul, ngo_unit, client, django_assert_max_num_queries
):
    old = timezone.localdate() - timedelta(days=40)
    for _i in range(12):
        person = make_person(consul, given="Dana", family="Serikova")
        consent(person, ConsentPurpose.SHARE_NGO, consul)
        services.referral_send(
            actor=act(worker), person=person, kind=ReferralKind.LIVELIHOOD, organisation=ngo_unit.organisation,
            reason="x", sent_on=old,
        )  # fmt: skip
    for user in (worker, ngo_worker):
        login(client, user)
        with django_assert_max_num_queries(16):
            page = client.get(reverse(f"reintegration_support:{name}"))
        assert page.status_code == 200
        sees = {"referrals_sent": user == worker, "referrals_received": user == ngo_worker}.get(name, True)
        assert page.content.decode().count("Serikova") == (12 if sees else 0)


def test_the_api_refuses_a_referral_without_consent_with_field_errors(worker, woman, ngo_unit):
    api = token_client(worker)
    url = f"/api/v1/persons/{woman.uuid}/support/referrals/"
    response = api.post(
        url, {"kind": "livelihood", "organisation": str(ngo_unit.organisation.uuid), "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "override_reason" in response.json()
    assert not Referral.objects.exists()


def test_the_api_records_and_answers_a_referral(worker, woman, ngo_unit, ngo_worker, ngo_consent):
    url = f"/api/v1/persons/{woman.uuid}/support/referrals/"
    created = token_client(worker).post(
        url, {"kind": "livelihood", "organisation": str(ngo_unit.organisation.uuid), "reason": "Course."}, format="json"
    )
    assert created.status_code == 201, created.content
    ngo = token_client(ngo_worker)
    received = ngo.get("/api/v1/reintegration/support/referrals/received/").json()
    assert received["count"] == 1
    answer = f"/api/v1/reintegration/support/referrals/{created.json()['uuid']}/answer/"
    assert ngo.post(answer, {"decision": "accept"}, format="json").status_code == 428
    accepted = ngo.post(answer, {"decision": "accept", "version": 1}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_the_api_hides_the_employer_from_readers_without_contact_data(worker, psychologist, woman):
    api = token_client(worker)
    url = f"/api/v1/persons/{woman.uuid}/support/employment/"
    bad = api.post(
        url, {"employer_name": "", "sector": "T", "contract_kind": "x", "started_on": "2020-01-01"}, format="json"
    )
    assert bad.status_code == 400 and not Employment.objects.exists()
    body = {"employer_name": "Caspian", "sector": "Textiles", "contract_kind": "permanent", "started_on": "2020-01-01"}
    assert api.post(url, body, format="json").status_code == 201
    mine = token_client(psychologist).get(f"/api/v1/persons/{woman.uuid}/support/").json()
    assert mine["employments"][0]["employer_name"] is None
    assert mine["employments"][0]["sector"] == "Textiles"
    assert api.get(f"/api/v1/persons/{woman.uuid}/support/").json()["employments"][0]["employer_name"] == "Caspian"
