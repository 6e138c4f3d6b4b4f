"""Data-protection pages (the officer's home; each part adds its own pages).

Retention pages: rules, legal holds, batches (review, exclude, approve) and
the deletion certificates. Thin views over ``selectors`` (audited reads) and
``services`` (checked, audited writes)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person

from . import selectors, services
from .forms import ApproveForm, ExcludeForm, HoldForm, LiftForm, RuleForm
from .home import sections
from .models import ITEM_KIND_CHOICES, BatchStatus, RecordKind, RetentionRule

officer_only = capability_required(
    Capability.MANAGE_DATA_PROTECTION,
    object_type=ObjectType.DATA_PROTECTION,
    refusal=gettext_lazy("Data-protection pages are for the data-protection officer."),
)

PER_PAGE = 50


@officer_only
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What waits for the data-protection officer, part by part."""
    blocks = [(s, s.waiting(request.user)) for s in sections()]
    return render(request, "dataprotection/home.html", {"blocks": blocks})


def _errors(request: AuthenticatedHttpRequest, exc: ValidationError | StaleVersionError) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


@officer_only
def rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The retention rules, each editable; a kind without a rule is never due."""
    actor = Actor.from_request(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_save(
                actor=actor,
                kind=data["kind"],
                period_years=data["period_years"],
                anchor=data["anchor"],
                note=data["note"],
                expected_version=data["version"],
            )
            messages.success(request, _("Retention rule saved."))
            return redirect("dataprotection:rules")
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
    if not RetentionRule.objects.exists():
        services.rules_seed(actor=actor)
    existing = selectors.rules(actor)
    by_kind = {r.kind: r for r in existing}
    rows = []
    for kind, label in RecordKind.choices:
        rule = by_kind.get(kind)
        initial: dict[str, Any] = {"kind": kind, "version": rule.version if rule else None}
        if rule:
            initial.update(period_years=rule.period_years, anchor=rule.anchor, note=rule.note)
        bound = form if request.method == "POST" and form.data.get("kind") == kind else RuleForm(initial=initial)
        rows.append({"kind": kind, "label": label, "rule": rule, "form": bound})
    return render(request, "dataprotection/rules.html", {"rows": rows})


@officer_only
def holds(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.filter(case_number=form.cleaned_data["case_number"].strip()).first()
        if person is None:
            form.add_error("case_number", _("No case has this number."))
        else:
            try:
                services.hold_place(
                    actor=actor,
                    person=person,
                    reason=form.cleaned_data["reason"],
                    reference=form.cleaned_data["reference"],
                )
                messages.success(request, _("Legal hold placed on %(case)s.") % {"case": person.case_number})
                return redirect("dataprotection:holds")
            except ValidationError as exc:
                add_service_errors(form, exc)
    page = Paginator(selectors.holds(actor), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dataprotection/holds.html", {"page": page, "form": form, "lift_form": LiftForm()})


@officer_only
@require_POST
def hold_lift(request: AuthenticatedHttpRequest, hold_uuid: Any) -> HttpResponse:
    actor = Actor.from_request(request)
    hold = selectors.get_hold(actor, hold_uuid)
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the hold is lifted."))
        return redirect("dataprotection:holds")
    try:
        services.hold_lift(
            actor=actor, hold=hold, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
        )
        messages.success(request, _("Legal hold on %(case)s lifted.") % {"case": hold.case_number})
    except (ValidationError, StaleVersionError) as exc:
        _errors(request, exc)
    return redirect("dataprotection:holds")


@officer_only
def batches(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    page = Paginator(selectors.batches(actor), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dataprotection/batches.html", {"page": page})


@officer_only
def batch(request: AuthenticatedHttpRequest, batch_uuid: Any) -> HttpResponse:
    """Review a batch: case numbers, kinds, rules and counts (no content)."""
    actor = Actor.from_request(request)
    found = selectors.get_batch(actor, batch_uuid)
    # A batch whose worker died goes on where it stopped, never "running" for ever.
    if services.resume_if_dead(found):
        found.refresh_from_db()
    page = Paginator(selectors.items_of(found), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dataprotection/batch.html",
        {
            "batch": found,
            "page": page,
            "waiting": found.status == BatchStatus.WAITING,
            "approve_form": ApproveForm(initial={"version": found.version}),
            "exclude_form": ExcludeForm(),
        },
    )


@officer_only
@require_POST
def batch_approve(request: AuthenticatedHttpRequest, batch_uuid: Any) -> HttpResponse:
    actor = Actor.from_request(request)
    found = selectors.get_batch(actor, batch_uuid, audit=False)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.batch_approve(actor=actor, batch=found, expected_version=form.cleaned_data["version"])
            messages.success(request, _("Batch approved: the deletion runs now."))
        except (ValidationError, StaleVersionError) as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Reload the page and approve again."))
    return redirect("dataprotection:batch", batch_uuid=found.uuid)


@officer_only
@require_POST
def item_exclude(request: AuthenticatedHttpRequest, batch_uuid: Any, item_uuid: Any) -> HttpResponse:
    actor = Actor.from_request(request)
    found = selectors.get_batch(actor, batch_uuid, audit=False)
    item = selectors.get_item(found, item_uuid)
    form = ExcludeForm(request.POST)
    if form.is_valid():
        try:
            services.item_exclude(actor=actor, item=item, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(case)s is kept out of this batch.") % {"case": item.case_number})
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Say why this record is kept."))
    return redirect("dataprotection:batch", batch_uuid=found.uuid)


@officer_only
def certificates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The deletion history: one certificate per deletion."""
    actor = Actor.from_request(request)
    page = Paginator(selectors.certificates(actor), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dataprotection/certificates.html", {"page": page})


@officer_only
def certificate(request: AuthenticatedHttpRequest, certificate_uuid: Any) -> HttpResponse:
    """A certificate, readable."""
    cert = selectors.get_certificate(Actor.from_request(request), certificate_uuid)
    body = cert.body
    return render(
        request,
        "dataprotection/certificate.html",
        {
            "cert": cert,
            "body": body,
            "kind_label": dict(ITEM_KIND_CHOICES).get(body.get("kind", ""), body.get("kind", "")),
            "counts": sorted(body.get("counts", {}).items()),
        },
    )


@officer_only
def certificate_json(request: AuthenticatedHttpRequest, certificate_uuid: Any) -> HttpResponse:
    """A certificate as signed JSON (its body, the algorithm and the signature)."""
    cert = selectors.get_certificate(Actor.from_request(request), certificate_uuid, action=Action.EXPORT)
    document = {
        "certificate": cert.body,
        "algorithm": cert.algorithm,
        "signature": cert.signature,
        "audit_event": cert.event_seq,
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True), content_type="application/json"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"deletion-certificate-{cert.uuid}.json") or ""
    return response
