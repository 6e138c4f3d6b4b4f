"""Who may open each data-subject request and sealing URL (the probe:
``tests/access/test_every_url.py``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import POLICIES, Capability, Compartment, Role
from zhusan.audit.services import Actor
from zhusan.dataprotection.rights import services
from zhusan.registry.models import SealedCompartment

from ...factories import make_staff


def _can(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if capability in p.capabilities)


def _reads(c: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if c in p.read)


def _writes(c: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if c in p.write)


OFFICER = _can(Capability.MANAGE_DATA_PROTECTION)
CASE_STAFF = _writes(Compartment.IDENTITY)  # case manager, consular officer

PERMISSIONS: dict[str, frozenset[Role]] = {
    "dataprotection_rights:requests": OFFICER,
    "dataprotection_rights:person_requests": _reads(Compartment.IDENTITY),
    "dataprotection_rights:request_add": CASE_STAFF,
    "dataprotection_rights:request_detail": OFFICER | CASE_STAFF,
    "dataprotection_rights:request_identity": OFFICER | CASE_STAFF,
    "dataprotection_rights:request_decide": OFFICER,
    "dataprotection_rights:request_extend": OFFICER,
    "dataprotection_rights:request_correction": OFFICER | CASE_STAFF,
    "dataprotection_rights:request_answer": OFFICER | CASE_STAFF,
    # The officer, or the one case worker who registered the request (not a probe persona).
    "dataprotection_rights:copy_pdf": OFFICER,
    "dataprotection_rights:copy_json": OFFICER,
    # The named role for sealed records (ZHUSAN_SEALED_RECORD_READER_ROLE).
    "dataprotection_rights:seal": frozenset({Role.SECURITY_LIAISON}),
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    registrar = world["registrar"]
    officer = make_staff(Role.DATA_PROTECTION_OFFICER, world["home"], username="probe-rights-officer")
    act, dpo = Actor.system("probe", user=registrar), Actor.system("probe", user=officer)
    req = services.subject_request_register(
        actor=act,
        person=world["inside"],
        kind="copy",
        requester_kind="guardian",
        requester_name="Gulnara",
        requester_relation="mother",
        received_on=timezone.localdate(),
    )
    done = services.subject_request_register(
        actor=act, person=world["inside"], kind="copy", requester_kind="person", received_on=timezone.localdate()
    )
    done = services.subject_request_check_identity(
        actor=act,
        request=done,
        method="document_in_person",
        document="ID card",
        checked_on=timezone.localdate(),
        expected_version=done.version,
    )
    done = services.subject_request_decide(
        actor=dpo, request=done, decision="granted", reason="A copy of the whole record.", expected_version=done.version
    )
    copy = done.copies.get()
    seal = SealedCompartment.objects.create(
        person=world["inside_adult"], compartment="justice_security", sealed_on=date(2026, 1, 1), reason="probe"
    )
    return {"request_uuid": str(req.uuid), "copy_uuid": str(copy.uuid), "seal_uuid": str(seal.uuid)}
