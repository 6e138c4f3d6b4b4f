"""Data-subject requests in the demo: one of each kind, in various states
(answered, decided with a copy, waiting for a decision, waiting for the
identity check and overdue, refused with its legal ground), written through
the services of ``zhusan.dataprotection.rights``. Seeded: the same seed picks
the same persons. Touches no stage and no published figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from random import Random

from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.services import Actor
from zhusan.dataprotection.rights import services
from zhusan.dataprotection.rights.models import SubjectRequest
from zhusan.registry.access import access_for, may_write
from zhusan.registry.models import Person

from .plan import Plan, Planned


@dataclass
class SubjectRequestWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        rng = Random(self.seed * 1013 + 15)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        staff_user = self.users[Role.CONSULAR_OFFICER]
        staff = Actor.system("zhusan demo", user=staff_user)
        officer = Actor.system("zhusan demo", user=self.users[Role.DATA_PROTECTION_OFFICER])
        writable = [
            p
            for p in self.created.values()
            if p.merged_into_id is None and may_write(access_for(staff_user, p), p, Compartment.IDENTITY)
        ]
        if len(writable) < 5:
            return
        persons = rng.sample(sorted(writable, key=lambda p: p.case_number), 5)
        today = timezone.localdate()

        def register(person: Person, kind: str, days_ago: int, **kw: str) -> SubjectRequest:
            values = {"requester_kind": "person", "language": "ru"}
            values.update(kw)
            return services.subject_request_register(
                actor=staff, person=person, kind=kind, received_on=today - timedelta(days=days_ago), **values
            )

        def identity(req: SubjectRequest, document: str) -> SubjectRequest:
            return services.subject_request_check_identity(
                actor=staff,
                request=req,
                method="document_in_person",
                document=document,
                checked_on=today,
                expected_version=req.version,
            )

        # Access: answered.
        req = identity(register(persons[0], "access", 12), "ID card")
        req = services.subject_request_decide(
            actor=officer,
            request=req,
            decision="granted",
            reason="The record was shown in full.",
            expected_version=req.version,
        )
        services.subject_request_answer(
            actor=staff, request=req, answered_on=today, method="in_person", expected_version=req.version
        )
        # Copy, asked by a mother for her child: granted in part, the copy prepared by the worker.
        req = register(
            persons[1],
            "copy",
            6,
            requester_kind="guardian",
            requester_name="Гүлнар Сейітова",
            requester_relation="мать",
        )
        req = services.subject_request_check_identity(
            actor=staff,
            request=req,
            method="guardianship_papers",
            document="ID card and guardianship order",
            checked_on=today,
            expected_version=req.version,
        )
        services.subject_request_decide(
            actor=officer,
            request=req,
            decision="partly",
            reason="A copy of the record, justice and security data left out.",
            withheld="Justice and security records",
            withheld_compartments=[Compartment.JUSTICE_SECURITY.value],
            legal_ground="investigation",
            expected_version=req.version,
        )
        # Correction: the identity checked, waiting for the officer.
        identity(register(persons[2], "correction", 4, details="The birth year is recorded wrongly."), "Passport")
        # Restriction: waiting for the identity check, and overdue.
        register(persons[3], "restriction", 40, requester_kind="representative", requester_name="A. Bekova",
                 requester_relation="lawyer")  # fmt: skip
        # Erasure: refused, the record must be kept by law.
        req = identity(register(persons[4], "erasure", 20), "ID card")
        services.subject_request_decide(
            actor=officer,
            request=req,
            decision="refused",
            reason="The programme must keep the record while the case is open.",
            withheld="Erasure of the whole record",
            legal_ground="legal_obligation",
            expected_version=req.version,
        )
