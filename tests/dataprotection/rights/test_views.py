"""The pages: case staff register a request from the person page and check
the identity; the officer lists, decides and extends without seeing the case's
content; a decision before the identity check is refused on the page too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from zhusan.dataprotection.rights.models import RequestStatus, SubjectRequest

from ...factories import make_person
from ...registry.helpers import login
from .conftest import check_identity, register

pytestmark = pytest.mark.django_db


def test_case_staff_register_a_request_from_the_person_page(client, alice, child):
    login(client, alice)
    tab = client.get(reverse("dataprotection_rights:person_requests", args=[child.uuid]))
    assert tab.status_code == 200 and "Register a request" in tab.content.decode()
    response = client.post(
        reverse("dataprotection_rights:request_add", args=[child.uuid]),
        {
            "kind": "copy",
            "requester_kind": "guardian",
            "requester_name": "Gulnara Seitova",
            "requester_relation": "mother",
            "answer_language": "ru",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    req = SubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    detail = client.get(req.get_absolute_url()).content.decode()
    assert "Record the identity check" in detail and "30 days left" in detail


def test_a_bad_registration_shows_the_errors_and_writes_nothing(client, alice, child):
    login(client, alice)
    response = client.post(
        reverse("dataprotection_rights:request_add", args=[child.uuid]),
        {"kind": "copy", "requester_kind": "guardian", "answer_language": "ru", "received_on": "2020-01-01"},
    )
    assert response.status_code == 200
    assert "Give the name of the person asking" in response.content.decode()
    assert not SubjectRequest.objects.exists()


def test_a_psychologist_sees_the_tab_but_cannot_register(client, bob, child):
    login(client, bob)
    assert client.get(reverse("dataprotection_rights:person_requests", args=[child.uuid])).status_code == 200
    assert client.get(reverse("dataprotection_rights:request_add", args=[child.uuid])).status_code == 403


def test_the_officer_decides_on_a_page_without_the_case_content(client, alice, olga, child):
    req = check_identity(alice, register(alice, child, kind="access"))
    login(client, olga)
    page = client.get(req.get_absolute_url()).content.decode()
    assert child.case_number in page and "Record the decision" in page
    assert "Amina" not in page and "Seitova" in page  # the guardian's name, never the person's
    response = client.post(
        reverse("dataprotection_rights:request_decide", args=[req.uuid]),
        {"version": req.version, "decision": "granted", "reason": "The whole record is shown."},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.DECIDED


def test_a_decision_before_the_identity_check_is_refused_on_the_page(client, alice, olga, child):
    req = register(alice, child, kind="access")
    login(client, olga)
    response = client.post(
        reverse("dataprotection_rights:request_decide", args=[req.uuid]),
        {"version": req.version, "decision": "granted", "reason": "The whole record is shown."},
    )
    assert response.status_code == 400
    assert "Check the requester" in response.content.decode()
    req.refresh_from_db()
    assert req.decision == ""


def test_case_staff_cannot_open_the_officers_list_or_decide(client, alice, child):
    req = check_identity(alice, register(alice, child, kind="access"))
    login(client, alice)
    assert client.get(reverse("dataprotection_rights:requests")).status_code == 403
    response = client.post(
        reverse("dataprotection_rights:request_decide", args=[req.uuid]),
        {"version": req.version, "decision": "granted", "reason": "The whole record is shown."},
    )
    assert response.status_code == 403


def test_the_officers_home_lists_what_waits(client, alice, olga, child):
    register(alice, child, kind="access")
    check_identity(alice, register(alice, child, kind="copy"))
    page = login(client, olga).get(reverse("dataprotection:home")).content.decode()
    assert "1 request waits for the identity check" in page
    assert "1 request waits for your decision" in page


def test_the_officers_list_runs_a_constant_number_of_queries(client, alice, olga, django_assert_max_num_queries):
    login(client, olga)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dataprotection_rights:requests") + "?show=all").status_code == 200
        return len(ctx.captured_queries)

    for _i in range(2):
        register(alice, make_person(alice, birth_year=2012), kind="access")
    few = count()
    for _i in range(4):
        register(alice, make_person(alice, birth_year=2012), kind="copy")
    assert count() == few
    with django_assert_max_num_queries(15):
        client.get(reverse("dataprotection_rights:requests"))
