"""Pages for livelihood, housing, referrals and transfers: thin function
views over ``selectors`` (scope, compartments, audit) and ``services``
(checks, consent gate, audit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhusan.accounts.access import PersonAccess, has_capability
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.models import Action
from zhusan.audit.services import Actor, record
from zhusan.core.concurrency import StaleVersionError
from zhusan.core.fonts import FontMissingError
from zhusan.registry.access import access_for
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user
from zhusan.registry.views import person_page
from zhusan.reintegration import letters as checked

from . import selectors, services
from .forms import (
    CourseForm,
    EmploymentForm,
    HousingForm,
    IncomeSupportForm,
    ReferralAnswerForm,
    ReferralForm,
    TransferAnswerForm,
    TransferForm,
    VersionForm,
)
from .letters import LANGUAGES
from .letters import employer_letter as compose
from .models import SUPPORT_COMPARTMENT, CaseTransfer, Employment, ReferralStatus, TransferStatus

TAB = "reintegration_support:person_support"
TAB_TEMPLATE = "reintegration_support/person_support.html"
PAGE_SIZE = 50


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def _tab_url(person_uuid: Any) -> str:
    return reverse(TAB, args=[person_uuid])


def _can_override(request: AuthenticatedHttpRequest) -> bool:
    return has_capability(request.user, Capability.OVERRIDE_CONSENT)


def _tab(
    request: AuthenticatedHttpRequest, person_uuid: Any, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        can_write = access.can_write(SUPPORT_COMPARTMENT)
        context = selectors.support_of(person, access)
        context.update(
            {
                "can_write": can_write,
                "can_transfer": access.can_write(Compartment.IDENTITY),
                "course_form": bound.get("course") or CourseForm(),
                "employment_form": bound.get("employment") or EmploymentForm(),
                "income_form": bound.get("income") or IncomeSupportForm(),
                "housing_form": bound.get("housing") or HousingForm(),
            }
        )
        return context

    response = person_page(request, person_uuid, TAB, TAB_TEMPLATE, extra)
    if bound and response.status_code == 200:
        response.status_code = 400
    return response


def person_support(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    """The person page's "Support" tab: livelihood, housing, referrals, transfers."""
    return _tab(request, person_uuid)


def _add(
    request: AuthenticatedHttpRequest,
    person_uuid: Any,
    key: str,
    form_class: type[forms.Form],
    write: Callable[..., Any],
    done: str,
) -> HttpResponse:
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid, write=SUPPORT_COMPARTMENT)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(actor=actor, person=person, **form.cleaned_data)
            messages.success(request, done)
            return redirect(_tab_url(person.uuid))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _tab(request, person_uuid, {key: form})


@require_POST
def course_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    return _add(request, person_uuid, "course", CourseForm, services.course_add, _("Course recorded."))


@require_POST
def employment_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    return _add(request, person_uuid, "employment", EmploymentForm, services.employment_add, _("Employment recorded."))


@require_POST
def income_support_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    return _add(
        request, person_uuid, "income", IncomeSupportForm, services.income_support_add, _("Income support recorded.")
    )


@require_POST
def housing_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    return _add(request, person_uuid, "housing", HousingForm, services.housing_record, _("Housing recorded."))


# --- Referrals ---------------------------------------------------------------------------


