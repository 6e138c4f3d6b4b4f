"""The demo's reintegration, written by ``ReintegrationWriter`` (the loader
calls it after arrival, before the case manager's assignments are narrowed),
and the figures it gives (checked by ``tests/demo/test_demo_command.py``, one load of the demo for every app): every returned child lives with family, the
school-age children go to school, camp-born children have birth certificates
through the court (some pending), and the briefing says so."""

from __future__ import annotations

from typing import Any

from zhusan.registry.models import Stage
from zhusan.reintegration.models import DocumentPathway, Enrolment, GuardianshipOrder, Placement
from zhusan.reporting.briefing import collect
from zhusan.reporting.indicators import ReportFilters, compute


def check_the_demo_places_every_returned_child_schools_them_and_documents_the_camp_born(demo: Any) -> None:
    home = [p for p in demo.plan.persons if p.role == "child" and Stage.REINTEGRATING in dict(p.path)]
    children = [demo.created[p] for p in home]
    assert children and all(Placement.objects.filter(person=c).exists() for c in children)
    assert not Placement.objects.filter(kind="institution").exists()
    orphans = [demo.created[p] for p in home if "orphan" in p.vulnerabilities]
    assert orphans and all(GuardianshipOrder.objects.filter(person=c).exists() for c in orphans)
    assert Enrolment.objects.filter(level="school").count() > len(children) // 3
    assert Enrolment.objects.filter(level="kindergarten").exists()
    certificates = DocumentPathway.objects.filter(document_type="birth_certificate")
    assert certificates.filter(status="issued", registry_document__isnull=False).exists()
    assert certificates.filter(status="in_court").exists()

    filters = ReportFilters()
    with_family = compute("children_with_family_share", filters=filters)
    assert with_family.values and with_family.values[0] == 100.0
    school = compute("children_in_education_share", filters=filters)
    assert school.values and school.values[0] is not None and school.values[0] > 80
    sentences = collect(filters, rule="", synthetic=True, threshold=5).sentences
    assert any("live with relatives" in s for s in sentences), sentences
