"""The intake account (adults only, psychosocial) and professional risk
assessments (adults only, justice and security, outcome only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhusan.rehabilitation.sessions import services
from zhusan.rehabilitation.sessions.models import IntakeAccount, ProfessionalRiskAssessment, Regret, TravelReason

from ...api.conftest import token_client
from ...registry.helpers import login
from .conftest import actor

YESTERDAY = timezone.localdate() - timedelta(days=1)


def _intake(world: dict[str, Any], person: str = "woman", by: str = "psychologist", **kwargs: Any) -> IntakeAccount:
    params: dict[str, Any] = {
        "interviewed_on": YESTERDAY,
        "travel_reasons": [TravelReason.FOLLOWED_SPOUSE, TravelReason.PROMISED_MARRIAGE],
        "regret": Regret.YES,
        "account": "He said we would have a house",
    }
    params.update(kwargs)
    return services.intake_account_record(actor=actor(world[by]), person=world[person], **params)


def test_a_psychologist_records_an_adults_account_with_several_reasons_encrypted(world: dict[str, Any]) -> None:
    intake = _intake(world)
    intake.refresh_from_db()
    assert intake.travel_reasons == ["followed_spouse", "promised_marriage"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT travel_reasons_data, regret, account FROM rehabilitation_sessions_intakeaccount WHERE id = %s",
            [intake.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in row)
    assert "followed_spouse" not in str(row)


def test_an_account_is_refused_on_a_childs_record(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _intake(world, person="child")
    assert "adults only" in str(exc.value.message_dict["person"])
    assert not IntakeAccount.objects.exists()


def test_an_unknown_reason_or_answer_writes_nothing(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _intake(world, travel_reasons=["adventure"], regret="maybe")
    assert {"travel_reasons", "regret"} <= set(exc.value.message_dict)
    assert not IntakeAccount.objects.exists()


def test_a_theologian_may_neither_record_nor_read_the_account(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        _intake(world, by="theologian")
    _intake(world)
    url = f"/api/v1/rehabilitation/sessions/persons/{world['woman'].uuid}/intake/"
    assert token_client(world["theologian"]).get(url).status_code == 403
    assert token_client(world["case_manager"]).get(url).status_code == 403
    got = token_client(world["psychologist"]).get(url)
    assert got.status_code == 200 and got.json()["regret"] == "yes"
    page = login(Client(), world["theologian"]).get(
        reverse("rehabilitation_sessions:person_intake", args=[world["woman"].uuid])
    )
    assert page.status_code == 403 and "He said" not in page.content.decode()


def test_correcting_the_account_needs_the_version_read(world: dict[str, Any]) -> None:
    intake = _intake(world)
    with pytest.raises(ValidationError):
        _intake(world, regret=Regret.PARTLY)
    corrected = _intake(world, regret=Regret.PARTLY, expected_version=intake.version)
    assert corrected.regret == Regret.PARTLY and corrected.version == intake.version + 1


def test_the_intake_form_saves_through_the_page(world: dict[str, Any]) -> None:
    url = reverse("rehabilitation_sessions:person_intake", args=[world["woman"].uuid])
    client = login(Client(), world["psychologist"])
    response = client.post(
        url, {"interviewed_on": YESTERDAY.isoformat(), "travel_reasons": ["religious_motive"], "regret": "partly"}
    )
    assert response.status_code == 302
    assert IntakeAccount.objects.get().travel_reasons == ["religious_motive"]
    assert "Religious motive" in client.get(url).content.decode()


def _risk(
    world: dict[str, Any], person: str = "man", by: str = "security", **kwargs: Any
) -> ProfessionalRiskAssessment:
    params: dict[str, Any] = {
        "tool": "vera_2r",
        "outcome": "Low concern on protective factors",
        "assessor_name": "Dana Assessor",
        "assessor_organisation": "Probation Service",
        "assessed_on": YESTERDAY,
        "report_reference": "PS/2019/114",
    }
    params.update(kwargs)
    return services.risk_assessment_record(actor=actor(world[by]), person=world[person], **params)


def test_the_security_liaison_records_an_adults_assessment_as_outcome_only(world: dict[str, Any]) -> None:
    assessment = _risk(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT outcome, report_reference FROM rehabilitation_sessions_professionalriskassessment WHERE id = %s",
            [assessment.pk],
        )
        assert all(v.startswith("fernet:") for v in cursor.fetchone())


def test_an_assessment_is_refused_on_a_childs_record(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _risk(world, person="child")
    assert "adults only" in str(exc.value.message_dict["person"])
    assert not ProfessionalRiskAssessment.objects.exists()


def test_an_assessment_needs_every_field_and_a_licensed_tool(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _risk(world, tool="home_made", outcome="", report_reference="", assessed_on=date(2999, 1, 1))
    assert {"tool", "outcome", "report_reference", "assessed_on"} <= set(exc.value.message_dict)


def test_only_justice_and_security_reads_or_writes_assessments(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        _risk(world, by="psychologist")
    _risk(world)
    url = f"/api/v1/rehabilitation/sessions/persons/{world['man'].uuid}/risk-assessments/"
    for who in ("psychologist", "case_manager", "theologian"):
        assert token_client(world[who]).get(url).status_code in (403, 404), who
    got = token_client(world["security"]).get(url)
    assert got.status_code == 200 and got.json()[0]["outcome"] == "Low concern on protective factors"
    posted = token_client(world["security"]).post(
        url,
        {
            "tool": "erg22",
            "outcome": "",
            "assessor_name": "A",
            "assessor_organisation": "B",
            "assessed_on": YESTERDAY.isoformat(),
            "report_reference": "R",
        },
        format="json",
    )
    assert posted.status_code == 400 and "outcome" in posted.json()
    assert ProfessionalRiskAssessment.objects.count() == 1
