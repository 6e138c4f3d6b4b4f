"""Rehabilitation pages: thin function views over ``selectors`` and ``services``.

Lookups go through the selectors (role, person scope, compartment, audit);
writes through the services (capacity, family unity, best-interests gate,
caseload limits, audit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhusan.accounts.access import PersonAccess, has_capability
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.operations.services import CARER_RELATIONS, carers_of
from zhusan.registry.access import access_for_many, visible_to
from zhusan.registry.forms import add_service_errors, person_choice_label
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user, persons_to_pick
from zhusan.registry.views import person_page

from . import selectors, services
from .forms import AdmissionForm, DischargeForm, FindResidentForm, KeyWorkerForm, RoomChangeForm
from .models import Admission, Discipline, StaffMember

PAGE_SIZE = 50


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


# --- Centres and the occupancy board -------------------------------------------------------


def centre_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    centres = selectors.centres_for_user(_actor(request))
    return render(request, "rehabilitation/centre_list.html", {"centres": centres})


def centre_detail(request: AuthenticatedHttpRequest, centre_uuid: Any) -> HttpResponse:
    """The occupancy board: who is in which room today, free beds, expected arrivals."""
    actor = _actor(request)
    centre = selectors.get_centre_for_user(actor, centre_uuid)
    board = selectors.occupancy_board(actor, centre)
    return render(
        request,
        "rehabilitation/centre_detail.html",
        {
            "centre": centre,
            "board": board,
            "disciplines": Discipline.choices,
            "can_admit": services.may_admit(request.user),
            "can_see_movements": has_capability(request.user, Capability.VIEW_OPERATIONS),
        },
    )


# --- Admission ------------------------------------------------------------------------------


def _family(actor: Actor, person: Person, on: Any) -> tuple[list[Person], set[int]]:
    """Family members who may be admitted with ``person`` (back in the
    country, not resident, visible to the actor), and which are young children."""
    candidates: dict[int, Person] = {}
    for child in services.young_children_of(person, on) + _children(person):
        candidates.setdefault(child.pk, child)
    for carer in carers_of(person):
        candidates.setdefault(carer.pk, carer)
    candidates.pop(person.pk, None)
    assert actor.user is not None
    visible = set(visible_to(actor.user).filter(pk__in=candidates).values_list("pk", flat=True))
    resident = set(Admission.objects.open().filter(person_id__in=candidates).values_list("person_id", flat=True))
    family = [
        p
        for pk, p in candidates.items()
        if pk in visible and pk not in resident and p.stage in services.ADMISSIBLE_STAGES
    ]
    family.sort(key=lambda p: (p.birth_date_mid is None, p.birth_date_mid or on))
    young = {p.pk for p in family if services.is_young_child(p, on)}
    if services.is_young_child(person, on):
        young.add(person.pk)
    return family, young


def _children(person: Person) -> list[Person]:
    return [
        rel.to_person
        for rel in person.relations_out.filter(kind__in=CARER_RELATIONS).select_related("to_person")
        if rel.to_person.merged_into_id is None
    ]


def admit(request: AuthenticatedHttpRequest, centre_uuid: Any) -> HttpResponse:
    """Find the person (a GET), then admit them and the family members ticked."""
    actor = _actor(request)
    centre = selectors.get_centre_for_user(actor, centre_uuid)
    if not services.may_admit(request.user):
        raise PermissionDenied(_("Your role cannot admit persons to a centre."))
    ref = request.POST.get("person") or request.GET.get("person")
    if not ref:
        find_form = FindResidentForm(request.GET if "find" in request.GET else None)
        found: list[tuple[Person, str]] = []
        if find_form.is_valid():
            resident = set(Admission.objects.open().values_list("person_id", flat=True))
            found = [
                (p, person_choice_label(p))
                for p in persons_to_pick(actor, find_form.cleaned_data["find"])
                if p.stage in services.ADMISSIBLE_STAGES and p.pk not in resident
            ]
        return render(
            request,
            "rehabilitation/admit_find.html",
            {"centre": centre, "find_form": find_form, "found": found},
            status=400 if request.method == "POST" else 200,
        )
    person, _access = get_person_for_user(actor, ref, write=Compartment.CONTACT_LOCATION)
    today = timezone.localdate()
    family, young = _family(actor, person, today)
    rooms = selectors.rooms_with_free_beds(centre)
    form = AdmissionForm(request.POST or None, person=person, family=family, rooms=rooms, young=young)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        prefers = bool(data["prefers_female_professional"])
        residents = [
            services.ResidentInput(person=p, room=room, prefers_female_professional=prefers and not p.is_child())
            for p, room in form.residents()
        ]
        separations = _separations(form, person, family)
        try:
            admissions = services.admission_create(
                actor=actor,
                centre=centre,
                admitted_on=data["admitted_on"],
                residents=residents,
                separations=separations,
            )
            messages.success(
                request,
                ngettext(
                    "%(n)d person admitted to %(centre)s: %(p)s.",
                    "%(n)d persons admitted to %(centre)s: %(p)s.",
                    len(admissions),
                )
                % {
                    "n": len(admissions),
                    "centre": centre.name,
                    "p": ", ".join(a.person.case_number for a in admissions),
                },
            )
            return redirect("rehabilitation:centre_detail", centre_uuid=centre.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "rehabilitation/admit.html",
        {"centre": centre, "person": person, "person_label": person_choice_label(person), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _separations(form: AdmissionForm, person: Person, family: list[Person]) -> list[services.SeparationInput]:
    data = form.cleaned_data
    chosen = data.get("separate_child")
    if not chosen:
        return []
    group = {str(p.uuid): p for p in [person, *family]}
    child = group.get(chosen)
    if child is None:
        return []
    carers = [c for c in carers_of(child) if str(c.uuid) in group]
    if not carers:
        return []
    return [
        services.SeparationInput(
            child=child,
            carer=carer,
            justification=data.get("justification") or "",
            assessed_on=data.get("assessed_on") or timezone.localdate(),
            recommendation=data.get("recommendation") or "",
            childs_views=data.get("childs_views") or "",
            views_not_sought_reason=data.get("views_not_sought_reason") or "",
            reference=data.get("reference") or "",
        )
        for carer in carers
    ]


# --- Room change and discharge ----------------------------------------------------------------


def _admission_for_change(request: AuthenticatedHttpRequest, admission_uuid: Any) -> tuple[Actor, Admission]:
    actor = _actor(request)
    admission = selectors.get_admission_for_user(actor, admission_uuid)
    if not services.may_manage_residents(request.user, admission.person):
        raise PermissionDenied(_("You may not move or discharge this resident."))
    return actor, admission


def room_change(request: AuthenticatedHttpRequest, admission_uuid: Any) -> HttpResponse:
    actor, admission = _admission_for_change(request, admission_uuid)
    rooms = [(r, free) for r, free in selectors.rooms_with_free_beds(admission.centre) if r.pk != admission.room_id]
    form = RoomChangeForm(request.POST or None, rooms=rooms, initial={"version": admission.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.room_change(
                actor=actor,
                admission=admission,
                room=form.cleaned_data["room"],
                moved_on=form.cleaned_data["moved_on"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(
                request,
                _("%(p)s moved to %(room)s.")
                % {"p": admission.person.case_number, "room": form.cleaned_data["room"].name},
            )
            return redirect("rehabilitation:person_rehabilitation", person_uuid=admission.person.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "rehabilitation/room_change.html",
        {"admission": admission, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def discharge(request: AuthenticatedHttpRequest, admission_uuid: Any) -> HttpResponse:
    actor, admission = _admission_for_change(request, admission_uuid)
    if not services.may_admit(request.user):
        raise PermissionDenied(_("Your role cannot discharge: a discharge moves the person's stage."))
    needs = admission.person.is_child() and services.discharge_needs_assessment(admission)
    form = DischargeForm(request.POST or None, needs_assessment=needs, initial={"version": admission.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = None
        if needs and (data.get("recommendation") or data.get("assessed_on")):
            assessment = services.BestInterestsInput(
                assessed_on=data.get("assessed_on") or data["discharged_on"],
                recommendation=data.get("recommendation") or "",
                childs_views=data.get("childs_views") or "",
                views_not_sought_reason=data.get("views_not_sought_reason") or "",
                reference=data.get("reference") or "",
            )
        try:
            services.admission_discharge(
                actor=actor,
                admission=admission,
                discharged_on=data["discharged_on"],
                destination=data["destination"],
                summary=data["summary"],
                expected_version=data["version"],
                best_interests=assessment,
            )
            messages.success(request, _("%(p)s discharged.") % {"p": admission.person.case_number})
            return redirect("rehabilitation:person_rehabilitation", person_uuid=admission.person.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "rehabilitation/discharge.html",
        {"admission": admission, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Key workers and caseloads -------------------------------------------------------------


def key_worker_assign(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid)
    if not services.may_manage_residents(request.user, person):
        raise PermissionDenied(_("You may not assign this person's key workers."))
    admission = selectors.current_admission(person)
    if admission is None:
        messages.error(request, _("Key workers are assigned to residents: admit the person first."))
        return redirect("rehabilitation:person_rehabilitation", person_uuid=person.uuid)
    discipline = request.GET.get("discipline") or request.POST.get("discipline") or ""
    loads = [
        load
        for d in Discipline.values
        if not discipline or d == discipline
        for load in selectors.staff_to_assign(admission.centre, d)
    ]
    form = KeyWorkerForm(request.POST or None, loads=loads, prefers_female=admission.prefers_female_professional)
    if request.method == "POST" and form.is_valid():
        load = form.cleaned_data["staff"]
        try:
            services.key_worker_assign(
                actor=actor,
                person=person,
                user=load.member.user,
                discipline=load.member.discipline,
                started_on=form.cleaned_data["started_on"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("%(u)s is now the %(d)s key worker of %(p)s.")
                % {
                    "u": load.member.user.get_full_name() or load.member.user.username,
                    "d": Discipline(load.member.discipline).label.lower(),
                    "p": person.case_number,
                },
            )
            return redirect("rehabilitation:person_rehabilitation", person_uuid=person.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "rehabilitation/key_worker_form.html",
        {
            "person": person,
            "admission": admission,
            "form": form,
            "discipline": discipline,
            "disciplines": Discipline.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


def caseload(request: AuthenticatedHttpRequest, staff_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    member = selectors.get_staff_member_for_user(actor, staff_uuid)
    load = selectors.caseload(actor, member)
    page = Paginator(load.key_workers, PAGE_SIZE).get_page(request.GET.get("page"))
    access = access_for_many(request.user, [kw.person for kw in page.object_list])
    rows = [(kw, access[kw.person.pk].can_read(Compartment.IDENTITY)) for kw in page.object_list]
    return render(request, "rehabilitation/caseload.html", {"load": load, "page": page, "rows": rows})


def my_caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    member = selectors.staff_member(request.user)
    if member is None:
        return render(request, "rehabilitation/not_on_roster.html")
    return redirect("rehabilitation:caseload", staff_uuid=member.uuid)


def discipline_caseloads(request: AuthenticatedHttpRequest, centre_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    centre = selectors.get_centre_for_user(actor, centre_uuid)
    discipline = request.GET.get("discipline") or Discipline.PSYCHOLOGIST
    if discipline not in Discipline.values:
        discipline = Discipline.PSYCHOLOGIST
    loads = selectors.discipline_caseloads(actor, centre, discipline)
    page = Paginator(loads, PAGE_SIZE).get_page(request.GET.get("page"))
    viewer: Any = request.user
    supervised = set(StaffMember.objects.filter(supervisor=viewer).values_list("pk", flat=True))
    wide = has_capability(viewer, Capability.APPROVE_CARE) or has_capability(viewer, Capability.SUPERVISE)
    rows = [(load, wide or load.member.user_id == viewer.pk or load.member.pk in supervised) for load in page]
    return render(
        request,
        "rehabilitation/discipline_caseloads.html",
        {
            "centre": centre,
            "discipline": Discipline(discipline),
            "disciplines": Discipline.choices,
            "page": page,
            "rows": rows,
            "over": sum(1 for load in loads if load.over_limit),
        },
    )


# --- The person tab ---------------------------------------------------------------------------


def person_rehabilitation(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        stays = selectors.stays_of(person, access)
        current = next((a for a in stays.admissions if a.is_open), None)
        manage = services.may_manage_residents(request.user, person)
        return {
            "stays": stays,
            "current": current,
            "can_manage": manage,
            "current_key_workers": [kw for kw in stays.key_workers if kw.ended_on is None],
            "past_key_workers": [kw for kw in stays.key_workers if kw.ended_on is not None],
            "key_worker_url": reverse("rehabilitation:key_worker_assign", kwargs={"person_uuid": person.uuid}),
        }

    return person_page(
        request, person_uuid, "rehabilitation:person_rehabilitation", "rehabilitation/person_rehabilitation.html", extra
    )
