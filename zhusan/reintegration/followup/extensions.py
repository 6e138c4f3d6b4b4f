"""How reintegration_followup plugs into the registry's extension points (called once, from
``AppConfig.ready``): the person's Follow-up, Incidents and Security follow-up
tabs, the "My work" panels, and the indicators with their statistical columns."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Detail
from zhusan.registry import extensions as registry

from . import indicators, work
from .compartments import FOLLOW_UP, INCIDENTS, SECURITY


def register() -> None:
    # The follow-up tab carries closures and the stage they move: withheld
    # like the timeline from readers whose mask hides the case's history.
    registry.person_tab(
        registry.PersonTab("reintegration_followup:person_follow_up", _("Follow-up"), FOLLOW_UP, 80, Detail.TIMELINE)
    )
    registry.person_tab(registry.PersonTab("reintegration_followup:person_incidents", _("Incidents"), INCIDENTS, 82))
    registry.person_tab(
        registry.PersonTab("reintegration_followup:person_security", _("Security follow-up"), SECURITY, 84)
    )
    registry.my_work_panel(work.follow_ups_due_panel)
    registry.my_work_panel(work.closures_panel)
    registry.statistics_columns(indicators.statistics_columns)
    registry.indicators(indicators.indicators)
