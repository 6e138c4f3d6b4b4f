"""How reintegration_support plugs into the registry's extension points
(called once, from ``AppConfig.ready``): the person's "Support" tab and API
sub-resources, two "My work" panels, the statistical columns and indicators
(women in work or training, referrals by kind and outcome, response time)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from zhusan.registry import extensions as registry

from . import work
from .models import SUPPORT_COMPARTMENT


def register() -> None:
    registry.person_tab(
        registry.PersonTab("reintegration_support:person_support", _("Support"), SUPPORT_COMPARTMENT, 75)
    )
    registry.person_api(registry.PersonAPI(urlpatterns=_api_urls))
    registry.my_work_panel(work.referrals_waiting_panel)
    registry.my_work_panel(work.overrides_panel)
    registry.statistics_columns(_statistics_columns)
    registry.indicators(_indicators)
    _briefing_sentence()


def _api_urls() -> list[URLPattern]:
    from . import api

    def view(cls: Any) -> Any:
        return login_not_required(cls.as_view())

    return [
        path("support/", view(api.PersonSupport), name="api-person-support"),
        path("support/courses/", view(api.PersonCourses), name="api-person-support-courses"),
        path("support/employment/", view(api.PersonEmployment), name="api-person-support-employment"),
        path("support/income-support/", view(api.PersonIncomeSupport), name="api-person-support-income"),
        path("support/housing/", view(api.PersonHousing), name="api-person-support-housing"),
        path("support/referrals/", view(api.PersonReferrals), name="api-person-support-referrals"),
        path("support/transfers/", view(api.PersonTransfers), name="api-person-support-transfers"),
    ]


def _statistics_columns() -> dict[str, Any]:
    from .statistics import columns

    return columns()


def _indicators() -> Iterable[Any]:
    from .statistics import indicators

    return indicators()


def _briefing_sentence() -> None:
    """The briefing's sentence on the first group's women at work."""
    point = getattr(registry, "briefing_sentences", None)
    if point is None:  # the point is the reintegration app's addition to the registry
        return
    from .statistics import first_group_sentence

    point(first_group_sentence)
