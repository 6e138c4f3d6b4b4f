"""Data-subject request pages and the sealed-record reader's form.

The officer's pages show what a request needs (case number, kind, requester,
deadline, identity check) and never the case's content; case staff reach a
person's requests from the person page (a tab) through the access path.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhusan.accounts.access import active_grants
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.dataprotection.views import officer_only
from zhusan.registry import access
from zhusan.registry import services as registry_services
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person, SealedCompartment
from zhusan.registry.selectors import get_person_for_user
from zhusan.registry.views import person_page

from . import copies, forms, selectors, services
from .models import CopyStatus, Decision, RequestKind, RequestStatus, SubjectCopy, SubjectRequest

PAGE_SIZE = 25


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


# --- the officer's list ------------------------------------------------------------------


@officer_only
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.RequestFilterForm(request.GET or None)
    show = form.cleaned_data.get("show") or "open" if form.is_valid() else "open"
    page = Paginator(selectors.requests_for_officer(show), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dataprotection/rights/request_list.html", {"form": form, "page": page, "show": show})


# --- a person's requests (a tab of the person page) ----------------------------------


def person_requests(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, acc: Any) -> dict[str, Any]:
        return {
            "requests": list(selectors.requests_of(person)),
            "can_register": access.may_write(acc, person, services.CASE_COMPARTMENT),
            "seals": access.seals_of(person),
            "is_sealed_reader": _is_sealed_reader(request.user),
        }

    return person_page(
        request,
        person_uuid,
        "dataprotection_rights:person_requests",
        "dataprotection/rights/person_requests.html",
        extra,
    )


def request_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person, acc = get_person_for_user(actor, person_uuid)
    if not access.may_write(acc, person, services.CASE_COMPARTMENT):
        raise PermissionDenied(_("You may not register requests for this person."))
    form = forms.RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            data["language"] = data.pop("answer_language")
            req = services.subject_request_register(actor=actor, person=person, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The request is registered; its deadline is %(d)s.") % {"d": req.due_on})
            return redirect(req.get_absolute_url())
    return render(request, "dataprotection/rights/request_add.html", {"person": person, "form": form})


# --- one request -----------------------------------------------------------------------


def _forms_for(req: SubjectRequest, user: Any) -> dict[str, djforms.Form | None]:
    officer = services.is_officer(user)
    v = {"version": req.version}
    return {
        "identity_form": forms.IdentityForm(initial=v) if req.status == RequestStatus.RECEIVED else None,
        "decision_form": forms.DecisionForm(initial=v)
        if officer and req.status == RequestStatus.IDENTITY_CHECKED
        else None,
        "extend_form": forms.ExtendForm(initial=v) if officer and req.is_open and not req.extended else None,
        "correction_form": forms.CorrectionForm(initial=v)
        if req.kind == RequestKind.CORRECTION
        and req.decision in (Decision.GRANTED, Decision.PARTLY)
        and req.corrected_on is None
        else None,
        "answer_form": forms.AnswerForm(initial=v) if req.status == RequestStatus.DECIDED else None,
    }


def _detail(request: AuthenticatedHttpRequest, req: SubjectRequest, **bound: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "req": req,
        "officer": services.is_officer(request.user),
        "copies": [copies.settle(c) for c in req.copies.defer("pdf", "data")],
        "CopyStatus": CopyStatus,
        "days_left": req.days_left(),
        "days_overdue": -req.days_left(),
        "overdue": req.is_overdue(),
        "edit_url": reverse("registry:person_edit", args=[req.person.uuid]),
        "sees_person": access.access_for(request.user, req.person).visible,
    }
    context.update(_forms_for(req, request.user))
    context.update(bound)
    return render(request, "dataprotection/rights/request_detail.html", context, status=400 if bound else 200)


def request_detail(request: AuthenticatedHttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    req = selectors.get_request_for_user(_actor(request), request_uuid)
    return _detail(request, req)


def _act(
    request: AuthenticatedHttpRequest,
    ref: uuid.UUID,
    form_class: type[djforms.Form],
    form_name: str,
    run: Callable[[Actor, SubjectRequest, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    actor = _actor(request)
    req = selectors.get_request_for_user(actor, ref)
    form = form_class(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            run(actor, req, data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError:
            form.add_error(None, _("Someone changed this request meanwhile. Reload the page and try again."))
        else:
            messages.success(request, done)
            return redirect(req.get_absolute_url())
    req.refresh_from_db()
    return _detail(request, req, **{form_name: form})


@require_POST
def request_identity(request: AuthenticatedHttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    def run(actor: Actor, req: SubjectRequest, d: dict[str, Any]) -> object:
        return services.subject_request_check_identity(
            actor=actor,
            request=req,
            method=d["method"],
            document=d["document"],
            checked_on=d["checked_on"],
            expected_version=d["version"],
        )

    return _act(request, request_uuid, forms.IdentityForm, "identity_form", run, _("The identity check is recorded."))


@require_POST
@officer_only
def request_decide(request: AuthenticatedHttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    def run(actor: Actor, req: SubjectRequest, d: dict[str, Any]) -> object:
        return services.subject_request_decide(
            actor=actor,
            request=req,
            decision=d["decision"],
            reason=d["reason"],
            withheld=d["withheld"],
            withheld_compartments=d["withheld_compartments"],
            legal_ground=d["legal_ground"],
            corrections=d["corrections"],
            expected_version=d["version"],
        )

    return _act(request, request_uuid, forms.DecisionForm, "decision_form", run, _("The decision is recorded."))


@require_POST
@officer_only
def request_extend(request: AuthenticatedHttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    def run(actor: Actor, req: SubjectRequest, d: dict[str, Any]) -> object:
        return services.subject_request_extend(
            actor=actor, request=req, reason=d["reason"], expected_version=d["version"]
        )

    return _act(request, request_uuid, forms.ExtendForm, "extend_form", run, _("The deadline is extended."))


@require_POST
def request_correction(request: AuthenticatedHttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    def run(actor: Actor, req: SubjectRequest, d: dict[str, Any]) -> object:
        return services.subject_request_record_correction(
            actor=actor, request=req, note=d["note"], expected_version=d["version"]
        )

    return _act(request, request_uuid, forms.CorrectionForm, "correction_form", run, _("The correction is recorded."))


@require_POST
def request_answer(request: AuthenticatedHttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    def run(actor: Actor, req: SubjectRequest, d: dict[str, Any]) -> object:
        return services.subject_request_answer(
            actor=actor,
            request=req,
            answered_on=d["answered_on"],
            method=d["method"],
            expected_version=d["version"],
        )

    return _act(request, request_uuid, forms.AnswerForm, "answer_form", run, _("The answer is recorded."))


def copy_pdf(request: AuthenticatedHttpRequest, copy_uuid: uuid.UUID) -> HttpResponse:
    return _download(request, copy_uuid, "pdf")


def copy_json(request: AuthenticatedHttpRequest, copy_uuid: uuid.UUID) -> HttpResponse:
    return _download(request, copy_uuid, "json")


def _download(request: AuthenticatedHttpRequest, copy_uuid: uuid.UUID, what: str) -> HttpResponse:
    copy = SubjectCopy.objects.select_related("request__person").filter(uuid=copy_uuid).first()
    if copy is None:
        raise Http404(_("No such copy."))
    try:
        name, mime, content = copies.subject_copy_download(actor=_actor(request), copy=copy, what=what)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(copy.request.get_absolute_url())
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


# --- sealed compartments: the named role's form ------------------------------------------


def _is_sealed_reader(user: Any) -> bool:
    role = access.sealed_record_reader_role()
    return any(g.role == role for g in active_grants(user))


def seal_detail(request: AuthenticatedHttpRequest, seal_uuid: uuid.UUID) -> HttpResponse:
    """Open sealed data for a while, or lift the seal: the named role only,
    with a court reference (404 for anyone else, so a seal's existence tells
    them nothing more than the person page's notice)."""
    actor = _actor(request)
    seal = SealedCompartment.objects.select_related("person").filter(uuid=seal_uuid, unsealed_on__isnull=True).first()
    if seal is None or not _is_sealed_reader(request.user) or not access.access_for(request.user, seal.person).visible:
        raise Http404(_("No such sealed compartment."))
    form = forms.CourtReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["court_reference"]
        try:
            if request.POST.get("action") == "lift":
                registry_services.seal_lift(actor=actor, seal=seal, court_reference=reference)
                messages.success(request, _("The seal is lifted."))
            else:
                registry_services.sealed_access_open(actor=actor, seal=seal, court_reference=reference)
                messages.success(request, _("Sealed data is open to you for a limited time; every read is audited."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(seal.person.get_absolute_url())
    return render(
        request,
        "dataprotection/rights/seal.html",
        {"seal": seal, "form": form},
        status=400 if form.errors else 200,
    )
