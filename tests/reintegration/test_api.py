"""The API: the same rules, fields and refusals as the pages."""

from __future__ import annotations

from datetime import timedelta

from zhusan.reintegration import services
from zhusan.reintegration.models import Placement

from ..api.conftest import token_client
from . import world


def _placement_body(granny, **extra):
    return {
        "kind": "relatives", "carer": str(granny.uuid), "carer_relation": "grandparent",
        "started_on": world.today().isoformat(), "next_review_on": (world.today() + timedelta(days=90)).isoformat(),
        "childs_assent": "agrees", **extra,
    }  # fmt: skip


def test_a_placement_without_an_assessment_answers_400_with_the_field_and_writes_nothing(
    ri_act, ri_social, ri_child, ri_granny
):
    services.home_visit_record(
        actor=ri_act, person=ri_child, carer=ri_granny, visited_on=world.today(), outcome="suitable"
    )
    api = token_client(ri_social)
    response = api.post(f"/api/v1/persons/{ri_child.uuid}/placements/", _placement_body(ri_granny), format="json")
    assert response.status_code == 400
    assert "best_interests" in response.json()
    assert not Placement.objects.exists()
    body = _placement_body(
        ri_granny,
        best_interests={"assessed_on": world.today().isoformat(), "recommendation": "Grandmother.",
                        "childs_views": "Wants to live with her grandmother."},
    )  # fmt: skip
    response = api.post(f"/api/v1/persons/{ri_child.uuid}/placements/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["best_interests"]["purpose"] == "placement"


def test_an_institution_without_justification_answers_400(ri_social, ri_child):
    body = {**_placement_body(ri_child), "kind": "institution", "carer": None, "institution_name": "Home"}
    response = token_client(ri_social).post(f"/api/v1/persons/{ri_child.uuid}/placements/", body, format="json")
    assert response.status_code == 400
    assert {"institution_justification", "case_conference_reference"} <= set(response.json())


def test_the_same_compartment_rule_as_the_tab(ri_teacher, ri_lawyer, ri_act, ri_child):
    world.enrol(ri_act, ri_child)
    assert token_client(ri_teacher).get(f"/api/v1/persons/{ri_child.uuid}/placements/").status_code in (403, 404)
    lawyer = token_client(ri_lawyer)
    assert lawyer.get(f"/api/v1/persons/{ri_child.uuid}/enrolments/").status_code == 403
    summary = lawyer.get(f"/api/v1/persons/{ri_child.uuid}/reintegration/").json()
    assert "enrolments" not in summary and "document_pathways" in summary


def test_a_pathway_moves_on_with_the_version_read(ri_lawyer, ri_child):
    api = token_client(ri_lawyer)
    created = api.post(
        f"/api/v1/persons/{ri_child.uuid}/document-pathways/",
        {"document_type": "birth_certificate", "started_on": world.today().isoformat(), "status": "in_court",
         "court": "Aktau city court"},
        format="json",
    ).json()  # fmt: skip
    url = f"/api/v1/reintegration/document-pathways/{created['uuid']}/"
    assert api.patch(url, {"court_decision": "granted"}, format="json").status_code == 428
    stale = api.patch(url, {"court_decision": "pending", "version": created["version"] + 5}, format="json")
    assert stale.status_code == 409
    ok = api.patch(
        url,
        {"court_decision": "granted", "court_decision_on": world.today().isoformat(), "version": created["version"]},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["court_decision"] == "granted"


def test_the_school_letter_is_a_pdf(ri_act, ri_social, ri_child):
    enrolment = world.enrol(ri_act, ri_child)
    response = token_client(ri_social).get(f"/api/v1/reintegration/enrolments/{enrolment.uuid}/letter/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_due_list_in_the_api(ri_act, ri_social, ri_child, ri_granny):
    world.place(ri_act, ri_child, ri_granny, on=world.today() - timedelta(days=100), review_in_days=30)
    rows = token_client(ri_social).get("/api/v1/reintegration/placements/due/?overdue=true").json()
    assert [r["person"] for r in rows] == [str(ri_child.uuid)]
