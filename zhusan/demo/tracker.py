"""Demo data for publishing to the public tracker: one weekly target (a
folder under the publishing root) and its first publication, made by the
programme manager through the tracker's services."""

from __future__ import annotations

from dataclasses import dataclass

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import Person
from zhusan.tracker import services
from zhusan.tracker.models import PublishTarget, Schedule, TargetKind, Weekday

from .plan import Plan, Planned


@dataclass
class TrackerWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        if PublishTarget.objects.exists():
            return  # written already (idempotent)
        manager = Actor.system("zhusan demo", user=self.users[Role.PROGRAMME_MANAGER])
        target = services.target_create(
            actor=manager,
            name="Public tracker (weekly)",
            kind=TargetKind.FOLDER,
            folder="tracker",
            schedule=Schedule.WEEKLY,
            weekday=Weekday.MONDAY,
        )
        services.publish(actor=manager, target=target)
