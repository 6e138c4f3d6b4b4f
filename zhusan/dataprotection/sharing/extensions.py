"""What this app registers: the sharing gate, the officer's home section, its figures."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from zhusan.dataprotection import figures, home
from zhusan.registry import extensions as registry


def _waiting(user: Any) -> list[str]:
    from . import selectors

    lines: list[str] = []
    now = timezone.now()
    for breach in selectors.open_breaches()[:5]:
        lines.append(_("Breach “%(title)s”: %(clock)s") % {"title": breach.title, "clock": breach.clock(now).text()})
    expiring = selectors.expiring_agreements().count()
    if expiring:
        lines.append(
            ngettext(
                "%(n)d sharing agreement expires within 30 days",
                "%(n)d sharing agreements expire within 30 days",
                expiring,
            )
            % {"n": expiring}
        )
    expired = selectors.expired_agreements().count()
    if expired:
        lines.append(
            ngettext(
                "%(n)d sharing agreement has expired and blocks sharing",
                "%(n)d sharing agreements have expired and block sharing",
                expired,
            )
            % {"n": expired}
        )
    waiting = selectors.waiting_assessments().count()
    if waiting:
        lines.append(
            ngettext(
                "%(n)d impact assessment waits for a decision",
                "%(n)d impact assessments wait for a decision",
                waiting,
            )
            % {"n": waiting}
        )
    return lines


def _figures(query: figures.FigureQuery) -> list[figures.Figure]:
    from .figures import sharing_figures

    return sharing_figures(query)


def _gate(**kwargs: Any) -> None:
    from .services import check_agreement

    check_agreement(**kwargs)


def register() -> None:
    """Called once from `AppConfig.ready`."""
    registry.sharing_check(_gate)
    home.section(
        "sharing",
        home.Section(
            title=_lazy("Sharing agreements, breaches and impact assessments"),
            description=_lazy(
                "Nothing is referred, transferred or exported to a partner without an agreement in force; "
                "a breach is notified to the authority within 72 hours of being found."
            ),
            links=(
                (_lazy("Breach log"), "dataprotection_sharing:breach_list"),
                (_lazy("Record a breach"), "dataprotection_sharing:breach_create"),
                (_lazy("Who saw this record"), "dataprotection_sharing:who_saw"),
                (_lazy("Sharing agreements"), "dataprotection_sharing:agreement_list"),
                (_lazy("Impact assessments"), "dataprotection_sharing:assessment_list"),
                (_lazy("Figures"), "dataprotection_sharing:figures"),
            ),
            order=30,
            waiting=_waiting,
        ),
    )
    figures.figure_provider("dataprotection_sharing.breaches_and_agreements", _figures)
