"""/api/v1/rehabilitation/ and /api/v1/persons/<uuid>/rehabilitation/: the
same role, scope, compartment and audit as the pages.

Thin views: selectors look up (and audit), services write (and audit). A
room, a discharge destination and summary are shown only to a reader of
the person's contact-and-location compartment, as on the person tab. Bad
input answers 400 with field errors and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.models import User
from zhusan.accounts.permissions import Compartment
from zhusan.audit.services import Actor
from zhusan.core.api import expected_version
from zhusan.registry.access import access_for
from zhusan.registry.selectors import get_person_for_user

from . import selectors, services
from .models import Admission, Centre, Destination, Discipline, KeyWorker, Room


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input (a full room, a date outside the stay …); nothing written."),
    403: OpenApiResponse(description="Your role cannot do this (the refusal is audited)."),
    404: OpenApiResponse(description="No such record in your scope."),
    409: OpenApiResponse(description="Someone changed it since you read it; nothing written."),
}


class RoomSerializer(serializers.ModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["uuid", "name", "beds", "mothers_with_young_children"]


class CentreSerializer(serializers.ModelSerializer[Centre]):
    rooms = RoomSerializer(many=True, read_only=True)
    caseload_limits = serializers.SerializerMethodField()

    class Meta:
        model = Centre
        fields = ["uuid", "name", "region", "town", "address", "rooms", "caseload_limits"]

    def get_caseload_limits(self, centre: Centre) -> dict[str, int]:
        return {d: centre.caseload_limit(d) for d in Discipline.values}


class AdmissionSerializer(serializers.Serializer[Any]):
    """An admission; ``room``, ``destination`` and ``discharge_summary`` are
    null for a reader who does not read the person's location."""

    uuid = serializers.UUIDField()
    person = serializers.UUIDField()
    case_number = serializers.CharField()
    centre = serializers.UUIDField()
    room = serializers.UUIDField(allow_null=True)
    room_name = serializers.CharField(allow_null=True)
    admitted_on = serializers.DateField()
    discharged_on = serializers.DateField(allow_null=True)
    length_of_stay_days = serializers.IntegerField()
    destination = serializers.CharField(allow_null=True)
    discharge_summary = serializers.CharField(allow_null=True)
    prefers_female_professional = serializers.BooleanField()
    version = serializers.IntegerField()


def admission_data(admission: Admission, shows_rooms: bool) -> dict[str, Any]:
    return {
        "uuid": admission.uuid,
        "person": admission.person.uuid,
        "case_number": admission.person.case_number,
        "centre": admission.centre.uuid,
        "room": admission.room.uuid if shows_rooms else None,
        "room_name": admission.room.name if shows_rooms else None,
        "admitted_on": admission.admitted_on,
        "discharged_on": admission.discharged_on,
        "length_of_stay_days": admission.length_of_stay(),
        "destination": (admission.destination or None) if shows_rooms else None,
        "discharge_summary": (admission.discharge_summary or None) if shows_rooms else None,
        "prefers_female_professional": admission.prefers_female_professional,
        "version": admission.version,
    }


