"""The case-level export page: a form, and an encrypted archive in answer.

Only holders of ``Capability.EXPORT_CASES`` get in (others: 403, audited).
The passphrase travels in the POST body only: it is never stored, logged or
written back into the page.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.debug import sensitive_post_parameters

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.models import User
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import ObjectType
from zhusan.audit.services import Actor

from .case_exports import CaseExportError, case_export_create
from .forms import CaseExportForm


@sensitive_post_parameters("passphrase", "passphrase_confirm")
@capability_required(
    Capability.EXPORT_CASES,
    object_type=ObjectType.CASE_EXPORT,
    refusal=_l("Your role may not export case-level records."),
)
def case_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = CaseExportForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            filename, content = case_export_create(
                actor=Actor.from_request(request),
                fields=data["columns"],
                filters=form.filters(),
                fmt=data["fmt"],
                passphrase=data["passphrase"],
                confirmation=data["passphrase_confirm"],
                script=data["script"],
            )
        except CaseExportError as exc:
            form.add_error(None, exc.messages)
        else:
            response = HttpResponse(content, content_type="application/x-7z-compressed")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    status = 400 if form.is_bound else 200
    return render(request, "reporting/case_export.html", {"form": form}, status=status)
