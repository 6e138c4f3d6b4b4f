"""Sessions pages: the person's "Sessions" tab (list and plan), a session
(attendance, notes by compartment, hold, cancel, add a participant), the
day view "Today's sessions", the intake account and the risk assessments.

Thin views: selectors look up (scope, compartments, audit), services write.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.models import User
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user, persons_to_pick
from zhusan.registry.views import person_page
from zhusan.rehabilitation import selectors as rehabilitation

from . import selectors, services
from .forms import CancelForm, HoldForm, IntakeForm, NoteForm, ParticipantForm, RiskAssessmentForm, SessionPlanForm
from .models import INTAKE_COMPARTMENT, RISK_ASSESSMENT_COMPARTMENT, SessionKind, SessionStatus

PER_PAGE = 25


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def _roster_for(person: Person) -> QuerySet[User] | None:
    """Staff to choose from when planning: the active roster of the centre the person is in."""
    admission = rehabilitation.current_admission(person)
    if admission is None:
        return None
    return User.objects.filter(staff_member__centre=admission.centre, staff_member__active=True).order_by(
        "staff_member__discipline", "last_name", "first_name", "username"
    )


def _may_plan(user: Any, person: Person, access: PersonAccess) -> bool:
    return (
        access.visible
        and not access.via_break_glass
        and person.merged_into_id is None
        and (bool(services.disciplines_of(user)) or services.may_plan_for_others(user))
    )


def person_sessions(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """The person's "Sessions" tab: sessions (never their notes), the form to plan one."""
    actor = _actor(request)
    form: SessionPlanForm | None = None
    if request.method == "POST":
        person, access = get_person_for_user(actor, person_uuid, audit_view=False)
        if not _may_plan(request.user, person, access):
            raise PermissionDenied(_("You may not plan sessions for this person."))
        form = SessionPlanForm(request.POST, staff=_roster_for(person))
        if form.is_valid():
            data, planned = form.cleaned_data, []
            if _write(
                request,
                form,
                lambda: planned.append(
                    services.session_plan(
                        actor=actor,
                        kind=data["kind"],
                        discipline=data["discipline"],
                        title=data["title"],
                        starts_at=form.starts_at(),
                        planned_minutes=data["planned_minutes"],
                        persons=[person],
                        staff=list(data.get("staff") or []),
                    )
                ),
            ):
                messages.success(request, _("Session planned."))
                return redirect(planned[0])

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        page = Paginator(selectors.sessions_of_person(person, access), PER_PAGE).get_page(request.GET.get("page"))
        may_plan = _may_plan(request.user, person, access)
        return {
            "page": page,
            "sessions": list(page.object_list),
            "plan_form": form or (SessionPlanForm(staff=_roster_for(person)) if may_plan else None),
            "reads_intake": access.can_read(INTAKE_COMPARTMENT),
            "reads_risk": access.can_read(RISK_ASSESSMENT_COMPARTMENT),
            "is_adult": services.is_adult(person),
            "prefers_female": rehabilitation.prefers_female_professional(person),
        }

    response = person_page(
        request,
        person_uuid,
        "rehabilitation_sessions:person_sessions",
        "rehabilitation_sessions/person_sessions.html",
        extra,
    )
    if form is not None and form.errors:
        response.status_code = _status(form)
    return response


