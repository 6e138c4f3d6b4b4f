"""/api/v1/rehabilitation/care/ and /api/v1/persons/<uuid>/care/: the same
rules, fields and audit as the pages. Notes of a severe domain and
conference minutes come only to readers of their compartment (a withheld
note says so, without its text). Changes name the version read (If-Match or
"version"); a stale one answers 409."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.access import PersonAccess, has_capability
from zhusan.accounts.models import User
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.core.api import expected_version
from zhusan.registry.selectors import get_person_for_user

from . import selectors, services
from .models import (
    CarePlan,
    CaseConference,
    ConferenceAttendee,
    ConferenceMinute,
    NeedsAssessment,
    PlanGoal,
    PlanReview,
)
from .selectors import NeedShown
from .services import ActionInput, AttendeeInput, CaseInput, NeedInput


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


def _user(request: Request) -> User:
    return cast(User, request.user)


WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input; field → messages; nothing written."),
    403: OpenApiResponse(description="Your role may not do this here (the refusal is audited)."),
    404: OpenApiResponse(description="No such record in your scope."),
    409: OpenApiResponse(description="Someone changed it since you read it; nothing written."),
}


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _user_named(ref: Any, field: str) -> User | None:
    if ref is None:
        return None
    user = User.objects.filter(uuid=ref, is_active=True).first()
    if user is None:
        raise exceptions.ValidationError({field: [_("No such user.")]})
    return user


# --- Serializers ---------------------------------------------------------------------------


class NeedSerializer(serializers.Serializer[Any]):
    domain = serializers.CharField(source="line.domain")
    level = serializers.CharField(source="line.level")
    compartment = serializers.CharField(source="line.compartment")
    notes = serializers.CharField(help_text="Empty when withheld")
    notes_withheld = serializers.SerializerMethodField()

    def get_notes_withheld(self, obj: NeedShown) -> bool:
        return not obj.notes_readable and bool(obj.line.notes)


class AssessmentSerializer(serializers.ModelSerializer[NeedsAssessment]):
    assessor = serializers.CharField(source="assessor.get_username", read_only=True)
    needs = serializers.SerializerMethodField()

    class Meta:
        model = NeedsAssessment
        fields = ["uuid", "assessed_on", "assessor", "version", "needs"]

    @extend_schema_field(NeedSerializer(many=True))
    def get_needs(self, obj: NeedsAssessment) -> list[dict[str, Any]]:
        access: PersonAccess = self.context["access"]
        return list(NeedSerializer(selectors.needs_shown(obj, access), many=True).data)


class GoalSerializer(serializers.ModelSerializer[PlanGoal]):
    owner = serializers.UUIDField(source="owner.uuid", read_only=True)
    owner_name = serializers.SerializerMethodField()
    conference = serializers.UUIDField(source="conference_case.conference.uuid", read_only=True, default=None)

    class Meta:
        model = PlanGoal
        fields = ["uuid", "domain", "text", "owner", "owner_name", "due_on", "status", "conference", "version"]

    def get_owner_name(self, obj: PlanGoal) -> str:
        return obj.owner.get_full_name() or obj.owner.get_username()


class ReviewSerializer(serializers.ModelSerializer[PlanReview]):
    reviewer = serializers.CharField(source="reviewer.get_username", read_only=True)

    class Meta:
        model = PlanReview
        fields = ["uuid", "reviewed_on", "reviewer", "summary", "next_review_on"]


class PlanSerializer(serializers.ModelSerializer[CarePlan]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.get_username", read_only=True, default=None, allow_null=True)
    goals = GoalSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = CarePlan
        fields = [
            "uuid", "person", "status", "summary", "revision", "author", "submitted_at", "decided_by", "decided_at",
            "approval_comment", "rejection_reason", "next_review_on", "version", "goals", "reviews",
        ]  # fmt: skip


class AttendeeSerializer(serializers.ModelSerializer[ConferenceAttendee]):
    class Meta:
        model = ConferenceAttendee
        fields = ["name", "agency", "role"]


class MinuteSerializer(serializers.ModelSerializer[ConferenceMinute]):
    # Plain text: a choice set here would collide in the schema with other compartment fields.
    compartment = serializers.CharField(read_only=True)

    class Meta:
        model = ConferenceMinute
        fields = ["uuid", "compartment", "body"]


class DissentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    view = serializers.CharField()


class CaseSerializer(serializers.Serializer[Any]):
    uuid = serializers.UUIDField(source="case.uuid")
    conference = serializers.UUIDField(source="case.conference.uuid")
    held_on = serializers.DateField(source="case.conference.held_on")
    person = serializers.UUIDField(source="case.person.uuid")
    case_number = serializers.CharField(source="case.person.case_number")
    decisions = serializers.CharField(source="case.decisions")
    dissents = DissentSerializer(source="case.dissents.all", many=True)
    minutes = MinuteSerializer(many=True)
    minutes_withheld = serializers.IntegerField(source="withheld", help_text="Minutes in compartments you do not read")
    actions = GoalSerializer(source="goals", many=True)


class ConferenceSerializer(serializers.ModelSerializer[CaseConference]):
    chair = serializers.CharField(source="chair.get_username", read_only=True)

    class Meta:
        model = CaseConference
        fields = ["uuid", "title", "held_on", "chair", "next_review_on", "version"]


class ConferenceDetailSerializer(ConferenceSerializer):
    attendees = AttendeeSerializer(many=True, read_only=True)

    class Meta(ConferenceSerializer.Meta):
        fields = [*ConferenceSerializer.Meta.fields, "attendees"]


class PersonCareSerializer(serializers.Serializer[Any]):
    assessments = AssessmentSerializer(many=True)
    plans = PlanSerializer(many=True)
    conference_cases = CaseSerializer(many=True)


# --- Input -------------------------------------------------------------------------------


class NeedInputSerializer(serializers.Serializer[Any]):
    domain = serializers.CharField()
    level = serializers.CharField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class NeedsInputSerializer(serializers.Serializer[Any]):
    assessed_on = serializers.DateField()
    needs = NeedInputSerializer(many=True)
    version = serializers.IntegerField(required=False)


class PlanInputSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class GoalInputSerializer(serializers.Serializer[Any]):
    domain = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    owner = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="The owner's user UUID")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False)


class ApproveSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)


class RejectSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewInputSerializer(serializers.Serializer[Any]):
    reviewed_on = serializers.DateField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)


class GoalStatusSerializer(VersionSerializer):
    status = serializers.CharField()


class AttendeeInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_blank=True)
    agency = serializers.CharField(allow_blank=True)
    role = serializers.CharField(required=False, allow_blank=True, default="")


class ConferenceInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(allow_blank=True)
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    chair = serializers.UUIDField(required=False, allow_null=True, default=None)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    attendees = AttendeeInputSerializer(many=True, required=False, default=list)


class MinuteInputSerializer(serializers.Serializer[Any]):
    compartment = serializers.CharField()
    body = serializers.CharField(allow_blank=True)


class CaseInputSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField()
    decisions = serializers.CharField(allow_blank=True)
    dissents = DissentSerializer(many=True, required=False, default=list)
    minutes = MinuteInputSerializer(many=True, required=False, default=list)
    actions = GoalInputSerializer(many=True, required=False, default=list)


# --- Views -----------------------------------------------------------------------------------


def _plan_response(plan: CarePlan, code: int = status.HTTP_200_OK) -> Response:
    plan = selectors.plans_of(plan.person).get(pk=plan.pk)
    return Response(PlanSerializer(plan).data, status=code, headers={"ETag": f'"{plan.version}"'})


class PersonCare(APIView):
    @extend_schema(
        summary="A person's needs assessments, plans (goals, reviews) and case conferences",
        responses={200: PersonCareSerializer},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        if not selectors.reads_plan(access):
            raise PermissionDenied(_("You may not read this person's plan."))
        data = {
            "assessments": selectors.assessments_of(person),
            "plans": selectors.plans_of(person),
            "conference_cases": selectors.conference_cases_of(actor.user, person),
        }
        return Response(PersonCareSerializer(data, context={"access": access}).data)


def _writable(request: Request, person_uuid: str) -> Any:
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, audit_view=False)
    if not services.may_write_care(access, person):
        raise PermissionDenied(_("You may not write this person's needs, plan or case conferences."))
    return person


def _needs(data: dict[str, Any]) -> dict[str, NeedInput]:
    return {n["domain"]: NeedInput(level=n["level"], notes=n["notes"]) for n in data["needs"]}


class PersonNeeds(APIView):
    @extend_schema(
        summary="Record a needs assessment",
        request=NeedsInputSerializer,
        responses={201: AssessmentSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = _writable(request, person_uuid)
        data = _valid(NeedsInputSerializer, request.data)
        actor = _actor(request)
        assessment = services.needs_assessment_create(
            actor=actor, person=person, assessed_on=data["assessed_on"], needs=_needs(data)
        )
        access = get_person_for_user(actor, person.uuid, audit_view=False)[1]
        assessment = selectors.assessments_of(person).get(pk=assessment.pk)
        return Response(AssessmentSerializer(assessment, context={"access": access}).data, status=201)


class NeedsDetail(APIView):
    def _get(self, request: Request, needs_uuid: str) -> tuple[NeedsAssessment, PersonAccess]:
        found = NeedsAssessment.objects.select_related("person").filter(uuid=needs_uuid).first()
        if found is None:
            raise exceptions.NotFound()
        _person, access = get_person_for_user(_actor(request), found.person.uuid)
        if not selectors.reads_plan(access):
            raise PermissionDenied(_("You may not read this person's plan."))
        return selectors.assessments_of(found.person).get(pk=found.pk), access

    @extend_schema(summary="One needs assessment", responses={200: AssessmentSerializer})
    def get(self, request: Request, needs_uuid: str) -> Response:
        assessment, access = self._get(request, needs_uuid)
        return Response(AssessmentSerializer(assessment, context={"access": access}).data)

    @extend_schema(
        summary="Correct a needs assessment (notes you cannot read are kept)",
        request=NeedsInputSerializer,
        responses={200: AssessmentSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, needs_uuid: str) -> Response:
        assessment, access = self._get(request, needs_uuid)
        _writable(request, str(assessment.person.uuid))
        version = expected_version(request)
        data = _valid(NeedsInputSerializer, request.data)
        services.needs_assessment_update(
            actor=_actor(request),
            assessment=assessment,
            expected_version=version,
            assessed_on=data["assessed_on"],
            needs=_needs(data),
        )
        assessment = selectors.assessments_of(assessment.person).get(pk=assessment.pk)
        return Response(AssessmentSerializer(assessment, context={"access": access}).data)


class PersonPlans(APIView):
    @extend_schema(
        summary="Start a draft plan", request=PlanInputSerializer, responses={201: PlanSerializer, **WRITE_ERRORS}
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = _writable(request, person_uuid)
        data = _valid(PlanInputSerializer, request.data)
        plan = services.plan_create(actor=_actor(request), person=person, summary=data["summary"])
        return _plan_response(plan, status.HTTP_201_CREATED)


class PlanDetail(APIView):
    @extend_schema(summary="One plan with its goals and reviews", responses={200: PlanSerializer})
    def get(self, request: Request, plan_uuid: str) -> Response:
        plan, _access = selectors.get_plan_for_user(_actor(request), plan_uuid)
        return _plan_response(plan)


def _plan_to_write(request: Request, plan_uuid: str) -> CarePlan:
    plan, access = selectors.get_plan_for_user(_actor(request), plan_uuid)
    if not services.may_write_care(access, plan.person):
        raise PermissionDenied(_("You may not write this person's plan."))
    return plan


def _plan_to_decide(request: Request, plan_uuid: str) -> CarePlan:
    plan, _access = selectors.get_plan_for_user(_actor(request), plan_uuid)
    if not has_capability(_user(request), Capability.APPROVE_CARE):
        raise PermissionDenied(_("Approving or rejecting a plan needs the right to approve care plans."))
    if plan.author_id == request.user.pk:
        raise PermissionDenied(_("The author of a plan cannot approve or reject it: another supervisor must."))
    return plan


class PlanGoals(APIView):
    @extend_schema(
        summary="Add a goal to a draft plan (an owner is required)",
        request=GoalInputSerializer,
        responses={201: GoalSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_uuid: str) -> Response:
        plan = _plan_to_write(request, plan_uuid)
        data = _valid(GoalInputSerializer, request.data)
        goal = services.goal_add(
            actor=_actor(request),
            plan=plan,
            domain=data["domain"],
            text=data["text"],
            owner=_user_named(data["owner"], "owner"),
            due_on=data["due_on"],
        )
        return Response(GoalSerializer(goal).data, status=201)


class PlanSubmit(APIView):
    @extend_schema(
        summary="Submit a draft for approval",
        request=VersionSerializer,
        responses={200: PlanSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_uuid: str) -> Response:
        plan = _plan_to_write(request, plan_uuid)
        plan = services.plan_submit(actor=_actor(request), plan=plan, expected_version=expected_version(request))
        return _plan_response(plan)


class PlanRevise(APIView):
    @extend_schema(
        summary="Reopen a rejected plan as a draft",
        request=VersionSerializer,
        responses={200: PlanSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_uuid: str) -> Response:
        plan = _plan_to_write(request, plan_uuid)
        plan = services.plan_revise(actor=_actor(request), plan=plan, expected_version=expected_version(request))
        return _plan_response(plan)


class PlanApprove(APIView):
    @extend_schema(
        summary="Approve a submitted plan (not its author; needs the right to approve care)",
        request=ApproveSerializer,
        responses={200: PlanSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_uuid: str) -> Response:
        plan = _plan_to_decide(request, plan_uuid)
        version = expected_version(request)
        data = _valid(ApproveSerializer, request.data)
        plan = services.plan_approve(
            actor=_actor(request),
            plan=plan,
            expected_version=version,
            comment=data["comment"],
            next_review_on=data["next_review_on"],
        )
        return _plan_response(plan)


class PlanReject(APIView):
    @extend_schema(
        summary="Reject a submitted plan with a reason",
        request=RejectSerializer,
        responses={200: PlanSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_uuid: str) -> Response:
        plan = _plan_to_decide(request, plan_uuid)
        version = expected_version(request)
        data = _valid(RejectSerializer, request.data)
        plan = services.plan_reject(actor=_actor(request), plan=plan, expected_version=version, reason=data["reason"])
        return _plan_response(plan)


class PlanReviews(APIView):
    @extend_schema(
        summary="Review the active plan",
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_uuid: str) -> Response:
        plan = _plan_to_write(request, plan_uuid)
        data = _valid(ReviewInputSerializer, request.data)
        review = services.plan_review_add(actor=_actor(request), plan=plan, **data)
        return Response(ReviewSerializer(review).data, status=201)


class GoalStatusView(APIView):
    @extend_schema(
        summary="Change a goal's status (its owner, or who writes the plan)",
        request=GoalStatusSerializer,
        responses={200: GoalSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, goal_uuid: str) -> Response:
        actor = _actor(request)
        goal, access = selectors.get_goal_for_user(actor, goal_uuid)
        if goal.owner_id != request.user.pk and not services.may_write_care(access, goal.plan.person):
            raise PermissionDenied(_("Only the goal's owner or those who write the plan change a goal."))
        version = expected_version(request)
        data = _valid(GoalStatusSerializer, request.data)
        goal = services.goal_status_change(actor=actor, goal=goal, expected_version=version, status=data["status"])
        return Response(GoalSerializer(goal).data)


class PlansWaiting(APIView):
    @extend_schema(summary="Plans waiting for your approval", responses={200: PlanSerializer(many=True)})
    def get(self, request: Request) -> Response:
        if not has_capability(_user(request), Capability.APPROVE_CARE):
            raise PermissionDenied(_("Approving plans needs the right to approve care plans."))
        plans = selectors.plans_waiting_for(_user(request)).prefetch_related("goals__owner", "reviews__reviewer")
        return Response(PlanSerializer(plans[:200], many=True).data)


class ConferenceList(APIView):
    @extend_schema(
        summary="Case conferences that discussed a person you see", responses={200: ConferenceSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        if not selectors.is_care_reader(request.user):
            raise PermissionDenied(_("Your role does not read case conferences."))
        return Response(ConferenceSerializer(selectors.conferences_for_user(request.user)[:500], many=True).data)

    @extend_schema(
        summary="Record a case conference (with its cases, optionally)",
        request=ConferenceInputSerializer,
        responses={201: ConferenceDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not selectors.is_care_writer(request.user):
            raise PermissionDenied(_("Your role does not record case conferences."))
        data = _valid(ConferenceInputSerializer, request.data)
        conference = services.conference_create(
            actor=_actor(request),
            held_on=data["held_on"],
            title=data["title"],
            chair=_user_named(data["chair"], "chair"),
            next_review_on=data["next_review_on"],
            attendees=[AttendeeInput(**a) for a in data["attendees"]],
        )
        return Response(ConferenceDetailSerializer(conference).data, status=201)


class ConferenceDetail(APIView):
    @extend_schema(summary="One conference with the cases you see", responses={200: ConferenceDetailSerializer})
    def get(self, request: Request, conference_uuid: str) -> Response:
        conference, cases = selectors.get_conference_for_user(_actor(request), conference_uuid)
        data = dict(ConferenceDetailSerializer(conference).data)
        data["cases"] = CaseSerializer(cases, many=True).data
        return Response(data)


class ConferenceCases(APIView):
    @extend_schema(
        summary="Add a case discussed (decisions, dissent, minutes, actions that become plan goals)",
        request=CaseInputSerializer,
        responses={201: CaseSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, conference_uuid: str) -> Response:
        actor = _actor(request)
        conference, _cases = selectors.get_conference_for_user(actor, conference_uuid)
        if not selectors.is_care_writer(_user(request)):
            raise PermissionDenied(_("Your role does not record case conferences."))
        data = _valid(CaseInputSerializer, request.data)
        person = _writable(request, str(data["person"]))
        row = services.conference_case_add(
            actor=actor,
            conference=conference,
            case=CaseInput(
                person=person,
                decisions=data["decisions"],
                dissents=[(d["name"], d["view"]) for d in data["dissents"]],
                minutes={m["compartment"]: m["body"] for m in data["minutes"]},
                actions=[
                    ActionInput(a["domain"], a["text"], _user_named(a["owner"], "actions"), a["due_on"])
                    for a in data["actions"]
                ],
            ),
        )
        shown = selectors.conference_cases_of(actor.user, person)
        return Response(CaseSerializer(next(c for c in shown if c.case.pk == row.pk)).data, status=201)


class ConferenceActions(APIView):
    @extend_schema(
        summary="Add an action to a case discussed: a goal of the person's plan",
        request=GoalInputSerializer,
        responses={201: GoalSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, case_uuid: str) -> Response:
        actor = _actor(request)
        case, access = selectors.get_conference_case_for_user(actor, case_uuid)
        if not services.may_write_care(access, case.person):
            raise PermissionDenied(_("You may not write this person's plan."))
        data = _valid(GoalInputSerializer, request.data)
        goal = services.conference_action_add(
            actor=actor,
            case=case,
            action=ActionInput(data["domain"], data["text"], _user_named(data["owner"], "owner"), data["due_on"]),
        )
        return Response(GoalSerializer(goal).data, status=201)


class ConferenceMinutes(APIView):
    @extend_schema(
        summary="Add a case's minute in one compartment",
        request=MinuteInputSerializer,
        responses={201: MinuteSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, case_uuid: str) -> Response:
        actor = _actor(request)
        case, access = selectors.get_conference_case_for_user(actor, case_uuid)
        if not services.may_write_care(access, case.person):
            raise PermissionDenied(_("You may not write this person's case conference records."))
        data = _valid(MinuteInputSerializer, request.data)
        minute = services.conference_minute_add(actor=actor, case=case, **data)
        return Response(MinuteSerializer(minute).data, status=201)
