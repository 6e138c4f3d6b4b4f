"""How reintegration plugs into the registry's extension points (called once, from
``AppConfig.ready``): the person's "Reintegration" tab and API sub-resources,
"My work" panels (placements due for review, document pathways waiting),
statistical columns and indicators, and the briefing's sentence on children."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment
from zhusan.registry import extensions as registry

from . import work

# The tab shows to readers of the family compartment (everyone who reads the
# documents or the contact compartment reads it too); inside, each part is
# shown by its own compartment.
TAB_COMPARTMENT = Compartment.FAMILY


def register() -> None:
    registry.person_tab(
        registry.PersonTab("reintegration:person_reintegration", _("Reintegration"), TAB_COMPARTMENT, 70)
    )
    registry.person_api(registry.PersonAPI(urlpatterns=_api_urls))
    registry.my_work_panel(work.placements_panel)
    registry.my_work_panel(work.pathways_panel)
    registry.statistics_columns(_statistics_columns)
    registry.indicators(_indicators)
    registry.briefing_sentences(_children_sentence)


def _api_urls() -> list[URLPattern]:
    from . import api

    def view(cls: Any) -> Any:
        return login_not_required(cls.as_view())

    return [
        path("reintegration/", view(api.PersonReintegration), name="api-person-reintegration"),
        path("placements/", view(api.PersonPlacements), name="api-person-placements"),
        path("home-visits/", view(api.PersonHomeVisits), name="api-person-home-visits"),
        path("document-pathways/", view(api.PersonPathways), name="api-person-document-pathways"),
        path("benefit-claims/", view(api.PersonClaims), name="api-person-benefit-claims"),
        path("enrolments/", view(api.PersonEnrolments), name="api-person-enrolments"),
    ]


def _statistics_columns() -> dict[str, Any]:
    from .statistics import columns

    return columns()


def _indicators() -> Iterable[Any]:
    from .statistics import indicators

    return indicators()


def _children_sentence(figure: Any) -> str:
    from .statistics import children_sentence

    return children_sentence(figure)
