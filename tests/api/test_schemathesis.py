"""Every API operation answers as its OpenAPI schema says: schemathesis
generates requests from /api/schema/ (bounded, derandomised) and sends them,
with a real token, to the Django WSGI app. No server error and no response that
does not conform to the schema, for a programme manager and a case manager,
on objects in and out of their scope; DELETE included (the test database is
thrown away)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from zhusan.accounts import services as account_services
from zhusan.accounts.models import User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import CaseAssignment

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.schemathesis,
]

# A well-formed request may still be refused, and say why: 400 for a rule the
# schema cannot state (a date before another, the last name of a person) and
# 428 for a write that sends its version neither in If-Match nor in the body
# (OpenAPI cannot say "one of a header and a field"). Both are documented
# answers of every operation (zhusan.core.api.AutoSchema).
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "428", "429", "5xx"]
            }
        }
    }
)

# Examples per operation and persona: 47 operations x 2 personas x 10 (under two
# minutes on two shared cores; docs/security.md).
EXAMPLES = 10


def _world(user: User, registrar: User, far: User) -> dict[str, list[str]]:
    """Objects in and out of ``user``'s scope, their UUIDs by path parameter."""
    inside = make_person(registrar, birth_year=2012)
    relative = make_person(registrar, given="Dana", birth_year=1990)
    outside = make_person(far, given="Zhanna", birth_year=2011)
    CaseAssignment.objects.create(person=inside, user=user)
    uuids: dict[str, list[str]] = {"person": [str(p.uuid) for p in (inside, relative, outside)]}
    for person, who_user in ((inside, registrar), (outside, far)):
        who = Actor.system("tests", user=who_user)
        doc = services.document_add(actor=who, person=person, doc_type="passport", status="issued", number="N1")
        stay = services.stay_add(actor=who, person=person, kind="home", address="Aktau, microdistrict 12")
        uuids.setdefault("document", []).append(str(doc.uuid))
        uuids.setdefault("stay", []).append(str(stay.uuid))
        uuids.setdefault("name", []).extend(str(n.uuid) for n in person.names.all())
    return uuids


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """Django's WSGI handler closes database connections when a request starts
    and ends; its test client switches that off, a raw WSGI call does not. On
    PostgreSQL it would close the connection holding the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=[Role.CASE_MANAGER, Role.PROGRAMME_MANAGER])
def persona(request: pytest.FixtureRequest, db: Any) -> dict[str, Any]:
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    away = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    user = make_staff(request.param, home, username=f"st-{request.param}")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="st-registrar")
    far = make_staff(Role.CONSULAR_OFFICER, away, username="st-far")
    uuids = _world(user, registrar, far)
    manager = make_staff(Role.PROGRAMME_MANAGER, home, username="st-issuer")
    _, token = account_services.api_token_issue(actor=Actor.system("tests", user=manager), user=user, days=1)
    return {"token": token, "uuids": uuids}


def _schema() -> Any:
    """The schema /api/schema/ serves (drf-spectacular's generator, as its view calls it)."""
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_its_schema_says(case: Any, data: Any, persona: dict[str, Any]) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        kind = name.removesuffix("_uuid")
        real = persona["uuids"].get(kind) or persona["uuids"]["person"]
        case.path_parameters[name] = data.draw(st.sampled_from([*real, value]), label=name)
    case.call_and_validate(headers={"Authorization": f"Token {persona['token']}"})