def referral_create(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    """Refer the person to an agency or a service (checks consent)."""
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, audit_view=False)
    if not selectors.may_refer(request.user, person, access):
        raise PermissionDenied(_("Your role does not refer this person."))
    form = ReferralForm(request.POST or None, can_override=_can_override(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                referral = services.referral_send(actor=actor, person=person, **form.cleaned_data)
                messages.success(request, _("Referral sent to %(who)s.") % {"who": referral.receiver})
                return redirect(referral)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {"form": form, "can_write": access.can_write(SUPPORT_COMPARTMENT)}

    response = person_page(request, person_uuid, TAB, "reintegration_support/referral_form.html", extra)
    if response.status_code == 200:
        response.status_code = status
    return response


def _page(request: AuthenticatedHttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _require_lists(request: AuthenticatedHttpRequest) -> None:
    if not selectors.reads_referrals(request.user):
        raise PermissionDenied(_("Your role does not work with referrals."))


def _list(request: AuthenticatedHttpRequest, qs: Any, title: str, which: str) -> HttpResponse:
    return render(
        request,
        "reintegration_support/referral_list.html",
        {"page": _page(request, qs), "title": title, "which": which},
    )


def referrals_sent(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lists(request)
    return _list(request, selectors.referrals_sent(request.user), _("Referrals of my cases"), "sent")


def referrals_received(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lists(request)
    return _list(request, selectors.referrals_received(request.user), _("Referrals to my organisation"), "received")


def referrals_overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lists(request)
    return _list(request, selectors.overdue(request.user), _("Referrals waiting past their answer date"), "overdue")


def overrides(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals and transfers sent without consent, for supervisors to review."""
    if not has_capability(request.user, Capability.SUPERVISE):
        raise PermissionDenied(_("Only supervisors review consent overrides."))
    referrals, transfers = selectors.overrides_to_review(request.user)
    return render(
        request,
        "reintegration_support/overrides.html",
        {"page": _page(request, referrals), "transfers": list(transfers[:PAGE_SIZE])},
    )


def _referral_page(
    request: AuthenticatedHttpRequest, view: selectors.ReferralView, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    referral = view.referral
    return render(
        request,
        "reintegration_support/referral_detail.html",
        {
            "view": view,
            "referral": referral,
            "person": referral.person,
            "answer_form": form
            or (ReferralAnswerForm(initial={"version": referral.version}) if view.may_answer else None),
            "answerable": referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED),
            "can_review": not referral.consent_on_file
            and referral.override_reviewed_at is None
            and view.case_side
            and has_capability(request.user, Capability.SUPERVISE),
        },
        status=status,
    )


def referral_detail(request: AuthenticatedHttpRequest, referral_uuid: Any) -> HttpResponse:
    view = selectors.get_referral_for_user(_actor(request), referral_uuid)
    return _referral_page(request, view)


@require_POST
def referral_answer(request: AuthenticatedHttpRequest, referral_uuid: Any) -> HttpResponse:
    """Accept, decline with a reason, or complete with feedback (the receiving organisation)."""
    actor = _actor(request)
    view = selectors.get_referral_for_user(actor, referral_uuid)
    form = ReferralAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        referral, version, text = view.referral, data["version"], data["text"]
        try:
            if data["decision"] == ReferralAnswerForm.ACCEPT:
                services.referral_accept(actor=actor, referral=referral, expected_version=version)
            elif data["decision"] == ReferralAnswerForm.DECLINE:
                services.referral_decline(actor=actor, referral=referral, reason=text, expected_version=version)
            else:
                services.referral_complete(actor=actor, referral=referral, feedback=text, expected_version=version)
            messages.success(request, _("Answer recorded."))
            return redirect(referral)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                for message in errs:
                    form.add_error("text" if field in ("reason", "feedback") else None, message)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
    view = selectors.get_referral_for_user(actor, referral_uuid)
    return _referral_page(request, view, form, status=400)


@require_POST
def referral_review(request: AuthenticatedHttpRequest, referral_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    view = selectors.get_referral_for_user(actor, referral_uuid)
    try:
        services.override_review(actor=actor, item=view.referral)
        messages.success(request, _("Override marked as reviewed."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(view.referral)


# --- Transfers -------------------------------------------------------------------------------


def transfer_create(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, audit_view=False)
    if not selectors.may_transfer(request.user, access):
        raise PermissionDenied(_("Your role does not transfer this case."))
    form = TransferForm(
        request.POST or None, can_override=_can_override(request), exclude_org=person.managing_unit.organisation_id
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                transfer = services.transfer_request(actor=actor, person=person, **form.cleaned_data)
                messages.success(request, _("Transfer requested."))
                return redirect(transfer)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {"form": form, "can_write": access.can_write(Compartment.IDENTITY)}

    response = person_page(request, person_uuid, TAB, "reintegration_support/transfer_form.html", extra)
    if response.status_code == 200:
        response.status_code = status
    return response


def transfer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lists(request)
    return render(
        request,
        "reintegration_support/transfer_list.html",
        {"page": _page(request, selectors.transfers_for(request.user))},
    )


def _transfer_page(
    request: AuthenticatedHttpRequest, transfer: CaseTransfer, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    may_answer = selectors.may_answer_transfer(request.user, transfer)
    access = access_for(request.user, transfer.person)
    return render(
        request,
        "reintegration_support/transfer_detail.html",
        {
            "transfer": transfer,
            "person": transfer.person,
            "case_side": access.visible,
            "answer_form": form
            if form is not None
            else (
                TransferAnswerForm(initial={"version": transfer.version})
                if may_answer and transfer.status == TransferStatus.REQUESTED
                else None
            ),
            "can_hand_over": transfer.status == TransferStatus.ACCEPTED and access.can_write(Compartment.IDENTITY),
            "version_form": VersionForm(initial={"version": transfer.version}),
            "can_review": transfer.overridden
            and transfer.override_reviewed_at is None
            and has_capability(request.user, Capability.SUPERVISE),
        },
        status=status,
    )


def transfer_detail(request: AuthenticatedHttpRequest, transfer_uuid: Any) -> HttpResponse:
    return _transfer_page(request, selectors.get_transfer_for_user(_actor(request), transfer_uuid))


@require_POST
def transfer_answer(request: AuthenticatedHttpRequest, transfer_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    transfer = selectors.get_transfer_for_user(actor, transfer_uuid)
    form = TransferAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_answer(
                actor=actor,
                transfer=transfer,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Answer recorded."))
            return redirect(transfer)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
    return _transfer_page(request, selectors.get_transfer_for_user(actor, transfer_uuid), form, status=400)


@require_POST
def transfer_hand_over(request: AuthenticatedHttpRequest, transfer_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    transfer = selectors.get_transfer_for_user(actor, transfer_uuid)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_hand_over(actor=actor, transfer=transfer, expected_version=form.cleaned_data["version"])
            messages.success(request, _("The case was handed over."))
            return redirect(transfer)
        except (ValidationError, StaleVersionError) as exc:
            messages.error(request, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return _transfer_page(request, selectors.get_transfer_for_user(actor, transfer_uuid), status=400)


@require_POST
def transfer_review(request: AuthenticatedHttpRequest, transfer_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    transfer = selectors.get_transfer_for_user(actor, transfer_uuid)
    try:
        services.override_review(actor=actor, item=transfer)
        messages.success(request, _("Override marked as reviewed."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(transfer)


def employer_letter(request: AuthenticatedHttpRequest, employment_uuid: Any) -> HttpResponse:
    """The letter to an employer as a PDF (``?language=ru|kk|en``); it never
    states the person's background (the forbidden-word check refuses it)."""
    actor = _actor(request)
    employment = Employment.objects.select_related("person").filter(uuid=employment_uuid).first()
    if employment is None:
        raise Http404("No such employment")
    person, access = get_person_for_user(actor, employment.person.uuid, audit_view=False)
    if not (access.can_write(SUPPORT_COMPARTMENT) and access.can_read(Compartment.CONTACT_LOCATION)):
        raise PermissionDenied(_("Your role does not write letters for this person."))
    language = request.GET.get("language", "ru")
    if language not in LANGUAGES:
        language = "ru"
    contact = request.user.get_full_name() or request.user.get_username()
    try:
        letter = compose(employment, language=language, contact=contact)
        data = checked.letter_pdf(letter, title=_("Letter to the employer"))
    except checked.LetterRefusedError:
        messages.error(request, _("The letter would reveal the person's background; it was not produced."))
        return redirect(_tab_url(person.uuid))
    except FontMissingError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    record(
        actor,
        Action.EXPORT,
        object_type=Employment.audit_type,
        object_ref=employment.uuid,
        person_ref=person.uuid,
        detail={"letter": "employer", "language": language},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(True, f"employer-letter-{person.case_number}.pdf") or ""
    )
    return response
