"""/api/v1/operations/: the same capability checks, scope and audit as the UI.

Thin views: selectors look up (and audit), services write (and audit).
Advancing an entry needs the version read (If-Match or "version"); a stale
one answers 409.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.audit.models import ObjectType
from zhusan.audit.services import Actor
from zhusan.core.api import expected_version
from zhusan.registry.selectors import get_person_for_user

from . import selectors, services
from .models import (
    ClearanceItem,
    ClearanceKind,
    HandoverDocument,
    HandoverDocumentKind,
    ManifestEntry,
    Movement,
    Operation,
)


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The version you read, as "<version>" (or send "version" in the body).',
)
WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input or a move the lifecycle does not allow; nothing written."),
    403: OpenApiResponse(description="Your role cannot manage operations (the refusal is audited)."),
    404: OpenApiResponse(description="No such record."),
    409: OpenApiResponse(description="Someone changed it since you read it; nothing written."),
    428: OpenApiResponse(description="No version sent."),
}


class OperationSerializer(serializers.ModelSerializer[Operation]):
    lead = serializers.UUIDField(source="lead.uuid", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Operation
        fields = ["uuid", "code", "name", "status", "country", "lead", "clearance_kinds", "version"]


class OperationPatchSerializer(serializers.Serializer[Any]):
    """The fields ``services.operation_update`` allows; send only those you change."""

    name = serializers.CharField(required=False, max_length=200)
    status = serializers.CharField(
        required=False, help_text="planned → approved → under_way → completed; cancelled before completion"
    )
    country = serializers.CharField(required=False, min_length=2, max_length=2)
    lead = serializers.UUIDField(required=False, allow_null=True, help_text="A user who sees operations")
    # Plain text items (the service refuses unknown ones): a choice set here
    # would collide in the schema with the clearance item's kind.
    clearance_kinds = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=", ".join(ClearanceKind.values)
    )
    version = serializers.IntegerField(required=False)


class MovementStatusSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(help_text="planned → under_way → arrived, or planned → cancelled")
    version = serializers.IntegerField(required=False)


class MovementSerializer(serializers.ModelSerializer[Movement]):
    operation = serializers.UUIDField(source="operation.uuid", read_only=True)
    origin = serializers.CharField(source="origin.name", read_only=True, default="")
    destination_site = serializers.CharField(source="destination_site.name", read_only=True, default="")

    class Meta:
        model = Movement
        fields = [
            "uuid", "operation", "label", "kind", "origin", "transit_points", "destination", "destination_site",
            "departure_on", "arrival_on", "status", "version",
        ]  # fmt: skip


class ClearanceItemSerializer(serializers.ModelSerializer[ClearanceItem]):
    # Plain text: the security outcome's choices would collide in the schema
    # with the registry's evidence outcome.
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = ClearanceItem
        fields = ["uuid", "kind", "required", "satisfied", "outcome", "derived", "at"]


class EntrySerializer(serializers.ModelSerializer[ManifestEntry]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True)
    movement = serializers.UUIDField(source="movement.uuid", read_only=True)
    clearance_items = ClearanceItemSerializer(many=True, read_only=True)

    class Meta:
        model = ManifestEntry
        fields = [
            "uuid", "movement", "person", "case_number", "status", "status_reason", "travel_group", "version",
            "placement", "unaccompanied", "orphan", "clearance_items",
        ]  # fmt: skip


class EntryCreateSerializer(serializers.Serializer[Any]):
    person = serializers.UUIDField()
    travel_group = serializers.CharField(required=False, allow_blank=True, default="")
    whole_household = serializers.BooleanField(
        required=False, default=False, help_text="Add everyone in the person's household (adults first), atomically"
    )


class AdvanceSerializer(serializers.Serializer[Any]):
    to_status = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ItemSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    satisfied = serializers.BooleanField(required=False)
    outcome = serializers.CharField(required=False)
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    # What a tick records in the registry (identity evidence, nationality, travel document).
    method = serializers.CharField(required=False, default=services.ItemProof.method)
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, allow_blank=True, default="", max_length=2)
    doc_type = serializers.CharField(required=False, default=services.ItemProof.doc_type)
    issuer = serializers.CharField(required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _entry(entry: ManifestEntry, code: int = status.HTTP_200_OK) -> Response:
    entry = (
        ManifestEntry.objects.prefetch_related("clearance_items").select_related("person", "movement").get(pk=entry.pk)
    )
    return Response(EntrySerializer(entry).data, status=code, headers={"ETag": f'"{entry.version}"'})


class OperationList(APIView):
    @extend_schema(summary="Operations", responses={200: OperationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(OperationSerializer(selectors.operations_for_user(_actor(request)), many=True).data)


def _lead(ref: Any) -> Any:
    """The user named as lead, or a 400 (users are named by their UUID)."""
    from zhusan.accounts.models import User

    if ref is None:
        return None
    user = User.objects.filter(uuid=ref, is_active=True).first()
    if user is None:
        raise exceptions.ValidationError({"lead": [_("No such user.")]})
    return user


class OperationDetail(APIView):
    @extend_schema(summary="One operation", responses={200: OperationSerializer})
    def get(self, request: Request, operation_uuid: str) -> Response:
        operation = selectors.get_operation_for_user(_actor(request), operation_uuid)
        return Response(OperationSerializer(operation).data, headers={"ETag": f'"{operation.version}"'})

    @extend_schema(
        summary="Change an operation: status along its lifecycle, name, country, lead, required clearance items",
        parameters=[IF_MATCH],
        request=OperationPatchSerializer,
        responses={200: OperationSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, operation_uuid: str) -> Response:
        actor = _actor(request)
        operation = selectors.get_operation_for_user(actor, operation_uuid)
        selectors.require_manage_operations(actor, object_type=ObjectType.OPERATION, ref=operation.uuid)
        version = expected_version(request)
        changes = _valid(OperationPatchSerializer, request.data)
        changes.pop("version", None)
        if not changes:
            raise exceptions.ValidationError({"detail": [_("Nothing to change.")]})
        if "lead" in changes:
            changes["lead"] = _lead(changes["lead"])
        operation = services.operation_update(actor=actor, operation=operation, expected_version=version, **changes)
        return Response(OperationSerializer(operation).data, headers={"ETag": f'"{operation.version}"'})


class MovementStatusView(APIView):
    @extend_schema(
        summary="Move a movement along its lifecycle (planned → under_way → arrived, or planned → cancelled)",
        parameters=[IF_MATCH],
        request=MovementStatusSerializer,
        responses={200: MovementSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, movement_uuid: str) -> Response:
        actor = _actor(request)
        movement = selectors.get_movement_for_user(actor, movement_uuid)
        selectors.require_manage_operations(actor, object_type=ObjectType.MOVEMENT, ref=movement.uuid)
        version = expected_version(request)
        data = _valid(MovementStatusSerializer, request.data)
        movement = services.movement_set_status(
            actor=actor, movement=movement, status=data["status"], expected_version=version
        )
        return Response(MovementSerializer(movement).data, headers={"ETag": f'"{movement.version}"'})


class OperationMovements(APIView):
    @extend_schema(summary="Movements of an operation", responses={200: MovementSerializer(many=True)})
    def get(self, request: Request, operation_uuid: str) -> Response:
        operation = selectors.get_operation_for_user(_actor(request), operation_uuid)
        return Response(MovementSerializer(operation.movements.select_related("operation", "origin"), many=True).data)


class MovementEntries(APIView):
    @extend_schema(summary="The manifest (persons in your scope)", responses={200: EntrySerializer(many=True)})
    def get(self, request: Request, movement_uuid: str) -> Response:
        actor = _actor(request)
        movement = selectors.get_movement_for_user(actor, movement_uuid)
        entries = selectors.manifest_for_user(actor, movement, selectors.ManifestFilters(**{
            k: request.query_params.get(k, "") for k in ("status", "sex", "age_band", "travel_group")
        }))  # fmt: skip
        return Response(EntrySerializer(entries.select_related("movement"), many=True).data)

    @extend_schema(
        summary="Add a person to the manifest", request=EntryCreateSerializer, responses={201: EntrySerializer}
    )
    def post(self, request: Request, movement_uuid: str) -> Response:
        actor = _actor(request)
        movement = selectors.get_movement_for_user(actor, movement_uuid)
        data = _valid(EntryCreateSerializer, request.data)
        person, _access = get_person_for_user(actor, data["person"], audit_view=False)
        household = person.households.order_by("pk").first() if data["whole_household"] else None
        if data["whole_household"] and household is None:
            raise exceptions.ValidationError({"whole_household": [_("This person belongs to no household.")]})
        if household is not None:
            entries = services.manifest_add_household(
                actor=actor, movement=movement, household=household, travel_group=data["travel_group"]
            )
            return Response(EntrySerializer(entries, many=True).data, status=status.HTTP_201_CREATED)
        entry = services.manifest_add(actor=actor, movement=movement, person=person, travel_group=data["travel_group"])
        return _entry(entry, status.HTTP_201_CREATED)


class EntryDetail(APIView):
    @extend_schema(summary="One manifest entry with its checklist", responses={200: EntrySerializer})
    def get(self, request: Request, entry_uuid: str) -> Response:
        return _entry(selectors.get_entry_for_user(_actor(request), entry_uuid))


class EntryAdvance(APIView):
    @extend_schema(
        summary="Move an entry (proposed → verified → cleared → boarded; withdrawn / held with a reason)",
        request=AdvanceSerializer,
        responses={200: EntrySerializer},
    )
    def post(self, request: Request, entry_uuid: str) -> Response:
        actor = _actor(request)
        entry = selectors.get_entry_for_user(actor, entry_uuid, audit_view=False)
        version = expected_version(request)
        data = _valid(AdvanceSerializer, request.data)
        services.entry_advance(
            actor=actor, entry=entry, to_status=data["to_status"], reason=data["reason"], expected_version=version
        )
        return _entry(entry)


class EntryClearance(APIView):
    @extend_schema(summary="Record a clearance item", request=ItemSerializer, responses={200: EntrySerializer})
    def post(self, request: Request, entry_uuid: str) -> Response:
        actor = _actor(request)
        entry = selectors.get_entry_for_user(actor, entry_uuid, audit_view=False)
        data = _valid(ItemSerializer, request.data)
        if data["kind"] == "security_clearance":
            services.security_clearance_record(
                actor=actor, entry=entry, outcome=data.get("outcome", ""), reasons=data["reasons"]
            )
        else:
            proof = services.ItemProof(**{k: data[k] for k in (
                "method", "reference", "country", "doc_type", "issuer", "issued_on", "expires_on"
            )})  # fmt: skip
            services.clearance_item_set(
                actor=actor,
                entry=entry,
                kind=data["kind"],
                satisfied=data.get("satisfied", True),
                note=data["note"],
                proof=proof,
            )
        return _entry(entry)


class MovementReconciliation(APIView):
    @extend_schema(summary="Expected vs boarded vs arrived, by sex and age group", responses={200: dict})
    def get(self, request: Request, movement_uuid: str) -> Response:
        actor = _actor(request)
        r = selectors.reconcile(actor, selectors.get_movement_for_user(actor, movement_uuid))

        def tally(t: selectors.Tally) -> dict[str, Any]:
            return {"total": t.total, "by_sex": dict(t.by_sex), "by_age_group": dict(t.by_age)}

        return Response(
            {
                "expected": tally(r.expected),
                "boarded": tally(r.boarded),
                "arrived": tally(r.arrived),
                "withdrawn": r.withdrawn,
                "outside_scope": r.outside_scope,
                "not_boarded": [str(e.uuid) for e in r.not_boarded],
                "not_arrived": [str(e.uuid) for e in r.not_arrived],
            }
        )


# --- Handover documents --------------------------------------------------------------


class HandoverDocumentSerializer(serializers.ModelSerializer[HandoverDocument]):
    class Meta:
        model = HandoverDocument
        fields = ["uuid", "kind", "filename", "content_type", "size", "sha256", "note", "uploaded_at"]


class HandoverUploadSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=HandoverDocumentKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    file = serializers.FileField()


class MovementDocuments(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Handover documents of a movement", responses={200: HandoverDocumentSerializer(many=True)})
    def get(self, request: Request, movement_uuid: str) -> Response:
        actor = _actor(request)
        movement = selectors.get_movement_for_user(actor, movement_uuid)
        documents = selectors.handover_documents_for_user(actor, movement)
        return Response(HandoverDocumentSerializer(documents, many=True).data)

    @extend_schema(
        summary="Attach a handover document (PDF, PNG or JPEG, at most 10 MB)",
        request={"multipart/form-data": HandoverUploadSerializer},
        responses={201: HandoverDocumentSerializer},
    )
    def post(self, request: Request, movement_uuid: str) -> Response:
        actor = _actor(request)
        movement = selectors.get_movement_for_user(actor, movement_uuid)
        data = _valid(HandoverUploadSerializer, request.data)
        document = services.handover_document_add(
            actor=actor, movement=movement, upload=data["file"], kind=data["kind"], note=data["note"]
        )
        return Response(HandoverDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class HandoverDocumentContent(APIView):
    @extend_schema(summary="The document's bytes (audited)", responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, document_uuid: str) -> HttpResponse:
        from .views import document_response

        return document_response(selectors.get_handover_document_for_download(_actor(request), document_uuid))


class PersonEntrySerializer(serializers.ModelSerializer[ManifestEntry]):
    operation = serializers.CharField(source="movement.operation.code", read_only=True)
    movement = serializers.UUIDField(source="movement.uuid", read_only=True)
    movement_label = serializers.CharField(source="movement.label", read_only=True)
    items_required = serializers.IntegerField(read_only=True)
    items_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = ManifestEntry
        fields = [
            "uuid", "operation", "movement", "movement_label", "status", "travel_group", "arrived_at",
            "items_required", "items_done",
        ]  # fmt: skip


class PersonManifestEntries(APIView):
    """A person's manifest entries: the API twin of the person page's
    "Repatriation" tab, shown by the same compartment rule."""

    @extend_schema(
        summary="The manifests a person is on",
        responses={200: PersonEntrySerializer(many=True), 403: OpenApiResponse(description="Not allowed")},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        from .extensions import REPATRIATION_COMPARTMENT

        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        if not access.can_read(REPATRIATION_COMPARTMENT):
            raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
        return Response(PersonEntrySerializer(selectors.entries_of_person(person), many=True).data)
