"""Who may open each reintegration URL on an object in their scope (the
probe: ``tests/access/test_every_url.py``). Placement and guardianship are
family records, documents and benefits documents records, school records
contact-and-location records: each URL follows its compartment (read for
pages and lists, write for forms)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from zhusan.accounts.permissions import POLICIES, Compartment, Role
from zhusan.audit.services import Actor

from . import world


def _reads(c: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if c in p.read)


def _writes(c: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if c in p.write)


C = Compartment
PERMISSIONS: dict[str, frozenset[Role]] = {
    "reintegration:person_reintegration": _reads(C.FAMILY),
    "reintegration:home_visit_add": _writes(C.FAMILY),
    "reintegration:placement_add": _writes(C.FAMILY),
    "reintegration:placement_review": _writes(C.FAMILY),
    "reintegration:placement_end": _writes(C.FAMILY),
    "reintegration:placements_due": _reads(C.FAMILY),
    "reintegration:pathway_add": _writes(C.DOCUMENTS),
    "reintegration:pathway_edit": _writes(C.DOCUMENTS),
    "reintegration:hearing_add": _writes(C.DOCUMENTS),
    "reintegration:claim_add": _writes(C.DOCUMENTS),
    "reintegration:claim_edit": _writes(C.DOCUMENTS),
    "reintegration:caseload": _reads(C.DOCUMENTS),
    "reintegration:enrolment_add": _writes(C.CONTACT_LOCATION),
    "reintegration:education_review_add": _writes(C.CONTACT_LOCATION),
    "reintegration:school_letter": _reads(C.CONTACT_LOCATION),
    "api-person-reintegration": _reads(C.FAMILY),
    "api-person-placements": _reads(C.FAMILY),
    "api-person-home-visits": _reads(C.FAMILY),
    "api-person-document-pathways": _reads(C.DOCUMENTS),
    "api-person-benefit-claims": _reads(C.DOCUMENTS),
    "api-person-enrolments": _reads(C.CONTACT_LOCATION),
    "api-placements-due": _reads(C.FAMILY),
    # POST-only: a GET answers 405 to everyone; a writer's empty POST answers 400/428.
    "api-placement-review": _writes(C.FAMILY),
    "api-placement-end": _writes(C.FAMILY),
    "api-document-pathways": _reads(C.DOCUMENTS),
    "api-document-pathway": _reads(C.DOCUMENTS),
    "api-pathway-hearings": _writes(C.DOCUMENTS),
    "api-benefit-claim": _writes(C.DOCUMENTS),
    "api-enrolment-reviews": _writes(C.CONTACT_LOCATION),
    "api-school-letter": _reads(C.CONTACT_LOCATION),
}


def objects(world_: dict[str, Any]) -> dict[str, str]:
    """A placement (with its grandmother, home visit and assessment), a birth
    certificate pathway, a benefit claim and a school enrolment of the child
    ``world["inside"]``, written by the registrar."""
    act = Actor.system("probe", user=world_["registrar"])
    child = world_["inside"]
    granny = world.grandmother_of(act, child, given="Bakyt")
    placement = world.place(act, child, granny, on=world.today() - timedelta(days=30))
    return {
        "placement_uuid": str(placement.uuid),
        "pathway_uuid": str(world.pathway(act, child).uuid),
        "claim_uuid": str(world.claim(act, child).uuid),
        "enrolment_uuid": str(world.enrol(act, child).uuid),
    }
