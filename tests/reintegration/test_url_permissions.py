"""Our own run of the permission probe over reintegration's URLs (the whole
probe, tests/access/test_every_url.py, reads url_permissions.py too): every
role GETs and POSTs every URL on the objects of ``url_permissions.objects``
and gets a 2xx exactly where the map allows it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment

from ..factories import make_person, make_staff
from ..registry.helpers import login
from . import url_permissions, world

KWARGS = {
    "reintegration:person_reintegration": "person_uuid", "reintegration:home_visit_add": "person_uuid",
    "reintegration:placement_add": "person_uuid", "reintegration:pathway_add": "person_uuid",
    "reintegration:claim_add": "person_uuid", "reintegration:enrolment_add": "person_uuid",
    "reintegration:placement_review": "placement_uuid", "reintegration:placement_end": "placement_uuid",
    "reintegration:pathway_edit": "pathway_uuid", "reintegration:hearing_add": "pathway_uuid",
    "reintegration:claim_edit": "claim_uuid", "reintegration:education_review_add": "enrolment_uuid",
    "reintegration:school_letter": "enrolment_uuid", "api-person-reintegration": "person_uuid",
    "api-person-placements": "person_uuid", "api-person-home-visits": "person_uuid",
    "api-person-document-pathways": "person_uuid", "api-person-benefit-claims": "person_uuid",
    "api-person-enrolments": "person_uuid", "api-placement-review": "placement_uuid",
    "api-placement-end": "placement_uuid", "api-document-pathway": "pathway_uuid",
    "api-pathway-hearings": "pathway_uuid", "api-benefit-claim": "claim_uuid",
    "api-enrolment-reviews": "enrolment_uuid", "api-school-letter": "enrolment_uuid",
}  # fmt: skip


@pytest.fixture
def probe_world(ri_home, ri_consul):
    inside = make_person(ri_consul, given="Aruzhan", birth_year=world.today().year - 14)
    found = {"home": ri_home, "registrar": ri_consul, "inside": inside}
    return found, {**url_permissions.objects(found), "person_uuid": str(inside.uuid)}


@pytest.mark.parametrize("role", sorted(Role))
def test_every_reintegration_url_answers_each_role_as_the_map_says(probe_world, role):
    found, refs = probe_world
    user = make_staff(role, found["home"], username=f"probe-{role}")
    CaseAssignment.objects.create(person=found["inside"], user=user)
    client = login(Client(raise_request_exception=False), user)
    problems = []
    for name, allowed_roles in url_permissions.PERMISSIONS.items():
        kw = KWARGS.get(name)
        url = reverse(name, kwargs={kw: refs[kw]} if kw else {})
        allowed = role in allowed_roles
        got = client.get(url).status_code
        if got >= 500 or (allowed and got not in (200, 302, 405)) or (not allowed and 200 <= got < 300):
            problems.append(f"GET {name}: {got} ({'allowed' if allowed else 'refused'})")
        posted = client.post(url, {}).status_code
        if posted >= 500 or (not allowed and 200 <= posted < 300):
            problems.append(f"POST {name}: {posted} ({'allowed' if allowed else 'refused'})")
    assert not problems, problems


def test_the_map_names_every_url_of_the_app():
    from django.urls import get_resolver

    ui = {
        f"reintegration:{n}"
        for n in get_resolver().namespace_dict["reintegration"][1].reverse_dict
        if isinstance(n, str)
    }
    assert ui <= set(url_permissions.PERMISSIONS)
