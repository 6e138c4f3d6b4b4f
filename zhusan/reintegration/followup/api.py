"""/api/v1/reintegration/follow-up/: the same access rules, fields and audit as the pages.

Thin views: the registry's access path and this app's selectors look up (and
audit), the services write (and audit). Bad input answers 400 with the
fields' errors and writes nothing; a compartment the caller does not read
answers 403 (the person) or 404 (a record).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.services import Actor
from zhusan.core.api import expected_version, query_flag
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user

from . import selectors, services
from .compartments import FOLLOW_UP, INCIDENTS, SECURITY
from .models import (
    CaseClosure,
    ClosureReason,
    FollowUpContact,
    FollowUpPlan,
    FollowUpTemplate,
    FollowUpVisit,
    Incident,
    IncidentAction,
    IncidentKind,
    SecurityContact,
    SecurityContactKind,
    VisitKind,
    VisitOutcome,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing written."),
    403: OpenApiResponse(description="Your role may not do this (the refusal is audited)."),
    404: OpenApiResponse(description="No such record in your scope."),
}


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _person(request: Request, person_uuid: str, compartment: Compartment, *, write: bool = False) -> Person:
    person, access = get_person_for_user(_actor(request), person_uuid, write=compartment if write else None)
    if not access.can_read(compartment):
        raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
    return person


# --- Serializers -------------------------------------------------------------------------


# Choice fields as plain text (the services refuse unknown values): named
# enums would collide in the schema with other apps' "kind", "status" and "outcome".
class FollowUpContactSerializer(serializers.ModelSerializer[FollowUpContact]):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = FollowUpContact
        fields = ["uuid", "sequence", "due_on", "status", "done_on", "on_time", "note", "version"]


class FollowUpPlanSerializer(serializers.ModelSerializer[FollowUpPlan]):
    start_basis = serializers.CharField(read_only=True)
    template = serializers.CharField(source="template.name", read_only=True)
    worker = serializers.UUIDField(source="worker.uuid", read_only=True)
    contacts = FollowUpContactSerializer(many=True, read_only=True)

    class Meta:
        model = FollowUpPlan
        fields = ["uuid", "template", "start_on", "start_basis", "worker", "reason", "active", "version", "contacts"]


class FollowUpVisitSerializer(serializers.ModelSerializer[FollowUpVisit]):
    kind = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    worker = serializers.UUIDField(source="worker.uuid", read_only=True)
    contact = serializers.UUIDField(source="contact.uuid", read_only=True, default=None, allow_null=True)

    class Meta:
        model = FollowUpVisit
        fields = ["uuid", "kind", "visited_on", "worker", "outcome", "next_step", "notes", "contact"]


class FollowUpClosureSerializer(serializers.ModelSerializer[CaseClosure]):
    reason = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    requested_by = serializers.UUIDField(source="requested_by.uuid", read_only=True)
    decided_by = serializers.UUIDField(source="decided_by.uuid", read_only=True, default=None, allow_null=True)
    best_interests = serializers.UUIDField(source="best_interests.uuid", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CaseClosure
        fields = [
            "uuid", "person", "reason", "explanation", "status", "requested_by", "requested_on", "best_interests",
            "decided_by", "decided_on", "decision_note", "reopened_on", "reopen_reason", "version",
        ]  # fmt: skip


class FollowUpSummarySerializer(serializers.Serializer[Any]):
    plan = FollowUpPlanSerializer(allow_null=True)
    visits = FollowUpVisitSerializer(many=True)
    closures = FollowUpClosureSerializer(many=True)
    overdue = serializers.IntegerField()


class FollowUpIncidentActionSerializer(serializers.ModelSerializer[IncidentAction]):
    class Meta:
        model = IncidentAction
        fields = ["uuid", "taken_on", "action"]


class FollowUpIncidentSerializer(serializers.ModelSerializer[Incident]):
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    actions = FollowUpIncidentActionSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = ["uuid", "kind", "occurred_on", "description", "status", "version", "actions"]


class FollowUpSecurityContactSerializer(serializers.ModelSerializer[SecurityContact]):
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = SecurityContact
        fields = ["uuid", "kind", "contacted_on", "notes", "next_contact_on"]


class FollowUpDueContactSerializer(serializers.ModelSerializer[FollowUpContact]):
    person = serializers.UUIDField(source="plan.person.uuid", read_only=True)
    case_number = serializers.CharField(source="plan.person.case_number", read_only=True)
    worker = serializers.UUIDField(source="plan.worker.uuid", read_only=True)

    class Meta:
        model = FollowUpContact
        fields = ["uuid", "person", "case_number", "due_on", "worker", "version"]


class FollowUpPlanInputSerializer(serializers.Serializer[Any]):
    template = serializers.UUIDField(required=False, help_text="A template's UUID; the default one if left out")
    start_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required to regenerate")
    version = serializers.IntegerField(required=False)


class FollowUpVisitInputSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=", ".join(VisitKind.values))
    visited_on = serializers.DateField()
    outcome = serializers.CharField(help_text=", ".join(VisitOutcome.values))
    next_step = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.UUIDField(required=False, allow_null=True, default=None)


class FollowUpRescheduleInputSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=500)
    version = serializers.IntegerField(required=False)


class FollowUpIncidentInputSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=", ".join(IncidentKind.values))
    occurred_on = serializers.DateField()
    description = serializers.CharField()


class FollowUpIncidentActionInputSerializer(serializers.Serializer[Any]):
    taken_on = serializers.DateField()
    action = serializers.CharField()
    resolve = serializers.BooleanField(required=False, default=False)


class FollowUpSecurityContactInputSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=", ".join(SecurityContactKind.values))
    contacted_on = serializers.DateField()
    notes = serializers.CharField()
    next_contact_on = serializers.DateField(required=False, allow_null=True, default=None)


class FollowUpClosureInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=", ".join(ClosureReason.values))
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    best_interests_assessed_on = serializers.DateField(required=False, allow_null=True, default=None)
    best_interests_recommendation = serializers.CharField(required=False, allow_blank=True, default="")
    childs_views = serializers.CharField(required=False, allow_blank=True, default="")
    views_not_sought_reason = serializers.CharField(required=False, allow_blank=True, default="")
    best_interests_reference = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpDecisionInputSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class FollowUpReopenInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


# --- Views -----------------------------------------------------------------------------------


def _follow_up(person: Person) -> dict[str, Any]:
    fu = selectors.person_follow_up(person)
    return FollowUpSummarySerializer(
        {"plan": fu.plan, "visits": fu.visits, "closures": fu.closures, "overdue": fu.overdue}
    ).data


class PersonFollowUp(APIView):
    @extend_schema(
        summary="A person's follow-up: plan and contacts, visits, closures",
        responses={200: FollowUpSummarySerializer, **ERRORS},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        return Response(_follow_up(_person(request, person_uuid, FOLLOW_UP)))


class PersonPlan(APIView):
    @extend_schema(
        summary="Make the follow-up plan, or regenerate it (with a reason and the plan's version)",
        request=FollowUpPlanInputSerializer,
        responses={201: FollowUpSummarySerializer, **ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person = _person(request, person_uuid, FOLLOW_UP, write=True)
        data = _valid(FollowUpPlanInputSerializer, request.data)
        template = None
        if data.get("template"):
            template = FollowUpTemplate.objects.filter(uuid=data["template"]).first()
            if template is None:
                raise exceptions.ValidationError({"template": [_("No such template.")]})
        plan = services.active_plan(person)
        if plan is None:
            services.plan_create(actor=actor, person=person, template=template, start_on=data["start_on"])
        else:
            services.plan_regenerate(
                actor=actor,
                plan=plan,
                expected_version=expected_version(request),
                reason=data["reason"],
                template=template,
                start_on=data["start_on"],
            )
        return Response(_follow_up(person), status=status.HTTP_201_CREATED)


class PersonVisits(APIView):
    @extend_schema(summary="Visits and calls", responses={200: FollowUpVisitSerializer(many=True), **ERRORS})
    def get(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, FOLLOW_UP)
        return Response(FollowUpVisitSerializer(selectors.person_follow_up(person).visits, many=True).data)

    @extend_schema(
        summary="Log a visit or call (it ticks off the contact due)",
        request=FollowUpVisitInputSerializer,
        responses={201: FollowUpVisitSerializer, **ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person = _person(request, person_uuid, FOLLOW_UP, write=True)
        data = _valid(FollowUpVisitInputSerializer, request.data)
        contact = None
        contact_ref = data.pop("contact")
        if contact_ref:
            contact = FollowUpContact.objects.filter(uuid=contact_ref, plan__person=person).first()
            if contact is None:
                raise exceptions.ValidationError({"contact": [_("This contact is not due for this person.")]})
        visit = services.visit_log(actor=actor, person=person, contact=contact, **data)
        return Response(FollowUpVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class ContactReschedule(APIView):
    @extend_schema(
        summary="Move a due contact, with a reason",
        request=FollowUpRescheduleInputSerializer,
        responses={200: FollowUpContactSerializer, **ERRORS},
    )
    def post(self, request: Request, contact_uuid: str) -> Response:
        actor = _actor(request)
        contact, _person_, _access = selectors.get_contact_for_user(actor, contact_uuid, write=True)
        version = expected_version(request)
        data = _valid(FollowUpRescheduleInputSerializer, request.data)
        contact = services.contact_reschedule(
            actor=actor, contact=contact, due_on=data["due_on"], reason=data["reason"], expected_version=version
        )
        return Response(FollowUpContactSerializer(contact).data)


class PersonIncidents(APIView):
    @extend_schema(
        summary="Incidents (psychosocial compartment)", responses={200: FollowUpIncidentSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        return Response(
            FollowUpIncidentSerializer(selectors.incidents_of(_person(request, person_uuid, INCIDENTS)), many=True).data
        )

    @extend_schema(
        summary="Record an incident",
        request=FollowUpIncidentInputSerializer,
        responses={201: FollowUpIncidentSerializer, **ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, INCIDENTS, write=True)
        data = _valid(FollowUpIncidentInputSerializer, request.data)
        incident = services.incident_record(actor=_actor(request), person=person, **data)
        return Response(FollowUpIncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class IncidentActions(APIView):
    @extend_schema(
        summary="Record a follow-up action on an incident",
        request=FollowUpIncidentActionInputSerializer,
        responses={201: FollowUpIncidentSerializer, **ERRORS},
    )
    def post(self, request: Request, incident_uuid: str) -> Response:
        actor = _actor(request)
        incident, _p, _a = selectors.get_incident_for_user(actor, incident_uuid, write=True)
        data = _valid(FollowUpIncidentActionInputSerializer, request.data)
        services.incident_action_add(actor=actor, incident=incident, **data)
        incident.refresh_from_db()
        return Response(FollowUpIncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class PersonSecurityContacts(APIView):
    @extend_schema(
        summary="Security follow-up (justice and security compartment)",
        responses={200: FollowUpSecurityContactSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, SECURITY)
        return Response(FollowUpSecurityContactSerializer(selectors.security_contacts_of(person), many=True).data)

    @extend_schema(
        summary="Record a security follow-up contact",
        request=FollowUpSecurityContactInputSerializer,
        responses={201: FollowUpSecurityContactSerializer, **ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, SECURITY, write=True)
        data = _valid(FollowUpSecurityContactInputSerializer, request.data)
        row = services.security_contact_record(actor=_actor(request), person=person, **data)
        return Response(FollowUpSecurityContactSerializer(row).data, status=status.HTTP_201_CREATED)


class PersonClosures(APIView):
    @extend_schema(
        summary="Closure requests and decisions", responses={200: FollowUpClosureSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, FOLLOW_UP)
        return Response(FollowUpClosureSerializer(selectors.person_follow_up(person).closures, many=True).data)

    @extend_schema(
        summary="Request the closure (a child's case: with its best-interests assessment)",
        request=FollowUpClosureInputSerializer,
        responses={201: FollowUpClosureSerializer, **ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, FOLLOW_UP, write=True)
        data = _valid(FollowUpClosureInputSerializer, request.data)
        assessment = None
        if data["best_interests_assessed_on"] or data["best_interests_recommendation"]:
            assessment = services.BestInterestsInput(
                assessed_on=data["best_interests_assessed_on"],
                recommendation=data["best_interests_recommendation"],
                childs_views=data["childs_views"],
                views_not_sought_reason=data["views_not_sought_reason"],
                reference=data["best_interests_reference"],
            )
        closure = services.closure_request(
            actor=_actor(request),
            person=person,
            reason=data["reason"],
            explanation=data["explanation"],
            best_interests=assessment,
        )
        return Response(FollowUpClosureSerializer(closure).data, status=status.HTTP_201_CREATED)


class ClosureDecision(APIView):
    @extend_schema(
        summary="Approve or refuse a closure (a supervisor other than the requester)",
        request=FollowUpDecisionInputSerializer,
        responses={200: FollowUpClosureSerializer, **ERRORS},
    )
    def post(self, request: Request, closure_uuid: str) -> Response:
        actor = _actor(request)
        closure, _p, _a = selectors.get_closure_for_user(actor, closure_uuid)
        assert actor.user is not None
        if not has_capability(actor.user, Capability.APPROVE_CARE):
            raise exceptions.PermissionDenied(_("Your role cannot approve case closures."))
        version = expected_version(request)
        data = _valid(FollowUpDecisionInputSerializer, request.data)
        closure = services.closure_decide(
            actor=actor, closure=closure, approve=data["approve"], note=data["note"], expected_version=version
        )
        return Response(FollowUpClosureSerializer(closure).data)


class PersonReopen(APIView):
    @extend_schema(
        summary="Reopen a closed case, with a reason",
        request=FollowUpReopenInputSerializer,
        responses={200: FollowUpClosureSerializer, **ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = _person(request, person_uuid, FOLLOW_UP, write=True)
        data = _valid(FollowUpReopenInputSerializer, request.data)
        closure = services.case_reopen(actor=_actor(request), person=person, reason=data["reason"])
        return Response(FollowUpClosureSerializer(closure).data)


MINE = OpenApiParameter("mine", bool, description="Only the caller's own follow-ups")
REGION = OpenApiParameter("region", str, description="Region of the managing unit")
WORKER = OpenApiParameter("worker", str, description="A worker's UUID")


class Overdue(APIView):
    @extend_schema(
        summary="Overdue follow-ups of the persons you follow up (at most 500)",
        parameters=[MINE, REGION, WORKER],
        responses={200: FollowUpDueContactSerializer(many=True), 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        if not selectors.reads_follow_up(request.user):
            raise exceptions.PermissionDenied(_("Your role does not follow up persons."))
        params = request.query_params
        filters = selectors.DueFilters(
            worker=params.get("worker", "")[:40],
            region=params.get("region", "")[:100],
            mine=query_flag(request, "mine"),
        )
        qs = selectors.overdue_contacts(_actor(request), filters)
        return Response(FollowUpDueContactSerializer(qs[:500], many=True).data)


class Due(APIView):
    @extend_schema(
        summary="Your follow-ups overdue or due in the next 30 days",
        responses={200: FollowUpDueContactSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        if not selectors.reads_follow_up(request.user):
            raise exceptions.PermissionDenied(_("Your role does not follow up persons."))
        return Response(
            FollowUpDueContactSerializer(
                selectors.due_for_worker(request.user).select_related("plan__worker"), many=True
            ).data
        )
