"""View decorators of the access model."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.functional import Promise

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record

from .access import has_capability
from .http import AuthenticatedHttpRequest
from .permissions import Capability

View = Callable[..., HttpResponse]


def capability_required(
    capability: Capability, *, object_type: ObjectType, refusal: str | Promise
) -> Callable[[View], View]:
    """Let in holders of ``capability`` only: anyone else gets a 403 saying
    ``refusal``, and the refusal is written to the audit trail."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, capability):
                record(
                    Actor.from_request(request),
                    Action.PERMISSION_DENIED,
                    object_type=object_type,
                    detail={"why": f"no capability {capability.value}"},
                )
                raise PermissionDenied(str(refusal))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
