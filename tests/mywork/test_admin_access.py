"""/admin/ opens for the system administrator, and for nobody else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role

from ..factories import OrganisationFactory, UnitFactory, make_staff
from ..registry.helpers import login


@pytest.fixture
def unit(db):
    return UnitFactory(organisation=OrganisationFactory(name="Ministry"), name="Programme office")


def test_the_system_administrator_opens_the_admin_without_djangos_staff_flag(unit):
    admin_user = make_staff(Role.SYSTEM_ADMIN, unit, username="sysadmin")
    assert admin_user.is_staff is False
    client = login(Client(), admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_no_other_role_opens_the_admin_even_with_the_staff_flag(unit, role):
    user = make_staff(role, unit, username=f"u-{role}")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = login(Client(), user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url
