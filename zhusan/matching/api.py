"""/api/v1/tracing-requests/: the same reviewer check, scope and audit as the UI.

Thin views: selectors look up (and audit), services write (and audit). A
request's matches list only persons the caller may see; when a likely match
is hidden by the caller's scope, ``hidden_match`` says who can review it and
nothing about who it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.models import Unit
from zhusan.audit.services import Actor

from . import selectors, services
from .evidence import explain
from .models import SoughtPerson, TracingMatch, TracingRequest

ERRORS = {
    400: OpenApiResponse(description="Invalid input or a request that is no longer open; nothing written."),
    403: OpenApiResponse(description="Your role cannot review matches (the refusal is audited)."),
    404: OpenApiResponse(description="No such request in your scope."),
}


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


class SoughtSerializer(serializers.ModelSerializer[SoughtPerson]):
    class Meta:
        model = SoughtPerson
        fields = [
            "uuid", "given", "patronymic", "family", "other_names", "sex", "birth_year", "age", "age_stated_on",
            "last_known_place", "relatives_names", "relation_to_inquirer",
        ]  # fmt: skip


class MatchSerializer(serializers.ModelSerializer[TracingMatch]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True)
    band = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta:
        model = TracingMatch
        fields = ["uuid", "person", "case_number", "status", "band", "findings"]

    def get_band(self, match: TracingMatch) -> str:
        return explain(match.probability, match.evidence).band_text

    def get_findings(self, match: TracingMatch) -> list[str]:
        return [f.text for f in explain(match.probability, match.evidence).findings]


class TracingRequestSerializer(serializers.ModelSerializer[TracingRequest]):
    inquirer = serializers.UUIDField(source="inquirer.uuid", read_only=True, default=None, allow_null=True)
    managing_unit = serializers.UUIDField(source="managing_unit.uuid", read_only=True)
    merged_into = serializers.UUIDField(source="merged_into.uuid", read_only=True, default=None, allow_null=True)
    sought = SoughtSerializer(many=True, read_only=True)

    class Meta:
        model = TracingRequest
        fields = [
            "uuid", "status", "status_reason", "merged_into", "inquirer", "inquirer_name", "inquirer_contact",
            "managing_unit", "sought", "created_at",
        ]  # fmt: skip


class HiddenMatchSerializer(serializers.Serializer[Any]):
    exists = serializers.BooleanField(help_text="An open match exists that you may not see")
    reviewable_by = serializers.ListField(
        child=serializers.CharField(), help_text="The roles that can review it; nothing of who it is"
    )


class TracingRequestDetailSerializer(TracingRequestSerializer):
    """What one request answers (``_detail``): the request, its matches you may see, and a hidden one's existence."""

    matches = MatchSerializer(many=True, read_only=True)
    hidden_match = HiddenMatchSerializer(read_only=True)

    class Meta(TracingRequestSerializer.Meta):
        fields = [*TracingRequestSerializer.Meta.fields, "matches", "hidden_match"]


class TracingRequestPatchSerializer(serializers.Serializer[Any]):
    """The request as a whole: what the inquirer said, the unit, the first person sought."""

    inquirer_name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    inquirer_contact = serializers.CharField(required=False, allow_blank=True, max_length=500)
    managing_unit = serializers.UUIDField(required=False)
    sought = SoughtSerializer(required=False)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class MergeSerializer(serializers.Serializer[Any]):
    into = serializers.UUIDField(help_text="The open request that carries on")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _detail(actor: Actor, tracing_request: TracingRequest) -> Response:
    tracing_request = TracingRequest.objects.select_related("inquirer", "managing_unit", "merged_into").get(
        pk=tracing_request.pk
    )
    data = dict(TracingRequestSerializer(tracing_request).data)
    data["matches"] = MatchSerializer(selectors.matches_for_user(actor, tracing_request), many=True).data
    reviewers = selectors.reviewers_of_hidden_matches(actor, tracing_request)
    data["hidden_match"] = {"exists": bool(reviewers), "reviewable_by": reviewers}
    return Response(data)


class TracingRequestList(APIView):
    @extend_schema(summary="Tracing requests in your scope", responses={200: TracingRequestSerializer(many=True)})
    def get(self, request: Request) -> Response:
        status = str(request.query_params.get("status", ""))
        qs = selectors.tracing_requests_for_user(_actor(request), status=status)[:200]
        return Response(TracingRequestSerializer(qs, many=True).data)


class TracingRequestDetail(APIView):
    @extend_schema(
        summary="One tracing request, its matches you may see, and whether one is hidden from you",
        responses={200: TracingRequestDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, request_uuid: str) -> Response:
        actor = _actor(request)
        return _detail(actor, selectors.get_tracing_request_for_user(actor, request_uuid))

    @extend_schema(
        summary="Edit a tracing request",
        request=TracingRequestPatchSerializer,
        responses={200: TracingRequestDetailSerializer, **ERRORS},
    )
    def patch(self, request: Request, request_uuid: str) -> Response:
        actor = _actor(request)
        tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
        data = _valid(TracingRequestPatchSerializer, request.data)
        first = tracing_request.sought.first()
        sought = {k: getattr(first, k) for k in services.SOUGHT_FIELDS} if first else {}
        sought.update(data.get("sought", {}))
        unit = tracing_request.managing_unit
        if "managing_unit" in data:
            found = Unit.objects.filter(uuid=data["managing_unit"]).first()
            if found is None:
                raise exceptions.ValidationError({"managing_unit": ["No such unit."]})
            unit = found
        services.tracing_request_update(
            actor=actor,
            request=tracing_request,
            inquirer_name=data.get("inquirer_name", tracing_request.inquirer_name),
            inquirer_contact=data.get("inquirer_contact", tracing_request.inquirer_contact),
            managing_unit=unit,
            sought=services.SoughtInput(**{k: v for k, v in sought.items() if k in services.SOUGHT_FIELDS}),
        )
        tracing_request.refresh_from_db()
        return _detail(actor, tracing_request)


class _TracingRequestEnd(APIView):
    """Close or withdraw a request (``end`` is the service) with the reason sent."""

    end: Callable[..., Any]

    def post(self, request: Request, request_uuid: str) -> Response:
        actor = _actor(request)
        tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
        data = _valid(ReasonSerializer, request.data)
        type(self).end(actor=actor, request=tracing_request, reason=data["reason"])
        return _detail(actor, tracing_request)


@extend_schema_view(
    post=extend_schema(summary="Close a tracing request", request=ReasonSerializer, responses={200: None, **ERRORS})
)
class TracingRequestClose(_TracingRequestEnd):
    end = services.tracing_request_close


@extend_schema_view(
    post=extend_schema(
        summary="Withdraw a tracing request (a reason is required)",
        request=ReasonSerializer,
        responses={200: None, **ERRORS},
    )
)
class TracingRequestWithdraw(_TracingRequestEnd):
    end = services.tracing_request_withdraw


class TracingRequestMerge(APIView):
    @extend_schema(
        summary="Merge a tracing request into another open one",
        request=MergeSerializer,
        responses={200: None, **ERRORS},
    )
    def post(self, request: Request, request_uuid: str) -> Response:
        actor = _actor(request)
        tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
        data = _valid(MergeSerializer, request.data)
        into = selectors.get_tracing_request_for_user(actor, data["into"])
        services.tracing_request_merge(actor=actor, request=tracing_request, into=into, reason=data["reason"])
        return _detail(actor, into)
