"""Follow-up pages: thin function views over ``selectors`` and ``services``.

Person lookups go through the registry's access path (scope, compartment,
audit); writes through the services (checks, audit). A form with bad input
is shown again with its errors and nothing written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhusan.accounts.access import PersonAccess, has_capability
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person, Stage
from zhusan.registry.selectors import get_person_for_user
from zhusan.registry.views import person_page

from . import selectors, services
from .compartments import FOLLOW_UP, INCIDENTS, SECURITY
from .forms import (
    ClosureDecisionForm,
    ClosureRequestForm,
    IncidentActionForm,
    IncidentForm,
    OverdueFilterForm,
    PlanForm,
    ReopenForm,
    RescheduleForm,
    SecurityContactForm,
    VisitForm,
)
from .models import ClosureStatus, ContactStatus

TAB = "reintegration_followup:person_follow_up"
INCIDENTS_TAB = "reintegration_followup:person_incidents"
SECURITY_TAB = "reintegration_followup:person_security"
PER_PAGE = 50


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def _tab_url(person: Person, tab: str = TAB) -> str:
    return reverse(tab, args=[person.uuid])


def _form_page(
    request: AuthenticatedHttpRequest,
    person_uuid: uuid.UUID,
    form: Form,
    *,
    title: str,
    tab: str = TAB,
    intro: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form under the person's header, on the tab it belongs to."""

    def context(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {"form": form, "title": title, "intro": intro, "cancel_url": _tab_url(person, tab), **(extra or {})}

    return person_page(request, person_uuid, tab, "reintegration_followup/form.html", context)


def _can_close(request: AuthenticatedHttpRequest, access: PersonAccess) -> bool:
    return access.can_write(FOLLOW_UP) and has_capability(request.user, Capability.CHANGE_STAGE)


# --- The Follow-up tab ----------------------------------------------------------------


def person_follow_up(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        follow_up = selectors.person_follow_up(person)
        can_write = access.can_write(FOLLOW_UP)
        waiting = next((c for c in follow_up.closures if c.status == ClosureStatus.REQUESTED), None)
        return {
            "fu": follow_up,
            "can_write": can_write,
            "can_request_closure": _can_close(request, access) and person.stage != Stage.CLOSED and waiting is None,
            "can_reopen": _can_close(request, access) and person.stage == Stage.CLOSED,
            "waiting_closure": waiting,
            "can_decide": waiting is not None
            and has_capability(request.user, Capability.APPROVE_CARE)
            and waiting.requested_by_id != request.user.pk,
            "open_status": ContactStatus.OPEN,
        }

    return person_page(request, person_uuid, TAB, "reintegration_followup/person_follow_up.html", extra)


def plan_edit(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Make the plan from a template, or regenerate it with a reason."""
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid, write=FOLLOW_UP, audit_view=False)
    plan = services.active_plan(person)
    form = PlanForm(
        request.POST or None, regenerate=plan is not None, initial={"version": plan.version if plan else None}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if plan is None:
                services.plan_create(actor=actor, person=person, template=data["template"], start_on=data["start_on"])
            else:
                services.plan_regenerate(
                    actor=actor,
                    plan=plan,
                    expected_version=data["version"] or 0,
                    reason=data["reason"],
                    template=data["template"],
                    start_on=data["start_on"],
                )
            messages.success(request, _("Follow-up plan saved."))
            return redirect(_tab_url(person))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
    title = _("Regenerate the follow-up plan") if plan else _("Make the follow-up plan")
    return _form_page(request, person_uuid, form, title=title)


def contact_detail(request: AuthenticatedHttpRequest, contact_uuid: uuid.UUID) -> HttpResponse:
    """One due contact: log the visit or call that makes it, or move it."""
    actor = _actor(request)
    contact, person, access = selectors.get_contact_for_user(actor, contact_uuid, write=request.method == "POST")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_log(actor=actor, person=person, contact=contact, **form.cleaned_data)
            messages.success(request, _("Visit logged."))
            return redirect(_tab_url(person))
        except ValidationError as exc:
            add_service_errors(form, exc)
    reschedule = RescheduleForm(initial={"due_on": contact.due_on, "version": contact.version})

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {
            "contact": contact,
            "form": form,
            "reschedule_form": reschedule,
            "can_write": access.can_write(FOLLOW_UP) and contact.status == ContactStatus.OPEN and contact.plan.active,
            "cancel_url": _tab_url(person),
        }

    return person_page(request, person.uuid, TAB, "reintegration_followup/contact_detail.html", extra)


@require_POST
def contact_reschedule(request: AuthenticatedHttpRequest, contact_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    contact, person, _access = selectors.get_contact_for_user(actor, contact_uuid, write=True)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            services.contact_reschedule(
                actor=actor,
                contact=contact,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Contact moved."))
            return redirect(_tab_url(person))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except StaleVersionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Give the new date and why it moves."))
    return redirect("reintegration_followup:contact_detail", contact_uuid=contact.uuid)


def visit_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Log a visit or call; it ticks off the contact due (if any)."""
    actor = _actor(request)
    form = VisitForm(request.POST or None)
    person, _access = get_person_for_user(actor, person_uuid, write=FOLLOW_UP, audit_view=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_log(actor=actor, person=person, **form.cleaned_data)
            messages.success(request, _("Visit logged."))
            return redirect(_tab_url(person))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _form_page(request, person_uuid, form, title=_("Log a visit or call"))


# --- Incidents -------------------------------------------------------------------------


def person_incidents(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    form = IncidentForm(request.POST or None)
    if request.method == "POST":
        person, _access = get_person_for_user(actor, person_uuid, write=INCIDENTS)
        if form.is_valid():
            try:
                services.incident_record(actor=actor, person=person, **form.cleaned_data)
                messages.success(request, _("Incident recorded."))
                return redirect(_tab_url(person, INCIDENTS_TAB))
            except ValidationError as exc:
                add_service_errors(form, exc)

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {"incidents": selectors.incidents_of(person), "form": form, "can_write": access.can_write(INCIDENTS)}

    return person_page(request, person_uuid, INCIDENTS_TAB, "reintegration_followup/person_incidents.html", extra)


def incident_detail(request: AuthenticatedHttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    incident, person, _access = selectors.get_incident_for_user(actor, incident_uuid, write=request.method == "POST")
    form = IncidentActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_action_add(actor=actor, incident=incident, **form.cleaned_data)
            messages.success(request, _("Action recorded."))
            return redirect("reintegration_followup:incident_detail", incident_uuid=incident.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {
            "incident": incident,
            "actions": list(incident.actions.select_related("by")),
            "form": form,
            "can_write": access.can_write(INCIDENTS),
            "cancel_url": _tab_url(person, INCIDENTS_TAB),
        }

    return person_page(request, person.uuid, INCIDENTS_TAB, "reintegration_followup/incident_detail.html", extra)


# --- Security follow-up ----------------------------------------------------------------


def person_security(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    form = SecurityContactForm(request.POST or None)
    if request.method == "POST":
        person, _access = get_person_for_user(actor, person_uuid, write=SECURITY)
        if form.is_valid():
            try:
                services.security_contact_record(actor=actor, person=person, **form.cleaned_data)
                messages.success(request, _("Security follow-up recorded."))
                return redirect(_tab_url(person, SECURITY_TAB))
            except ValidationError as exc:
                add_service_errors(form, exc)

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {
            "contacts": selectors.security_contacts_of(person),
            "form": form,
            "can_write": access.can_write(SECURITY),
        }

    return person_page(request, person_uuid, SECURITY_TAB, "reintegration_followup/person_security.html", extra)


# --- Closure and reopening -------------------------------------------------------------


def closure_request(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, write=FOLLOW_UP, audit_view=False)
    if not _can_close(request, access):
        raise PermissionDenied(_("Your role cannot close this case."))
    child = person.is_child()
    form = ClosureRequestForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = (
            services.BestInterestsInput(**{k: data[k] for k in ClosureRequestForm.CHILD_FIELDS}) if child else None
        )
        try:
            services.closure_request(
                actor=actor,
                person=person,
                reason=data["reason"],
                explanation=data["explanation"],
                best_interests=assessment,
            )
            messages.success(request, _("Closure requested: it waits for a supervisor's approval."))
            return redirect(_tab_url(person))
        except ValidationError as exc:
            add_service_errors(form, exc)
    intro = (
        _(
            "The case closes when a supervisor approves. This is a child's case: record the best-interests "
            "assessment of the closure with the request."
        )
        if child
        else _("The case closes when a supervisor approves.")
    )
    return _form_page(request, person_uuid, form, title=_("Request the closure of the case"), intro=intro)


def closure_detail(request: AuthenticatedHttpRequest, closure_uuid: uuid.UUID) -> HttpResponse:
    """A closure request and, for a supervisor other than the requester, the decision."""
    actor = _actor(request)
    closure, person, _access = selectors.get_closure_for_user(actor, closure_uuid)
    may_decide = (
        has_capability(request.user, Capability.APPROVE_CARE)
        and closure.requested_by_id != request.user.pk
        and closure.status == ClosureStatus.REQUESTED
    )
    form = ClosureDecisionForm(request.POST or None, initial={"version": closure.version})
    if request.method == "POST":
        if not has_capability(request.user, Capability.APPROVE_CARE):
            raise PermissionDenied(_("Your role cannot approve case closures."))
        if form.is_valid():
            try:
                services.closure_decide(
                    actor=actor,
                    closure=closure,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
                messages.success(request, _("Decision recorded."))
                return redirect(_tab_url(person))
            except ValidationError as exc:
                add_service_errors(form, exc)
            except StaleVersionError as exc:
                form.add_error(None, str(exc))

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {"closure": closure, "form": form, "may_decide": may_decide, "cancel_url": _tab_url(person)}

    return person_page(request, person.uuid, TAB, "reintegration_followup/closure_detail.html", extra)


def case_reopen(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, write=FOLLOW_UP, audit_view=False)
    if not _can_close(request, access):
        raise PermissionDenied(_("Your role cannot reopen this case."))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(actor=actor, person=person, reason=form.cleaned_data["reason"])
            messages.success(request, _("Case reopened."))
            return redirect(_tab_url(person))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _form_page(request, person_uuid, form, title=_("Reopen the case"))


# --- Overdue follow-ups -----------------------------------------------------------------


def overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Overdue follow-ups of the persons the user reads follow-up of, with counts per worker and region."""
    if not selectors.reads_follow_up(request.user):
        raise PermissionDenied(_("Your role does not follow up persons."))
    actor = _actor(request)
    filters_form = OverdueFilterForm(request.GET or None)
    chosen: dict[str, Any] = filters_form.cleaned_data if filters_form.is_valid() else {}
    filters = selectors.DueFilters(
        worker=request.GET.get("worker", "")[:40], region=chosen.get("region", ""), mine=chosen.get("mine", False)
    )
    qs = selectors.overdue_contacts(actor, filters)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reintegration_followup/overdue.html",
        {
            "page": page,
            "filters": filters_form,
            "by_worker": selectors.overdue_by_worker(qs),
            "by_region": selectors.overdue_by_region(qs),
        },
    )
