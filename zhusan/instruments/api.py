"""/api/v1/instruments/ and /api/v1/persons/<uuid>/instruments/: the same
compartment rule, services and audit as the pages. Everything about an
administration is psychosocial; an alert's recipient who does not read that
compartment sees that the alert exists, never the answers or the action."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.api import expected_version
from zhusan.registry.selectors import get_person_for_user

from . import selectors, services
from .catalogue import INSTRUMENTS, InstrumentCode, cutoffs
from .models import Administration, Occasion, SafetyAlert, ScheduledAdministration

PAGE_SIZE = 100
PAGE = OpenApiParameter("page", int, description="Page number (100 rows a page)")


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


class AdministrationSerializer(serializers.ModelSerializer[Administration]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    administered_by = serializers.CharField(source="administered_by.get_username", read_only=True)
    answers = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    subscales = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = Administration
        fields = [
            "uuid", "person", "instrument", "occasion", "administered_on", "administered_by",
            "answers", "total", "subscales", "band",
        ]  # fmt: skip


class AdministrationInputSerializer(serializers.Serializer[Any]):
    instrument = serializers.CharField(help_text=", ".join(InstrumentCode.values))
    occasion = serializers.CharField(help_text=", ".join(Occasion.values))
    administered_on = serializers.DateField()
    answers = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text='Item key → answer value ("1": 0 …); for the SDQ, scale code → score.',
    )


class ScheduleSerializer(serializers.ModelSerializer[ScheduledAdministration]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True)
    administration = serializers.UUIDField(source="administration.uuid", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ScheduledAdministration
        fields = ["uuid", "person", "case_number", "instrument", "occasion", "due_on", "administration"]


class AlertSerializer(serializers.ModelSerializer[SafetyAlert]):
    """``action_taken`` and ``administration`` only for readers of the psychosocial compartment."""

    person = serializers.UUIDField(source="person.uuid", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True)
    administered_on = serializers.DateField(source="administration.administered_on", read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.get_username", read_only=True, default=None, allow_null=True
    )
    is_open = serializers.BooleanField(read_only=True)
    administration = serializers.SerializerMethodField()
    action_taken = serializers.SerializerMethodField()

    class Meta:
        model = SafetyAlert
        fields = [
            "uuid", "person", "case_number", "administered_on", "created_at", "is_open", "acknowledged_at",
            "acknowledged_by", "action_taken", "administration", "version",
        ]  # fmt: skip

    def _reads(self) -> bool:
        return bool(self.context.get("reads"))

    def get_administration(self, alert: SafetyAlert) -> dict[str, Any] | None:
        return AdministrationSerializer(alert.administration).data if self._reads() else None

    def get_action_taken(self, alert: SafetyAlert) -> str | None:
        return alert.action_taken if self._reads() else None


class AcknowledgeSerializer(serializers.Serializer[Any]):
    action_taken = serializers.CharField(max_length=4000)
    version = serializers.IntegerField(required=False)


class PersonInstrumentsSerializer(serializers.Serializer[Any]):
    administrations = AdministrationSerializer(many=True)
    schedule = ScheduleSerializer(many=True)
    alerts = AlertSerializer(many=True)


class PersonInstruments(APIView):
    """A person's administrations, schedule and alerts (the "Instruments" tab);
    POST records an administration."""

    def _person(self, request: Request, person_uuid: str, *, write: bool = False) -> Any:
        person, access = get_person_for_user(_actor(request), person_uuid, write=services.PSY if write else None)
        if not access.can_read(services.PSY):
            raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
        return person

    @extend_schema(summary="A person's instruments", responses={200: PersonInstrumentsSerializer})
    def get(self, request: Request, person_uuid: str) -> Response:
        person = self._person(request, person_uuid)
        data = {
            "administrations": AdministrationSerializer(selectors.administrations_of(person), many=True).data,
            "schedule": ScheduleSerializer(selectors.schedule_of(person), many=True).data,
            "alerts": AlertSerializer(selectors.alerts_of(person), many=True, context={"reads": True}).data,
        }
        return Response(data)

    @extend_schema(
        summary="Record an administration",
        request=AdministrationInputSerializer,
        responses={
            201: AdministrationSerializer,
            400: OpenApiResponse(description="Answers missing or out of range, or the age rule; nothing written."),
            403: OpenApiResponse(description="Your role does not write the psychosocial compartment."),
        },
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person = self._person(request, person_uuid, write=True)
        payload = AdministrationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        admin = services.administration_record(actor=_actor(request), person=person, **payload.validated_data)
        return Response(AdministrationSerializer(admin).data, status=status.HTTP_201_CREATED)


class ScheduleInputSerializer(serializers.Serializer[Any]):
    instrument = serializers.CharField(help_text=", ".join(InstrumentCode.values))
    occasion = serializers.CharField(help_text=", ".join(Occasion.values))
    due_on = serializers.DateField()


class PersonInstrumentSchedule(APIView):
    """Schedule one instrument for a person by hand (as the tab's form does)."""

    @extend_schema(
        summary="Schedule an instrument",
        request=ScheduleInputSerializer,
        responses={
            201: ScheduleSerializer,
            400: OpenApiResponse(description="Unknown instrument or occasion, or the age rule; nothing written."),
            403: OpenApiResponse(description="Your role does not write the psychosocial compartment."),
        },
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        person, _access = get_person_for_user(_actor(request), person_uuid, write=services.PSY)
        payload = ScheduleInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.schedule_add(actor=_actor(request), person=person, **payload.validated_data)
        return Response(ScheduleSerializer(row).data, status=status.HTTP_201_CREATED)


class AdministrationDetail(APIView):
    @extend_schema(summary="One administration", responses={200: AdministrationSerializer})
    def get(self, request: Request, administration_uuid: str) -> Response:
        admin = selectors.get_administration_for_user(_actor(request), administration_uuid)
        return Response(AdministrationSerializer(admin).data)


def _page(request: Request, qs: Any) -> Any:
    try:
        number = int(request.query_params.get("page", "1"))
    except ValueError:
        number = 1
    return Paginator(qs, PAGE_SIZE).get_page(number)


class AlertList(APIView):
    @extend_schema(summary="Open safety alerts for me", parameters=[PAGE], responses={200: AlertSerializer(many=True)})
    def get(self, request: Request) -> Response:
        if not selectors.may_list_alerts(request.user):
            raise exceptions.PermissionDenied(_("Your role does not read psychosocial records."))
        page = _page(request, selectors.open_alerts_for_user(request.user))
        record(_actor(request), Action.LIST, object_type=ObjectType.SAFETY_ALERT, detail={"page": page.number})
        readable = selectors.psychosocial_persons(request.user).filter(pk__in=[a.person_id for a in page])
        reads = set(readable.values_list("pk", flat=True))
        data = [AlertSerializer(a, context={"reads": a.person_id in reads}).data for a in page]
        return Response(data)


class AlertDetail(APIView):
    @extend_schema(summary="One safety alert", responses={200: AlertSerializer})
    def get(self, request: Request, alert_uuid: str) -> Response:
        alert, reads = selectors.get_alert_for_user(_actor(request), alert_uuid)
        return Response(AlertSerializer(alert, context={"reads": reads}).data, headers={"ETag": f'"{alert.version}"'})


class AlertAcknowledge(APIView):
    @extend_schema(
        summary="Acknowledge a safety alert with the action taken",
        request=AcknowledgeSerializer,
        responses={
            200: AlertSerializer,
            400: OpenApiResponse(description="No action taken given, or already acknowledged; nothing written."),
            403: OpenApiResponse(description="Not a recipient nor a psychologist of the person."),
            409: OpenApiResponse(description="Someone acknowledged it since you read it."),
        },
    )
    def post(self, request: Request, alert_uuid: str) -> Response:
        actor = _actor(request)
        alert, reads = selectors.get_alert_for_user(actor, alert_uuid)
        payload = AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = expected_version(request)
        alert = services.alert_acknowledge(
            actor=actor, alert=alert, action_taken=payload.validated_data["action_taken"], expected_version=version
        )
        return Response(AlertSerializer(alert, context={"reads": reads}).data)


class OverdueList(APIView):
    @extend_schema(
        summary="Overdue instruments of the persons I read",
        parameters=[PAGE],
        responses={200: ScheduleSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        if not selectors.reads_psychosocial(request.user):
            raise exceptions.PermissionDenied(_("Your role does not read psychosocial records."))
        page = _page(request, selectors.overdue_for_user(request.user))
        record(_actor(request), Action.LIST, object_type=ObjectType.INSTRUMENT_SCHEDULE, detail={"page": page.number})
        return Response(ScheduleSerializer(list(page), many=True).data)


class CatalogueItemSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    text = serializers.CharField(allow_null=True)
    maximum = serializers.IntegerField()


class CatalogueSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    min_age = serializers.IntegerField()
    max_age = serializers.IntegerField()
    total_max = serializers.IntegerField()
    choices = serializers.DictField(child=serializers.CharField())
    items = CatalogueItemSerializer(many=True)
    cutoffs = serializers.ListField(child=serializers.IntegerField())


class Catalogue(APIView):
    @extend_schema(
        summary="The instruments, their items, scales and cut-offs", responses={200: CatalogueSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        data = [
            {
                "code": inst.code.value,
                "name": inst.name,
                "min_age": inst.min_age,
                "max_age": min(inst.max_age, 120),
                "total_max": inst.total_max,
                "choices": {str(c.value): str(c.label) for c in inst.choices},
                "items": [
                    {
                        "key": i.key,
                        "text": str(i.text) if inst.items_carried or not inst.choices else None,
                        "maximum": i.maximum,
                    }
                    for i in inst.items
                ],
                "cutoffs": cutoffs(inst.code),
            }
            for inst in INSTRUMENTS.values()
        ]
        return Response(CatalogueSerializer(data, many=True).data)
