"""Retention on first look: the rules configured, what is past its period
waiting for the officer's approval, and one legal hold.

Run AFTER the follow-up writer (its closures are the anchors of the periods).
The rules are those of ``ZHUSAN_RETENTION_RULES`` (justice and security data
five years after closure, health and notes ten, identity for the programme's
life). One closed case, picked by the seed among those whose justice data is
past its period, is put under a legal hold (an appeal at the regional court),
so the officer sees that it is not listed. Then the daily job's work runs
once: the cases past their period are filed into a batch waiting for
approval (how many depends on the plan's closure dates; nothing is deleted).

Seeded: the same seed holds the same case.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.dataprotection import services
from zhusan.dataprotection.models import RecordKind
from zhusan.registry.models import Person

from .plan import Plan, Planned


@dataclass
class RetentionWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        rng = Random(self.seed * 1301 + 16)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        officer = self.users.get(Role.DATA_PROTECTION_OFFICER)
        if officer is None:
            return
        actor = Actor.system("zhusan demo", user=officer)
        services.rules_seed(actor=actor)
        today = timezone.localdate()
        due = services.due_list(today=today)
        justice = sorted(
            {d.person.pk: d.person for d in due if d.rule.kind == RecordKind.JUSTICE_SECURITY}.values(),
            key=lambda p: p.case_number,
        )
        candidates = justice or sorted({d.person.pk: d.person for d in due}.values(), key=lambda p: p.case_number)
        if candidates and not services.held_person_ids():
            held = rng.choice(candidates)
            services.hold_place(
                actor=actor,
                person=held,
                reason="Appeal pending at the regional court: the case file must be kept until judgment.",
                reference=f"Regional court, appeal {rng.randint(100, 999)}/{today.year}",
            )
        services.file_due(actor=actor, today=today)
