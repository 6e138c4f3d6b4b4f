"""The officer's retention pages: usable, audited, bounded in queries, and
closed to everyone else."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import LegalHold, RetentionBatch, RetentionRule

from ..registry.helpers import login
from .retention_helpers import act, close_case, erase, person_with_notes, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


@pytest.fixture
def officer_client(client, w):
    return login(client, w["officer"])


def test_the_home_page_shows_the_retention_section_and_what_waits(officer_client, w):
    retention.request_erasure(actor=act(w["officer"]), person=person_with_notes(w), reason="Asked", source_ref="X")
    page = officer_client.get(reverse("dataprotection:home")).content.decode()
    assert "Retention and deletion" in page and "1 retention items wait" in page


@pytest.mark.parametrize(
    "name", ["dataprotection:rules", "dataprotection:holds", "dataprotection:batches", "dataprotection:certificates"]
)
def test_a_case_manager_is_refused_every_retention_page(client, w, name):
    login(client, w["manager"])
    assert client.get(reverse(name)).status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor_id=w["manager"].pk).exists()


def test_the_officer_edits_a_rule_and_a_negative_period_is_refused(officer_client):
    page = officer_client.get(reverse("dataprotection:rules"))
    assert page.status_code == 200 and RetentionRule.objects.filter(kind="justice_security").exists()
    rule = RetentionRule.objects.get(kind="health")
    bad = officer_client.post(
        reverse("dataprotection:rules"),
        {"kind": "health", "period_years": "-3", "anchor": "closure", "version": rule.version},
    )
    assert bad.status_code == 200 and "cannot be negative" in bad.content.decode()
    assert RetentionRule.objects.get(kind="health").period_years == 10
    officer_client.post(
        reverse("dataprotection:rules"),
        {"kind": "health", "period_years": "12", "anchor": "closure", "version": rule.version},
    )
    assert RetentionRule.objects.get(kind="health").period_years == 12


def test_the_officer_places_and_lifts_a_hold_by_case_number(officer_client, w):
    person = person_with_notes(w)
    officer_client.post(
        reverse("dataprotection:holds"), {"case_number": person.case_number, "reason": "Trial", "reference": "C-7"}
    )
    hold = LegalHold.objects.get(person=person)
    officer_client.post(
        reverse("dataprotection:hold_lift", kwargs={"hold_uuid": hold.uuid}),
        {"reason": "Acquitted", "version": hold.version},
    )
    hold.refresh_from_db()
    assert not hold.active and hold.lift_reason == "Acquitted"


def test_the_officer_reviews_excludes_and_approves_a_batch_without_seeing_content(officer_client, w):
    retention.rules_seed(actor=act(w["officer"]))
    keep, go = person_with_notes(w, given="Aisha"), person_with_notes(w, given="Madina")
    close_case(w, keep, date(2010, 1, 1))
    close_case(w, go, date(2010, 1, 1))
    batch = retention.file_due(actor=act(w["officer"]))
    url = reverse("dataprotection:batch", kwargs={"batch_uuid": batch.uuid})
    page = officer_client.get(url).content.decode()
    assert keep.case_number in page and "Court file" not in page and "Asthma" not in page
    assert AuditEvent.objects.filter(action=Action.VIEW, object_ref=str(batch.uuid)).exists()
    for item in batch.items.filter(person=keep):
        officer_client.post(
            reverse("dataprotection:item_exclude", kwargs={"batch_uuid": batch.uuid, "item_uuid": item.uuid}),
            {"reason": "Appeal lodged"},
        )
    officer_client.post(
        reverse("dataprotection:batch_approve", kwargs={"batch_uuid": batch.uuid}), {"version": batch.version}
    )
    assert RetentionBatch.objects.get(pk=batch.pk).status == "done"
    assert keep.protected_notes.count() == 2 and not go.protected_notes.exists()


def test_the_certificate_downloads_as_signed_json_and_the_download_is_audited(officer_client, w):
    item = erase(w, person_with_notes(w))
    cert = item.certificate
    page = officer_client.get(reverse("dataprotection:certificate", kwargs={"certificate_uuid": cert.uuid}))
    assert page.status_code == 200 and cert.signature in page.content.decode()
    response = officer_client.get(reverse("dataprotection:certificate_json", kwargs={"certificate_uuid": cert.uuid}))
    document = json.loads(response.content)
    assert document["signature"] == cert.signature and document["algorithm"] == "HMAC-SHA256"
    assert document["certificate"]["removed_sha256"] == cert.body["removed_sha256"]
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type=ObjectType.DELETION_CERTIFICATE, object_ref=str(cert.uuid)
    ).exists()


def _many(w, n: int) -> None:
    for i in range(n):
        person = person_with_notes(w, given="Aisha" + "abcdefghij"[i])
        retention.hold_place(actor=act(w["officer"]), person=person, reason="Trial")
        close_case(w, person, date(2010, 1, 1))


@pytest.mark.parametrize("name", ["dataprotection:holds", "dataprotection:batches", "dataprotection:certificates"])
def test_the_lists_take_a_bounded_number_of_queries(officer_client, w, name, django_assert_max_num_queries):
    _many(w, 3)
    for hold in LegalHold.objects.all():
        retention.hold_lift(actor=act(w["officer"]), hold=hold, reason="Over", expected_version=hold.version)
    for person in [h.person for h in LegalHold.objects.select_related("person")][:2]:
        erase(w, person)
    retention.file_due(actor=act(w["officer"]))
    with django_assert_max_num_queries(20):
        assert officer_client.get(reverse(name)).status_code == 200


def test_a_batch_page_takes_a_bounded_number_of_queries(officer_client, w, django_assert_max_num_queries):
    retention.rules_seed(actor=act(w["officer"]))
    for i in range(4):
        close_case(w, person_with_notes(w, given="Aisha" + "abcdefghij"[i]), date(2010, 1, 1))
    batch = retention.file_due(actor=act(w["officer"]))
    with django_assert_max_num_queries(20):
        assert officer_client.get(reverse("dataprotection:batch", kwargs={"batch_uuid": batch.uuid})).status_code == 200
