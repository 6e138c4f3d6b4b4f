"""The registry API (/api/v1/): the same scopes, compartments and audit as the UI.

Every view is thin: it parses the request with a serializer, looks records up
through ``selectors`` (which scope and audit the read) and writes through
``services`` (which check, write and audit in one transaction).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from zhusan.accounts.access import PersonAccess, lists_own_cases_first, visible_persons_filter
from zhusan.accounts.http import AuthenticatedRequest
from zhusan.accounts.permissions import Compartment, Detail
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.api import expected_version

from . import serializers as s
from . import services
from .access import lists_read_justice, reads_justice, timeline_shown, withheld_in_lists
from .models import Document, Person, PersonName
from .paging import COUNT_LIMIT, BadCursorError
from .selectors import PersonFilters, get_person_for_user, get_record_for_user, persons_for_user, persons_page

# --- OpenAPI descriptions of the project's authentication classes ---------------------


class ExpiringTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular leaves OpenApiExtension.__init_subclass__ unannotated
    target_class = "zhusan.accounts.api_auth.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 (a scheme name, not a secret)


class VerifiedSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular leaves OpenApiExtension.__init_subclass__ unannotated
    target_class = "zhusan.accounts.api_auth.VerifiedSessionAuthentication"
    name = "verifiedSessionAuth"
    priority = -1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


# --- Helpers --------------------------------------------------------------------


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The version you read, as returned in ETag ("3"). Required unless "version" is in the body.',
)
PERSON_404 = OpenApiResponse(description="No such person, or not in your scope.")
FORBIDDEN = OpenApiResponse(description="You may not read or change this compartment.")
BAD = OpenApiResponse(description="Invalid input; field errors, nothing written.")


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


def _require_read(
    actor: Actor, person: Person, access: PersonAccess, compartment: Compartment, detail: Detail | None = None
) -> None:
    """Refuse, and audit the refusal, when the reader may see the person but
    not this compartment (or this detail of it: a teacher reads no timeline)."""
    if not access.can_read(compartment, detail):
        missing: Compartment | Detail = compartment if detail is None or not access.can_read(compartment) else detail
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.PERSON,
            object_ref=person.uuid,
            person_ref=person.uuid,
            detail={"why": f"no read on {missing}"},
        )
        raise PermissionDenied(_("You may not read %(c)s data of this person.") % {"c": missing.label})


def _other_person(actor: Actor, ref: object, field: str, write: Compartment | None = None) -> Person:
    """A second person named in a body; an unknown or hidden one is a field error."""
    try:
        person, _access = get_person_for_user(actor, ref, write=write, audit_view=False)
    except Http404 as exc:
        raise exceptions.ValidationError({field: [_("No such person.")]}) from exc
    return person


def _detail(person: Person, access: PersonAccess, *, code: int = status.HTTP_200_OK) -> Response:
    data = s.PersonDetailSerializer(person, context={"access": access}).data
    return Response(data, status=code, headers={"ETag": f'"{person.version}"'})


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Persons --------------------------------------------------------------------


class PersonListQuerySerializer(s.PersonFilterSerializer):
    cursor = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Where a page continues: the `next` or `previous` link carries it. Opaque.",
    )


class PersonPagination(BasePagination):
    """Keyset pages with a bounded count (``registry.paging``), in the shape of
    DRF's page-number pagination: ``count`` (exact up to 10,000; beyond, 10,000
    with ``count_exact`` false), ``next`` and ``previous`` links (with a
    cursor), ``results``. ``?page=n`` still works, within the bounded count."""

    page_size = 50

    def paginate_queryset(  # type: ignore[override]  # the stubs' method is generic over any model; this one pages persons
        self, queryset: QuerySet[Person], request: Request, view: APIView | None = None
    ) -> list[Person]:
        self.request = request
        query: dict[str, Any] = getattr(view, "list_query", {})
        try:
            self.page = persons_page(
                queryset,
                PersonFilters(sort=query.get("sort", "")),
                size=self.page_size,
                cursor=query.get("cursor") or None,
                page=query.get("page"),
            )
        except BadCursorError as exc:
            raise exceptions.ValidationError({"cursor": [_("This cursor is not valid for this list.")]}) from exc
        requested = query.get("page")
        if requested and not query.get("cursor") and self.page.number != requested:
            # As DRF's page-number pagination answered: a page past the end is 404.
            raise exceptions.NotFound(_("Invalid page."))
        return self.page.object_list

    def _link(self, cursor: str) -> str | None:
        if not cursor:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, "page"), "cursor", cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.count,
                "count_exact": self.page.count_exact,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123, "description": f"Exact up to {COUNT_LIMIT}."},
                "count_exact": {
                    "type": "boolean",
                    "description": f"False when the list holds more than {COUNT_LIMIT} persons (count says {COUNT_LIMIT}).",
                },
                "next": {**link, "example": "https://zhusan.example/api/v1/persons/?cursor=eyJ0Ijoi"},
                "previous": {**link, "example": "https://zhusan.example/api/v1/persons/?cursor=eyJ0Ijoi"},
                "results": schema,
            },
        }


class PersonListCreate(generics.ListCreateAPIView[Person]):
    serializer_class = s.PersonSummarySerializer
    pagination_class = PersonPagination
    # Set by dispatch(); IsAuthenticated lets no anonymous user this far.
    request: AuthenticatedRequest
    list_query: dict[str, Any]

    def get_queryset(self) -> QuerySet[Person]:
        filters = _valid(PersonListQuerySerializer, self.request.query_params, context={"user": self.request.user})
        self.list_query = {k: filters.pop(k, None) for k in ("page", "cursor")} | {"sort": filters.get("sort", "")}
        if filters.get("mine") is None:
            filters["mine"] = lists_own_cases_first(self.request.user)
        return persons_for_user(_actor(self.request), PersonFilters(**filters))

    def get_serializer_context(self) -> dict[str, Any]:
        # One rule for every row of the list (``access.lists_read_justice``).
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "reads_justice": lists_read_justice(user),
            "shows_stage": Detail.TIMELINE not in withheld_in_lists(user),
        }

    @extend_schema(
        summary="Persons you may see",
        parameters=[PersonListQuerySerializer],
        responses={200: s.PersonSummarySerializer(many=True), 400: BAD, 403: FORBIDDEN},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if visible_persons_filter(self.request.user) is None:
            record(
                _actor(request), Action.PERMISSION_DENIED, object_type=ObjectType.PERSON, detail={"why": "no read role"}
            )
            raise PermissionDenied(_("Your role does not read case records."))
        return self.list(request, *args, **kwargs)

    @extend_schema(
        summary="Register a person",
        request=s.PersonCreateSerializer,
        responses={201: s.PersonDetailSerializer, 400: BAD, 403: FORBIDDEN},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _actor(request)
        data = _valid(s.PersonCreateSerializer, request.data, context={"user": self.request.user})
        unit = data.pop("managing_unit", None) or self.request.user.unit
        if unit is None:
            raise exceptions.ValidationError({"managing_unit": [_("Choose the managing unit.")]})
        names = [services.NameInput(**n) for n in data.pop("names")]
        nationalities = [(n["country"], n["status"]) for n in data.pop("nationalities", [])]
        person = services.person_create(
            actor=actor,
            data=services.PersonInput(managing_unit=unit, names=names, nationalities=nationalities, **data),
        )
        person, access = get_person_for_user(actor, person.uuid, audit_view=False)
        return _detail(person, access, code=status.HTTP_201_CREATED)


class PersonDetail(APIView):
    @extend_schema(summary="One person", responses={200: s.PersonDetailSerializer, 404: PERSON_404})
    def get(self, request: Request, person_uuid: str) -> Response:
        person, access = get_person_for_user(_actor(request), person_uuid)
        return _detail(person, access)

    @extend_schema(
        summary="Change identity fields (optimistic concurrency)",
        parameters=[IF_MATCH],
        request=s.PersonPatchSerializer,
        responses={
            200: s.PersonDetailSerializer,
            400: BAD,
            403: FORBIDDEN,
            404: PERSON_404,
            409: OpenApiResponse(description="Someone changed the person since you read it; nothing written."),
            428: OpenApiResponse(description="No version sent."),
        },
    )
    def patch(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid, write=Compartment.IDENTITY)
        version = expected_version(request)
        changes = _valid(s.PersonPatchSerializer, request.data)
        changes.pop("version", None)
        if not changes:
            raise exceptions.ValidationError({"detail": [_("Nothing to change.")]})
        person = services.person_update(actor=actor, person=person, expected_version=version, **changes)
        return _detail(person, access)


class PersonStage(APIView):
    @extend_schema(
        summary="Move a person along the lifecycle",
        parameters=[IF_MATCH],
        request=s.StageChangeSerializer,
        responses={200: s.PersonDetailSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404, 409: None, 428: None},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid, audit_view=False)
        version = expected_version(request)
        data = _valid(s.StageChangeSerializer, request.data)
        person = services.stage_change(
            actor=actor, person=person, to_stage=data["to_stage"], reason=data["reason"], expected_version=version
        )
        return _detail(person, access)


class PersonTimeline(APIView):
    @extend_schema(summary="Lifecycle transitions", responses={200: s.TimelineSerializer(many=True), 404: PERSON_404})
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        _require_read(actor, person, access, Compartment.IDENTITY, Detail.TIMELINE)
        entries = timeline_shown(person.timeline.select_related("by"), justice=reads_justice(access))
        return Response(s.TimelineSerializer(entries, many=True).data)


# --- Names ----------------------------------------------------------------------


class PersonNames(APIView):
    @extend_schema(summary="Names and aliases", responses={200: s.NameSerializer(many=True), 404: PERSON_404})
    def get(self, request: Request, person_uuid: str) -> Response:
        person, _access = get_person_for_user(_actor(request), person_uuid)
        return Response(s.NameSerializer(person.names.all(), many=True).data)

    @extend_schema(
        summary="Add a name",
        request=s.NameInputSerializer,
        responses={201: s.NameSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=Compartment.IDENTITY)
        data = _valid(s.NameInputSerializer, request.data)
        name = services.name_add(actor=actor, person=person, name=services.NameInput(**data))
        return Response(s.NameSerializer(name).data, status=status.HTTP_201_CREATED)


class NameDetail(APIView):
    @extend_schema(
        summary="Change a name (optimistic concurrency)",
        parameters=[IF_MATCH],
        request=s.NamePatchSerializer,
        responses={
            200: s.NameSerializer,
            400: BAD,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such name."),
            409: OpenApiResponse(description="Someone changed the name since you read it; nothing written."),
            428: OpenApiResponse(description="No version sent."),
        },
    )
    def patch(self, request: Request, name_uuid: str) -> Response:
        actor = _actor(request)
        name, _person, _access = get_record_for_user(actor, PersonName, name_uuid, write=True)
        version = expected_version(request)
        data = _valid(s.NamePatchSerializer, request.data)
        data.pop("version", None)
        current = {f: getattr(name, f) for f in ("script", "kind", "given", "patronymic", "family", "is_primary")}
        if "script" not in data and {"given", "patronymic", "family"} & set(data):
            current["script"] = ""  # new letters, no script sent: detected again from the letters
        name = services.name_update(
            actor=actor, name=name, data=services.NameInput(**{**current, **data}), expected_version=version
        )
        return Response(s.NameSerializer(name).data)

    @extend_schema(
        summary="Remove a name",
        responses={204: None, 400: BAD, 403: FORBIDDEN, 404: OpenApiResponse(description="No such name.")},
    )
    def delete(self, request: Request, name_uuid: str) -> Response:
        actor = _actor(request)
        name, _person, _access = get_record_for_user(actor, PersonName, name_uuid, write=True)
        services.name_delete(actor=actor, name=name)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Family ---------------------------------------------------------------------


class PersonRelationships(APIView):
    @extend_schema(
        summary="Family relationships",
        responses={200: s.RelationshipSerializer(many=True), 403: FORBIDDEN, 404: PERSON_404},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        _require_read(actor, person, access, Compartment.FAMILY)
        return Response(s.PersonDetailSerializer(context={"access": access}).get_relationships(person))

    @extend_schema(
        summary="Record a relationship: other_person is `kind` of this person",
        request=s.RelationshipInputSerializer,
        responses={201: s.RelationshipSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=Compartment.FAMILY)
        data = _valid(s.RelationshipInputSerializer, request.data)
        other = _other_person(actor, data.pop("other_person"), "other_person", write=Compartment.FAMILY)
        rel = services.relationship_add(actor=actor, from_person=other, to_person=person, **data)
        return Response(s.RelationshipSerializer(rel).data, status=status.HTTP_201_CREATED)


# --- Documents, evidence, stays -------------------------------------------------------


class PersonDocuments(APIView):
    @extend_schema(
        summary="Civil and travel documents",
        responses={200: s.DocumentSerializer(many=True), 403: FORBIDDEN, 404: PERSON_404},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        _require_read(actor, person, access, Compartment.DOCUMENTS)
        return Response(s.DocumentSerializer(person.documents.all(), many=True).data)

    @extend_schema(
        summary="Add a document",
        request=s.DocumentInputSerializer,
        responses={201: s.DocumentSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=Compartment.DOCUMENTS)
        data = _valid(s.DocumentInputSerializer, request.data)
        document = services.document_add(actor=actor, person=person, **data)
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetail(APIView):
    @extend_schema(
        summary="Change a document (optimistic concurrency)",
        parameters=[IF_MATCH],
        request=s.DocumentPatchSerializer,
        responses={
            200: s.DocumentSerializer,
            400: BAD,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such document."),
            409: OpenApiResponse(description="Someone changed the document since you read it; nothing written."),
            428: OpenApiResponse(description="No version sent."),
        },
    )
    def patch(self, request: Request, document_uuid: str) -> Response:
        actor = _actor(request)
        document, _person, _access = get_record_for_user(actor, Document, document_uuid, write=True)
        version = expected_version(request)
        data = _valid(s.DocumentPatchSerializer, request.data)
        data.pop("version", None)
        if not data:
            raise exceptions.ValidationError({"detail": [_("Nothing to change.")]})
        document = services.document_update(actor=actor, document=document, expected_version=version, **data)
        return Response(s.DocumentSerializer(document).data)


class PersonEvidence(APIView):
    @extend_schema(
        summary="Identity, nationality and kinship evidence",
        responses={200: s.EvidenceSerializer(many=True), 404: PERSON_404},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        _require_read(actor, person, access, Compartment.IDENTITY, Detail.IDENTITY_EVIDENCE)
        return Response(s.PersonDetailSerializer(context={"access": access}).get_evidence(person))

    @extend_schema(
        summary="Record evidence (DNA: outcome and laboratory reference only)",
        request=s.EvidenceInputSerializer,
        responses={201: s.EvidenceSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid, write=Compartment.IDENTITY)
        data = _valid(s.EvidenceInputSerializer, request.data)
        if data.get("matched_relative"):
            data["matched_relative"] = _other_person(actor, data["matched_relative"], "matched_relative")
        evidence = services.evidence_add(actor=actor, person=person, **data)
        return Response(s.EvidenceSerializer(evidence, context={"access": access}).data, status=status.HTTP_201_CREATED)


class PersonStays(APIView):
    @extend_schema(
        summary="Where the person has stayed",
        responses={200: s.StaySerializer(many=True), 403: FORBIDDEN, 404: PERSON_404},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        _require_read(actor, person, access, Compartment.CONTACT_LOCATION)
        return Response(s.StaySerializer(person.stays.select_related("site"), many=True).data)

    @extend_schema(
        summary="Record a stay",
        request=s.StayInputSerializer,
        responses={201: s.StaySerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=Compartment.CONTACT_LOCATION)
        data = _valid(s.StayInputSerializer, request.data)
        stay = services.stay_add(actor=actor, person=person, **data)
        return Response(s.StaySerializer(stay).data, status=status.HTTP_201_CREATED)


# --- Consent and assent -----------------------------------------------------------


class PersonConsents(APIView):
    @extend_schema(summary="Consents and the child's assents", responses={200: s.ConsentsSerializer, 404: PERSON_404})
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid)
        _require_read(actor, person, access, Compartment.IDENTITY, Detail.CONSENTS)
        data = {"consents": person.consents.select_related("given_by_person"), "assents": person.assents.all()}
        return Response(s.ConsentsSerializer(data).data)

    @extend_schema(
        summary="Record consent",
        request=s.ConsentInputSerializer,
        responses={201: s.ConsentSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=Compartment.IDENTITY)
        data = _valid(s.ConsentInputSerializer, request.data)
        if data.get("given_by_person"):
            data["given_by_person"] = _other_person(actor, data["given_by_person"], "given_by_person")
        consent = services.consent_record(actor=actor, person=person, **data)
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class PersonAssents(APIView):
    @extend_schema(
        summary="Record a child's assent",
        request=s.AssentInputSerializer,
        responses={201: s.AssentSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, _access = get_person_for_user(actor, person_uuid, write=Compartment.IDENTITY)
        data = _valid(s.AssentInputSerializer, request.data)
        assent = services.assent_record(actor=actor, person=person, **data)
        return Response(s.AssentSerializer(assent).data, status=status.HTTP_201_CREATED)


# --- Protected notes ----------------------------------------------------------------


class PersonNotes(APIView):
    @extend_schema(
        summary="Protected notes of one compartment you may read",
        parameters=[s.NoteFilterSerializer],
        responses={200: s.NoteSerializer(many=True), 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        compartment = Compartment(_valid(s.NoteFilterSerializer, request.query_params)["compartment"])
        person, access = get_person_for_user(actor, person_uuid, audit_view=False)
        _require_read(actor, person, access, compartment)
        record(
            actor,
            Action.VIEW,
            object_type=ObjectType.NOTE,
            person_ref=person.uuid,
            detail={"compartment": compartment.value},
        )
        notes = person.protected_notes.filter(compartment=compartment).select_related("author")
        return Response(s.NoteSerializer(notes, many=True).data)

    @extend_schema(
        summary="Add a protected note",
        request=s.NoteInputSerializer,
        responses={201: s.NoteSerializer, 400: BAD, 403: FORBIDDEN, 404: PERSON_404},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        data = _valid(s.NoteInputSerializer, request.data)
        person, _access = get_person_for_user(actor, person_uuid, write=data["compartment"])
        note = services.protected_note_add(actor=actor, person=person, **data)
        return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)
