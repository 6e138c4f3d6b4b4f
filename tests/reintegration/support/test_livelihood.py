"""Livelihood and housing: records, the contact compartment, bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent
from zhusan.reintegration.support import services
from zhusan.reintegration.support.models import Employment, Housing, HousingKind

from ...registry.helpers import login
from .conftest import act


def _job(by, person, **extra):
    values = {
        "employer_name": "Caspian Textiles",
        "employer_contact": "+7 7292 000 000",
        "sector": "Garment industry",
        "contract_kind": "permanent",
        "started_on": date(2020, 3, 1),
        **extra,
    }
    return services.employment_add(actor=act(by), person=person, **values)


def test_an_employment_is_recorded_and_its_employer_is_not_in_clear_in_the_trail(worker, woman):
    job = _job(worker, woman)
    event = AuditEvent.objects.get(action=Action.CREATE, object_ref=str(job.uuid))
    assert event.changes["employer_name"]["encrypted"] is True
    assert "Caspian" not in str(event.changes)
    assert event.changes["sector"]["new"] == "Garment industry"


def test_the_employer_shows_only_to_readers_of_contact_data(worker, psychologist, woman, client):
    _job(worker, woman)
    url = reverse("reintegration_support:person_support", args=[woman.uuid])
    login(client, worker)
    assert "Caspian Textiles" in client.get(url).content.decode()
    login(client, psychologist)  # reads the family compartment, not contact and location
    page = client.get(url).content.decode()
    assert "Garment industry" in page
    assert "Caspian Textiles" not in page


def test_an_employment_ending_before_it_starts_is_refused_and_nothing_written(worker, woman):
    with pytest.raises(ValidationError) as exc:
        _job(worker, woman, ended_on=date(2019, 1, 1))
    assert "ended_on" in exc.value.message_dict
    assert not Employment.objects.exists()


def test_a_start_in_the_future_or_before_birth_is_refused(worker, woman):
    for started in (timezone.localdate() + timedelta(days=3), date(1980, 1, 1)):
        with pytest.raises(ValidationError):
            _job(worker, woman, started_on=started)


def test_a_psychologist_cannot_record_livelihood(psychologist, woman):
    with pytest.raises(PermissionDenied):
        _job(psychologist, woman)


def test_a_change_of_housing_ends_the_current_one(worker, woman):
    first = services.housing_record(
        actor=act(worker), person=woman, kind=HousingKind.WITH_RELATIVES, started_on=date(2019, 6, 1), address="Aktau"
    )
    services.housing_record(actor=act(worker), person=woman, kind=HousingKind.RENTED, started_on=date(2021, 2, 1))
    first.refresh_from_db()
    assert first.ended_on == date(2021, 2, 1)
    assert Housing.objects.filter(person=woman, ended_on__isnull=True).get().kind == HousingKind.RENTED


def test_a_housing_change_cannot_start_before_the_current_one(worker, woman):
    services.housing_record(actor=act(worker), person=woman, kind=HousingKind.SHELTER, started_on=date(2021, 1, 1))
    with pytest.raises(ValidationError):
        services.housing_record(actor=act(worker), person=woman, kind=HousingKind.OWN, started_on=date(2020, 1, 1))
    assert Housing.objects.count() == 1


def test_a_course_marked_completed_needs_its_end_date(worker, woman):
    with pytest.raises(ValidationError):
        services.course_add(
            actor=act(worker), person=woman, provider="Ministry of Labour", course="Tailoring",
            started_on=date(2020, 1, 1), completed=True,
        )  # fmt: skip


def test_the_tab_form_shows_errors_and_writes_nothing(worker, woman, client):
    login(client, worker)
    response = client.post(
        reverse("reintegration_support:employment_add", args=[woman.uuid]),
        {"employer_name": "Caspian", "sector": "Textiles", "contract_kind": "permanent", "started_on": "2019-01-01",
         "ended_on": "2018-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not Employment.objects.exists()


def test_the_tab_records_housing(worker, woman, client):
    login(client, worker)
    response = client.post(
        reverse("reintegration_support:housing_add", args=[woman.uuid]),
        {"kind": "with_relatives", "address": "Aktau, 5th district", "started_on": "2019-05-10"},
    )
    assert response.status_code == 302
    assert Housing.objects.get(person=woman).address == "Aktau, 5th district"


def test_the_letter_to_an_employer_introduces_the_person_without_her_background(worker, woman, client):
    from zhusan.reintegration.letters import letter_is_clean
    from zhusan.reintegration.support.letters import TEXTS, employer_letter

    job = _job(worker, woman)
    for language in TEXTS:
        letter = employer_letter(job, language=language, contact="Saule, +7 700 000 00 00")
        assert letter_is_clean(letter.text), letter.text
        assert "Caspian Textiles" in letter.text
    login(client, worker)
    response = client.get(reverse("reintegration_support:employer_letter", args=[job.uuid]) + "?language=kk")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_ref=str(job.uuid)).exists()


def test_a_letter_with_a_forbidden_word_is_refused(worker, woman, client):
    from zhusan.reintegration.letters import LetterRefusedError
    from zhusan.reintegration.support.letters import employer_letter

    job = _job(worker, woman, sector="Returnee rehabilitation project")
    with pytest.raises(LetterRefusedError):
        employer_letter(job, language="en", contact="Saule")
    login(client, worker)
    response = client.get(reverse("reintegration_support:employer_letter", args=[job.uuid]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
