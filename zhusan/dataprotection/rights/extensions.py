"""What this part registers: the person tab, the sealing notice, the
officer's home section, the daily jobs and the officer's figures."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.accounts.permissions import Compartment
from zhusan.registry import access
from zhusan.registry import extensions as registry
from zhusan.registry.models import Person


def _notices(user: Any, person: Person) -> list[registry.Notice]:
    """ "Justice and security data sealed at majority on D" to everyone who
    sees the person (a seal says nothing of what it covers); a link to the
    reader's form for the named role; a restriction of use in force."""
    acc = access.access_for(user, person)
    if not acc.visible:
        return []
    out: list[registry.Notice] = []
    role = access.sealed_record_reader_role()
    reader = any(g.role == role for g in _grants(user))
    for seal in access.seals_of(person):
        text = _("%(c)s data sealed at majority on %(d)s.") % {
            "c": Compartment(seal.compartment).label,
            "d": seal.sealed_on.isoformat(),
        }
        if reader:
            out.append(
                registry.Notice(text, reverse("dataprotection_rights:seal", args=[seal.uuid]), _("Court order access"))
            )
        else:
            out.append(registry.Notice(text))
    from .models import Decision, RequestKind, SubjectRequest

    restricted = (
        SubjectRequest.objects.filter(
            person=person,
            kind=RequestKind.RESTRICTION,
            decision__in=(Decision.GRANTED, Decision.PARTLY),
            restricted_from__isnull=False,
        )
        .order_by("restricted_from")
        .first()
    )
    if restricted is not None and restricted.restricted_from is not None:
        out.append(
            registry.Notice(
                _("Use of this record is restricted at the person's request since %(d)s: keep it, do not process it.")
                % {"d": restricted.restricted_from.isoformat()}
            )
        )
    return out


def _grants(user: Any) -> list[Any]:
    from zhusan.accounts.access import active_grants

    return active_grants(user) if user.is_authenticated else []


def _waiting(user: Any) -> list[str]:
    from .selectors import waiting_lines

    return waiting_lines(user)


def register() -> None:
    """Called once from `AppConfig.ready`."""
    from zhusan.dataprotection import home

    from . import tasks  # noqa: F401  (declares the daily jobs)

    registry.person_tab(
        registry.PersonTab(
            "dataprotection_rights:person_requests", gettext_lazy("Data-subject requests"), Compartment.IDENTITY, 95
        )
    )
    registry.person_notices(_notices)
    home.section(
        "rights",
        home.Section(
            title=gettext_lazy("Data-subject requests and sealing"),
            description=gettext_lazy(
                "Requests to see, copy, correct, restrict or erase a record: the identity check, your decision, the deadline."
            ),
            links=((gettext_lazy("Data-subject requests"), "dataprotection_rights:requests"),),
            order=20,
            waiting=_waiting,
        ),
    )
    from . import figures

    figures.register()
