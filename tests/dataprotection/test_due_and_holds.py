"""What is due, legal holds, exclusions and rules: each refusal writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import (
    WHOLE_PERSON,
    Anchor,
    ItemStatus,
    LegalHold,
    RecordKind,
    RetentionBatch,
    RetentionItem,
    RetentionRule,
)
from zhusan.dataprotection.tasks import list_retention_due
from zhusan.registry.models import ProtectedNote

from .retention_helpers import act, approved, close_case, person_with_notes, world

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


@pytest.fixture
def w():
    return world()


def test_the_default_rules_come_from_the_setting_and_keep_identity_for_the_programmes_life(w, settings):
    settings.ZHUSAN_RETENTION_RULES = retention.DEFAULT_RULES
    retention.rules_seed(actor=act(w["officer"]))
    justice = RetentionRule.objects.get(kind=RecordKind.JUSTICE_SECURITY)
    assert (justice.period_years, justice.anchor) == (5, Anchor.CLOSURE)
    assert RetentionRule.objects.get(kind=RecordKind.IDENTITY).anchor == Anchor.PROGRAMME
    assert retention.rules_seed(actor=act(w["officer"])) == []  # idempotent


def test_justice_data_is_due_five_years_after_closure_and_health_ten(w):
    retention.rules_seed(actor=act(w["officer"]))
    old = person_with_notes(w, given="Aisha")
    close_case(w, old, date(2020, 6, 1))
    recent = person_with_notes(w, given="Madina")
    close_case(w, recent, date(2023, 6, 1))
    person_with_notes(w, given="Zarina")  # open case: never due
    due = retention.due_list(today=TODAY)
    assert [(d.person.case_number, d.rule.kind) for d in due] == [(old.case_number, RecordKind.JUSTICE_SECURITY)]
    assert due[0].due_on == date(2025, 6, 1) and due[0].counts == {"registry.ProtectedNote": 1}


def test_the_daily_job_files_a_batch_once(w, monkeypatch):
    retention.rules_seed(actor=act(w["officer"]))
    person = person_with_notes(w)
    close_case(w, person, date(2010, 1, 1))
    list_retention_due()
    list_retention_due()  # twice a day: harmless
    items = RetentionItem.objects.filter(person=person)
    assert sorted(items.values_list("kind", flat=True)) == ["case", "health", "justice_security"]
    assert RetentionBatch.objects.count() == 1 and ProtectedNote.objects.count() == 2


def test_an_approved_batch_deletes_only_the_kind_that_is_due(w):
    retention.rules_seed(actor=act(w["officer"]))
    person = person_with_notes(w)
    close_case(w, person, date(2020, 6, 1))
    batch = retention.file_due(actor=act(w["officer"]), today=TODAY)
    batch = approved(w, batch)
    assert batch.status == "done"
    assert list(ProtectedNote.objects.filter(person=person).values_list("compartment", flat=True)) == ["health"]
    item = RetentionItem.objects.get(person=person)
    assert item.status == ItemStatus.DELETED and item.certificate.body["counts"] == {"registry.ProtectedNote": 1}


def test_a_person_under_a_legal_hold_is_never_due(w):
    retention.rules_seed(actor=act(w["officer"]))
    person = person_with_notes(w)
    close_case(w, person, date(2010, 1, 1))
    retention.hold_place(actor=act(w["officer"]), person=person, reason="Trial pending", reference="Court 7/2026")
    assert retention.due_list(today=TODAY) == []
    assert retention.file_due(actor=act(w["officer"]), today=TODAY) is None


def test_an_erasure_under_a_legal_hold_is_refused_and_nothing_is_written(w):
    person = person_with_notes(w)
    retention.hold_place(actor=act(w["officer"]), person=person, reason="Trial pending")
    with pytest.raises(ValidationError, match="legal hold"):
        retention.request_erasure(actor=act(w["officer"]), person=person, reason="Asked", source_ref="DSR-1")
    assert not RetentionItem.objects.exists() and not RetentionBatch.objects.exists()


def test_approval_is_refused_when_a_hold_was_placed_after_listing(w):
    person = person_with_notes(w)
    item = retention.request_erasure(actor=act(w["officer"]), person=person, reason="Asked", source_ref="DSR-1")
    retention.hold_place(actor=act(w["officer"]), person=person, reason="New proceedings")
    batch = item.batch
    with pytest.raises(ValidationError, match="legal hold"):
        retention.batch_approve(actor=act(w["officer"]), batch=batch, expected_version=batch.version)
    batch.refresh_from_db()
    assert batch.status == "waiting" and batch.approved_by is None and ProtectedNote.objects.count() == 2


def test_an_excluded_item_is_kept_and_the_rest_of_the_batch_goes(w):
    keep, go = person_with_notes(w, given="Aisha"), person_with_notes(w, given="Madina")
    kept = retention.request_erasure(actor=act(w["officer"]), person=keep, reason="Asked", source_ref="A")
    retention.request_erasure(actor=act(w["officer"]), person=go, reason="Asked", source_ref="B")
    with pytest.raises(ValidationError):
        retention.item_exclude(actor=act(w["officer"]), item=kept, reason="  ")
    retention.item_exclude(actor=act(w["officer"]), item=kept, reason="Appeal lodged")
    approved(w, kept.batch)
    assert ProtectedNote.objects.filter(person=keep).count() == 2
    assert not ProtectedNote.objects.filter(person_id=go.pk).exists()
    assert RetentionItem.objects.get(pk=kept.pk).status == ItemStatus.EXCLUDED


def test_a_lifted_hold_needs_a_reason_and_lets_the_erasure_through(w):
    person = person_with_notes(w)
    hold = retention.hold_place(actor=act(w["officer"]), person=person, reason="Trial pending")
    with pytest.raises(ValidationError):
        retention.hold_lift(actor=act(w["officer"]), hold=hold, reason="", expected_version=hold.version)
    assert LegalHold.objects.get(pk=hold.pk).active
    retention.hold_lift(actor=act(w["officer"]), hold=hold, reason="Acquitted", expected_version=hold.version)
    item = retention.request_erasure(actor=act(w["officer"]), person=person, reason="Asked", source_ref="DSR-1")
    assert item.kind == WHOLE_PERSON


def test_a_rule_with_a_negative_period_is_refused(w):
    with pytest.raises(ValidationError) as exc:
        retention.rule_save(actor=act(w["officer"]), kind=RecordKind.HEALTH, period_years=-1, anchor=Anchor.CLOSURE)
    assert "negative" in str(exc.value) and not RetentionRule.objects.exists()


def test_a_rule_edit_names_its_version(w):
    rule = retention.rule_save(actor=act(w["officer"]), kind=RecordKind.HEALTH, period_years=10, anchor="closure")
    retention.rule_save(
        actor=act(w["officer"]), kind=RecordKind.HEALTH, period_years=12, anchor="closure", expected_version=1
    )
    from zhusan.core.concurrency import StaleVersionError

    with pytest.raises(StaleVersionError):
        retention.rule_save(
            actor=act(w["officer"]), kind=RecordKind.HEALTH, period_years=3, anchor="closure", expected_version=1
        )
    rule.refresh_from_db()
    assert (rule.period_years, rule.version) == (12, 2)


def test_only_the_officer_places_a_hold(w):
    with pytest.raises(PermissionDenied):
        retention.hold_place(actor=act(w["manager"]), person=person_with_notes(w), reason="Trial")
    assert not LegalHold.objects.exists()


def test_deletions_by_rule_are_among_the_officers_figures(w, settings):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 1
    from zhusan.dataprotection import figures

    from .retention_helpers import erase

    erase(w, person_with_notes(w))
    (figure,) = [f for f in figures.published().figures if f.code == "deletions_by_rule"]
    by_label = {line.label: line.value for line in figure.lines}
    assert by_label["Erasure requests"] == 1 and by_label["Justice and security"] == 0


def test_the_due_list_is_a_daily_job_of_the_schedule(w):
    from zhusan.core.schedule import jobs

    assert jobs()["dataprotection.retention_due"] is list_retention_due


@pytest.mark.django_db(transaction=True)
def test_the_due_list_is_read_before_the_filing_transaction_holds_the_audit_chain(w, monkeypatch):
    """At a million persons reading the due list takes a minute: a transaction
    that has written an audit event would hold the chain's lock all along."""
    from django.db import connection

    retention.rules_seed(actor=act(w["officer"]))
    person = person_with_notes(w)
    close_case(w, person, date(2010, 1, 1))
    read = retention.due_list
    seen: list[bool] = []

    def due_list(**kwargs):
        seen.append(connection.in_atomic_block)
        return read(**kwargs)

    monkeypatch.setattr(retention, "due_list", due_list)
    batch = retention.file_due(actor=act(w["officer"]), today=TODAY)
    assert seen == [False]
    assert batch is not None and RetentionItem.objects.filter(batch=batch, person=person).exists()
