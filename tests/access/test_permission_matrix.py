"""Every role × compartment × read/write × in-scope/out-of-scope.

The expected matrix is written out here by hand, independently of
zhusan/accounts/permissions.py, so a change to the policy that nobody meant
fails this test.
"""

from __future__ import annotations

from datetime import date

import pytest

from zhusan.accounts.permissions import Compartment, Role
from zhusan.registry.access import access_for
from zhusan.registry.models import CaseAssignment

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff

R, W, N = "r", "rw", "-"
COMPARTMENTS = [
    "identity", "family", "contact_location", "documents",
    "health", "psychosocial", "religious", "justice_security",
]  # fmt: skip
# role: access per compartment, in the order above
EXPECTED: dict[str, list[str]] = {
    "system_admin":      [N, N, N, N, N, N, N, N],
    "programme_manager": [R, R, R, R, N, N, N, N],
    "case_manager":      [W, W, W, W, R, N, N, N],
    "consular_officer":  [W, W, W, W, N, N, N, N],
    "psychologist":      [R, R, N, N, R, W, N, N],
    "theologian":        [R, N, N, N, N, N, W, N],
    "social_worker":     [R, W, W, W, N, N, N, N],
    "doctor":            [R, N, N, N, W, N, N, N],
    "teacher":           [R, N, N, N, N, N, N, N],
    "lawyer":            [R, R, N, W, N, N, N, N],
    "security_liaison":  [R, R, R, N, N, N, N, W],
    "analyst":           [N, N, N, N, N, N, N, N],
    "auditor":           [N, N, N, N, N, N, N, N],
    "data_protection_officer": [N, N, N, N, N, N, N, N],
}  # fmt: skip
CHILD_BORN = date.today().year - 16  # a pupil old enough to have justice and security notes
# Roles whose scope reaches a person managed by another organisation.
REACHES_OTHER_ORGANISATIONS = {"programme_manager", "security_liaison"}


def test_the_matrix_covers_every_role():
    assert set(EXPECTED) == {r.value for r in Role}
    assert COMPARTMENTS == [c.value for c in Compartment]


@pytest.fixture
def world(db):
    home_org = OrganisationFactory(name="Aktau Rehabilitation Centre")
    home = UnitFactory(organisation=home_org, name="Residential")
    away = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="registrar")
    # Children, so that a teacher's scope (pupils under 18) reaches them too.
    in_scope = make_person(registrar, unit=home, birth_year=CHILD_BORN)
    out_of_scope = make_person(registrar, unit=away, given="Zhanna", birth_year=CHILD_BORN)
    return home, in_scope, out_of_scope


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_reads_and_writes_exactly_its_compartments(world, role):
    home, in_scope, out_of_scope = world
    user = make_staff(role, home, username=f"u-{role}")
    if role == "case_manager":  # scope "own": assigned cases only
        CaseAssignment.objects.create(person=in_scope, user=user)

    inside = access_for(user, in_scope)
    outside = access_for(user, out_of_scope)
    for compartment, expected in zip(COMPARTMENTS, EXPECTED[role], strict=True):
        assert inside.can_read(compartment) is (expected in (R, W)), (role, compartment, "read")
        assert inside.can_write(compartment) is (expected == W), (role, compartment, "write")
        reaches = role in REACHES_OTHER_ORGANISATIONS
        assert outside.can_read(compartment) is (reaches and expected in (R, W)), (role, compartment, "out")
        assert outside.can_write(compartment) is (reaches and expected == W), (role, compartment, "out-w")


def test_a_case_manager_sees_only_assigned_persons_even_in_the_own_unit(world):
    home, in_scope, _ = world
    user = make_staff(Role.CASE_MANAGER, home, username="cm")
    assert access_for(user, in_scope).visible is False
    CaseAssignment.objects.create(person=in_scope, user=user)
    assert access_for(user, in_scope).visible is True


def test_an_expired_grant_gives_nothing(world):
    from django.utils import timezone

    home, in_scope, _ = world
    user = make_staff(Role.CONSULAR_OFFICER, home, username="expired", expires_at=timezone.now())
    assert access_for(user, in_scope).visible is False


def test_care_staff_see_the_restriction_flag_but_not_justice_data(world):
    home, in_scope, _ = world
    doctor = make_staff(Role.DOCTOR, home, username="doc")
    access = access_for(doctor, in_scope)
    assert access.sees_restriction_flag is True
    assert access.can_read(Compartment.JUSTICE_SECURITY) is False
