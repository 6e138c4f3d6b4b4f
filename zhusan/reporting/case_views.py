"""The case-level export pages, all at ``reporting:case_export``:

- the form (fields, filters, format) and the user's recent exports; a valid
  form queues the export as a job (``case_exports.case_export_request``) and
  leads to its page;
- ``?job=<uuid>``: the job's page, its progress refreshed while it is
  prepared (``?job=<uuid>&status=json`` answers the script), then a form for
  the archive's passphrase and the download, or the reason it failed and a
  button to run it again;
- a POST with ``job`` and ``action=download`` (or ``rerun``) acts on it.

Only holders of ``Capability.EXPORT_CASES`` get in (others: 403, audited),
and a job is its requester's alone (404 for anyone else). The passphrase
travels in the POST body of the download only: it is never stored, logged
or written back into the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.debug import sensitive_post_parameters

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.models import User
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import ObjectType
from zhusan.audit.services import Actor

from .case_exports import (
    CaseExportError,
    case_export_download,
    case_export_request,
    case_export_rerun,
    case_exports_of,
    catalogue,
    get_case_export_for_user,
)
from .forms import CaseExportForm, PassphraseForm
from .models import CaseExport


class CaseExportRequestForm(CaseExportForm):
    """The export's fields, filters and format; the passphrase comes at the download."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["passphrase"]
        del self.fields["passphrase_confirm"]


@sensitive_post_parameters("passphrase", "passphrase_confirm")
@capability_required(
    Capability.EXPORT_CASES,
    object_type=ObjectType.CASE_EXPORT,
    refusal=_l("Your role may not export case-level records."),
)
def case_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    job_id = request.POST.get("job") if request.method == "POST" else request.GET.get("job")
    if job_id:
        return _job(request, job_id)
    user = request.user
    assert isinstance(user, User)
    form = CaseExportRequestForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = case_export_request(
                actor=Actor.from_request(request),
                fields=data["columns"],
                filters=form.filters(),
                fmt=data["fmt"],
                script=data["script"],
                recipient=data.get("recipient"),
            )
        except CaseExportError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect(job.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"form": form, "jobs": case_exports_of(user)}
    return render(request, "reporting/case_export.html", context, status=status)


def _job(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    actor = Actor.from_request(request)
    job = get_case_export_for_user(actor, job_id)
    if request.method != "POST":
        if request.GET.get("status") == "json":
            return JsonResponse(_status(job))
        return _job_page(request, job, PassphraseForm())
    if request.POST.get("action") == "rerun":
        try:
            case_export_rerun(actor=actor, job=job)
        except CaseExportError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(job.get_absolute_url())
    form = PassphraseForm(request.POST)
    if form.is_valid():
        try:
            filename, content = case_export_download(
                actor=actor,
                job=job,
                passphrase=form.cleaned_data["passphrase"],
                confirmation=form.cleaned_data["passphrase_confirm"],
            )
        except CaseExportError as exc:
            form.add_error(None, exc.messages)
        else:
            response = HttpResponse(content, content_type="application/x-7z-compressed")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return _job_page(request, job, form, status=400)


def _status(job: CaseExport) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_display": job.get_status_display(),
        "progress": job.progress,
        "message": job.message,
        "finished": job.finished,
    }


def _job_page(request: AuthenticatedHttpRequest, job: CaseExport, form: forms.Form, status: int = 200) -> HttpResponse:
    fields = catalogue()
    context = {"job": job, "form": form, "fields": [fields[c].label for c in job.fields if c in fields]}
    return render(request, "reporting/case_export_job.html", context, status=status)
