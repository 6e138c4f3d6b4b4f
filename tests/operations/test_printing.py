"""The printable manifest carries only what travel needs, and is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.operations import services
from zhusan.registry import services as registry_services
from zhusan.registry.models import NameKind, Script

from ..factories import make_person
from ..registry.helpers import login
from ..reporting.test_briefing import pdf_text
from .helpers import act

pytestmark = pytest.mark.django_db


def test_the_printed_manifest_lists_travel_details_only_and_is_audited(client, consul, movement):
    person = make_person(
        consul, given="Айгерім", family="Жүсіпова", script=Script.CYRILLIC, vulnerabilities=["pregnancy"],
        extra_names=[registry_services.NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION,
                                                 given="AIGERIM", family="ZHUSSIPOVA")],
    )  # fmt: skip
    registry_services.document_add(
        actor=act(consul), person=person, doc_type="laissez_passer", status="issued", number="LP-0042"
    )
    services.manifest_add(actor=act(consul), movement=movement, person=person)
    login(client, consul)
    response = client.get(reverse("operations:manifest_print", args=[movement.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert person.case_number in text
    assert "AIGERIM ZHUSSIPOVA" in text
    assert "LP-0042" in text
    assert "Pregnancy" not in text and "pregnancy" not in text
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="manifest")
    assert event.detail["persons"] == 1


def test_a_teacher_cannot_print_a_manifest(client, teacher, movement):
    login(client, teacher)
    response = client.get(reverse("operations:manifest_print", args=[movement.uuid]))
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