class KeyWorkerSerializer(serializers.ModelSerializer[KeyWorker]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    user = serializers.UUIDField(source="user.uuid", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = KeyWorker
        fields = [
            "uuid", "person", "user", "username", "name", "discipline", "started_on", "ended_on",
            "over_limit", "against_preference",
        ]  # fmt: skip


class PersonRehabilitationSerializer(serializers.Serializer[Any]):
    admissions = AdmissionSerializer(many=True)
    key_workers = KeyWorkerSerializer(many=True)


class BoardResidentSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField(allow_null=True)
    case_number = serializers.CharField(allow_null=True)
    admitted_on = serializers.DateField(allow_null=True)


class BoardRoomSerializer(serializers.Serializer[Any]):
    room = RoomSerializer()
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()
    residents = BoardResidentSerializer(many=True)


class ExpectedSerializer(serializers.Serializer[Any]):
    movement = serializers.UUIDField()
    operation = serializers.CharField()
    movement_label = serializers.CharField()
    status = serializers.CharField()
    arrival_on = serializers.DateField(allow_null=True)
    persons = serializers.IntegerField()


class BoardSerializer(serializers.Serializer[Any]):
    centre = serializers.UUIDField()
    day = serializers.DateField()
    beds = serializers.IntegerField()
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()
    rooms = BoardRoomSerializer(many=True)
    expected = ExpectedSerializer(many=True)


def board_data(board: selectors.Board) -> dict[str, Any]:
    return {
        "centre": board.centre.uuid,
        "day": board.day,
        "beds": board.beds,
        "occupied": board.occupied,
        "free": board.free,
        "rooms": [
            {
                "room": RoomSerializer(r.room).data,
                "occupied": r.occupied,
                "free": r.free,
                # A bed taken by someone the reader may not see: no person, no date.
                "residents": [
                    {
                        "person": x.admission.person.uuid if x.shown else None,
                        "case_number": x.admission.person.case_number if x.shown else None,
                        "admitted_on": x.admission.admitted_on if x.shown else None,
                    }
                    for x in r.residents
                ],
            }
            for r in board.rooms
        ],
        "expected": [
            {
                "movement": e.movement.uuid,
                "operation": e.movement.operation.code,
                "movement_label": e.movement.label,
                "status": e.movement.status,
                "arrival_on": e.movement.arrival_on,
                "persons": e.persons,
            }
            for e in board.expected
        ],
    }


class ResidentInputSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField()
    room = serializers.UUIDField()
    prefers_female_professional = serializers.BooleanField(required=False, default=False)


class SeparationInputSerializer(serializers.Serializer[Any]):
    child = serializers.UUIDField()
    carer = serializers.UUIDField()
    justification = serializers.CharField(allow_blank=True)
    assessed_on = serializers.DateField()
    recommendation = serializers.CharField(allow_blank=True)
    childs_views = serializers.CharField(required=False, allow_blank=True, default="")
    views_not_sought_reason = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class AdmitSerializer(serializers.Serializer[Any]):
    admitted_on = serializers.DateField()
    residents = ResidentInputSerializer(many=True, help_text="The person and the family admitted with them")
    separations = SeparationInputSerializer(many=True, required=False, default=list)


class RoomChangeSerializer(serializers.Serializer[Any]):
    room = serializers.UUIDField()
    moved_on = serializers.DateField()
    version = serializers.IntegerField(required=False)


class DischargeSerializer(serializers.Serializer[Any]):
    discharged_on = serializers.DateField()
    destination = serializers.ChoiceField(choices=Destination.choices)
    summary = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)
    assessed_on = serializers.DateField(required=False, allow_null=True, default=None)
    recommendation = serializers.CharField(required=False, allow_blank=True, default="")
    childs_views = serializers.CharField(required=False, allow_blank=True, default="")
    views_not_sought_reason = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class KeyWorkerAssignSerializer(serializers.Serializer[Any]):
    user = serializers.UUIDField(help_text="A member of the centre's staff")
    discipline = serializers.ChoiceField(choices=Discipline.choices)
    started_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class LoadSerializer(serializers.Serializer[Any]):
    staff = serializers.UUIDField()
    user = serializers.UUIDField()
    name = serializers.CharField()
    discipline = serializers.CharField()
    is_female = serializers.BooleanField()
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    over_limit = serializers.BooleanField()


class CaseloadSerializer(serializers.Serializer[Any]):
    staff = serializers.UUIDField()
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    over_limit = serializers.BooleanField()
    hidden = serializers.IntegerField(help_text="Residents outside your scope, counted only")
    key_workers = KeyWorkerSerializer(many=True)


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _room(centre: Centre, ref: Any, field: str = "room") -> Room:
    room = Room.objects.filter(centre=centre, uuid=ref).first()
    if room is None:
        raise exceptions.ValidationError({field: [_("Choose a room of this centre.")]})
    return room


def _shows_rooms(request: Request, admission: Admission) -> bool:
    return access_for(request.user, admission.person).can_read(Compartment.CONTACT_LOCATION)


class CentreList(APIView):
    @extend_schema(summary="Rehabilitation centres", responses={200: CentreSerializer(many=True)})
    def get(self, request: Request) -> Response:
        centres = selectors.centres_for_user(_actor(request)).prefetch_related("rooms")
        return Response(CentreSerializer(centres, many=True).data)


class CentreDetail(APIView):
    @extend_schema(summary="One centre with its rooms and caseload limits", responses={200: CentreSerializer})
    def get(self, request: Request, centre_uuid: str) -> Response:
        return Response(CentreSerializer(selectors.get_centre_for_user(_actor(request), centre_uuid)).data)


class CentreOccupancy(APIView):
    @extend_schema(
        summary="The occupancy board: who is in which room today, free beds, expected arrivals",
        responses={200: BoardSerializer},
    )
    def get(self, request: Request, centre_uuid: str) -> Response:
        actor = _actor(request)
        centre = selectors.get_centre_for_user(actor, centre_uuid)
        return Response(BoardSerializer(board_data(selectors.occupancy_board(actor, centre))).data)


class CentreAdmissions(APIView):
    @extend_schema(
        summary="Admit a person, with the family admitted together (and any separation decision)",
        request=AdmitSerializer,
        responses={201: AdmissionSerializer(many=True), **WRITE_ERRORS},
    )
    def post(self, request: Request, centre_uuid: str) -> Response:
        actor = _actor(request)
        centre = selectors.get_centre_for_user(actor, centre_uuid)
        if not services.may_admit(request.user):
            raise exceptions.PermissionDenied(_("Your role cannot admit persons to a centre."))
        data = _valid(AdmitSerializer, request.data)
        residents = []
        for item in data["residents"]:
            person, _access = get_person_for_user(actor, item["person"], write=Compartment.CONTACT_LOCATION)
            residents.append(
                services.ResidentInput(
                    person=person,
                    room=_room(centre, item["room"]),
                    prefers_female_professional=item["prefers_female_professional"],
                )
            )
        separations = []
        for item in data["separations"]:
            child, _a = get_person_for_user(actor, item.pop("child"), audit_view=False)
            carer, _b = get_person_for_user(actor, item.pop("carer"), audit_view=False)
            separations.append(services.SeparationInput(child=child, carer=carer, **item))
        admissions = services.admission_create(
            actor=actor, centre=centre, admitted_on=data["admitted_on"], residents=residents, separations=separations
        )
        body = [admission_data(a, True) for a in admissions]
        return Response(AdmissionSerializer(body, many=True).data, status=status.HTTP_201_CREATED)


class AdmissionDetail(APIView):
    @extend_schema(summary="One admission", responses={200: AdmissionSerializer})
    def get(self, request: Request, admission_uuid: str) -> Response:
        admission = selectors.get_admission_for_user(_actor(request), admission_uuid)
        data = admission_data(admission, _shows_rooms(request, admission))
        return Response(AdmissionSerializer(data).data, headers={"ETag": f'"{admission.version}"'})


def _admission_to_change(request: Request, admission_uuid: str) -> tuple[Actor, Admission]:
    actor = _actor(request)
    admission = selectors.get_admission_for_user(actor, admission_uuid)
    if not services.may_manage_residents(request.user, admission.person):
        raise exceptions.PermissionDenied(_("You may not move or discharge this resident."))
    return actor, admission


class AdmissionRoom(APIView):
    @extend_schema(
        summary="Move a resident to another room (a mother's young children move with her)",
        request=RoomChangeSerializer,
        responses={200: AdmissionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, admission_uuid: str) -> Response:
        actor, admission = _admission_to_change(request, admission_uuid)
        data = _valid(RoomChangeSerializer, request.data)
        version = expected_version(request)
        admission = services.room_change(
            actor=actor,
            admission=admission,
            room=_room(admission.centre, data["room"]),
            moved_on=data["moved_on"],
            expected_version=version,
        )
        return Response(AdmissionSerializer(admission_data(admission, True)).data)


class AdmissionDischarge(APIView):
    @extend_schema(
        summary="Discharge a resident (a child: with the best-interests assessment of the discharge)",
        request=DischargeSerializer,
        responses={200: AdmissionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, admission_uuid: str) -> Response:
        actor, admission = _admission_to_change(request, admission_uuid)
        if not services.may_admit(request.user):
            raise exceptions.PermissionDenied(_("Your role cannot discharge: a discharge moves the person's stage."))
        data = _valid(DischargeSerializer, request.data)
        version = expected_version(request)
        assessment = None
        if data["assessed_on"] is not None or data["recommendation"]:
            assessment = services.BestInterestsInput(
                assessed_on=data["assessed_on"] or data["discharged_on"],
                recommendation=data["recommendation"],
                childs_views=data["childs_views"],
                views_not_sought_reason=data["views_not_sought_reason"],
                reference=data["reference"],
            )
        admission = services.admission_discharge(
            actor=actor,
            admission=admission,
            discharged_on=data["discharged_on"],
            destination=data["destination"],
            summary=data["summary"],
            expected_version=version,
            best_interests=assessment,
        )
        return Response(AdmissionSerializer(admission_data(admission, True)).data)


class PersonKeyWorkers(APIView):
    @extend_schema(
        summary="Assign a key worker to a resident (ends the current one of that discipline)",
        request=KeyWorkerAssignSerializer,
        responses={201: KeyWorkerSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, audit_view=False)
        if not services.may_manage_residents(request.user, person):
            raise exceptions.PermissionDenied(_("You may not assign this person's key workers."))
        data = _valid(KeyWorkerAssignSerializer, request.data)
        user = User.objects.filter(uuid=data["user"], is_active=True).first()
        if user is None:
            raise exceptions.ValidationError({"user": [_("No such user.")]})
        key_worker = services.key_worker_assign(
            actor=actor,
            person=person,
            user=user,
            discipline=data["discipline"],
            started_on=data["started_on"],
            reason=data["reason"],
        )
        return Response(KeyWorkerSerializer(key_worker).data, status=status.HTTP_201_CREATED)


class PersonRehabilitation(APIView):
    @extend_schema(
        summary="A person's stays in rehabilitation centres and key workers",
        responses={200: PersonRehabilitationSerializer},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        from zhusan.accounts.permissions import Detail

        if not access.can_read(Compartment.IDENTITY, Detail.REPATRIATION):
            raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
        stays = selectors.stays_of(person, access)
        for a in stays.admissions:
            a.person = person
        return Response(
            {
                "admissions": AdmissionSerializer(
                    [admission_data(a, stays.shows_rooms) for a in stays.admissions], many=True
                ).data,
                "key_workers": KeyWorkerSerializer(stays.key_workers, many=True).data,
            }
        )


def _load(load: Any) -> dict[str, Any]:
    member = load.member
    return {
        "staff": member.uuid,
        "user": member.user.uuid,
        "name": member.user.get_full_name() or member.user.username,
        "discipline": member.discipline,
        "is_female": member.is_female,
        "count": load.count,
        "limit": load.limit,
        "over_limit": load.over_limit,
    }


class CentreCaseloads(APIView):
    @extend_schema(
        summary="Caseloads of a discipline at a centre (counts only)",
        parameters=[OpenApiParameter("discipline", str, enum=Discipline.values)],
        responses={200: LoadSerializer(many=True)},
    )
    def get(self, request: Request, centre_uuid: str) -> Response:
        actor = _actor(request)
        centre = selectors.get_centre_for_user(actor, centre_uuid)
        discipline = request.query_params.get("discipline") or Discipline.PSYCHOLOGIST
        if discipline not in Discipline.values:
            raise exceptions.ValidationError({"discipline": [_("Unknown discipline.")]})
        loads = selectors.discipline_caseloads(actor, centre, discipline)
        return Response(LoadSerializer([_load(x) for x in loads], many=True).data)


class StaffCaseload(APIView):
    @extend_schema(summary="The residents of one member of staff", responses={200: CaseloadSerializer})
    def get(self, request: Request, staff_uuid: str) -> Response:
        actor = _actor(request)
        member = selectors.get_staff_member_for_user(actor, staff_uuid)
        load = selectors.caseload(actor, member)
        return Response(
            CaseloadSerializer(
                {
                    "staff": member.uuid,
                    "count": load.count,
                    "limit": load.limit,
                    "over_limit": load.over_limit,
                    "hidden": load.hidden,
                    "key_workers": load.key_workers,
                }
            ).data
        )
