"""/api/v1/rehabilitation/sessions/: the same scope, compartments and audit as the pages.

A session's serializer carries its notes only for readers of the note's
compartment (``notes`` is null otherwise: "notes withheld"). Writes that
change a session name the version read (If-Match or "version"); a stale one
answers 409.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.models import User
from zhusan.audit.services import Actor
from zhusan.core.api import expected_version, query_date
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user
from zhusan.rehabilitation.models import Discipline

from . import selectors, services
from .extensions import SESSIONS_COMPARTMENT
from .models import (
    INTAKE_COMPARTMENT,
    RISK_ASSESSMENT_COMPARTMENT,
    Attendance,
    IntakeAccount,
    ProfessionalRiskAssessment,
    Regret,
    RiskTool,
    Session,
    SessionKind,
    SessionNote,
    TravelReason,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The version you read, as "<version>" (or send "version" in the body).',
)
WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing written."),
    403: OpenApiResponse(description="Not allowed (the refusal is audited)."),
    404: OpenApiResponse(description="No such record in your scope."),
    409: OpenApiResponse(description="Someone changed it since you read it; nothing written."),
}
FORBIDDEN = OpenApiResponse(description="Your role does not read this compartment (audited).")


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class SessionStaffSerializer(serializers.ModelSerializer[User]):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["uuid", "name"]

    def get_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class SessionNoteSerializer(serializers.ModelSerializer[SessionNote]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True, default="")

    class Meta:
        model = SessionNote
        fields = ["uuid", "person", "compartment", "body", "author", "created_at"]


class SessionParticipantOutSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField(source="person.uuid")
    case_number = serializers.CharField(source="person.case_number")
    attendance = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer[Session]):
    """What everyone who sees a participant may know of a session; ``notes`` only for the compartment's readers."""

    staff = SessionStaffSerializer(many=True, read_only=True)
    participants = serializers.SerializerMethodField()
    hidden_participants = serializers.SerializerMethodField()
    notes_compartment = serializers.CharField(source="compartment", read_only=True)
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "uuid", "kind", "discipline", "title", "starts_at", "planned_minutes", "status", "duration_minutes",
            "cancel_reason", "staff", "participants", "hidden_participants", "notes_compartment", "notes", "version",
        ]  # fmt: skip

    def _view(self) -> selectors.SessionView | None:
        view = self.context.get("view_of")
        return view if isinstance(view, selectors.SessionView) else None

    @extend_schema_field(SessionParticipantOutSerializer(many=True))
    def get_participants(self, obj: Session) -> list[dict[str, Any]]:
        view = self._view()
        participants = view.participants if view is not None else self.context.get("participants", {}).get(obj.pk, [])
        return [dict(SessionParticipantOutSerializer(p).data) for p in participants]

    def get_hidden_participants(self, obj: Session) -> int:
        view = self._view()
        return view.hidden_participants if view is not None else 0

    @extend_schema_field(SessionNoteSerializer(many=True, allow_null=True))
    def get_notes(self, obj: Session) -> list[dict[str, Any]] | None:
        view = self._view()
        if view is None or not view.reads_notes:
            return None
        return [dict(SessionNoteSerializer(n).data) for n in view.notes]


class SessionPlanSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=SessionKind.choices, default=SessionKind.INDIVIDUAL)
    discipline = serializers.ChoiceField(choices=Discipline.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    starts_at = serializers.DateTimeField()
    planned_minutes = serializers.IntegerField(required=False, default=60)
    participants = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, help_text="Other participants (family, group)"
    )
    staff = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, help_text="Users; empty: yourself"
    )


class SessionHoldSerializer(serializers.Serializer[Any]):
    duration_minutes = serializers.IntegerField()
    attendance = serializers.DictField(
        child=serializers.ChoiceField(choices=Attendance.choices), help_text="person UUID → present/absent/excused"
    )
    version = serializers.IntegerField(required=False)


class SessionCancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class SessionNoteInSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField()
    body = serializers.CharField(allow_blank=True)


class SessionParticipantInSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField()
    version = serializers.IntegerField(required=False)


class IntakeAccountSerializer(serializers.ModelSerializer[IntakeAccount]):
    travel_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = IntakeAccount
        fields = ["uuid", "interviewed_on", "travel_reasons", "regret", "account", "version"]


class IntakeAccountInSerializer(serializers.Serializer[Any]):
    interviewed_on = serializers.DateField()
    travel_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=TravelReason.choices), required=False, default=list
    )
    regret = serializers.ChoiceField(choices=Regret.choices, default=Regret.NOT_DISCUSSED)
    account = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class RiskAssessmentSerializer(serializers.ModelSerializer[ProfessionalRiskAssessment]):
    class Meta:
        model = ProfessionalRiskAssessment
        fields = [
            "uuid", "tool", "outcome", "assessor_name", "assessor_organisation", "assessed_on", "report_reference",
        ]  # fmt: skip


class RiskAssessmentInSerializer(serializers.Serializer[Any]):
    tool = serializers.ChoiceField(choices=RiskTool.choices)
    outcome = serializers.CharField(max_length=200)
    assessor_name = serializers.CharField(max_length=200)
    assessor_organisation = serializers.CharField(max_length=200)
    assessed_on = serializers.DateField()
    report_reference = serializers.CharField(max_length=200)


def _users(refs: list[Any]) -> list[User]:
    found = {u.uuid: u for u in User.objects.filter(uuid__in=refs, is_active=True)}
    missing = [str(r) for r in refs if r not in found]
    if missing:
        raise exceptions.ValidationError({"staff": [_("No such user: %(u)s.") % {"u": ", ".join(missing)}]})
    return [found[r] for r in refs]


def _session_response(actor: Actor, ref: Any, code: int = status.HTTP_200_OK) -> Response:
    view = selectors.get_session_for_user(actor, ref)
    data = SessionSerializer(view.session, context={"view_of": view}).data
    return Response(data, status=code, headers={"ETag": f'"{view.session.version}"'})


