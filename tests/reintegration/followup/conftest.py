from __future__ import annotations

import pytest

from zhusan.accounts.permissions import Role

from ...factories import make_staff


@pytest.fixture
def supervisor(centre_unit):
    return make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="supervisor")


@pytest.fixture
def liaison(centre_unit):
    return make_staff(Role.SECURITY_LIAISON, centre_unit, username="liaison")


@pytest.fixture
def social_worker(centre_unit):
    return make_staff(Role.SOCIAL_WORKER, centre_unit, username="sw")
