"""Referrals: the consent gate, its override, the receiving agency's answers,
overdue answers, and security referrals kept in their compartment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.extensions import work_panels_for
from zhusan.registry.models import ConsentGiver, ConsentPurpose
from zhusan.reintegration.support import selectors, services
from zhusan.reintegration.support.models import Referral, ReferralKind, ReferralStatus

from ...registry.helpers import login
from .conftest import act, consent


def _refer(by, person, organisation, kind=ReferralKind.LIVELIHOOD, **extra):
    return services.referral_send(
        actor=act(by), person=person, kind=kind, organisation=organisation, reason="Sewing course and a job.", **extra
    )


def test_a_referral_without_consent_is_refused_with_the_reason_and_nothing_is_written(worker, woman, ngo_unit):
    with pytest.raises(ValidationError) as exc:
        _refer(worker, woman, ngo_unit.organisation)
    assert "No consent on file" in str(exc.value.message_dict["override_reason"])
    assert "sharing with ngos" in str(exc.value.message_dict["override_reason"]).lower()
    assert not Referral.objects.exists()


def test_consent_for_another_kind_of_agency_does_not_allow_the_referral(worker, woman, ngo_unit, consul):
    consent(woman, ConsentPurpose.SHARE_HEALTH, consul)
    with pytest.raises(ValidationError):
        _refer(worker, woman, ngo_unit.organisation)


def test_a_government_receiver_needs_consent_for_social_services(worker, woman, home, consul):
    consent(woman, ConsentPurpose.SHARE_NGO, consul)
    with pytest.raises(ValidationError):
        _refer(worker, woman, home.organisation, kind=ReferralKind.HOUSING)
    consent(woman, ConsentPurpose.SHARE_SOCIAL, consul)
    referral = _refer(worker, woman, home.organisation, kind=ReferralKind.HOUSING)
    assert referral.consent_purpose == ConsentPurpose.SHARE_SOCIAL


def test_a_childs_referral_rests_on_the_consent_her_parent_gave(worker, child, consul):
    consent(child, ConsentPurpose.SHARE_EDUCATION, consul, given_by=ConsentGiver.PARENT)
    referral = services.referral_send(
        actor=act(worker), person=child, kind=ReferralKind.EDUCATION, service="School No. 4 catch-up class",
        reason="Catch-up lessons.",
    )  # fmt: skip
    assert referral.consent_on_file


def test_a_withdrawn_consent_refuses_the_referral(worker, woman, ngo_unit, consul, ngo_consent):
    consent(woman, ConsentPurpose.SHARE_NGO, consul, status="withdrawn")
    with pytest.raises(ValidationError):
        _refer(worker, woman, ngo_unit.organisation)


def test_a_worker_without_the_override_permission_cannot_send_without_consent(worker, woman, ngo_unit):
    with pytest.raises(PermissionDenied):
        _refer(worker, woman, ngo_unit.organisation, override_reason="She asked us to hurry.")
    assert not Referral.objects.exists()
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, detail__why="no override_consent").exists()


def test_an_override_with_a_reason_is_audited_with_a_mark_and_shown_to_supervisors(
    manager, woman, ngo_unit, worker, client
):
    referral = _refer(
        manager, woman, ngo_unit.organisation, override_reason="Eviction tomorrow; she cannot be reached."
    )
    assert not referral.consent_on_file
    event = AuditEvent.objects.get(action=Action.CREATE, object_ref=str(referral.uuid))
    assert event.detail["consent_override"] is True
    assert event.changes["override_reason"]["encrypted"] is True  # never in clear in the trail

    referrals, _transfers = selectors.overrides_to_review(manager)
    assert list(referrals) == [referral]
    assert selectors.overrides_to_review(worker)[0].count() == 0  # not a supervisor
    panel = next(p for p in work_panels_for(act(manager)) if "overrides" in str(p.title))
    assert panel.count == 1

    login(client, manager)
    page = client.get(reverse("reintegration_support:overrides"))
    assert page.status_code == 200
    assert "Eviction tomorrow" in page.content.decode()
    client.post(reverse("reintegration_support:referral_review", args=[referral.uuid]))
    assert selectors.overrides_to_review(manager)[0].count() == 0


def test_the_overrides_page_is_refused_to_staff_who_do_not_supervise(worker, client):
    login(client, worker)
    assert client.get(reverse("reintegration_support:overrides")).status_code == 403


def test_the_receiving_organisation_accepts_and_completes_with_feedback(
    worker, woman, ngo_unit, ngo_worker, ngo_consent
):
    referral = _refer(worker, woman, ngo_unit.organisation)
    assert list(selectors.waiting_for_answer(ngo_worker)) == [referral]
    services.referral_accept(actor=act(ngo_worker), referral=referral, expected_version=referral.version)
    services.referral_complete(
        actor=act(ngo_worker),
        referral=referral,
        feedback="Finished the course; hired.",
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.feedback == "Finished the course; hired."
    assert referral.responded_by == ngo_worker
    assert not selectors.waiting_for_answer(ngo_worker).exists()


def test_a_decline_needs_a_reason(worker, woman, ngo_unit, ngo_worker, ngo_consent):
    referral = _refer(worker, woman, ngo_unit.organisation)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=act(ngo_worker), referral=referral, reason=" ", expected_version=1)
    services.referral_decline(
        actor=act(ngo_worker), referral=referral, reason="No places until spring.", expected_version=1
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (ReferralStatus.DECLINED, "No places until spring.")


def test_only_the_receiving_organisation_answers(worker, woman, ngo_unit, ngo_consent, charlie):
    referral = _refer(worker, woman, ngo_unit.organisation)
    for outsider in (worker, charlie):
        with pytest.raises(PermissionDenied):
            services.referral_accept(actor=act(outsider), referral=referral, expected_version=1)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_a_stale_answer_is_refused(worker, woman, ngo_unit, ngo_worker, ngo_consent):
    from zhusan.core.concurrency import StaleVersionError

    referral = _refer(worker, woman, ngo_unit.organisation)
    services.referral_accept(actor=act(ngo_worker), referral=referral, expected_version=1)
    stale = Referral.objects.get(pk=referral.pk)
    with pytest.raises(StaleVersionError):
        services.referral_complete(actor=act(ngo_worker), referral=stale, feedback="Done.", expected_version=1)


def test_the_answer_is_due_ten_working_days_after_sending(worker, woman, ngo_unit, ngo_consent):
    referral = _refer(worker, woman, ngo_unit.organisation)
    days = (referral.due_on - referral.sent_on).days
    assert 14 <= days <= 16
    assert services.add_working_days(referral.sent_on, 10).weekday() < 5


def test_overdue_referrals_are_listed_on_both_sides(worker, woman, ngo_unit, ngo_worker, ngo_consent, client):
    old = timezone.localdate() - timedelta(days=30)
    late = _refer(worker, woman, ngo_unit.organisation, sent_on=old)
    _refer(worker, woman, ngo_unit.organisation)  # still within its time
    assert list(selectors.overdue(worker)) == [late]
    assert list(selectors.overdue(ngo_worker)) == [late]
    login(client, ngo_worker)
    page = client.get(reverse("reintegration_support:referrals_overdue"))
    assert page.status_code == 200
    assert woman.case_number in page.content.decode()


def test_security_referrals_and_their_existence_stay_out_of_care_staffs_reach(
    liaison, woman, security_unit, worker, manager, consul, client
):
    consent(woman, ConsentPurpose.SHARE_LAW_ENFORCEMENT, consul)
    referral = services.referral_send(
        actor=act(liaison), person=woman, kind=ReferralKind.SECURITY, organisation=security_unit.organisation,
        reason="Probation check-in.",
    )  # fmt: skip
    assert referral.compartment == "justice_security"
    for care in (worker, manager):
        assert not selectors.referrals_sent(care).exists()
        assert not selectors.overdue(care).exists()
    assert list(selectors.referrals_sent(liaison)) == [referral]
    login(client, worker)
    assert client.get(referral.get_absolute_url()).status_code == 404
    tab = client.get(reverse("reintegration_support:person_support", args=[woman.uuid])).content.decode()
    assert "Security services" not in tab
    assert "Probation" not in tab


def test_care_staff_cannot_refer_to_security_services(worker, woman, security_unit, consul):
    consent(woman, ConsentPurpose.SHARE_LAW_ENFORCEMENT, consul)
    with pytest.raises(PermissionDenied):
        services.referral_send(
            actor=act(worker), person=woman, kind=ReferralKind.SECURITY, organisation=security_unit.organisation,
            reason="x",
        )  # fmt: skip


def test_a_child_is_never_referred_to_security_services(liaison, child, security_unit, consul):
    with pytest.raises(ValidationError) as exc:
        services.referral_send(
            actor=act(liaison), person=child, kind=ReferralKind.SECURITY, organisation=security_unit.organisation,
            reason="x",
        )  # fmt: skip
    assert "kind" in exc.value.message_dict


def test_a_referral_names_a_receiver_and_a_reason(worker, woman, ngo_consent):
    with pytest.raises(ValidationError) as exc:
        services.referral_send(actor=act(worker), person=woman, kind=ReferralKind.LIVELIHOOD, reason=" ")
    assert {"organisation", "reason"} <= set(exc.value.message_dict)
