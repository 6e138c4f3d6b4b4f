"""Shared API pieces: error shape, concurrency errors as HTTP 409/428, and the
version a write is based on."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
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
