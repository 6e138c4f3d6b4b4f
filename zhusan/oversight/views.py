"""The auditor's view of the trail: filter, read one event, verify the chain.

Only holders of Capability.VIEW_AUDIT get in; reading the trail is itself
written to the trail.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor, record, verify_chain
from zhusan.registry.models import Person

PAGE_SIZE = 50


auditor_required = capability_required(
    Capability.VIEW_AUDIT, object_type=ObjectType.AUDIT, refusal=_("Only auditors may read the audit trail.")
)


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Any"))] + list(Action.choices), required=False)
    actor = forms.CharField(label=_("User name"), max_length=150, required=False)
    person = forms.CharField(label=_("Person"), max_length=64, required=False, help_text=_("Case number or UUID"))
    via = forms.ChoiceField(
        label=_("Via"),
        choices=[("", _("Any")), ("ui", _("Web")), ("api", _("API")), ("cli", _("Command line"))],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _person_ref(value: str) -> str:
    """A person's UUID from a UUID or a case number (the trail stores UUIDs)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        found = Person.objects.filter(case_number__iexact=value).values_list("uuid", flat=True).first()
        return str(found) if found else value


def _filtered(data: dict[str, Any]) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.order_by("-seq")
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("actor"):
        qs = qs.filter(actor_username__iexact=data["actor"].strip())
    if data.get("person"):
        qs = qs.filter(person_ref=_person_ref(data["person"].strip()))
    if data.get("via"):
        qs = qs.filter(via=data["via"])
    if data.get("date_from"):
        qs = qs.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(at__date__lte=data["date_to"])
    return qs


@auditor_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(_filtered(data) if not form.errors else AuditEvent.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Read the page before recording this visit, so the visit is not part of what it shows.
    page.object_list = list(page.object_list)
    filters = {k: str(v) for k, v in data.items() if v}
    record(Actor.from_request(request), Action.LIST, object_type=ObjectType.AUDIT, detail={"filters": filters})
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/event_list.html", context)


@auditor_required
def event_detail(request: AuthenticatedHttpRequest, seq: int) -> HttpResponse:
    event = AuditEvent.objects.filter(seq=seq).first()
    if event is None:
        raise Http404("No such event")
    record(Actor.from_request(request), Action.VIEW, object_type=ObjectType.AUDIT, object_ref=seq)
    changes = [
        {
            "field": name,
            "encrypted": isinstance(change, dict) and bool(change.get("encrypted")),
            "old": change.get("old") if isinstance(change, dict) else change,
            "new": change.get("new") if isinstance(change, dict) else "",
        }
        for name, change in sorted(event.changes.items())
    ]
    return render(request, "audit/event_detail.html", {"event": event, "changes": changes})


@require_POST
@auditor_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    result = verify_chain()
    record(
        Actor.from_request(request),
        Action.VIEW,
        object_type=ObjectType.AUDIT,
        detail={"verify": "intact" if result.ok else "broken", "checked": result.checked},
    )
    return render(request, "audit/verify.html", {"result": result}, status=200)
