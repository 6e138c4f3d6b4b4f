"""Instruments pages: thin function views over ``selectors`` and ``services``.

The person's "Instruments" tab (administrations, schedule, trajectory charts,
alerts), the administration form, an administration's answers, the open
safety alerts and their acknowledgement, and the overdue list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user
from zhusan.registry.views import person_page

from . import charts, selectors, services
from .catalogue import INSTRUMENTS, Instrument, band, cutoffs, fits_age
from .forms import AcknowledgeForm, AdministrationForm, ScheduleForm
from .models import Administration

PAGE_SIZE = 50
PSY = services.PSY


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


@dataclass
class Trajectory:
    instrument: Instrument
    chart: SafeString
    rows: list[Administration]
    cutoffs: list[int]


def trajectories(person: Person, administrations: list[Administration], *, rtl: bool) -> list[Trajectory]:
    out = []
    for inst in INSTRUMENTS.values():
        rows = sorted((a for a in administrations if a.instrument == inst.code), key=lambda a: a.administered_on)
        if not rows:
            continue
        title = _("%(i)s over time") % {"i": inst.name}
        chart = charts.trajectory_chart(inst, [(a.administered_on, a.total) for a in rows], title=title, rtl=rtl)
        out.append(Trajectory(inst, chart, rows, cutoffs(inst.code)))
    return out


def fitting_instruments(person: Person) -> list[Instrument]:
    age = person.age()
    return [i for i in INSTRUMENTS.values() if age is not None and fits_age(i, age)]


def person_instruments(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """The person page's "Instruments" tab (psychosocial readers)."""
    form: ScheduleForm | None = None
    if request.method == "POST":
        person, access = get_person_for_user(_actor(request), person_uuid, write=PSY)
        form = ScheduleForm(request.POST, instruments=list(INSTRUMENTS.values()))
        if form.is_valid():
            try:
                services.schedule_add(actor=_actor(request), person=person, **form.cleaned_data)
                messages.success(request, _("The instrument is scheduled."))
                return redirect("instruments:person_instruments", person_uuid=person.uuid)
            except ValidationError as exc:
                add_service_errors(form, exc)

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        administrations = list(selectors.administrations_of(person))
        can_write = access.can_write(PSY) and not access.via_break_glass
        return {
            "administrations": administrations,
            "schedule": list(selectors.schedule_of(person)),
            "alerts": list(selectors.alerts_of(person)),
            "trajectories": trajectories(person, administrations, rtl=get_language_bidi()),
            "fitting": fitting_instruments(person),
            "can_write": can_write,
            "schedule_form": form or ScheduleForm(instruments=list(INSTRUMENTS.values())),
        }

    response = person_page(
        request, person_uuid, "instruments:person_instruments", "instruments/person_instruments.html", extra
    )
    if form is not None and form.errors:
        response.status_code = 400 if response.status_code == 200 else response.status_code
    return response


def administration_new(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Enter a completed instrument (``?instrument=phq9``): one radio group per item."""
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid, write=PSY)
    fitting = fitting_instruments(person)
    code = request.POST.get("instrument") or request.GET.get("instrument") or (fitting[0].code if fitting else "phq9")
    inst = INSTRUMENTS.get(str(code)) or INSTRUMENTS["phq9"]
    form = AdministrationForm(request.POST or None, instrument=inst)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                admin = services.administration_record(
                    actor=actor,
                    person=person,
                    instrument=inst.code,
                    occasion=form.cleaned_data["occasion"],
                    administered_on=form.cleaned_data["administered_on"],
                    answers=form.answers(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(i)s recorded: total %(t)s (%(b)s).") % {"i": inst.name, "t": admin.total, "b": admin.band},
                )
                if hasattr(admin, "safety_alert"):
                    messages.warning(
                        request,
                        _("A safety alert was raised (PHQ-9 item 9). Acknowledge it with the action taken."),
                    )
                    return redirect(admin.safety_alert)
                return redirect("instruments:person_instruments", person_uuid=person.uuid)
        status = 400
    return render(
        request,
        "instruments/administration_form.html",
        {"person": person, "form": form, "instrument": inst, "instruments": fitting or list(INSTRUMENTS.values())},
        status=status,
    )


def administration_detail(request: AuthenticatedHttpRequest, administration_uuid: uuid.UUID) -> HttpResponse:
    admin = selectors.get_administration_for_user(_actor(request), administration_uuid)
    inst = INSTRUMENTS[admin.instrument]
    return render(
        request,
        "instruments/administration_detail.html",
        {"admin": admin, "instrument": inst, "person": admin.person, "items_carried": inst.items_carried},
    )


def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open safety alerts for the user (recipient, or psychosocial reader of the person)."""
    if not selectors.may_list_alerts(request.user):
        raise PermissionDenied(_("Your role does not read psychosocial records."))
    page = Paginator(selectors.open_alerts_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    record(_actor(request), Action.LIST, object_type=ObjectType.SAFETY_ALERT, detail={"page": page.number})
    return render(request, "instruments/alert_list.html", {"page": page, "alerts": list(page)})


def alert_detail(request: AuthenticatedHttpRequest, alert_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    alert, reads = selectors.get_alert_for_user(actor, alert_uuid)
    may_ack = alert.is_open and services.may_acknowledge(request.user, alert)
    form = AcknowledgeForm(request.POST or None, initial={"version": alert.version})
    status = 200
    if request.method == "POST":
        if not may_ack:
            raise PermissionDenied(_("You may not acknowledge this alert."))
        if form.is_valid():
            try:
                services.alert_acknowledge(
                    actor=actor,
                    alert=alert,
                    action_taken=form.cleaned_data["action_taken"],
                    expected_version=form.cleaned_data["version"],
                )
                messages.success(request, _("The safety alert is acknowledged."))
                return redirect(alert)
            except StaleVersionError:
                form.add_error(None, _("Someone else acknowledged this alert meanwhile. Reload the page."))
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    return render(
        request,
        "instruments/alert_detail.html",
        {
            "alert": alert,
            "person": alert.person,
            "reads": reads,
            "form": form,
            "may_ack": may_ack,
            "answers": alert.administration.answer_rows() if reads else [],
            "band": band(alert.administration.instrument, alert.administration.total) if reads else "",
        },
        status=status,
    )


def overdue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.reads_psychosocial(request.user):
        raise PermissionDenied(_("Your role does not read psychosocial records."))
    page = Paginator(selectors.overdue_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    record(_actor(request), Action.LIST, object_type=ObjectType.INSTRUMENT_SCHEDULE, detail={"page": page.number})
    return render(request, "instruments/overdue_list.html", {"page": page, "rows": list(page)})


def person_link(person: Person) -> str:
    return reverse("instruments:person_instruments", args=[person.uuid])
