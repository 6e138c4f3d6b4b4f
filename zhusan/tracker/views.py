"""Publishing from a deployment: preview exactly what leaves the system,
set targets (a folder under the publishing root or an http(s) endpoint, by
hand or on a schedule), publish, and see every publication with its result.

Programme managers only (``VIEW_AGGREGATES`` and ``MANAGE_OPERATIONS``);
anyone else gets an audited 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.forms import add_service_errors

from . import services
from .aggregate import FILENAME, aggregate_file, aggregate_lines, header_index
from .forms import TargetForm, TargetUpdateForm
from .models import Publication, PublicationStatus, PublishTarget

View = Callable[..., HttpResponse]
PUBLICATIONS_PER_PAGE = 25


def publisher_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.may_publish(request.user):
            record(
                Actor.from_request(request),
                Action.PERMISSION_DENIED,
                object_type=ObjectType.PUBLICATION,
                detail={"why": "missing view_aggregates or manage_operations"},
            )
            raise PermissionDenied(_("Only programme managers may publish the deployment's aggregates."))
        return view(request, *args, **kwargs)

    return wrapper


def _preview(lines: list[list[object]]) -> dict[str, Any]:
    start = header_index(lines)
    return {
        "notes": [" ".join(str(c) for c in line if c != "") for line in lines[:start]],
        "header": lines[start],
        "tags": lines[start + 1],
        "rows": lines[start + 2 :],
    }


@publisher_only
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_create(actor=actor, **form.cleaned_data)
            messages.success(request, _("Publishing target “%(name)s” saved.") % {"name": target.name})
            return redirect("tracker:home")
        except ValidationError as error:
            add_service_errors(form, error)
    lines = aggregate_lines()
    record(actor, Action.VIEW, object_type=ObjectType.PUBLICATION, object_ref="preview")
    return render(
        request,
        "tracker/home.html",
        {
            "preview": _preview(lines),
            "filename": FILENAME,
            "targets": PublishTarget.objects.all(),
            "recent": Publication.objects.select_related("target", "published_by")[:10],
            "form": form,
            "root": services.publish_root(),
        },
    )


@publisher_only
def preview_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The file a publication would write now, to download and read."""
    content = aggregate_file(aggregate_lines())
    record(
        Actor.from_request(request),
        Action.EXPORT,
        object_type=ObjectType.PUBLICATION,
        object_ref="preview",
        detail={"format": "hxl"},
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response


@publisher_only
def target(request: AuthenticatedHttpRequest, target_uuid: Any) -> HttpResponse:
    item = get_object_or_404(PublishTarget, uuid=target_uuid)
    form = TargetUpdateForm.for_target(item, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.target_update(actor=Actor.from_request(request), target=item, expected_version=version, **data)
            messages.success(request, _("Publishing target saved."))
            return redirect("tracker:home")
        except StaleVersionError:
            form.add_error(None, _("Someone else changed this target meanwhile: reload the page and try again."))
        except ValidationError as error:
            add_service_errors(form, error)
    publications = Publication.objects.filter(target=item).select_related("published_by")
    page = Paginator(publications, PUBLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "tracker/target.html", {"target": item, "form": form, "page": page})


@require_POST
@publisher_only
def publish_now(request: AuthenticatedHttpRequest, target_uuid: Any) -> HttpResponse:
    item = get_object_or_404(PublishTarget, uuid=target_uuid)
    publication = services.publish(actor=Actor.from_request(request), target=item)
    if publication.status == PublicationStatus.PUBLISHED:
        messages.success(
            request,
            ngettext(
                "Published %(rows)d row to %(where)s at %(when)s.",
                "Published %(rows)d rows to %(where)s at %(when)s.",
                publication.data_rows,
            )
            % {
                "rows": publication.data_rows,
                "where": publication.destination,
                "when": timezone.localtime(publication.created_at).strftime("%H:%M"),
            },
        )
    else:
        messages.error(request, _("Publishing failed: %(why)s") % {"why": publication.detail})
    return redirect("tracker:home")


@publisher_only
def publications(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Publication.objects.select_related("target", "published_by")
    page = Paginator(rows, PUBLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    record(Actor.from_request(request), Action.LIST, object_type=ObjectType.PUBLICATION)
    return render(request, "tracker/publications.html", {"page": page})
