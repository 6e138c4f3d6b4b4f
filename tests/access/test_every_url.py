"""Every URL of the URL conf, as every role, against the permission map below.

The probe walks ``django.urls.get_resolver()`` (every pattern, the API's too),
substitutes the UUID of a real object in the role's scope (a person, a name,
a document, an operation, a movement, a manifest entry, a staged import, a
handover document, a duplicate candidate, a tracing request and its match, a
linkage job, and whatever the apps' ``url_permissions`` modules create) and,
for person URLs, of a person outside it, and GETs each URL; then POSTs an
empty body to it. A role the map does not name for a URL must get no 2xx (GET
or POST); a role it names gets 200 or a redirect on an object in scope and
403/404 on a person outside; nobody gets a 5xx. A URL name missing from the
map fails the test: a new view is mapped (and so checked) before it ships.

Apps contribute to the map and the world: any ``tests/**/url_permissions.py``
exports ``PERMISSIONS: dict[str, frozenset[Role]]`` (URL name → roles allowed)
and optionally ``objects(world) -> dict[str, str]`` (URL kwarg → UUID of an
object it creates in scope; used for that module's URLs first). The world
offers ``home`` (a unit), ``inside`` (a child of 14 in ``home``),
``inside_adult`` (an adult woman in ``home``), ``outside`` (a person of
another organisation) and ``registrar`` (a consular officer in ``home``);
every persona is assigned to both inside persons.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from types import ModuleType
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import POLICIES, Capability, Compartment, Role
from zhusan.audit.services import Actor
from zhusan.engine.io import read_person_file
from zhusan.matching import jobs as linkage
from zhusan.matching import services as matching
from zhusan.operations import imports
from zhusan.operations import services as operations
from zhusan.registry import services as registry
from zhusan.registry.models import CaseAssignment, ConsentPurpose, Person, Site, SiteKind

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login

pytestmark = pytest.mark.django_db

ALL = frozenset(Role)
STAFF = ALL - {Role.SYSTEM_ADMIN}
NONE: frozenset[Role] = frozenset()


def roles(*names: str) -> frozenset[Role]:
    return frozenset(Role(n) for n in names)


def reads(*compartments: Compartment) -> frozenset[Role]:
    """The roles whose policy reads any of the compartments."""
    return frozenset(r for r, p in POLICIES.items() if p.read & set(compartments))


def writes(*compartments: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if p.write & set(compartments))


def can(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if capability in p.capabilities)


C = Compartment
CAP = Capability
# Roles that reach persons at all (a scope); the system administrator, analyst and auditor do not.
CASE_STAFF = frozenset(r for r, p in POLICIES.items() if p.scope is not None)
# A teacher is refused the details of Detail (evidence, consents, timeline, repatriation).
NO_DETAIL_MASK = CASE_STAFF - frozenset(r for r, p in POLICIES.items() if p.withholds)
NOTE_COMPARTMENTS = (C.HEALTH, C.PSYCHOSOCIAL, C.RELIGIOUS, C.JUSTICE_SECURITY)

# URL name: the roles that may open it (GET, or POST for a POST-only route),
# derived from zhusan/accounts/permissions.py. Names under "admin:" share one entry.
PERMISSION_MAP: dict[str, frozenset[Role]] = {
    # Signing in and one's own account: anyone signed in.
    "home": ALL,
    "accounts:login": ALL,
    "accounts:verify": ALL,
    "accounts:enrol": ALL,
    "accounts:logout": ALL,
    "accounts:tokens": ALL,  # one's own tokens; issuing needs ISSUE_API_TOKEN
    "accounts:token_revoke": ALL,
    "accounts:break_glass": can(CAP.SUPERVISE),
    "accounts:break_glass_review": can(CAP.SUPERVISE),
    "mywork:home": ALL,
    "set_language": ALL,
    "api-schema": ALL,
    "api-docs": ALL,
    # Operations probes: health for load balancers (no personal data), metrics by bearer token, never by role.
    "health": ALL,
    "metrics": NONE,
    # The registry.
    "registry:person_list": CASE_STAFF,
    "registry:person_pick": CASE_STAFF,
    "registry:person_create": can(CAP.CREATE_PERSON),
    "registry:break_glass": can(CAP.BREAK_GLASS),
    "registry:person_detail": CASE_STAFF,
    "registry:person_names": CASE_STAFF,
    "registry:person_edit": writes(C.IDENTITY),
    "registry:name_add": writes(C.IDENTITY),
    "registry:name_edit": writes(C.IDENTITY),
    "registry:name_delete": writes(C.IDENTITY),
    "registry:evidence_add": writes(C.IDENTITY),
    "registry:consent_add": writes(C.IDENTITY),
    "registry:assent_add": writes(C.IDENTITY),
    "registry:person_family": reads(C.FAMILY),
    "registry:relationship_add": writes(C.FAMILY),
    "registry:household_add": writes(C.FAMILY),
    "registry:household_member_add": writes(C.FAMILY),
    # Identity evidence, nationality and consents; the documents only to those who read DOCUMENTS.
    "registry:person_documents": NO_DETAIL_MASK,
    "registry:document_add": writes(C.DOCUMENTS),
    "registry:person_locations": reads(C.CONTACT_LOCATION),
    "registry:stay_add": writes(C.CONTACT_LOCATION),
    "registry:person_timeline": NO_DETAIL_MASK,
    "registry:person_stage": can(CAP.CHANGE_STAGE),
    "registry:note_add": writes(*NOTE_COMPARTMENTS),
    # Operations.
    "operations:operation_list": can(CAP.VIEW_OPERATIONS),
    "operations:operation_detail": can(CAP.VIEW_OPERATIONS),
    "operations:operation_update": can(CAP.MANAGE_OPERATIONS),
    "operations:movement_detail": can(CAP.VIEW_OPERATIONS),
    "operations:movement_status": can(CAP.MANAGE_OPERATIONS),
    "operations:manifest_add": can(CAP.MANAGE_OPERATIONS),
    "operations:manifest_bulk_advance": can(CAP.MANAGE_OPERATIONS),
    "operations:separation_add": can(CAP.MANAGE_OPERATIONS),
    "operations:reconciliation": can(CAP.VIEW_OPERATIONS),
    "operations:manifest_print": can(CAP.VIEW_OPERATIONS),
    "operations:import_upload": can(CAP.MANAGE_OPERATIONS),
    "operations:import_review": can(CAP.MANAGE_OPERATIONS),
    "operations:handover_document_upload": can(CAP.MANAGE_OPERATIONS),
    "operations:handover_document_download": can(CAP.VIEW_OPERATIONS),
    "operations:entry_detail": can(CAP.VIEW_OPERATIONS),
    "operations:entry_sync": can(CAP.MANAGE_OPERATIONS),
    "operations:entry_advance": can(CAP.MANAGE_OPERATIONS),
    "operations:entry_item": can(CAP.MANAGE_OPERATIONS),
    "operations:entry_security": can(CAP.RECORD_SECURITY_CLEARANCE),
    "operations:entry_override": can(CAP.OVERRIDE_CLEARANCE),
    "operations:entry_arrival": can(CAP.MANAGE_OPERATIONS),
    "operations:person_repatriation": reads(C.CONTACT_LOCATION),
    # Oversight and reporting.
    "audit:event_list": can(CAP.VIEW_AUDIT),
    "audit:verify": can(CAP.VIEW_AUDIT),
    "audit:event_detail": can(CAP.VIEW_AUDIT),
    "reporting:dashboard": can(CAP.VIEW_AGGREGATES),
    "reporting:briefing": can(CAP.VIEW_AGGREGATES),
    "reporting:export": can(CAP.VIEW_AGGREGATES),
    "reporting:case_export": can(CAP.EXPORT_CASES),
    # Matching.
    "matching:duplicate_list": can(CAP.REVIEW_MATCHES),
    "matching:duplicate_detail": can(CAP.REVIEW_MATCHES),
    "matching:duplicate_same": can(CAP.REVIEW_MATCHES),
    "matching:duplicate_different": can(CAP.REVIEW_MATCHES),
    "matching:merge_undo": can(CAP.REVIEW_MATCHES),
    "matching:check": can(CAP.REVIEW_MATCHES),
    "matching:person_check": can(CAP.REVIEW_MATCHES),
    "matching:tracing_list": can(CAP.REVIEW_MATCHES),
    "matching:tracing_create": can(CAP.REVIEW_MATCHES),
    "matching:tracing_detail": can(CAP.REVIEW_MATCHES),
    "matching:tracing_run": can(CAP.REVIEW_MATCHES),
    "matching:tracing_edit": can(CAP.REVIEW_MATCHES),
    "matching:tracing_close": can(CAP.REVIEW_MATCHES),
    "matching:tracing_withdraw": can(CAP.REVIEW_MATCHES),
    "matching:tracing_merge": can(CAP.REVIEW_MATCHES),
    "matching:tracing_register_inquirer": can(CAP.REVIEW_MATCHES),
    "matching:tracing_register_inquirer_for_match": can(CAP.REVIEW_MATCHES),
    "matching:tracing_confirm": can(CAP.REVIEW_MATCHES),
    "matching:tracing_reject": can(CAP.REVIEW_MATCHES),
    "matching:linkage_create": can(CAP.REVIEW_MATCHES),
    "matching:linkage_detail": can(CAP.REVIEW_MATCHES),
    "matching:linkage_status": can(CAP.REVIEW_MATCHES),
    "matching:linkage_rerun": can(CAP.REVIEW_MATCHES),
    "matching:linkage_download": can(CAP.REVIEW_MATCHES),
    # The API: the same rules as the pages.
    "api-person-list": CASE_STAFF,
    "api-person-detail": CASE_STAFF,
    "api-person-names": CASE_STAFF,
    "api-name-detail": writes(C.IDENTITY),
    "api-person-stage": can(CAP.CHANGE_STAGE),
    "api-person-timeline": NO_DETAIL_MASK,
    "api-person-evidence": NO_DETAIL_MASK,
    "api-person-consents": NO_DETAIL_MASK,
    "api-person-assents": writes(C.IDENTITY),
    "api-person-relationships": reads(C.FAMILY),
    "api-person-documents": reads(C.DOCUMENTS),
    "api-document-detail": writes(C.DOCUMENTS),
    "api-person-stays": reads(C.CONTACT_LOCATION),
    "api-person-manifest-entries": reads(C.CONTACT_LOCATION),
    "api-person-notes": reads(C.HEALTH),  # with ?compartment=health (QUERIES)
    "api-indicator-list": can(CAP.VIEW_AGGREGATES),
    "api-indicator-detail": can(CAP.VIEW_AGGREGATES),
    "api-operation-list": can(CAP.VIEW_OPERATIONS),
    "api-operation-detail": can(CAP.VIEW_OPERATIONS),
    "api-operation-movements": can(CAP.VIEW_OPERATIONS),
    "api-movement-status": can(CAP.MANAGE_OPERATIONS),
    "api-movement-entries": can(CAP.VIEW_OPERATIONS),
    "api-movement-reconciliation": can(CAP.VIEW_OPERATIONS),
    "api-movement-documents": can(CAP.VIEW_OPERATIONS),
    "api-document-content": can(CAP.VIEW_OPERATIONS),
    "api-entry-detail": can(CAP.VIEW_OPERATIONS),
    "api-entry-advance": can(CAP.MANAGE_OPERATIONS),
    "api-entry-clearance": can(CAP.RECORD_SECURITY_CLEARANCE),
    "api-tracing-request-list": can(CAP.REVIEW_MATCHES),
    "api-tracing-request-detail": can(CAP.REVIEW_MATCHES),
    "api-tracing-request-close": can(CAP.REVIEW_MATCHES),
    "api-tracing-request-withdraw": can(CAP.REVIEW_MATCHES),
    "api-tracing-request-merge": can(CAP.REVIEW_MATCHES),
    # Django's admin: the system administrator only.
    "admin:*": frozenset({Role.SYSTEM_ADMIN}),
    "admin:login": ALL,  # its sign-in form answers anyone
    "admin:model-permissions": NONE,
    "admin:auth_user_password_change": frozenset({Role.SYSTEM_ADMIN}),  # Django's name, on the project's users
    "admin:autocomplete": NONE,  # answers a field's search only, 403 without one
    "admin:view_on_site": NONE,  # a shortcut to an object's page: 404 for the probe's unknown object
}


# --- Contributions of the apps (tests/**/url_permissions.py) ------------------------

TESTS = Path(__file__).resolve().parents[1]


@dataclass
class Contribution:
    """One ``url_permissions`` module: its map, and the objects it makes."""

    module: str
    permissions: dict[str, frozenset[Role]] = field(default_factory=dict)
    make: Any = None  # objects(world) -> dict[str, str], if the module has one


def contributions() -> tuple[list[Contribution], list[str]]:
    """Every ``tests/**/url_permissions.py``, imported; and the problems met
    (a module that fails to import, or does not export its map)."""
    found: list[Contribution] = []
    problems: list[str] = []
    for path in sorted(TESTS.rglob("url_permissions.py")):
        name = ".".join(("tests", *path.relative_to(TESTS).with_suffix("").parts))
        try:
            module: ModuleType = importlib.import_module(name)
        except Exception:  # noqa: BLE001 (any failure is reported, naming the module)
            last = traceback.format_exc(limit=3).strip().splitlines()[-1]
            problems.append(f"{path.relative_to(TESTS.parent)} fails to import: {last}")
            continue
        permissions = getattr(module, "PERMISSIONS", None)
        if not isinstance(permissions, dict):
            problems.append(f"{path.relative_to(TESTS.parent)} exports no PERMISSIONS dict (URL name → roles)")
            continue
        found.append(Contribution(name, dict(permissions), getattr(module, "objects", None)))
    return found, problems


CONTRIBUTIONS, CONTRIBUTION_PROBLEMS = contributions()


def permission_map() -> tuple[dict[str, frozenset[Role]], list[str]]:
    """PERMISSION_MAP with every contributed map merged in; a name mapped twice
    to different roles is a problem naming both places."""
    merged = dict(PERMISSION_MAP)
    owner = dict.fromkeys(PERMISSION_MAP, "tests/access/test_every_url.py")
    problems = []
    for c in CONTRIBUTIONS:
        for name, allowed in c.permissions.items():
            if name in merged and merged[name] != frozenset(allowed):
                problems.append(f"{name} is mapped differently by {owner[name]} and {c.module}")
                continue
            merged[name] = frozenset(allowed)
            owner[name] = c.module
    return merged, problems


MAP, MAP_PROBLEMS = permission_map()


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]


def every_route() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, outer: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, prefix + str(entry.pattern), inner, (*outer, *entry.pattern.regex.groupindex))
            elif isinstance(entry, URLPattern):
                # The parameters of the includes above the pattern too (the API's persons/<uuid:person_uuid>/…).
                params = (*outer, *entry.pattern.regex.groupindex)
                found.append(Route(namespace + (entry.name or "?"), prefix + str(entry.pattern), params))

    walk(get_resolver(), "", "", ())
    return found


# A query a route needs to answer at all (the notes of one compartment).
QUERIES = {"api-person-notes": "?compartment=health"}

# Posting to these would sign the probe out: every later URL would answer as to nobody.
ENDS_THE_SESSION = frozenset({"accounts:logout", "admin:logout"})


# Admin pages of other packages' models (auth, axes, knox, otp, tasks) and the dataset marker keep
# Django's model permissions, which no role grants: only a superuser opens them.
ADMIN_MODEL_PERMISSIONS = (
    "admin:auth_",
    "admin:axes_",
    "admin:knox_",
    "admin:otp_",
    "admin:django_tasks",
    "admin:core_",
)


def map_key(name: str) -> str:
    if not name.startswith("admin:") or name in MAP:
        return name
    return "admin:model-permissions" if name.startswith(ADMIN_MODEL_PERMISSIONS) else "admin:*"


def fill(route: Route, values: dict[str, str]) -> str:
    """The route's path with each parameter replaced by its value (Django's own reverse for named routes)."""
    if not route.name.endswith("?"):
        return reverse(route.name, kwargs=values)
    # The admin's unnamed routes: <path:object_id>/ and its catch-all (?P<url>.*)$.
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)\$?", lambda m: values[m.group(1)], route.pattern)
    return "/" + re.sub(r"<(?:[^>:]+:)?(\w+)>", lambda m: values[m.group(1)], path)


def admin_object_pk(name: str) -> str | None:
    """The primary key of a real row for an admin route of one model
    ("admin:otp_totp_totpdevice_change"; Django names the user's password
    route "admin:auth_user_password_change"): ids are not reused after a
    rollback on PostgreSQL, so a fixed "1" may name no row."""
    models = {f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry}
    models["admin:auth_user_"] = User
    for prefix, model in sorted(models.items(), key=lambda item: -len(item[0])):
        if name.startswith(prefix):
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return None if pk is None else str(pk)
    return None


FIXED = {"fmt": "csv", "seq": "1", "app_label": "accounts", "code": "persons", "url": "accounts/"}


def values_for(route: Route, person: Person, world: dict[str, Any]) -> dict[str, str]:
    """Real UUIDs for the route's parameters: the person's, then the objects of
    the module that maps the route, then the world's; an unknown object for
    anything nobody made (a route that needs one then answers 404 and the
    probe says so)."""
    person_name = person.names.first()
    objects: dict[str, str] = world["objects"]
    known = {
        **objects,
        **world["objects_by_route"].get(route.name, {}),
        "person_uuid": str(person.uuid),
        "name_uuid": str(person_name.uuid) if person_name else "",
    }
    out: dict[str, str] = {}
    for param in route.params:
        if param in known:
            out[param] = known[param]
        elif param in {"object_id", "pk", "id"} and (admin_pk := admin_object_pk(route.name)) is not None:
            out[param] = admin_pk
        elif param in {"code", "fmt", "key", "seq", "object_id", "app_label", "model_name", "url", "pk", "id"}:
            fmt = "xlsx" if route.name == "reporting:briefing" else "csv"
            out[param] = {**FIXED, "fmt": fmt}.get(param, "1")
        else:
            out[param] = str(uuid.uuid4())
    return out


# --- The world --------------------------------------------------------------------


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    away = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="probe-registrar")
    far = make_staff(Role.CONSULAR_OFFICER, away, username="probe-far")
    # A child, so that a teacher's scope (pupils under 18) reaches the person too.
    return {
        "home": home,
        "registrar": registrar,
        "inside": make_person(registrar, given="Aruzhan", birth_year=date.today().year - 14),
        "inside_adult": make_person(registrar, given="Aisha", family="Serikova", birth_year=1990),
        "outside": make_person(far, given="Zhanna", birth_year=2011),
        "objects": {},
        "objects_by_route": {},
    }


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IMPORT_CSV = b"family_name,given_name,sex,birth_year,travel_group\nTokhtarova,Dana,F,1992,A\n"


def core_objects(world: dict[str, Any], persona: User, role: Role) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """One of each object of the registry, operations and matching, written
    through their services by the registrar in ``home`` (the persona's own
    staged import and linkage job by the persona: they are their creator's alone). By kwarg, and
    by route where two kinds share a kwarg name (``document_uuid``)."""
    act = Actor.system("probe", user=world["registrar"])
    child, adult = world["inside"], world["inside_adult"]
    document = registry.document_add(actor=act, person=child, doc_type="birth_certificate", status="missing")
    camp = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
    centre = Site.objects.create(name="Aktau centre", kind=SiteKind.REHABILITATION_CENTRE, country="KZ")
    operation = operations.operation_create(actor=act, code="Probe-1", name="Probe one", country="KZ")
    movement = operations.movement_create(
        actor=act, operation=operation, label="Flight 1", origin=camp, destination="Aktau", destination_site=centre
    )
    entry = operations.manifest_add(actor=act, movement=movement, person=adult)
    handover = operations.handover_document_add(
        actor=act, movement=movement, upload=SimpleUploadedFile("handover.pdf", PDF, "application/pdf"), kind="other"
    )
    # A staged import and a linkage job are their creator's alone: the persona's own when their role may.
    manages = Capability.MANAGE_OPERATIONS in POLICIES[role].capabilities
    staged = imports.import_stage(
        actor=Actor.system("probe", user=persona) if manages else act,
        movement=movement,
        upload=SimpleUploadedFile("camp.csv", IMPORT_CSV, "text/csv"),
        lawful_basis="public_interest",
    )
    # A near copy of the woman: a duplicate candidate of two persons in scope.
    copy = make_person(world["registrar"], given="Aisha", family="Serikova", birth_year=1990)
    CaseAssignment.objects.create(person=copy, user=persona)
    candidate = next(
        c
        for c in matching.duplicates_check(actor=act, person=copy)
        if {c.person_a_id, c.person_b_id} == {adult.pk, copy.pk}
    )
    # A tracing request for her, with its match (she consented to tracing).
    registry.consent_record(actor=act, person=adult, purpose=ConsentPurpose.TRACING, status="granted", given_by="self")
    request = matching.tracing_request_create(
        actor=act,
        data=matching.TracingInput(
            managing_unit=world["home"],
            inquirer_name="Gulnar Serikova",
            sought=[
                matching.SoughtInput(
                    given="Aisha", family="Serikova", sex="female", birth_year=1990, relation_to_inquirer="mother"
                )
            ],
        ),
    )
    match = next(m for m in matching.tracing_run(actor=act, request=request) if m.person_id == adult.pk)
    reviewer = persona if Capability.REVIEW_MATCHES in POLICIES[role].capabilities else world["registrar"]
    job = linkage.linkage_job_create(
        actor=Actor.system("probe", user=reviewer),
        left_name="probe.csv",
        left=linkage_records(),
    )
    by_kwarg = {
        "operation_uuid": str(operation.uuid),
        "movement_uuid": str(movement.uuid),
        "entry_uuid": str(entry.uuid),
        "import_uuid": str(staged.uuid),
        "candidate_uuid": str(candidate.uuid),
        "request_uuid": str(request.uuid),
        "match_uuid": str(match.uuid),
        "job_uuid": str(job.uuid),
        "document_uuid": str(handover.uuid),
    }
    by_route = {"api-document-detail": {"document_uuid": str(document.uuid)}}
    return by_kwarg, by_route


LINKAGE_CSV = "Ref,Surname,First name,DOB,Sex\nA1,Serikova,Aisha,1990,F\n"


def linkage_records() -> list[dict[str, object]]:
    """A one-row list, read as the linkage form reads an upload."""
    with TemporaryDirectory(prefix="zhusan-probe-") as tmp:
        path = Path(tmp) / "list.csv"
        path.write_text(LINKAGE_CSV, encoding="utf-8")
        return read_person_file(path).records


def build(world: dict[str, Any], persona: User, role: Role) -> list[str]:
    """Fill ``world["objects"]``: the core objects, then each contribution's,
    each in its own savepoint; the problems met, naming the module."""
    problems = []
    objects, by_route = core_objects(world, persona, role)
    world["objects"].update(objects)
    world["objects_by_route"].update(by_route)
    for c in CONTRIBUTIONS:
        if c.make is None:
            continue
        try:
            with transaction.atomic():
                made = c.make(world)
        except Exception:  # noqa: BLE001 (any failure is reported, naming the module)
            last = traceback.format_exc(limit=4).strip().splitlines()[-1]
            problems.append(f"objects() of {c.module} failed: {last}")
            continue
        if not isinstance(made, dict) or not all(isinstance(v, str) for v in made.values()):
            problems.append(f"objects() of {c.module} must return a dict of URL kwarg → UUID string")
            continue
        for name in c.permissions:
            world["objects_by_route"].setdefault(name, {}).update(made)
        for kwarg, value in made.items():
            world["objects"].setdefault(kwarg, value)
    return problems


def probe(client: Client, role: Role, unit: Unit, world: dict[str, Any]) -> tuple[list[str], list[tuple[str, int]]]:
    """Mismatches with the map, and (name, status) of every in-scope GET."""
    problems: list[str] = []
    seen: list[tuple[str, int]] = []
    for route in every_route():
        key = map_key(route.name)
        if key not in MAP:
            problems.append(
                f"{route.name} ({route.pattern}) is in no permission map: add it to the PERMISSIONS of its app's "
                "tests/<app>/url_permissions.py (or to PERMISSION_MAP of tests/access/test_every_url.py) with the "
                "roles that may open it, so that its permission check is tested"
            )
            continue
        inside = fill(route, values_for(route, world["inside"], world)) + QUERIES.get(route.name, "")
        status = client.get(inside).status_code
        seen.append((route.name, status))
        allowed = role in MAP[key]
        # 405: a POST-only route (a form's action); the empty POST below checks it.
        if status >= 500 or (not allowed and 200 <= status < 300) or (allowed and status not in {200, 302, 405}):
            hint = ""
            if allowed and status == 403 and route.name.startswith("admin:"):
                hint = ": its ModelAdmin should derive from zhusan.accounts.admin.AuditedAdmin (capability permissions)"
            elif allowed and status == 404:
                hint = (
                    ": no object in scope for this route: return its kwarg from objects() of the app's url_permissions"
                )
            problems.append(f"GET {inside} as {role}: {status} (map: {'allowed' if allowed else 'refused'}){hint}")
        if "person_uuid" in route.params:
            outside = fill(route, values_for(route, world["outside"], world)) + QUERIES.get(route.name, "")
            status = client.get(outside).status_code
            if status not in {302, 403, 404, 405} and not (role in REACHES_OTHER_ORGANISATIONS and allowed):
                problems.append(f"GET {outside} (out of scope) as {role}: {status}")
        if route.name in ENDS_THE_SESSION:
            continue
        status = client.post(inside, {}).status_code
        if status >= 500 or (not allowed and 200 <= status < 300):
            problems.append(f"POST {inside} (empty) as {role}: {status}")
    return problems, seen


REACHES_OTHER_ORGANISATIONS = roles("programme_manager", "security_liaison")


@pytest.mark.slow(25)
@pytest.mark.parametrize("role", sorted(Role))
def test_every_url_answers_each_role_as_the_map_says(world: dict[str, Any], role: Role) -> None:
    user = make_staff(role, world["home"], username=f"probe-{role}")
    for person in (world["inside"], world["inside_adult"]):
        CaseAssignment.objects.create(person=person, user=user)
    problems = [*CONTRIBUTION_PROBLEMS, *MAP_PROBLEMS, *build(world, user, role)]
    client = login(Client(raise_request_exception=False), user)
    found, seen = probe(client, role, world["home"], world)
    problems += found
    if os.environ.get("PROBE_RECORD"):
        with open(os.environ["PROBE_RECORD"], "a") as out:
            out.write(json.dumps({"role": str(role), "seen": seen}) + "\n")
    assert not problems, "\n".join(problems)
