"""The registry's extension points, seen from an app that plugs in: the
operations app adds a person tab, a person API sub-resource and an
after-consent handler without the registry naming it; a tab shows by the
same compartment rule in the UI and the API; an app's export fields and
indicators join reporting's catalogues; slow handlers are queued as tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.services import Actor
from zhusan.registry import extensions, services
from zhusan.registry.extensions import POINTS, ExportField
from zhusan.reporting.case_exports import catalogue as export_catalogue
from zhusan.reporting.indicators import Indicator, ReportFilters, catalogue, compute, count_table

from ..api.conftest import token_client
from ..factories import letters, make_person, make_staff
from .helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def points() -> Iterator[None]:
    """Whatever a test registers is gone afterwards."""
    saved = {name: (value.copy()) for name, value in vars(POINTS).items()}
    yield
    for name, value in saved.items():
        setattr(POINTS, name, value)


def test_every_app_tab_is_on_the_person_page_of_a_user_who_reads_its_compartment(client, alice):
    person = make_person(alice, given="Aysha", family="Nurlanova")
    page = login(client, alice).get(reverse("registry:person_detail", args=[person.uuid])).content.decode()
    assert reverse("operations:person_repatriation", args=[person.uuid]) in page
    assert reverse("registry:person_timeline", args=[person.uuid]) in page


def test_an_app_tab_is_hidden_and_refused_for_a_role_without_its_compartment(client, alice, centre_unit):
    teacher = make_staff(Role.TEACHER, centre_unit, username="teacher")
    # A child: a teacher's scope reaches only children (the tab is what is refused here).
    person = make_person(alice, given="Aysha", family="Nurlanova", birth_year=timezone.localdate().year - 10)
    login(client, teacher)
    page = client.get(reverse("registry:person_detail", args=[person.uuid])).content.decode()
    assert reverse("operations:person_repatriation", args=[person.uuid]) not in page
    assert client.get(reverse("operations:person_repatriation", args=[person.uuid])).status_code == 403
    api = token_client(teacher).get(f"/api/v1/persons/{person.uuid}/manifest-entries/")
    assert api.status_code == 403


def test_the_repatriation_sub_resource_answers_as_the_tab_does(client, alice):
    person = make_person(alice, given="Aysha", family="Nurlanova")
    response = token_client(alice).get(f"/api/v1/persons/{person.uuid}/manifest-entries/")
    assert response.status_code == 200 and response.json() == []
    tab = login(client, alice).get(reverse("operations:person_repatriation", args=[person.uuid]))
    assert tab.status_code == 200 and "This person is on no manifest." in tab.content.decode()


def test_a_person_out_of_scope_is_not_found_through_an_app_sub_resource(alice, charlie):
    person = make_person(alice, given="Aysha", family="Nurlanova")
    assert token_client(charlie).get(f"/api/v1/persons/{person.uuid}/manifest-entries/").status_code == 404


def test_an_app_export_field_joins_the_case_export_catalogue(points):
    extensions.export_fields(
        lambda: [ExportField("school", gettext_lazy("School"), Compartment.IDENTITY, lambda p, c: "")]
    )
    assert "school" in export_catalogue()


def test_an_export_field_of_a_severe_compartment_is_refused_whichever_app_declares_it(points):
    from django.core.exceptions import ImproperlyConfigured

    extensions.export_fields(
        lambda: [ExportField("session_notes", gettext_lazy("Notes"), Compartment.PSYCHOSOCIAL, lambda p, c: "")]
    )
    with pytest.raises(ImproperlyConfigured, match="session_notes"):
        export_catalogue()


def test_an_app_indicator_counts_from_the_column_it_adds_to_the_statistical_row(alice, points):
    from django.db.models import Case, Value, When

    for i in range(8):
        make_person(alice, given=f"Aysha{letters(i)}", family="Nurlanova", birth_year=2010 + (i % 2))
    # The column an app adds: here, "born in 2010" stands for what the app records.
    extensions.statistics_columns(
        lambda: {"in_school": Case(When(birth_year=2010, then=Value(True)), default=Value(False))}
    )
    extensions.indicators(
        lambda: [
            Indicator(
                code="in_school",
                name="In school",
                definition="Persons in school",
                numerator="Persons in school",
                denominator=None,
                disaggregations=(),
                population=lambda row: bool(row["in_school"]),
            )
        ]
    )
    assert "in_school" in catalogue()
    assert count_table("in_school").grand_total == 4
    published = compute("in_school", filters=ReportFilters(), threshold=3).table.grand_total
    assert published is not None and abs(published - 4) <= 2  # perturbed by its cell key (docs/reporting.md)


def test_a_slow_handler_is_queued_as_a_task_and_runs_as_the_registering_user(
    alice, points, django_capture_on_commit_callbacks
):
    seen: list[tuple[Any, str]] = []

    @extensions.after_person_registered("tests.slow", slow=True)
    def slow(actor: Actor, person: Any) -> None:
        seen.append((actor.user, person.case_number))

    with django_capture_on_commit_callbacks(execute=True):
        person = make_person(alice, given="Aysha", family="Nurlanova")
    assert seen == [(alice, person.case_number)]


def test_a_handler_never_runs_for_a_registration_that_rolled_back(alice, points, django_capture_on_commit_callbacks):
    from django.db import transaction

    seen: list[str] = []
    extensions.after_person_registered("tests.fast")(lambda actor, person: seen.append(person.case_number))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_person(alice, given="Aysha", family="Nurlanova")
            raise RuntimeError("the caller fails after registering")
    assert seen == []


def test_two_handlers_cannot_share_a_name(points):
    extensions.after_person_registered("tests.one")(lambda actor, person: None)
    with pytest.raises(ValueError, match="already registered"):
        extensions.after_person_registered("tests.one")(lambda actor, person: None)


def test_a_consent_recorded_in_the_registry_updates_the_persons_open_checklist(
    alice, centre_unit, django_capture_on_commit_callbacks
):
    from zhusan.operations import services as operations
    from zhusan.operations.models import ClearanceKind
    from zhusan.registry.models import Site, SiteKind

    consul = make_staff(Role.CONSULAR_OFFICER, centre_unit, username="consul")
    act = Actor.system("tests", user=consul)
    operation = operations.operation_create(actor=act, code="Zhusan-2", name="Zhusan 2", country="KZ")
    camp = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
    movement = operations.movement_create(
        actor=act, operation=operation, label="Flight 1", origin=camp, destination="Aktau"
    )
    person = make_person(consul, given="Aysha", family="Nurlanova", birth_year=1990)
    entry = operations.manifest_add(actor=act, movement=movement, person=person)
    assert not entry.clearance_items.get(kind=ClearanceKind.CONSENT).satisfied
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_record(actor=act, person=person, purpose="return", status="granted", given_by="self")
    assert entry.clearance_items.get(kind=ClearanceKind.CONSENT).satisfied
