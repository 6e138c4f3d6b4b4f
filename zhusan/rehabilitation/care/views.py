"""Pages of needs assessments, plans and case conferences: thin views over
``selectors`` (lookups through the access path) and ``services`` (writes,
checks, audit). A write is refused (403) before its form is read."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhusan.accounts.access import PersonAccess, has_capability
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_by_case_number_for_user, get_person_for_user
from zhusan.registry.views import person_page

from . import selectors, services
from .forms import (
    ActionForm,
    ApproveForm,
    ConferenceCaseForm,
    ConferenceForm,
    GoalForm,
    GoalStatusForm,
    MinuteForm,
    NeedsForm,
    PlanForm,
    RejectForm,
    ReviewForm,
    VersionForm,
    owner_choices,
)
from .models import CarePlan, GoalStatus, NeedsAssessment, PlanStatus
from .services import CaseInput

PAGE = 25


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def _writable_person(request: AuthenticatedHttpRequest, person_uuid: Any) -> tuple[Person, PersonAccess]:
    person, access = get_person_for_user(_actor(request), person_uuid, audit_view=False)
    if not services.may_write_care(access, person):
        raise PermissionDenied(_("You may not write this person's needs, plan or case conferences."))
    return person, access


# --- The person's "Plan" tab ---------------------------------------------------------------


def person_plan(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Needs, plans with goals and reviews, and the conferences that discussed this person."""

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        assessments = list(selectors.assessments_of(person)[:6])
        latest = assessments[0] if assessments else None
        plans = list(selectors.plans_of(person))
        return {
            "assessment": latest,
            "needs": selectors.needs_shown(latest, access) if latest else [],
            "earlier_assessments": assessments[1:],
            "active_plan": next((p for p in plans if p.status == PlanStatus.APPROVED), None),
            "other_plans": [p for p in plans if p.status != PlanStatus.APPROVED],
            "conference_cases": selectors.conference_cases_of(request.user, person),
            "can_write": services.may_write_care(access, person),
            "today": timezone.localdate(),
        }

    return person_page(
        request, person_uuid, "rehabilitation_care:person_plan", "rehabilitation_care/person_plan.html", extra
    )


# --- Needs assessment ---------------------------------------------------------------------


