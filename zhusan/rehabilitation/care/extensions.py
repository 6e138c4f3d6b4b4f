"""How rehabilitation_care plugs into the registry's extension points (called once, from
``AppConfig.ready``): the person's "Plan" tab and API sub-resources, and three
"My work" panels (plans waiting for my approval, my goals due, reviews overdue)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.access import PersonAccess
from zhusan.registry import extensions as registry

from . import work
from .selectors import PLAN_COMPARTMENT, PLAN_DETAIL, reads_plan


@dataclass(frozen=True)
class CareTab(registry.PersonTab):
    """The "Plan" tab: shown to readers of the person's care (not to a
    teacher, nor to security staff, who read no care compartment)."""

    def allows(self, access: PersonAccess) -> bool:
        return reads_plan(access)


def register() -> None:
    registry.person_tab(CareTab("rehabilitation_care:person_plan", _("Plan"), PLAN_COMPARTMENT, 55, PLAN_DETAIL))
    registry.person_api(registry.PersonAPI(urlpatterns=_api_urls))
    registry.my_work_panel(work.approvals_panel)
    registry.my_work_panel(work.goals_panel)
    registry.my_work_panel(work.reviews_panel)


def _api_urls() -> list[URLPattern]:
    from . import api

    return [
        path("care/", login_not_required(api.PersonCare.as_view()), name="api-person-care"),
    ]
