"""/api/v1/indicators/: the catalogue and disclosure-controlled figures as JSON.

Holders of Capability.VIEW_AGGREGATES only; aggregates only, never a person.
Each figure read is audited as an export (it leaves the system).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record

from .indicators import (
    DisaggregationError,
    ReportFilters,
    catalogue,
    compute,
    disclosure_threshold,
    order_rule,
    perturbation,
)
from .views import is_synthetic, rule_text


class CanViewAggregates(BasePermission):
    message = "Only programme managers and analysts may read indicators."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        allowed = bool(user and user.is_authenticated and has_capability(user, Capability.VIEW_AGGREGATES))
        if user and user.is_authenticated and not allowed:
            record(
                Actor.from_request(request, via="api"),
                Action.PERMISSION_DENIED,
                object_type=ObjectType.REPORT,
                detail={"why": "no capability to view aggregates"},
            )
        return allowed


class FilterSerializer(serializers.Serializer[Any]):
    by = serializers.CharField(required=False, allow_blank=True, default="")
    start = serializers.DateField(required=False, allow_null=True, default=None)
    end = serializers.DateField(required=False, allow_null=True, default=None)
    region = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    sex = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)
    programme = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="organisation UUID")
    operation = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError(_("The start of the period must not be after its end."))
        return attrs


def _meta() -> dict[str, object]:
    threshold = disclosure_threshold()
    order = order_rule(threshold)
    return {
        "disclosure_rule": rule_text(threshold),
        "threshold": threshold,
        "noise": perturbation().noise,
        # Medians and quartiles (docs/reporting.md, rule 6): at least this many persons, a multiple of
        # ``base`` days, at most ``noise`` days from the rounded true value.
        "order_statistics": {"threshold": order.threshold, "base": order.base, "noise": order.noise},
        "synthetic": is_synthetic(),
    }


class IndicatorCatalogue(APIView):
    permission_classes = [CanViewAggregates]

    @extend_schema(
        operation_id="indicators_list", summary="The indicator catalogue", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request) -> Response:
        record(
            Actor.from_request(request, via="api"), Action.VIEW, object_type=ObjectType.REPORT, object_ref="catalogue"
        )
        return Response({**_meta(), "indicators": [i.describe() for i in catalogue().values()]})


class IndicatorDetail(APIView):
    permission_classes = [CanViewAggregates]

    @extend_schema(
        operation_id="indicators_retrieve",
        summary="One indicator's figures, disclosure-controlled",
        parameters=[FilterSerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        if code not in catalogue():
            raise Http404("No such indicator")
        params = FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        by = tuple(d for d in data["by"].split(",") if d)
        filters = ReportFilters(
            start=data["start"],
            end=data["end"],
            region=data["region"],
            sex=data["sex"],
            programme=str(data["programme"] or ""),
            operation=data["operation"],
        )
        try:
            result = compute(code, by=by, filters=filters)
        except DisaggregationError as exc:
            raise serializers.ValidationError({"by": [str(exc)]}) from exc
        record(
            Actor.from_request(request, via="api"),
            Action.EXPORT,
            object_type=ObjectType.REPORT,
            object_ref=code,
            detail={"format": "json", "by": list(by), "filters": filters.as_dict()},
        )
        return Response({**_meta(), **result.as_dict()})
