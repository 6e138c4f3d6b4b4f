"""Indicators on sessions and on adults' own accounts (every figure goes
through reporting's disclosure control).

- Residents who attended held sessions of each discipline (persons, not
  sessions: the catalogue counts persons; a session count per discipline is
  on the dashboard as persons reached per discipline);
- the share of residents who received psychologist or theologian support
  (the public record reports about 95 %), and of each apart;
- among adult women who gave an intake account: the share naming each
  travel reason, and the share saying they regret leaving (yes, partly).

A resident is a person who has been in the stage "in rehabilitation" (now
or before). The intake answers reach the pseudonymous statistical row
decrypted, as counts' inputs only; they are never published one by one.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from zhusan.registry.models import Stage
from zhusan.rehabilitation.models import Discipline
from zhusan.reporting.indicators import Indicator, Row

from .models import Attendance, IntakeAccount, Regret, SessionParticipant, SessionStatus, TravelReason

DISCIPLINE_COLUMN = "sessions_attended_{}"


def statistics_columns() -> dict[str, Any]:
    attended = SessionParticipant.objects.filter(
        person=OuterRef("pk"), attendance=Attendance.PRESENT, session__status=SessionStatus.HELD
    )
    intake = IntakeAccount.objects.filter(person=OuterRef("pk"))
    columns: dict[str, Any] = {
        DISCIPLINE_COLUMN.format(d.value): Exists(attended.filter(session__discipline=d.value)) for d in Discipline
    }
    columns["intake_reasons"] = Subquery(intake.values("travel_reasons_data")[:1])
    columns["intake_regret"] = Subquery(intake.values("regret")[:1])
    return columns


def _resident(row: Row) -> bool:
    return row["stage"] == Stage.IN_REHABILITATION or Stage.IN_REHABILITATION.value in row["stage_days"]


def _attended(discipline: str) -> Any:
    key = DISCIPLINE_COLUMN.format(discipline)
    return lambda row: bool(row.get(key))


def _supported(row: Row) -> bool:
    return bool(
        row.get(DISCIPLINE_COLUMN.format(Discipline.PSYCHOLOGIST))
        or row.get(DISCIPLINE_COLUMN.format(Discipline.THEOLOGIAN))
    )


def _adult_woman_with_account(row: Row) -> bool:
    return row["sex"] == "female" and row["age_group"] == "adults" and row.get("intake_regret") is not None


def _reasons(row: Row) -> list[str]:
    try:
        return [str(r) for r in json.loads(row.get("intake_reasons") or "[]")]
    except ValueError:
        return []


def _names(reason: str) -> Any:
    return lambda row: reason in _reasons(row)


def _regret(*answers: str) -> Any:
    return lambda row: row.get("intake_regret") in answers


def indicators() -> list[Indicator]:
    out = [
        Indicator(
            code="residents_psychologist_or_theologian_support",
            name=_("Residents who received psychologist or theologian support"),
            definition=_(
                "Percentage of persons who have been in rehabilitation who attended at least one held session with "
                "a psychologist or a theologian."
            ),
            numerator=_("Residents who attended a psychologist's or a theologian's session"),
            denominator=_("Persons who have been in rehabilitation"),
            disaggregations=("sex", "age_group", "region"),
            population=_resident,
            measure="rate",
            numerator_filter=_supported,
            unit=_("percent"),
            hxl_tag="#reached",
        ),
    ]
    for discipline, label in (
        (Discipline.PSYCHOLOGIST, _("Residents who received psychologist support")),
        (Discipline.THEOLOGIAN, _("Residents who received theologian support")),
    ):
        out.append(
            Indicator(
                code=f"residents_{discipline}_support",
                name=label,
                definition=_(
                    "Percentage of persons who have been in rehabilitation who attended at least one held session "
                    "of this discipline."
                ),
                numerator=label,
                denominator=_("Persons who have been in rehabilitation"),
                disaggregations=("sex", "age_group", "region"),
                population=_resident,
                measure="rate",
                numerator_filter=_attended(discipline),
                unit=_("percent"),
                hxl_tag="#reached",
                headline=False,
            )
        )
    for d in Discipline:
        out.append(
            Indicator(
                code=f"sessions_attended_{d.value}",
                name=_("Persons who attended sessions: %(discipline)s") % {"discipline": d.label},
                definition=_(
                    "Persons who attended (present) at least one held session of the discipline, individual, family "
                    "or group."
                ),
                numerator=_("Persons present at a held session of the discipline"),
                denominator=None,
                disaggregations=("sex", "age_group", "region"),
                population=_attended(d.value),
                hxl_tag="#reached",
                headline=False,
            )
        )
    account_note = _(
        "Among adult women who gave an intake account (self-reported, optional; several reasons may apply)."
    )
    for reason in TravelReason:
        out.append(
            Indicator(
                code=f"travel_reason_{reason.value}",
                name=_("Adult women's own account: %(reason)s") % {"reason": reason.label},
                definition=account_note,
                numerator=_("Women naming this reason"),
                denominator=_("Adult women who gave an intake account"),
                disaggregations=("region",),
                population=_adult_woman_with_account,
                measure="rate",
                numerator_filter=_names(reason.value),
                unit=_("percent"),
                headline=False,
            )
        )
    out.append(
        Indicator(
            code="regret_leaving",
            name=_("Adult women who say they regret leaving"),
            definition=_(
                "Among adult women who gave an intake account, the percentage who say they regret leaving (answer "
                "'yes'); self-reported, never a score."
            ),
            numerator=_("Women who say they regret leaving"),
            denominator=_("Adult women who gave an intake account"),
            disaggregations=("region",),
            population=_adult_woman_with_account,
            measure="rate",
            numerator_filter=_regret(Regret.YES),
            unit=_("percent"),
        )
    )
    out.append(
        Indicator(
            code="regret_leaving_partly",
            name=_("Adult women who say they partly regret leaving"),
            definition=_("Among adult women who gave an intake account, the percentage who answer 'partly'."),
            numerator=_("Women who say they partly regret leaving"),
            denominator=_("Adult women who gave an intake account"),
            disaggregations=("region",),
            population=_adult_woman_with_account,
            measure="rate",
            numerator_filter=_regret(Regret.PARTLY),
            unit=_("percent"),
            headline=False,
        )
    )
    return out
