"""The officer's pages: sharing agreements, impact assessments, the breach log,
"who saw this record", the figures; and, for everyone who refers, the list of
partners with an agreement in force. Thin views over selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.dataprotection import figures as dp_figures
from zhusan.dataprotection.views import officer_only
from zhusan.registry.forms import add_service_errors
from zhusan.reporting.disclosure import rule_text

from . import selectors, services
from .forms import (
    AgreementForm,
    AgreementUpdateForm,
    AssessmentForm,
    AuditSearchForm,
    AuthorityForm,
    BreachForm,
    BreachUpdateForm,
    DecisionForm,
    PeriodForm,
    PersonsForm,
    WhoSawForm,
)
from .models import AgreementStatus, Breach, BreachRecord, SharingAgreement

PAGE_SIZE = 25


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def _page(request: AuthenticatedHttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _stale(request: AuthenticatedHttpRequest, exc: StaleVersionError) -> None:
    messages.error(request, _("Someone changed this record meanwhile: nothing was saved. Check it and try again."))


# --- Partners (everyone who refers) ----------------------------------------------------------


def partners(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which partners may receive referrals, transfers, case exports today, and until when."""
    return render(request, "dataprotection/sharing/partners.html", {"lines": selectors.partners_with_agreements()})


# --- Agreements --------------------------------------------------------------------------------


@officer_only
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = _page(request, selectors.agreements())
    return render(request, "dataprotection/sharing/agreement_list.html", {"page": page, "today": today})


