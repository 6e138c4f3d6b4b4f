"""How rehabilitation_sessions plugs into the registry's extension points (called once, from
``AppConfig.ready``): the person's "Sessions", "Intake account" and
"Professional assessments" tabs, the "My work" panel of today's sessions, and
the indicators on sessions and on adults' own accounts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment
from zhusan.registry import extensions as registry

from .models import INTAKE_COMPARTMENT, RISK_ASSESSMENT_COMPARTMENT

# That a session took place (when, which discipline, with whom) is known to
# everyone who sees the person; what was said sits in the discipline's compartment.
SESSIONS_COMPARTMENT = Compartment.IDENTITY


def register() -> None:
    from . import indicators, work

    registry.person_tab(
        registry.PersonTab("rehabilitation_sessions:person_sessions", _("Sessions"), SESSIONS_COMPARTMENT, 74)
    )
    registry.person_tab(
        registry.PersonTab("rehabilitation_sessions:person_intake", _("Intake account"), INTAKE_COMPARTMENT, 76)
    )
    registry.person_tab(
        registry.PersonTab(
            "rehabilitation_sessions:person_risk_assessments",
            _("Professional assessments"),
            RISK_ASSESSMENT_COMPARTMENT,
            78,
        )
    )
    registry.my_work_panel(work.sessions_panel)
    registry.statistics_columns(indicators.statistics_columns)
    registry.indicators(indicators.indicators)
