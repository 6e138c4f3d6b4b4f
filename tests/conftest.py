"""Personas: alice, a case manager in the Aktau centre; bob, a psychologist in
the same unit; charlie, a case manager in another organisation; and more per
role as tests need them (tests/factories.py)."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings as hypothesis_settings

from zhusan.accounts.permissions import Role

from .factories import OrganisationFactory, UnitFactory, make_staff

# Property tests check what holds, not how fast: on a CI machine of two cores
# running two workers, one example may take longer than Hypothesis's 200 ms.
hypothesis_settings.register_profile("zhusan", deadline=None)
hypothesis_settings.load_profile("zhusan")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def centre_unit(db):
    org = OrganisationFactory(name="Aktau Rehabilitation Centre")
    return UnitFactory(organisation=org, name="Residential unit")


@pytest.fixture
def other_unit(db):
    org = OrganisationFactory(name="Almaty Regional Social Services")
    return UnitFactory(organisation=org, name="Family support")


@pytest.fixture
def alice(centre_unit):
    return make_staff(Role.CASE_MANAGER, centre_unit, username="alice")


@pytest.fixture
def bob(centre_unit):
    return make_staff(Role.PSYCHOLOGIST, centre_unit, username="bob")


@pytest.fixture
def charlie(other_unit):
    return make_staff(Role.CASE_MANAGER, other_unit, username="charlie")


def chromium_or_skip() -> str:
    """The Chromium binary; skip with the reason where absent, fail under CI=true."""
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true requires it)")
    pytest.skip(reason)
