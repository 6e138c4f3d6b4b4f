"""Shared API pieces: error shape, concurrency errors as HTTP 409/428, and the
version a write is based on."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .concurrency import StaleVersionError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleVersionError):
        return Response(
            {"detail": str(exc), "current_version": exc.current},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data: Any = exc.message_dict
        else:
            data = {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or "Permission denied."}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL no route matches (a malformed UUID, an unknown slug): JSON under /api/, as every other API error."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """An error raised outside DRF's views: JSON under /api/, the error page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("Server error.")}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = 'Send the version you read, as an If-Match: "<version>" header or "version" in the body.'
    default_code = "precondition_required"


_ETAG_RE = re.compile(r'^(?:W/)?"?(\d+)"?$')


def expected_version(request: Request) -> int:
    """The version the client based its change on: If-Match header or body."""
    header = request.headers.get("If-Match", "").strip()
    body = request.data.get("version") if isinstance(request.data, dict) else None
    from_header: int | None = None
    if header:
        match = _ETAG_RE.match(header)
        if not match:
            raise exceptions.ValidationError({"If-Match": [_('Send the version as "<number>".')]})
        from_header = int(match.group(1))
    if body is not None and (isinstance(body, bool) or not isinstance(body, int)):
        raise exceptions.ValidationError({"version": [_("A whole number is required.")]})
    if from_header is not None and body is not None and from_header != body:
        raise exceptions.ValidationError({"version": [_("The If-Match header and the body name different versions.")]})
    version = from_header if from_header is not None else body
    if version is None:
        raise PreconditionRequired()
    return int(version)


class ErrorSerializer(serializers.Serializer[Any]):
    """The shape of 401, 403, 404 and 428 answers: one message."""

    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    """A 409: the record changed since it was read; its version now."""

    current_version = serializers.IntegerField()


class AutoSchema(SpectacularAutoSchema):
    """The OpenAPI schema with the errors every operation can answer, in the
    shapes ``exception_handler`` gives them: 400 (messages by field, or
    ``detail``), 401, 403 and 404 everywhere; 409 (stale version) and 428 (no
    version sent) on every write. An operation that documents one of these
    itself keeps its own.

    A response field some readers do not get (a compartment they cannot read,
    a detail their role's mask withholds: the serializer's
    ``maskable_fields()``) is described but not ``required``: the schema
    says what every reader may receive, not what the fullest reader does."""

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)  # type: ignore[no-untyped-call]  # drf-spectacular leaves it unannotated
        instance = force_instance(serializer)  # type: ignore[no-untyped-call]  # drf-spectacular leaves it unannotated
        maskable = getattr(instance, "maskable_fields", None)
        if direction == "response" and callable(maskable) and schema.get("required"):
            withheld = set(maskable())
            schema["required"] = [name for name in schema["required"] if name not in withheld]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors: dict[str, tuple[Any, str]] = {
            "400": (OpenApiTypes.OBJECT, _("Bad input: messages by field, or under detail.")),
            "401": (ErrorSerializer, _("No valid token or session.")),
            "403": (ErrorSerializer, _("Your role or scope does not allow this.")),
            "404": (ErrorSerializer, _("No such record within your reach.")),
        }
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            errors["409"] = (ConflictSerializer, _("The record changed since you read it."))
            errors["428"] = (ErrorSerializer, _("Send the version you read."))
        for code, (shape, description) in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]  # drf-spectacular leaves it unannotated
                    OpenApiResponse(response=shape, description=description), code, direction=direction
                )
        return responses


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def query_date(request: Request, name: str) -> date | None:
    """A date query parameter written YYYY-MM-DD (None when absent); anything
    else is a 400 naming the parameter."""
    if name not in request.query_params:
        return None
    raw = request.query_params[name]
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({name: [_("Give the day as YYYY-MM-DD.")]}) from exc


def query_flag(request: Request, name: str) -> bool:
    """A boolean query parameter: ``true`` or ``false`` (absent is false);
    anything else is a 400 naming the parameter."""
    if name not in request.query_params:
        return False
    raw = request.query_params[name]
    if raw == "false":
        return False
    if raw == "true":
        return True
    raise exceptions.ValidationError({name: [_("Give true or false.")]})
