"""Factories and personas shared by the whole suite."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhusan.accounts.models import Organisation, OrganisationKind, RoleGrant, Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.dates import BirthPrecision
from zhusan.registry.models import LawfulBasis, NameKind, Person, Script

PASSWORD = "correct horse battery staple"  # noqa: S105


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.MINISTRY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_after(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


def make_staff(role: Role | str, unit: Unit | None = None, *, username: str | None = None, **grant: Any) -> User:
    """A user holding one role in ``unit`` (its organisation), with a TOTP device."""
    unit = unit or UnitFactory()
    user = UserFactory(unit=unit, **({"username": username} if username else {}))
    RoleGrant.objects.create(user=user, role=role, organisation=unit.organisation, unit=unit, **grant)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def make_person(
    actor_user: User,
    *,
    unit: Unit | None = None,
    given: str = "Aisha",
    family: str = "Nurlanova",
    script: str = Script.LATIN,
    sex: str = "female",
    birth_year: int | None = 1995,
    extra_names: list[services.NameInput] | None = None,
    **kwargs: Any,
) -> Person:
    """A person registered through the service by ``actor_user``."""
    data = services.PersonInput(
        sex=sex,
        lawful_basis=LawfulBasis.PUBLIC_INTEREST,
        managing_unit=unit or actor_user.unit,  # type: ignore[arg-type]
        birth_precision=BirthPrecision.YEAR if birth_year else BirthPrecision.UNKNOWN,
        birth_year=birth_year,
        names=[services.NameInput(script=script, kind=NameKind.LEGAL, given=given, family=family, is_primary=True)]
        + (extra_names or []),
        **kwargs,
    )
    return services.person_create(actor=Actor.system("tests", user=actor_user), data=data)


CYRILLIC_DIGITS = "абвгдежзик"


def letters(number: int | str, alphabet: str = "abcdefghij") -> str:
    """``number`` spelt with letters (digit k as ``alphabet[k]``) for unique test names: a name holds no digits."""
    return "".join(alphabet[int(d)] for d in str(number))
