"""Transfers of case responsibility: consent, acceptance, hand-over."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.accounts.permissions import Role
from zhusan.registry.access import visible_to
from zhusan.registry.models import ConsentPurpose
from zhusan.reintegration.support import selectors, services
from zhusan.reintegration.support.models import CaseTransfer, TransferStatus

from ...dataprotection.sharing.agreements import agree
from ...factories import OrganisationFactory, UnitFactory, make_staff
from .conftest import act, consent


@pytest.fixture
def region(db):
    from zhusan.accounts.models import OrganisationKind

    org = OrganisationFactory(name="Almaty Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    agree(org)  # the sharing gate
    return UnitFactory(organisation=org, name="Returnee support", region="Almaty")


@pytest.fixture
def receiver(region):
    return make_staff(Role.CONSULAR_OFFICER, region, username="receiver")


def test_a_transfer_without_consent_is_refused(consul, woman, region):
    with pytest.raises(ValidationError):
        services.transfer_request(actor=act(consul), person=woman, to_unit=region, reason="She moved to Almaty.")
    assert not CaseTransfer.objects.exists()


def test_a_transfer_is_accepted_by_the_receiving_organisation_then_handed_over(consul, woman, region, receiver):
    consent(woman, ConsentPurpose.SHARE_SOCIAL, consul)
    transfer = services.transfer_request(actor=act(consul), person=woman, to_unit=region, reason="She moved.")
    assert list(selectors.transfers_waiting(receiver)) == [transfer]
    assert woman not in visible_to(receiver)
    with pytest.raises(PermissionDenied):
        services.transfer_answer(actor=act(consul), transfer=transfer, accept=True, expected_version=1)
    services.transfer_answer(actor=act(receiver), transfer=transfer, accept=True, expected_version=1)
    with pytest.raises(ValidationError):  # answered once
        services.transfer_answer(actor=act(receiver), transfer=transfer, accept=False, reason="x", expected_version=2)
    services.transfer_hand_over(actor=act(consul), transfer=transfer, expected_version=2)
    woman.refresh_from_db()
    assert woman.managing_unit == region
    assert woman in visible_to(receiver)
    assert CaseTransfer.objects.get().status == TransferStatus.COMPLETED


def test_a_transfer_goes_to_another_organisation(consul, woman, home):
    other = UnitFactory(organisation=home.organisation, name="Second team")
    consent(woman, ConsentPurpose.SHARE_SOCIAL, consul)
    with pytest.raises(ValidationError) as exc:
        services.transfer_request(actor=act(consul), person=woman, to_unit=other, reason="x")
    assert "to_unit" in exc.value.message_dict


def test_a_declined_transfer_leaves_the_case_where_it_is(consul, woman, region, receiver, home):
    consent(woman, ConsentPurpose.SHARE_SOCIAL, consul)
    transfer = services.transfer_request(actor=act(consul), person=woman, to_unit=region, reason="x")
    with pytest.raises(ValidationError):
        services.transfer_answer(actor=act(receiver), transfer=transfer, accept=False, expected_version=1)
    services.transfer_answer(
        actor=act(receiver), transfer=transfer, accept=False, reason="No caseworker free.", expected_version=1
    )
    with pytest.raises(ValidationError):
        services.transfer_hand_over(actor=act(consul), transfer=transfer, expected_version=2)
    woman.refresh_from_db()
    assert woman.managing_unit == home
