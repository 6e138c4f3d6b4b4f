"""Family tracing: only persons consenting to tracing are matched; a confirmed
match records the relationship with the inquirer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.matching import services
from zhusan.matching.models import TracingMatch, TracingMatchStatus, TracingRequest, TracingStatus
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentPurpose, RecordType, Relationship, Script

from ..factories import make_person


def actor(user):
    return Actor.system("tests", user=user)


def consent(user, person, status="granted"):
    registry.consent_record(
        actor=actor(user), person=person, purpose=ConsentPurpose.TRACING, status=status, given_by="self"
    )


@pytest.fixture
def grandmother(alice):
    return make_person(
        alice, given="Гульнар", family="Серикова", script=Script.CYRILLIC, birth_year=1958,
        record_type=RecordType.RELATIVE, stage=None,
    )  # fmt: skip


def request_for(user, inquirer, **sought):
    values = {"given": "Zhanar", "family": "Serikova", "sex": "female", "birth_year": 1990, **sought}
    data = services.TracingInput(managing_unit=user.unit, inquirer=inquirer, sought=[services.SoughtInput(**values)])
    return services.tracing_request_create(actor=actor(user), data=data)


def test_it_finds_a_consenting_daughter_written_in_another_script(alice, grandmother):
    daughter = make_person(alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1990)
    consent(alice, daughter)
    request = request_for(alice, grandmother)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    assert match.person == daughter
    assert match.status == TracingMatchStatus.LIKELY
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="tracing_match").count() == 1


def test_a_person_without_tracing_consent_is_never_matched(alice, grandmother):
    no_consent = make_person(alice, given="Zhanar", family="Serikova", birth_year=1990)
    refused = make_person(alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1990)
    consent(alice, refused, status="granted")
    consent(alice, refused, status="withdrawn")  # the latest consent counts
    request = request_for(alice, grandmother)
    assert services.tracing_run(actor=actor(alice), request=request) == []
    assert services.tracing_on_new_person(actor=actor(alice), person=no_consent) == []
    assert services.tracing_on_new_person(actor=actor(alice), person=refused) == []
    assert TracingMatch.objects.count() == 0


def test_a_newly_registered_consenting_person_is_run_against_open_requests(alice, grandmother):
    request = request_for(alice, grandmother)
    assert services.tracing_run(actor=actor(alice), request=request) == []
    daughter = make_person(alice, given="Zhanar", family="Serikova", birth_year=1990)
    consent(alice, daughter)
    (match,) = services.tracing_on_new_person(actor=actor(alice), person=daughter)
    assert match.request == request and match.person == daughter


def test_an_approximate_age_matches_a_year_of_birth(alice, grandmother):
    daughter = make_person(alice, given="Zhanar", family="Serikova", birth_year=1990)
    consent(alice, daughter)
    request = request_for(alice, grandmother, birth_year=None, age=35)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    levels = {f["field"]: f["level"] for f in match.evidence["fields"]}
    assert levels["date of birth"] in {
        "stated age consistent with the date of birth",
        "birth years within one year",
        "birth years within two years",
    }


def test_confirming_a_match_records_the_relationship(alice, grandmother):
    daughter = make_person(alice, given="Zhanar", family="Serikova", birth_year=1990)
    consent(alice, daughter)
    request = request_for(alice, grandmother, relation_to_inquirer="mother")
    (match,) = services.tracing_run(actor=actor(alice), request=request)

    services.tracing_confirm(actor=actor(alice), match=match, relation="mother")

    rel = Relationship.objects.get()
    assert (rel.from_person, rel.to_person, rel.kind) == (grandmother, daughter, "mother")
    match.refresh_from_db()
    request.refresh_from_db()
    assert match.status == TracingMatchStatus.CONFIRMED
    assert request.status == TracingStatus.MATCHED
    assert AuditEvent.objects.filter(object_type="relationship", action=Action.CREATE).count() == 2
    assert AuditEvent.objects.filter(object_type="tracing_match", action=Action.UPDATE).exists()


def test_a_rejected_match_is_not_proposed_again(alice, grandmother):
    daughter = make_person(alice, given="Zhanar", family="Serikova", birth_year=1990)
    consent(alice, daughter)
    request = request_for(alice, grandmother)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    services.tracing_reject(actor=actor(alice), match=match)
    assert services.tracing_run(actor=actor(alice), request=request) == []
    match.refresh_from_db()
    assert match.status == TracingMatchStatus.REJECTED


def test_a_request_without_inquirer_or_name_is_refused_and_nothing_is_written(alice):
    data = services.TracingInput(managing_unit=alice.unit, sought=[services.SoughtInput(given="Zhanar")])
    with pytest.raises(ValidationError) as err:
        services.tracing_request_create(actor=actor(alice), data=data)
    assert "inquirer_name" in err.value.message_dict
    assert TracingRequest.objects.count() == 0


def test_confirming_needs_a_registered_inquirer(alice):
    daughter = make_person(alice, given="Zhanar", family="Serikova", birth_year=1990)
    consent(alice, daughter)
    data = services.TracingInput(
        managing_unit=alice.unit,
        inquirer_name="Gulnar Serikova",
        sought=[services.SoughtInput(given="Zhanar", family="Serikova", birth_year=1990)],
    )
    request = services.tracing_request_create(actor=actor(alice), data=data)
    (match,) = services.tracing_run(actor=actor(alice), request=request)
    with pytest.raises(ValidationError):
        services.tracing_confirm(actor=actor(alice), match=match, relation="mother")
    assert Relationship.objects.count() == 0
