"""Validated instruments for the demo's residents: a baseline soon after
admission and a before-discharge administration for those discharged, with
totals that mostly improve (as the public record of the Aktau programme
describes), follow-ups at 3 and 6 months for some, a few follow-ups left
overdue, and one PHQ-9 whose item 9 is above 0: its safety alert goes to the
demo login ``psychologist`` and is left unacknowledged for the morning.

Residents are the persons with a ``zhusan.rehabilitation`` Admission (read
here only: the demo sits above every app). Everything is written through
``zhusan.instruments.services`` as the demo psychologist; the schedule is the
one the rehabilitation services made on admission and discharge (the calls
here are idempotent). Seeded: the same seed writes the same answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.instruments import services
from zhusan.instruments.catalogue import INSTRUMENTS, PHQ9_SELF_HARM_ITEM, Instrument, fits_age
from zhusan.instruments.models import Occasion
from zhusan.registry.models import Person

from .plan import Plan, Planned

logger = logging.getLogger(__name__)

# Of the discharged residents, this share has its 3-month follow-up done
# (the rest of those due are left overdue).
FOLLOW_UP_DONE = 0.7


@dataclass
class InstrumentsWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        from zhusan.rehabilitation.models import Admission

        self.today = timezone.localdate()
        self.actor = Actor.system("zhusan demo", user=self.users[Role.PSYCHOLOGIST])
        admissions = list(Admission.objects.select_related("person").order_by("admitted_on", "pk"))
        carrier = self._alert_carrier(admissions)
        alert_raised = False
        refused: list[str] = []
        for n, admission in enumerate(admissions):
            rng = Random(self.seed * 7919 + n)  # noqa: S311 - a reproducible synthetic dataset, not a secret
            raise_alert = admission == carrier
            try:
                done = self._resident(rng, admission, raise_alert=raise_alert)
            except PermissionDenied:
                refused.append(admission.person.case_number)
                continue
            except ValidationError:
                logger.warning("demo instruments skipped for %s", admission.person.case_number, exc_info=True)
                continue
            alert_raised = alert_raised or (raise_alert and done)
        if refused:
            # The regionally managed residents (Zhusan-1's) are outside the
            # unit scope of the demo psychologist, who writes psychosocial data
            # only for persons her unit manages or she is assigned to. Writing
            # them as someone else would change the published figures.
            logger.warning(
                "demo instruments: %d residents left without instruments, outside the demo psychologist's "
                "unit scope (managed by a regional unit): %s",
                len(refused),
                ", ".join(refused),
            )
        if not alert_raised:
            logger.warning("demo: no open adult admission carried the safety alert")

    def _alert_carrier(self, admissions: list[Any]) -> Any:
        """The open adult admission whose safety alert the psychologist finds in
        the morning: one whose psychologist key worker is the demo login
        ``psychologist`` (so the alert is addressed to her), else the first."""
        from zhusan.rehabilitation.models import KeyWorker

        open_adults = [a for a in admissions if a.discharged_on is None and self._adult(a.person)]
        mine = set(
            KeyWorker.objects.filter(
                user=self.users[Role.PSYCHOLOGIST], discipline="psychologist", ended_on__isnull=True
            ).values_list("person_id", flat=True)
        )
        return next((a for a in open_adults if a.person_id in mine), open_adults[0] if open_adults else None)

    def _adult(self, person: Person) -> bool:
        age = person.age(self.today)
        return age is not None and age >= 18

    def _resident(self, rng: Random, admission: Any, *, raise_alert: bool) -> bool:
        person: Person = admission.person
        admitted: date = admission.admitted_on
        discharged: date | None = admission.discharged_on
        services.schedule_admission(actor=self.actor, person=person, admitted_on=admitted)
        baseline_on = min(admitted + timedelta(days=rng.randint(1, 5)), self.today)
        fitting = self._fitting(person, baseline_on)
        if not fitting:
            return False
        severity = {inst.code.value: rng.uniform(0.3, 0.75) for inst in fitting}
        alert_done = False
        for inst in fitting:
            item9 = raise_alert and inst.code == "phq9"
            self._administer(rng, person, inst, Occasion.BASELINE, baseline_on, severity[inst.code], item9=item9)
            alert_done = alert_done or item9
        if discharged is None:
            return alert_done
        before_on = max(discharged - timedelta(days=rng.randint(1, 3)), baseline_on)
        for inst in fitting:
            # Most improve, markedly; about one in six barely moves.
            drop = rng.uniform(0.0, 0.08) if rng.random() < 0.17 else rng.uniform(0.18, 0.4)
            severity[inst.code] = max(0.02, severity[inst.code] - drop)
            self._administer(rng, person, inst, Occasion.BEFORE_DISCHARGE, before_on, severity[inst.code])
        services.schedule_follow_up(actor=self.actor, person=person, discharged_on=discharged)
        for occasion, months in ((Occasion.MONTH_3, 3), (Occasion.MONTH_6, 6)):
            due = services.add_months(discharged, months)
            if due > self.today or rng.random() > FOLLOW_UP_DONE:
                break  # not yet due, or left overdue
            on = min(due + timedelta(days=rng.randint(0, 10)), self.today)
            for inst in self._fitting(person, on):
                if inst.code.value in severity:
                    severity[inst.code] = max(0.0, severity[inst.code] + rng.uniform(-0.08, 0.05))
                    self._administer(rng, person, inst, occasion, on, severity[inst.code])
        return alert_done

    def _fitting(self, person: Person, on: date) -> list[Instrument]:
        age = person.age(on)
        return [i for i in INSTRUMENTS.values() if age is not None and fits_age(i, age)]

    def _administer(
        self,
        rng: Random,
        person: Person,
        inst: Instrument,
        occasion: Occasion,
        on: date,
        level: float,
        *,
        item9: bool = False,
    ) -> None:
        answers: dict[str, int] = {}
        for item in inst.items:
            allowed = inst.allowed(item)
            position = min(len(allowed) - 1, max(0, round(rng.gauss(level, 0.18) * (len(allowed) - 1))))
            answers[item.key] = allowed[position]
        if inst.code == "phq9":
            answers[PHQ9_SELF_HARM_ITEM] = 1 if item9 else 0
        services.administration_record(
            actor=self.actor,
            person=person,
            instrument=inst.code,
            occasion=occasion,
            administered_on=on,
            answers=answers,
        )
