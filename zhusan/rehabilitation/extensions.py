"""How rehabilitation plugs into the registry's extension points (called once,
from ``AppConfig.ready``): the person's Rehabilitation tab and API, the "My
residents" panel of My work, the figures, and the recipients of the
instruments' safety alerts (the psychologist key worker and their supervisor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment, Detail
from zhusan.registry import extensions as registry

if TYPE_CHECKING:
    from zhusan.registry.models import Person

# The stay (centre, dates, key workers) shows to everyone who reads the
# person's identity, except where the repatriation history is masked (a
# teacher): being in a centre tells that history. The room, the destination
# and the summary need the contact-and-location compartment as well.
TAB_COMPARTMENT = Compartment.IDENTITY


def register() -> None:
    from . import indicators, work

    registry.person_tab(
        registry.PersonTab(
            "rehabilitation:person_rehabilitation", _("Rehabilitation"), TAB_COMPARTMENT, 50, Detail.REPATRIATION
        )
    )
    registry.person_api(registry.PersonAPI(urlpatterns=_api_urls))
    registry.my_work_panel(work.residents_panel)
    indicators.register_dimensions()
    registry.statistics_columns(indicators.statistics_columns)
    registry.indicators(indicators.indicators)
    _register_alert_recipients()


def alert_recipients(person: Person) -> list[Any]:
    """The person's psychologist key worker and that worker's supervisor."""
    from .selectors import key_workers, supervisor_of

    out: list[Any] = []
    for user in key_workers(person, "psychologist"):
        out.append(user)
        supervisor = supervisor_of(user)
        if supervisor is not None:
            out.append(supervisor)
    return out


def _register_alert_recipients() -> None:
    from zhusan.instruments import extensions as instruments

    offer = getattr(instruments, "alert_recipients", None)
    if offer is not None:
        offer(alert_recipients)


def _api_urls() -> list[URLPattern]:
    from . import api

    return [
        path(
            "rehabilitation/",
            login_not_required(api.PersonRehabilitation.as_view()),
            name="api-person-rehabilitation",
        )
    ]
