"""How instruments plugs into the registry's extension points (called once,
from ``AppConfig.ready``), and the one extension point instruments offers:
who receives a safety alert.

``alert_recipients(provider)``
    ``provider(person)`` returns the users a safety alert about ``person``
    goes to (the rehabilitation app registers "the person's psychologist key
    worker and their supervisor"). The first provider that answers with
    someone wins; when none does, the alert goes to the administering user
    and to the users with an open case assignment who read the psychosocial
    compartment (``services.alert_recipients_for``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment
from zhusan.registry import extensions as registry

if TYPE_CHECKING:
    from zhusan.registry.models import Person

RecipientProvider = Callable[["Person"], list[Any]]
_RECIPIENT_PROVIDERS: list[RecipientProvider] = []


def alert_recipients(provider: RecipientProvider) -> RecipientProvider:
    """Register ``provider(person) -> list[User]`` (usable as a decorator)."""
    if provider not in _RECIPIENT_PROVIDERS:
        _RECIPIENT_PROVIDERS.append(provider)
    return provider


def recipient_providers() -> list[RecipientProvider]:
    return list(_RECIPIENT_PROVIDERS)


def register() -> None:
    from . import indicators, work

    registry.person_tab(
        registry.PersonTab("instruments:person_instruments", _("Instruments"), Compartment.PSYCHOSOCIAL, 72)
    )
    registry.person_api(registry.PersonAPI(urlpatterns=_api_urls))
    registry.my_work_panel(work.alerts_panel)
    registry.my_work_panel(work.overdue_panel)
    registry.statistics_columns(indicators.statistics_columns)
    registry.indicators(indicators.indicators)


def _api_urls() -> list[URLPattern]:
    from . import api

    return [
        path(
            "instruments/",
            login_not_required(api.PersonInstruments.as_view()),
            name="api-person-instruments",
        ),
        path(
            "instruments/schedule/",
            login_not_required(api.PersonInstrumentSchedule.as_view()),
            name="api-person-instrument-schedule",
        ),
    ]