@officer_only
def agreement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_create(actor=_actor(request), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("dataprotection_sharing:agreement_detail", agreement_uuid=agreement.uuid)
    return render(request, "dataprotection/sharing/agreement_form.html", {"form": form})


def _agreement_page(
    request: AuthenticatedHttpRequest, agreement: SharingAgreement, form: AgreementUpdateForm | None = None
) -> HttpResponse:
    form = form or AgreementUpdateForm(
        initial={
            "version": agreement.version,
            "purposes": agreement.purposes,
            "categories": agreement.categories,
            "legal_basis": agreement.legal_basis,
            "partner_retention": agreement.partner_retention,
            "contact": agreement.contact,
            "signed_on": agreement.signed_on,
            "starts_on": agreement.starts_on,
            "expires_on": agreement.expires_on,
            "assessment": agreement.assessment.uuid if agreement.assessment else None,
        }
    )
    today = timezone.localdate()
    return render(
        request,
        "dataprotection/sharing/agreement_detail.html",
        {
            "agreement": agreement,
            "form": form,
            "valid": agreement.valid_on(today),
            "expired": agreement.expired(today),
            "statuses": AgreementStatus,
        },
        status=400 if form.errors else 200,
    )


@officer_only
def agreement_detail(request: AuthenticatedHttpRequest, agreement_uuid: Any) -> HttpResponse:
    agreement = get_object_or_404(selectors.agreements(), uuid=agreement_uuid)
    if request.method != "POST":
        return _agreement_page(request, agreement)
    form = AgreementUpdateForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.agreement_update(actor=_actor(request), agreement=agreement, expected_version=version, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            _stale(request, exc)
            return redirect("dataprotection_sharing:agreement_detail", agreement_uuid=agreement.uuid)
        else:
            messages.success(request, _("The agreement was changed."))
            return redirect("dataprotection_sharing:agreement_detail", agreement_uuid=agreement.uuid)
    agreement.refresh_from_db()
    return _agreement_page(request, agreement, form)


@officer_only
@require_POST
def agreement_status(request: AuthenticatedHttpRequest, agreement_uuid: Any) -> HttpResponse:
    agreement = get_object_or_404(selectors.agreements(), uuid=agreement_uuid)
    try:
        services.agreement_set_status(
            actor=_actor(request),
            agreement=agreement,
            status=request.POST.get("status", ""),
            expected_version=int(request.POST.get("version") or 0),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except StaleVersionError as exc:
        _stale(request, exc)
    else:
        messages.success(request, _("The agreement is now %(s)s.") % {"s": agreement.get_status_display()})
    return redirect("dataprotection_sharing:agreement_detail", agreement_uuid=agreement.uuid)


@officer_only
def agreement_document(request: AuthenticatedHttpRequest, agreement_uuid: Any) -> HttpResponse:
    agreement = get_object_or_404(SharingAgreement, uuid=agreement_uuid)
    try:
        name, content = services.agreement_document(actor=_actor(request), agreement=agreement)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dataprotection_sharing:agreement_detail", agreement_uuid=agreement.uuid)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Impact assessments -------------------------------------------------------------------------


@officer_only
def assessment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = _page(request, selectors.assessments().order_by("-created_at"))
    return render(request, "dataprotection/sharing/assessment_list.html", {"page": page})


@officer_only
def assessment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The impact assessment was recorded; it now waits for a decision."))
            return redirect("dataprotection_sharing:assessment_detail", assessment_uuid=assessment.uuid)
    return render(request, "dataprotection/sharing/assessment_form.html", {"form": form})


@officer_only
def assessment_detail(request: AuthenticatedHttpRequest, assessment_uuid: Any) -> HttpResponse:
    assessment = get_object_or_404(selectors.assessments(), uuid=assessment_uuid)
    form = DecisionForm(request.POST or None, initial={"version": assessment.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.assessment_decide(
                actor=_actor(request),
                assessment=assessment,
                decision=data["decision"],
                note=data["note"],
                decided_on=data["decided_on"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            _stale(request, exc)
            return redirect("dataprotection_sharing:assessment_detail", assessment_uuid=assessment.uuid)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("dataprotection_sharing:assessment_detail", assessment_uuid=assessment.uuid)
        assessment.refresh_from_db()
    return render(
        request,
        "dataprotection/sharing/assessment_detail.html",
        {"assessment": assessment, "form": form, "agreements": assessment.agreements.select_related("organisation")},
        status=400 if form.errors else 200,
    )


# --- Breaches ------------------------------------------------------------------------------------


@officer_only
def breach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    page = _page(request, selectors.breaches().order_by("status", "-discovered_at"))
    rows = [(b, b.clock(now)) for b in page.object_list]
    return render(request, "dataprotection/sharing/breach_list.html", {"page": page, "rows": rows})


@officer_only
def breach_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breach = services.breach_create(actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The breach was recorded: the 72-hour clock is running."))
            return redirect("dataprotection_sharing:breach_detail", breach_uuid=breach.uuid)
    return render(
        request, "dataprotection/sharing/breach_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _breach_page(request: AuthenticatedHttpRequest, breach: Breach, **forms: Any) -> HttpResponse:
    initial = {"version": breach.version}
    records = list(breach.records.select_related("person").order_by("event_at"))
    context = {
        "breach": breach,
        "clock": breach.clock(),
        "records": records,
        "persons": sorted({r.person.case_number for r in records if r.person is not None}),
        "update_form": forms.get("update_form")
        or BreachUpdateForm(
            initial={
                **initial,
                "what_happened": breach.what_happened,
                "containment": breach.containment,
                "lessons": breach.lessons,
            }
        ),
        "authority_form": forms.get("authority_form")
        or AuthorityForm(
            initial={
                **initial,
                "decision": breach.authority_decision if breach.authority_decision != "undecided" else None,
                "notified_at": breach.authority_notified_at and timezone.localtime(breach.authority_notified_at),
                "reference": breach.authority_reference,
                "reason": breach.authority_reason,
            }
        ),
        "persons_form": forms.get("persons_form")
        or PersonsForm(
            initial={
                **initial,
                "decision": breach.persons_decision if breach.persons_decision != "undecided" else None,
                "notified_on": breach.persons_notified_on,
                "reason": breach.persons_reason,
            }
        ),
        "is_open": breach.status == "open",
    }
    failed = any(f.errors for f in forms.values())
    return render(request, "dataprotection/sharing/breach_detail.html", context, status=400 if failed else 200)


def _get_breach(breach_uuid: Any) -> Breach:
    return get_object_or_404(Breach, uuid=breach_uuid)


def _breach_form(
    request: AuthenticatedHttpRequest,
    breach: Breach,
    form: Any,
    form_key: str,
    act: Callable[[Actor, Breach, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """One of the breach page's forms posted: ``act`` the service with the
    form's data; on success a message and back to the page, otherwise the page
    with the form's errors (a stale version: the page as it now is)."""
    if form.is_valid():
        try:
            act(_actor(request), breach, dict(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            _stale(request, exc)
            return redirect("dataprotection_sharing:breach_detail", breach_uuid=breach.uuid)
        else:
            messages.success(request, done)
            return redirect("dataprotection_sharing:breach_detail", breach_uuid=breach.uuid)
    breach.refresh_from_db()
    return _breach_page(request, breach, **{form_key: form})


def _update(actor: Actor, breach: Breach, data: dict[str, Any]) -> Any:
    version = data.pop("version")
    return services.breach_update(actor=actor, breach=breach, expected_version=version, **data)


@officer_only
def breach_detail(request: AuthenticatedHttpRequest, breach_uuid: Any) -> HttpResponse:
    breach = _get_breach(breach_uuid)
    if request.method != "POST":
        return _breach_page(request, breach)
    return _breach_form(
        request, breach, BreachUpdateForm(request.POST), "update_form", _update, _("The breach was updated.")
    )


@officer_only
@require_POST
def breach_authority(request: AuthenticatedHttpRequest, breach_uuid: Any) -> HttpResponse:
    return _breach_form(
        request,
        _get_breach(breach_uuid),
        AuthorityForm(request.POST),
        "authority_form",
        lambda actor, breach, data: services.breach_notify_authority(
            actor=actor,
            breach=breach,
            decision=data["decision"],
            notified_at=data["notified_at"],
            reference=data["reference"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The notification to the authority was recorded."),
    )


@officer_only
@require_POST
def breach_persons(request: AuthenticatedHttpRequest, breach_uuid: Any) -> HttpResponse:
    return _breach_form(
        request,
        _get_breach(breach_uuid),
        PersonsForm(request.POST),
        "persons_form",
        lambda actor, breach, data: services.breach_notify_persons(
            actor=actor,
            breach=breach,
            decision=data["decision"],
            notified_on=data["notified_on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The notification to the persons was recorded."),
    )


@officer_only
@require_POST
def breach_status(request: AuthenticatedHttpRequest, breach_uuid: Any) -> HttpResponse:
    """Close (or reopen) a breach."""
    breach = _get_breach(breach_uuid)
    action = services.breach_reopen if request.POST.get("status") == "open" else services.breach_close
    try:
        action(actor=_actor(request), breach=breach, expected_version=int(request.POST.get("version") or 0))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except StaleVersionError as exc:
        _stale(request, exc)
    else:
        messages.success(request, _("The breach is now %(s)s.") % {"s": breach.get_status_display()})
    return redirect("dataprotection_sharing:breach_detail", breach_uuid=breach.uuid)


@officer_only
def breach_records(request: AuthenticatedHttpRequest, breach_uuid: Any) -> HttpResponse:
    """Choose the records affected from the audit trail: search, tick, add."""
    breach = _get_breach(breach_uuid)
    actor = _actor(request)
    if request.method == "POST":
        seqs = [int(s) for s in request.POST.getlist("events") if s.isdigit()]
        try:
            added = services.breach_add_records(actor=actor, breach=breach, seqs=seqs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(n)d records were added to the breach.") % {"n": len(added)})
            return redirect("dataprotection_sharing:breach_detail", breach_uuid=breach.uuid)
        back = request.POST.get("query", "")
        url = reverse("dataprotection_sharing:breach_records", kwargs={"breach_uuid": breach.uuid})
        return redirect(f"{url}?{back}" if back else url)
    form = AuditSearchForm(request.GET or None)
    events: list[Any] = []
    more = False
    if request.GET and form.is_valid():
        events, more = selectors.audit_search(actor=actor, **form.cleaned_data)
    already = set(breach.records.values_list("audit_seq", flat=True))
    numbers = selectors.case_numbers_of({e.person_ref for e in events if e.person_ref})
    rows = [(e, numbers.get(e.person_ref, ""), e.seq in already) for e in events]
    return render(
        request,
        "dataprotection/sharing/breach_records.html",
        {
            "breach": breach,
            "form": form,
            "rows": rows,
            "more": more,
            "searched": bool(request.GET) and form.is_valid(),
            "query": request.GET.urlencode(),
            "limit": selectors.EVENT_LIMIT,
        },
    )


@officer_only
@require_POST
def breach_record_remove(request: AuthenticatedHttpRequest, record_uuid: Any) -> HttpResponse:
    item = get_object_or_404(BreachRecord.objects.select_related("breach"), uuid=record_uuid)
    try:
        services.breach_remove_record(actor=_actor(request), item=item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("dataprotection_sharing:breach_detail", breach_uuid=item.breach.uuid)


# --- Who saw this record --------------------------------------------------------------------------


@officer_only
def who_saw(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = WhoSawForm(request.GET or None)
    person: Any = None
    events: list[Any] = []
    more = False
    searched = False
    if request.GET and form.is_valid():
        searched = True
        person, events, more = selectors.who_saw(actor=_actor(request), case_number=form.cleaned_data["case_number"])
    page = _page(request, events)
    return render(
        request,
        "dataprotection/sharing/who_saw.html",
        {
            "form": form,
            "person": person,
            "page": page,
            "more": more,
            "searched": searched,
            "limit": selectors.EVENT_LIMIT,
        },
    )


# --- Figures ---------------------------------------------------------------------------------------


@officer_only
def figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    from zhusan.reporting.indicators import disclosure_threshold, perturbation

    form = PeriodForm(request.GET or None)
    query = dp_figures.FigureQuery()
    if request.GET and form.is_valid():
        query = dp_figures.FigureQuery(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    result = dp_figures.published(query)
    return render(
        request,
        "dataprotection/sharing/figures.html",
        {
            "form": form,
            "figures": result.figures,
            "failed": result.failed,
            "rule": rule_text(disclosure_threshold(), noise=perturbation().noise),
        },
    )
