"""A PHQ-9 answer above 0 on item 9 raises a safety alert to the responsible
psychologists; they acknowledge it with the action taken; it is audited and
never shows the answers to someone who does not read psychosocial records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.accounts.permissions import Role
from zhusan.audit.models import AuditEvent
from zhusan.core.concurrency import StaleVersionError
from zhusan.instruments import extensions, services
from zhusan.instruments.models import SafetyAlert
from zhusan.registry.models import CaseAssignment

from ..factories import make_staff
from .conftest import act, phq9, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_providers():
    saved = list(extensions._RECIPIENT_PROVIDERS)
    extensions._RECIPIENT_PROVIDERS.clear()
    yield extensions._RECIPIENT_PROVIDERS
    extensions._RECIPIENT_PROVIDERS[:] = saved


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_answer_above_0_on_item_9_raises_an_alert(bob, woman, item9, clean_providers):
    admin = record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, item9))
    alert = SafetyAlert.objects.get()
    assert alert.administration == admin and alert.person == woman and alert.is_open
    assert AuditEvent.objects.filter(object_type="safety_alert", object_ref=str(alert.uuid), action="create").exists()


def test_no_alert_when_item_9_is_0_even_with_a_severe_total(bob, woman):
    record(bob, woman, "phq9", phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))
    assert not SafetyAlert.objects.exists()


def test_without_a_provider_the_alert_goes_to_the_administering_user_and_assigned_psychosocial_readers(
    bob, alice, woman, centre_unit, clean_providers
):
    colleague = make_staff(Role.PSYCHOLOGIST, centre_unit, username="colleague")
    CaseAssignment.objects.create(person=woman, user=colleague)
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    # alice (the case manager assigned on registration) does not read psychosocial records.
    assert set(SafetyAlert.objects.get().recipients.values_list("username", flat=True)) == {"bob", "colleague"}


def test_a_registered_provider_names_the_recipients(bob, woman, centre_unit, clean_providers):
    key_worker = make_staff(Role.PSYCHOLOGIST, centre_unit, username="keyworker")
    supervisor = make_staff(Role.PSYCHOLOGIST, centre_unit, username="supervisor")
    extensions.alert_recipients(lambda person: [key_worker, supervisor])
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2))
    assert set(SafetyAlert.objects.get().recipients.values_list("username", flat=True)) == {"keyworker", "supervisor"}


def test_acknowledging_needs_the_action_taken_and_closes_the_alert(bob, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    alert = SafetyAlert.objects.get()
    with pytest.raises(ValidationError) as err:
        services.alert_acknowledge(actor=act(bob), alert=alert, action_taken="  ", expected_version=alert.version)
    assert "action_taken" in err.value.message_dict
    alert.refresh_from_db()
    assert alert.is_open
    services.alert_acknowledge(
        actor=act(bob), alert=alert, action_taken="Safety plan agreed; doctor informed.", expected_version=1
    )
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == bob and alert.version == 2
    event = AuditEvent.objects.filter(object_type="safety_alert", action="update").get()
    assert event.changes["action_taken"]["encrypted"] is True


def test_a_stale_version_acknowledges_nothing(bob, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    alert = SafetyAlert.objects.get()
    with pytest.raises(StaleVersionError):
        services.alert_acknowledge(actor=act(bob), alert=alert, action_taken="Called", expected_version=7)
    alert.refresh_from_db()
    assert alert.is_open


def test_someone_neither_recipient_nor_psychologist_may_not_acknowledge(bob, alice, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    alert = SafetyAlert.objects.get()
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=act(alice), alert=alert, action_taken="Seen", expected_version=1)
    assert AuditEvent.objects.filter(action="permission_denied", object_type="safety_alert").exists()