def _session_page(
    request: AuthenticatedHttpRequest,
    view: selectors.SessionView,
    *,
    hold_form: HoldForm | None = None,
    cancel_form: CancelForm | None = None,
    note_form: NoteForm | None = None,
    participant_form: ParticipantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    session = view.session
    user = request.user
    runs = session.staff.filter(pk=user.pk).exists() or services.may_plan_for_others(user)
    planned = session.status == SessionStatus.PLANNED
    note_persons = [
        p.person
        for p in view.participants
        if session.status != SessionStatus.CANCELLED and services.may_write_note(user, session, p.person)
    ]
    return render(
        request,
        "rehabilitation_sessions/session_detail.html",
        {
            "view": view,
            "session": session,
            "participants": view.participants,
            "staff": list(session.staff.all()),
            "notes": view.notes,
            "reads_notes": view.reads_notes,
            "hold_form": (hold_form or HoldForm(participants=view.participants, initial={"version": session.version}))
            if runs and planned and not view.hidden_participants
            else None,
            "cancel_form": (cancel_form or CancelForm(initial={"version": session.version}))
            if runs and planned
            else None,
            "note_form": (note_form or NoteForm(persons=note_persons)) if note_persons else None,
            "participant_form": (participant_form or ParticipantForm(initial={"version": session.version}))
            if runs and planned and session.kind != SessionKind.INDIVIDUAL
            else None,
        },
        status=status,
    )


def session_detail(request: AuthenticatedHttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    return _session_page(request, selectors.get_session_for_user(_actor(request), session_uuid))


def _write(request: AuthenticatedHttpRequest, form: Any, fn: Any) -> bool:
    """Run a service from a valid form; its refusal (audited by the service) or
    a stale version lands on the form, and the page answers 400 or 403."""
    try:
        fn()
    except ValidationError as exc:
        add_service_errors(form, exc)
    except StaleVersionError:
        form.add_error(None, _("Someone changed this record since you opened it. Reload the page and try again."))
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        form.denied = True
    else:
        return True
    return False


def _status(form: Any) -> int:
    return 403 if getattr(form, "denied", False) else 400


@require_POST
def session_hold(request: AuthenticatedHttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
    form = HoldForm(request.POST, participants=view.participants)
    if form.is_valid() and _write(
        request,
        form,
        lambda: services.session_hold(
            actor=actor,
            session=view.session,
            expected_version=form.cleaned_data["version"],
            duration_minutes=form.cleaned_data["duration_minutes"],
            attendance=form.attendance(),
        ),
    ):
        messages.success(request, _("The session is marked held."))
        return redirect(view.session)
    return _session_page(request, view, hold_form=form, status=_status(form))


@require_POST
def session_cancel(request: AuthenticatedHttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
    form = CancelForm(request.POST)
    if form.is_valid() and _write(
        request,
        form,
        lambda: services.session_cancel(
            actor=actor,
            session=view.session,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, _("The session is cancelled."))
        return redirect(view.session)
    return _session_page(request, view, cancel_form=form, status=_status(form))


@require_POST
def session_note_add(request: AuthenticatedHttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
    by_uuid = {str(p.person.uuid): p.person for p in view.participants}
    form = NoteForm(request.POST, persons=[p.person for p in view.participants])
    if form.is_valid() and _write(
        request,
        form,
        lambda: services.session_note_add(
            actor=actor,
            session=view.session,
            person=by_uuid[form.cleaned_data["person"]],
            body=form.cleaned_data["body"],
        ),
    ):
        messages.success(request, _("Note saved."))
        return redirect(view.session)
    return _session_page(request, view, note_form=form, status=_status(form))


def session_participant_add(request: AuthenticatedHttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """Add a person to a family or group session: find, choose, add."""
    actor = _actor(request)
    view = selectors.get_session_for_user(actor, session_uuid, audit_view=False)
    if request.method != "POST":
        return redirect(view.session)
    searching = request.POST.get("action") == "find"
    form = ParticipantForm(initial=request.POST.dict()) if searching else ParticipantForm(request.POST)
    find = request.POST.get("find", "")
    form.offer(persons_to_pick(actor, find) if find.strip() else [])
    if not searching and form.is_valid():
        chosen = form.cleaned_data.get("other")
        if chosen is None:
            form.add_error("other", _("Choose the person from the list."))
        else:
            person, _access = get_person_for_user(actor, chosen, audit_view=False)
            if _write(
                request,
                form,
                lambda: services.session_add_participant(
                    actor=actor, session=view.session, person=person, expected_version=form.cleaned_data["version"]
                ),
            ):
                messages.success(request, _("Participant added."))
                return redirect(view.session)
    return _session_page(request, view, participant_form=form, status=200 if searching else _status(form))


def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's sessions of one day (today unless ``?day=YYYY-MM-DD``), and those still to mark held."""
    try:
        day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    sessions = list(selectors.sessions_of_staff_on(request.user, day))
    overdue = list(selectors.sessions_to_mark_held(request.user, timezone.localdate())[:50])
    record(_actor(request), Action.LIST, object_type=ObjectType.SESSION, detail={"day": day.isoformat()})
    return render(
        request,
        "rehabilitation_sessions/today.html",
        {"day": day, "sessions": sessions, "overdue": overdue, "is_today": day == timezone.localdate()},
    )


def person_intake(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """The intake account (psychosocial compartment only; adults only)."""
    actor = _actor(request)
    form: IntakeForm | None = None
    if request.method == "POST":
        person, access = get_person_for_user(actor, person_uuid, write=INTAKE_COMPARTMENT)
        form = IntakeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if _write(
                request,
                form,
                lambda: services.intake_account_record(
                    actor=actor,
                    person=person,
                    interviewed_on=data["interviewed_on"],
                    travel_reasons=data["travel_reasons"],
                    regret=data["regret"],
                    account=data["account"],
                    expected_version=data.get("version"),
                ),
            ):
                messages.success(request, _("Account saved."))
                return redirect("rehabilitation_sessions:person_intake", person.uuid)

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        intake = selectors.intake_account_for(actor, person, access)
        adult = services.is_adult(person)
        initial: dict[str, Any] = {"interviewed_on": timezone.localdate()}
        if intake is not None:
            initial = {
                "interviewed_on": intake.interviewed_on,
                "travel_reasons": intake.travel_reasons,
                "regret": intake.regret,
                "account": intake.account,
                "version": intake.version,
            }
        writable = access.can_write(INTAKE_COMPARTMENT) and adult
        return {
            "intake": intake,
            "is_adult": adult,
            "form": (form or IntakeForm(initial=initial)) if writable else None,
        }

    response = person_page(
        request,
        person_uuid,
        "rehabilitation_sessions:person_intake",
        "rehabilitation_sessions/person_intake.html",
        extra,
    )
    if form is not None and form.errors:
        response.status_code = _status(form)
    return response


def person_risk_assessments(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Professional risk assessments (justice and security only; adults only): outcome, tool, assessor, date, reference."""
    actor = _actor(request)
    form: RiskAssessmentForm | None = None
    if request.method == "POST":
        person, _access = get_person_for_user(actor, person_uuid, write=RISK_ASSESSMENT_COMPARTMENT)
        form = RiskAssessmentForm(request.POST)
        if form.is_valid() and _write(
            request, form, lambda: services.risk_assessment_record(actor=actor, person=person, **form.cleaned_data)
        ):
            messages.success(request, _("Assessment recorded."))
            return redirect("rehabilitation_sessions:person_risk_assessments", person.uuid)

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        adult = services.is_adult(person)
        return {
            "assessments": selectors.risk_assessments_for(actor, person, access),
            "is_adult": adult,
            "form": (form or RiskAssessmentForm()) if access.can_write(RISK_ASSESSMENT_COMPARTMENT) and adult else None,
        }

    response = person_page(
        request,
        person_uuid,
        "rehabilitation_sessions:person_risk_assessments",
        "rehabilitation_sessions/person_risk_assessments.html",
        extra,
    )
    if form is not None and form.errors:
        response.status_code = _status(form)
    return response
