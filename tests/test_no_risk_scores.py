"""No model of Zhusan holds a risk, radicalisation, "deradicalisation
progress", extremism or threat score or level (domain §2: no automated
judgement of people), and no record relating to a person carries a risk
field usable on a child's record (children are primarily victims).

Walks every model of every installed ``zhusan.*`` app. Instrument scores (a
PHQ-9's total) are the instruments app's and allowed, named precisely
below. A professional risk assessment by a licensed assessor is recorded as
its outcome words, assessor, date and report reference: its model is named
below with the service that refuses it on a child's record, and the test
holds it to no numeric field at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import Person

from .factories import UnitFactory, make_person, make_staff

# What the field is about: risk, radicalisation, extremism, threat, danger, suspicion, ideology.
TOPIC = re.compile(r"risk|radical|extrem|threat|danger|suspect|suspicio|ideolog|jihad", re.IGNORECASE)
# A score or rating of any kind, whatever it is about.
SCORE = re.compile(r"score|rating", re.IGNORECASE)

# Scores allowed, precisely by model: validated instruments' own scores (items and
# scoring from their official publications), and record-linkage scores of how
# likely two records are one person (about records, never about a person's conduct).
INSTRUMENT_SCORES: dict[str, frozenset[str]] = {
    "instruments.Administration": frozenset({"total", "subscales"}),
    "operations.StagedRow": frozenset({"suggestions"}),
}


def _refuse_risk_assessment_for(person: Person, unit: Any) -> None:
    from zhusan.rehabilitation.sessions import services

    liaison = make_staff(Role.SECURITY_LIAISON, unit, username="no-risk-liaison")
    services.risk_assessment_record(
        actor=Actor.system("tests", user=liaison),
        person=person,
        tool="vera_2r",
        outcome="As the report states",
        assessor_name="Assessor",
        assessor_organisation="Service",
        assessed_on=timezone.localdate() - timedelta(days=1),
        report_reference="REF",
    )


# Models relating to a person whose name or fields speak of risk: each with
# the write that must refuse it on a child's record.
ADULT_ONLY: dict[str, Callable[[Person, Any], None]] = {
    "rehabilitation_sessions.ProfessionalRiskAssessment": _refuse_risk_assessment_for,
}

NUMERIC = (models.IntegerField, models.FloatField, models.DecimalField, models.DurationField)


def zhusan_models() -> Iterator[type[models.Model]]:
    for config in apps.get_app_configs():
        if config.name.startswith("zhusan."):
            yield from config.get_models()


def _texts(field: Any) -> str:
    return f"{field.name} {getattr(field, 'verbose_name', '')} {getattr(field, 'help_text', '')}"


def problems_of_field(label: str, name: str, text: str) -> list[str]:
    """Why a field (``text``: its name, verbose name, help text) suggests a forbidden score or level."""
    out = []
    if TOPIC.search(text):
        out.append(f"{label}.{name} speaks of risk, radicalisation, extremism or threat: {text!r}")
    if SCORE.search(text) and name not in INSTRUMENT_SCORES.get(label, frozenset()):
        out.append(f"{label}.{name} is a score outside the validated instruments: {text!r}")
    return out


def problems_of_model(model: type[models.Model]) -> list[str]:
    label = model._meta.label
    out: list[str] = []
    fields = [f for f in model._meta.get_fields() if getattr(f, "concrete", False)]
    for field in fields:
        out += problems_of_field(label, field.name, _texts(field))
    if TOPIC.search(f"{model.__name__} {model._meta.verbose_name}"):
        numeric = [f.name for f in fields if isinstance(f, NUMERIC) and not f.primary_key]
        if numeric:
            out.append(f"{label} is about risk and has numeric fields (a score in disguise): {numeric}")
        relates = any(f.is_relation and f.related_model is Person for f in fields)
        if relates and label not in ADULT_ONLY:
            out.append(f"{label} relates a person to risk and is not known to refuse a child's record (ADULT_ONLY)")
    return out


def test_the_walk_covers_the_apps_that_hang_off_the_person(db: Any) -> None:
    labels = {m._meta.app_label for m in zhusan_models()}
    assert {"registry", "operations", "rehabilitation_sessions", "instruments"} <= labels


def test_no_model_holds_a_risk_radicalisation_or_threat_score_or_level(db: Any) -> None:
    found = [p for model in zhusan_models() for p in problems_of_model(model)]
    assert not found, "\n".join(found)


def test_the_instrument_whitelist_names_fields_that_exist(db: Any) -> None:
    for label, names in INSTRUMENT_SCORES.items():
        model = apps.get_model(label)
        assert names <= {f.name for f in model._meta.get_fields()}, label


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("risk_level", "risk level"),
        ("radicalisation_stage", "stage of radicalisation"),
        ("deradicalisation_progress", "deradicalisation progress"),
        ("threat", "threat assessment"),
        ("extremism_index", "extremism index"),
        ("wellbeing_score", "wellbeing score"),
    ],
)
def test_the_check_catches_what_it_is_meant_to_catch(name: str, text: str) -> None:
    assert problems_of_field("someapp.Model", name, text)


def test_the_check_leaves_plain_fields_and_instrument_scores_alone() -> None:
    assert not problems_of_field("instruments.Administration", "total", "total total score")
    assert not problems_of_field("registry.Person", "stage", "stage")
    assert not problems_of_field("reintegration.Enrolment", "level", "level of schooling")


@pytest.mark.parametrize("label", sorted(ADULT_ONLY))
def test_a_risk_record_is_refused_on_a_childs_record(db: Any, label: str) -> None:
    unit = UnitFactory()
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="no-risk-registrar")
    child = make_person(registrar, birth_year=timezone.localdate().year - 15)
    model = apps.get_model(label)
    with pytest.raises(ValidationError):
        ADULT_ONLY[label](child, unit)
    assert not model._default_manager.filter(person=child).exists()