class PersonSessions(APIView):
    """A person's sessions (the "Sessions" tab): that they took place, never their notes."""

    @extend_schema(summary="A person's sessions", responses={200: SessionSerializer(many=True), 403: FORBIDDEN})
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        if not access.can_read(SESSIONS_COMPARTMENT):
            raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
        sessions = list(selectors.sessions_of_person(person, access)[:200])
        participants = {s.pk: [p for p in s.participants.all() if p.person_id == person.pk] for s in sessions}
        return Response(SessionSerializer(sessions, many=True, context={"participants": participants}).data)

    @extend_schema(
        summary="Plan a session with this person (and others for a family or group session)",
        request=SessionPlanSerializer,
        responses={201: SessionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, audit_view=False)
        data = _valid(SessionPlanSerializer, request.data)
        others: list[Person] = [get_person_for_user(actor, ref, audit_view=False)[0] for ref in data["participants"]]
        session = services.session_plan(
            actor=actor,
            kind=data["kind"],
            discipline=data["discipline"],
            title=data["title"],
            starts_at=data["starts_at"],
            planned_minutes=data["planned_minutes"],
            persons=[person, *others],
            staff=_users(data["staff"]),
        )
        return _session_response(actor, session.uuid, status.HTTP_201_CREATED)


class SessionDetail(APIView):
    @extend_schema(summary="One session (notes only for the compartment's readers)", responses={200: SessionSerializer})
    def get(self, request: Request, session_uuid: str) -> Response:
        return _session_response(_actor(request), session_uuid)


class SessionHold(APIView):
    @extend_schema(
        summary="Mark a planned session held: duration and every participant's attendance",
        parameters=[IF_MATCH],
        request=SessionHoldSerializer,
        responses={200: SessionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, session_uuid: str) -> Response:
        actor = _actor(request)
        view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
        version = expected_version(request)
        data = _valid(SessionHoldSerializer, request.data)
        services.session_hold(
            actor=actor,
            session=view.session,
            expected_version=version,
            duration_minutes=data["duration_minutes"],
            attendance=data["attendance"],
        )
        return _session_response(actor, session_uuid)


class SessionCancel(APIView):
    @extend_schema(
        summary="Cancel a planned session, with a reason",
        parameters=[IF_MATCH],
        request=SessionCancelSerializer,
        responses={200: SessionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, session_uuid: str) -> Response:
        actor = _actor(request)
        view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
        version = expected_version(request)
        data = _valid(SessionCancelSerializer, request.data)
        services.session_cancel(actor=actor, session=view.session, expected_version=version, reason=data["reason"])
        return _session_response(actor, session_uuid)


class SessionParticipants(APIView):
    @extend_schema(
        summary="Add a participant to a planned family or group session",
        parameters=[IF_MATCH],
        request=SessionParticipantInSerializer,
        responses={200: SessionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, session_uuid: str) -> Response:
        actor = _actor(request)
        view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
        version = expected_version(request)
        data = _valid(SessionParticipantInSerializer, request.data)
        person, _access = get_person_for_user(actor, data["person"], audit_view=False)
        services.session_add_participant(actor=actor, session=view.session, person=person, expected_version=version)
        return _session_response(actor, session_uuid)


class SessionNotes(APIView):
    @extend_schema(
        summary="Write a note about one participant (only the discipline that owns the compartment)",
        request=SessionNoteInSerializer,
        responses={201: SessionNoteSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, session_uuid: str) -> Response:
        actor = _actor(request)
        view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
        data = _valid(SessionNoteInSerializer, request.data)
        person = next((p.person for p in view.participants if p.person.uuid == data["person"]), None)
        if person is None:
            raise exceptions.ValidationError({"person": [_("This person is not in the session.")]})
        note = services.session_note_add(actor=actor, session=view.session, person=person, body=data["body"])
        return Response(SessionNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class TodaySessions(APIView):
    @extend_schema(
        summary="Your sessions of one day (today unless ?day=YYYY-MM-DD)",
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False)],
        responses={200: SessionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        day = query_date(request, "day") or timezone.localdate()
        sessions = list(selectors.sessions_of_staff_on(request.user, day))
        participants = {s.pk: list(s.participants.all()) for s in sessions}
        return Response(SessionSerializer(sessions, many=True, context={"participants": participants}).data)


class PersonIntake(APIView):
    """The intake account: psychosocial compartment only; adults only."""

    @extend_schema(
        summary="The person's intake account (null if none)", responses={200: IntakeAccountSerializer, 403: FORBIDDEN}
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        intake = selectors.intake_account_for(actor, person, access)
        return Response(IntakeAccountSerializer(intake).data if intake else None)

    @extend_schema(
        summary="Record (or, with version, correct) the intake account",
        request=IntakeAccountInSerializer,
        responses={200: IntakeAccountSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=INTAKE_COMPARTMENT)
        data = _valid(IntakeAccountInSerializer, request.data)
        intake = services.intake_account_record(
            actor=actor,
            person=person,
            interviewed_on=data["interviewed_on"],
            travel_reasons=data["travel_reasons"],
            regret=data["regret"],
            account=data["account"],
            expected_version=data["version"],
        )
        return Response(IntakeAccountSerializer(intake).data)


class PersonRiskAssessments(APIView):
    """Professional risk assessments: justice and security only; adults only; outcome, never a score."""

    @extend_schema(
        summary="The person's professional risk assessments",
        responses={200: RiskAssessmentSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        return Response(RiskAssessmentSerializer(selectors.risk_assessments_for(actor, person, access), many=True).data)

    @extend_schema(
        summary="Record a licensed assessor's outcome",
        request=RiskAssessmentInSerializer,
        responses={201: RiskAssessmentSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=RISK_ASSESSMENT_COMPARTMENT)
        data = _valid(RiskAssessmentInSerializer, request.data)
        assessment = services.risk_assessment_record(actor=actor, person=person, **data)
        return Response(RiskAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
