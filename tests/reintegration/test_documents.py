"""Civil documents and legal status: a pathway rests on the person's evidence,
goes through the court, and once issued becomes the registry's document;
benefit claims; a lawyer's caseload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import Document
from zhusan.reintegration import selectors, services
from zhusan.reintegration.models import BenefitClaim, DocumentPathway

from . import world


@pytest.fixture
def dna(ri_consul, ri_child, ri_granny):
    return registry.evidence_add(
        actor=Actor.system("tests", user=ri_consul), person=ri_child, topic="kinship", method="dna_kinship",
        outcome="confirmed", matched_relative=ri_granny, reference="LAB-ABC", decision="accepted",
    )  # fmt: skip


def test_a_birth_certificate_issued_after_the_court_decision_becomes_the_registrys_document(ri_lawyer, ri_child, dna):
    act = Actor.system("tests", user=ri_lawyer)
    pathway = services.pathway_create(
        actor=act, person=ri_child, document_type="birth_certificate", started_on=world.today() - timedelta(days=60),
        status="in_court", court="Aktau city court", court_case_number="CC-ABC", evidence=[dna],
    )  # fmt: skip
    assert list(pathway.evidence.all()) == [dna]
    services.hearing_add(actor=act, pathway=pathway, held_on=world.today() - timedelta(days=30))
    with pytest.raises(ValidationError) as err:
        services.pathway_update(
            actor=act, pathway=pathway, expected_version=pathway.version, status="issued", issued_on=world.today()
        )
    assert "court_decision" in err.value.message_dict
    assert not Document.objects.filter(person=ri_child).exists()
    services.pathway_update(
        actor=act, pathway=pathway, expected_version=pathway.version, court_decision="granted",
        court_decision_on=world.today() - timedelta(days=20), status="applied",
        applied_on=world.today() - timedelta(days=15), issuing_authority="Civil registry office, Aktau",
    )  # fmt: skip
    services.pathway_update(
        actor=act, pathway=pathway, expected_version=pathway.version, status="issued", issued_on=world.today(),
        document_number="BC-ABC",
    )  # fmt: skip
    document = Document.objects.get(person=ri_child)
    assert (document.doc_type, document.status, document.number) == ("birth_certificate", "issued", "BC-ABC")
    pathway.refresh_from_db()
    assert pathway.registry_document == document


def test_a_pathway_before_the_court_names_the_court(ri_lawyer, ri_child):
    with pytest.raises(ValidationError) as err:
        services.pathway_create(
            actor=Actor.system("tests", user=ri_lawyer), person=ri_child, document_type="birth_certificate",
            started_on=world.today(), status="in_court",
        )  # fmt: skip
    assert "court" in err.value.message_dict
    assert not DocumentPathway.objects.exists()


def test_evidence_of_another_person_is_refused(ri_lawyer, ri_child, ri_granny, ri_consul):
    other = registry.evidence_add(
        actor=Actor.system("tests", user=ri_consul), person=ri_granny, topic="identity", method="document",
        outcome="confirmed",
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.pathway_create(
            actor=Actor.system("tests", user=ri_lawyer), person=ri_child, document_type="birth_certificate",
            started_on=world.today(), evidence=[other],
        )  # fmt: skip
    assert "evidence" in err.value.message_dict


def test_a_granted_benefit_claim_needs_its_dates(ri_lawyer, ri_child):
    act = Actor.system("tests", user=ri_lawyer)
    with pytest.raises(ValidationError) as err:
        services.benefit_claim_create(actor=act, person=ri_child, kind="breadwinner_loss", status="granted")
    assert {"submitted_on", "decided_on"} <= set(err.value.message_dict)
    claim = world.claim(act, ri_child)
    services.benefit_claim_update(
        actor=act, claim=claim, expected_version=claim.version, status="granted", submitted_on=claim.submitted_on,
        decided_on=world.today(),
    )  # fmt: skip
    assert BenefitClaim.objects.get().status == "granted"


def test_the_lawyers_caseload_lists_open_pathways_in_scope(ri_lawyer, ri_child, ri_outsider):
    act = Actor.system("tests", user=ri_lawyer)
    pathway = world.pathway(act, ri_child)
    assert list(selectors.pathways_waiting(act, mine_only=True)) == [pathway]
    assert not selectors.pathways_waiting(Actor.system("tests", user=ri_outsider)).exists()