def needs_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person, access = _writable_person(request, person_uuid)
    form = NeedsForm(request.POST or None, access=access, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_assessment_create(
                actor=_actor(request), person=person, assessed_on=form.cleaned_data["assessed_on"], needs=form.needs()
            )
            messages.success(request, _("Needs assessment recorded."))
            return redirect("rehabilitation_care:person_plan", person.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "rehabilitation_care/needs_form.html", {"person": person, "form": form, "assessment": None})


def needs_edit(request: AuthenticatedHttpRequest, needs_uuid: uuid.UUID) -> HttpResponse:
    assessment = NeedsAssessment.objects.select_related("person").filter(uuid=needs_uuid).first()
    if assessment is None:
        raise Http404("No such assessment")
    person, access = _writable_person(request, assessment.person.uuid)
    form = NeedsForm(request.POST or None, access=access, assessment=assessment)
    version = VersionForm(request.POST or None, initial={"version": assessment.version})
    if request.method == "POST" and form.is_valid() and version.is_valid():
        try:
            services.needs_assessment_update(
                actor=_actor(request),
                assessment=assessment,
                expected_version=version.cleaned_data["version"],
                assessed_on=form.cleaned_data["assessed_on"],
                needs=form.needs(),
            )
            messages.success(request, _("Needs assessment corrected."))
            return redirect("rehabilitation_care:person_plan", person.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError:
            form.add_error(None, _("Someone else changed this assessment meanwhile: reload it and try again."))
    return render(
        request,
        "rehabilitation_care/needs_form.html",
        {"person": person, "form": form, "assessment": assessment, "version": assessment.version},
    )


# --- Plans ------------------------------------------------------------------------------


def plan_create(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person, _access = _writable_person(request, person_uuid)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=_actor(request), person=person, summary=form.cleaned_data["summary"])
            return redirect(plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "rehabilitation_care/plan_create.html", {"person": person, "form": form})


def _render_plan(
    request: AuthenticatedHttpRequest, plan: CarePlan, access: PersonAccess, status: int = 200, **forms: Form
) -> HttpResponse:
    user = request.user
    plan = selectors.plans_of(plan.person).get(pk=plan.pk)
    can_write = services.may_write_care(access, plan.person)
    can_decide = (
        plan.status == PlanStatus.SUBMITTED
        and has_capability(user, Capability.APPROVE_CARE)
        and plan.author_id != user.pk
        and not access.via_break_glass
    )
    context: dict[str, Any] = {
        "plan": plan,
        "person": plan.person,
        "goals": list(plan.goals.all()),
        "reviews": list(plan.reviews.all()),
        "can_write": can_write,
        "can_decide": can_decide,
        "today": timezone.localdate(),
        "goal_statuses": GoalStatus.choices,
        "goal_form": forms.get("goal_form") or GoalForm(user=user),
        "approve_form": forms.get("approve_form") or ApproveForm(initial={"version": plan.version}),
        "reject_form": forms.get("reject_form") or RejectForm(initial={"version": plan.version}),
        "review_form": forms.get("review_form") or ReviewForm(initial={"reviewed_on": timezone.localdate()}),
        "error_form": forms.get("error_form"),
    }
    return render(request, "rehabilitation_care/plan_detail.html", context, status=status)


def plan_detail(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = selectors.get_plan_for_user(_actor(request), plan_uuid)
    return _render_plan(request, plan, access)


def _plan_to_write(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> tuple[CarePlan, PersonAccess]:
    plan, access = selectors.get_plan_for_user(_actor(request), plan_uuid)
    if not services.may_write_care(access, plan.person):
        raise PermissionDenied(_("You may not write this person's plan."))
    return plan, access


@require_POST
def plan_goal_add(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = _plan_to_write(request, plan_uuid)
    form = GoalForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.goal_add(actor=_actor(request), plan=plan, **form.cleaned_data)
            messages.success(request, _("Goal added."))
            return redirect(plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_plan(request, plan, access, goal_form=form)


def _version_action(
    request: AuthenticatedHttpRequest, plan: CarePlan, access: PersonAccess, action: Any, done: str, **extra: Any
) -> HttpResponse:
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            action(actor=_actor(request), plan=plan, expected_version=form.cleaned_data["version"], **extra)
            messages.success(request, done)
            return redirect(plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError:
            form.add_error(None, _("Someone else changed this plan meanwhile: reload it and try again."))
    return _render_plan(request, plan, access, error_form=form)


@require_POST
def plan_submit(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = _plan_to_write(request, plan_uuid)
    return _version_action(request, plan, access, services.plan_submit, _("Plan submitted for approval."))


@require_POST
def plan_revise(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = _plan_to_write(request, plan_uuid)
    return _version_action(request, plan, access, services.plan_revise, _("The plan is a draft again: revise it."))


def _plan_to_decide(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> tuple[CarePlan, PersonAccess]:
    plan, access = selectors.get_plan_for_user(_actor(request), plan_uuid)
    if not has_capability(request.user, Capability.APPROVE_CARE):
        raise PermissionDenied(_("Approving or rejecting a plan needs the right to approve care plans."))
    if plan.author_id == request.user.pk:
        raise PermissionDenied(_("The author of a plan cannot approve or reject it: another supervisor must."))
    return plan, access


@require_POST
def plan_approve(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = _plan_to_decide(request, plan_uuid)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.plan_approve(
                actor=_actor(request),
                plan=plan,
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
                next_review_on=form.cleaned_data["next_review_on"],
            )
            messages.success(request, _("Plan approved: it is the person's active plan."))
            return redirect(plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError:
            form.add_error(None, _("Someone else changed this plan meanwhile: reload it and try again."))
    return _render_plan(request, plan, access, approve_form=form)


@require_POST
def plan_reject(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = _plan_to_decide(request, plan_uuid)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.plan_reject(
                actor=_actor(request),
                plan=plan,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Plan rejected: its author will revise it."))
            return redirect(plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError:
            form.add_error(None, _("Someone else changed this plan meanwhile: reload it and try again."))
    return _render_plan(request, plan, access, reject_form=form)


@require_POST
def plan_review_add(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan, access = _plan_to_write(request, plan_uuid)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.plan_review_add(actor=_actor(request), plan=plan, **form.cleaned_data)
            messages.success(request, _("Review recorded."))
            return redirect(plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_plan(request, plan, access, review_form=form)


@require_POST
def goal_status(request: AuthenticatedHttpRequest, goal_uuid: uuid.UUID) -> HttpResponse:
    goal, access = selectors.get_goal_for_user(_actor(request), goal_uuid)
    if goal.owner_id != request.user.pk and not services.may_write_care(access, goal.plan.person):
        raise PermissionDenied(_("Only the goal's owner or those who write the plan change a goal."))
    form = GoalStatusForm(request.POST)
    if form.is_valid():
        try:
            services.goal_status_change(
                actor=_actor(request),
                goal=goal,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            )
            messages.success(request, _("Goal updated."))
            return redirect(goal.plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError:
            form.add_error(None, _("Someone else changed this goal meanwhile: reload it and try again."))
    return _render_plan(request, goal.plan, access, error_form=form)


def plans_waiting(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Submitted plans waiting for this user's decision."""
    if not has_capability(request.user, Capability.APPROVE_CARE):
        raise PermissionDenied(_("Approving plans needs the right to approve care plans."))
    page = Paginator(selectors.plans_waiting_for(request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "rehabilitation_care/plans_waiting.html", {"page_obj": page})


# --- Case conferences ------------------------------------------------------------------------


def conference_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_care_reader(request.user):
        raise PermissionDenied(_("Your role does not read case conferences."))
    page = Paginator(selectors.conferences_for_user(request.user), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "rehabilitation_care/conference_list.html",
        {"page_obj": page, "can_create": selectors.is_care_writer(request.user)},
    )


def conference_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_care_writer(request.user):
        raise PermissionDenied(_("Your role does not record case conferences."))
    form = ConferenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(actor=_actor(request), **form.cleaned_data)
            messages.success(request, _("Conference recorded: now add the cases discussed."))
            return redirect(conference)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "rehabilitation_care/conference_form.html", {"form": form})


def _render_conference(
    request: AuthenticatedHttpRequest, conference_uuid: uuid.UUID, status: int = 200, **forms: Any
) -> HttpResponse:
    conference, cases = selectors.get_conference_for_user(_actor(request), conference_uuid)
    failed = forms.get("failed_case")
    owners = owner_choices(request.user)
    rows = []
    for shown in cases:
        pk = shown.case.pk
        mine = failed is not None and failed.pk == pk
        rows.append(
            {
                "shown": shown,
                "writable": services.may_write_care(shown.access, shown.case.person),
                "action_form": (mine and forms.get("action_form"))
                or ActionForm(user=request.user, owner_choices=owners, prefix=f"a{pk}"),
                "minute_form": (mine and forms.get("minute_form")) or MinuteForm(prefix=f"m{pk}"),
                "open_action": mine and "action_form" in forms,
                "open_minute": mine and "minute_form" in forms,
            }
        )
    return render(
        request,
        "rehabilitation_care/conference_detail.html",
        {
            "conference": conference,
            "rows": rows,
            "attendees": list(conference.attendees.all()),
            "can_write": selectors.is_care_writer(request.user),
            "case_form": forms.get("case_form") or ConferenceCaseForm(),
        },
        status=status,
    )


def conference_detail(request: AuthenticatedHttpRequest, conference_uuid: uuid.UUID) -> HttpResponse:
    return _render_conference(request, conference_uuid)


@require_POST
def conference_case_add(request: AuthenticatedHttpRequest, conference_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    conference, _cases = selectors.get_conference_for_user(actor, conference_uuid)
    if not selectors.is_care_writer(request.user):
        raise PermissionDenied(_("Your role does not record case conferences."))
    form = ConferenceCaseForm(request.POST)
    if form.is_valid():
        try:
            person, _access = get_person_by_case_number_for_user(actor, form.cleaned_data["case_number"])
        except (Http404, PermissionDenied):
            form.add_error("case_number", _("No person in your caseload has this case number."))
        else:
            try:
                services.conference_case_add(
                    actor=actor,
                    conference=conference,
                    case=CaseInput(
                        person=person,
                        decisions=form.cleaned_data["decisions"],
                        dissents=form.cleaned_data["dissents"],
                        minutes=form.minutes(),
                    ),
                )
                messages.success(request, _("Case added to the conference."))
                return redirect(conference)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("case_number", str(exc))
    return _render_conference(request, conference_uuid, case_form=form)


@require_POST
def conference_action_add(request: AuthenticatedHttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """An action agreed for a case: it becomes a goal of the person's plan."""
    case, access = selectors.get_conference_case_for_user(_actor(request), case_uuid)
    if not services.may_write_care(access, case.person):
        raise PermissionDenied(_("You may not write this person's plan."))
    form = ActionForm(request.POST, user=request.user, prefix=f"a{case.pk}")
    if form.is_valid():
        try:
            services.conference_action_add(actor=_actor(request), case=case, action=form.action())
            messages.success(request, _("Action recorded: it is a goal of the person's plan."))
            return redirect(case.conference)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_conference(request, case.conference.uuid, action_form=form, failed_case=case)


@require_POST
def conference_minute_add(request: AuthenticatedHttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case, access = selectors.get_conference_case_for_user(_actor(request), case_uuid)
    if not services.may_write_care(access, case.person):
        raise PermissionDenied(_("You may not write this person's case conference records."))
    form = MinuteForm(request.POST, prefix=f"m{case.pk}")
    if form.is_valid():
        try:
            services.conference_minute_add(actor=_actor(request), case=case, **form.cleaned_data)
            messages.success(request, _("Minute recorded."))
            return redirect(case.conference)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_conference(request, case.conference.uuid, minute_form=form, failed_case=case)
