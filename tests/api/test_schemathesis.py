"""Every API operation answers as its OpenAPI schema says: schemathesis
generates requests from /api/schema/ (bounded, derandomised) and sends them
to the Django WSGI app. No server error and no response that does not
conform to the schema, on objects in and out of scope, DELETE included (the
test database is thrown away), for every role that reaches the API: a
programme manager and a case manager with a real token (10 examples per
operation), then the consular officer with a token and the care, justice and
security roles with a verified browser session and its CSRF token (the API's
other way in; 2 examples per operation each). A teacher's field mask and the
compartments a role cannot read take parts out of a person: the schema says
those parts may be absent (``maskable_fields``, ``zhusan.core.api.AutoSchema``)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
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
from ..registry.helpers import login

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

# Examples per operation and persona: about 150 operations x 2 personas x 6
# (docs/security.md gives the time of the file).
EXAMPLES = 6


def _world(users: list[User], registrar: User, far: User) -> dict[str, list[str]]:
    """Objects in and out of the ``users``' scope, their UUIDs by path parameter."""
    inside = make_person(registrar, birth_year=2012)
    relative = make_person(registrar, given="Dana", birth_year=1990)
    outside = make_person(far, given="Zhanna", birth_year=2011)
    for user in users:
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


# Examples per operation for the roles beyond the first two, each example sent
# as each of them (the whole file stays around two minutes; docs/security.md).
OTHER_EXAMPLES = 2
# Roles that hold API tokens (Capability.ISSUE_API_TOKEN) beyond the first two.
OTHER_TOKEN_ROLES = [Role.CONSULAR_OFFICER]
# Roles that reach the API through their verified browser session.
SESSION_ROLES = [
    Role.TEACHER,
    Role.PSYCHOLOGIST,
    Role.THEOLOGIAN,
    Role.LAWYER,
    Role.SECURITY_LIAISON,
    Role.DOCTOR,
    Role.SOCIAL_WORKER,
]


def _headers(role: Role, user: User, issuer: User) -> dict[str, str]:
    """What authenticates ``user``: a token if the role may hold one, else a verified session."""
    if role in SESSION_ROLES:
        session = login(Client(), user).cookies[django_settings.SESSION_COOKIE_NAME].value
        csrf = secrets.token_hex(16)  # the cookie and the header agree: Django's check for a session write
        cookie = f"{django_settings.SESSION_COOKIE_NAME}={session}; {django_settings.CSRF_COOKIE_NAME}={csrf}"
        return {"Cookie": cookie, "X-CSRFToken": csrf}
    _, token = account_services.api_token_issue(actor=Actor.system("tests", user=issuer), user=user, days=1)
    return {"Authorization": f"Token {token}"}


def _personas(roles: list[Role]) -> dict[str, Any]:
    """Users of ``roles`` in one home unit, the objects in and out of their scope, and how each signs in."""
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    away = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    users = [make_staff(role, home, username=f"st-{role}") for role in roles]
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="st-registrar")
    far = make_staff(Role.CONSULAR_OFFICER, away, username="st-far")
    uuids = _world(users, registrar, far)
    issuer = make_staff(Role.PROGRAMME_MANAGER, home, username="st-issuer")
    return {"uuids": uuids, "headers": [_headers(role, user, issuer) for role, user in zip(roles, users, strict=True)]}


@pytest.fixture(params=[Role.CASE_MANAGER, Role.PROGRAMME_MANAGER])
def persona(request: pytest.FixtureRequest, db: Any) -> dict[str, Any]:
    return _personas([request.param])


@pytest.fixture
def other_personas(db: Any) -> dict[str, Any]:
    """Every other role with API access, in one world (one fixture per operation, not one per role)."""
    return _personas([*OTHER_TOKEN_ROLES, *SESSION_ROLES])


def _schema() -> Any:
    """The schema /api/schema/ serves (drf-spectacular's generator, as its view calls it)."""
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


def _call(case: Any, data: Any, persona: dict[str, Any]) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        kind = name.removesuffix("_uuid")
        real = persona["uuids"].get(kind) or persona["uuids"]["person"]
        case.path_parameters[name] = data.draw(st.sampled_from([*real, value]), label=name)
    for headers in persona["headers"]:
        case.call_and_validate(headers=headers)


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
    _call(case, data, persona)


# The other roles differ from the first two in what they may read and which
# fields are masked from them: their reads are what a mask could break.
@schema.include(method="GET").parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=OTHER_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_its_schema_says_to_every_other_role(
    case: Any, data: Any, other_personas: dict[str, Any]
) -> None:
    _call(case, data, other_personas)


def _schema_document() -> dict[str, Any]:
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DOCTOR, Role.LAWYER])
def test_what_a_masked_reader_gets_of_a_person_leaves_out_no_field_the_schema_requires(role: Role) -> None:
    """The root of the schema violations schemathesis found for a teacher: the
    detail of a person without the parts a role's mask or compartments withhold."""
    world = _personas([role])
    inside = world["uuids"]["person"][0]
    user = User.objects.get(username=f"st-{role}")
    body = login(Client(), user).get(f"/api/v1/persons/{inside}/").json()
    detail = _schema_document()["components"]["schemas"]["PersonDetail"]
    required, properties = set(detail["required"]), set(detail["properties"])
    withheld = properties - set(body)
    assert withheld, "this role's detail withholds some part"
    assert not withheld & required, f"the schema requires {sorted(withheld & required)}, which {role} does not get"
