"""Reintegration pages: thin function views over ``selectors`` and ``services``.

Every page that writes fetches the person (or the record and its person)
with the compartment it writes, so a role without it gets 403 before a form
is shown; the services check again and validate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.concurrency import StaleVersionError
from zhusan.core.fonts import FontMissingError
from zhusan.registry.forms import add_service_errors
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user
from zhusan.registry.views import person_page

from . import letters, selectors, services
from .forms import (
    BenefitClaimForm,
    EducationReviewForm,
    EnrolmentForm,
    HearingForm,
    HomeVisitForm,
    PathwayForm,
    PathwayUpdateForm,
    PlacementEndForm,
    PlacementForm,
    PlacementReviewForm,
)
from .models import BenefitClaim, DocumentPathway, Enrolment, Placement

C = Compartment
TAB = "reintegration:person_reintegration"
PAGE_SIZE = 50


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def person_reintegration(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    """The person page's "Reintegration" tab: placement and guardianship,
    documents and legal status, education; each part by its compartment."""

    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {
            **selectors.reintegration_of(person, access),
            "can_family": access.can_write(C.FAMILY),
            "can_documents": access.can_write(C.DOCUMENTS),
            "can_school": access.can_write(C.CONTACT_LOCATION),
            "today": timezone.localdate(),
        }

    return person_page(request, person_uuid, TAB, "reintegration/person_reintegration.html", extra)


def _form_page(
    request: AuthenticatedHttpRequest,
    *,
    person: Person,
    form: forms.Form,
    title: str,
    save: Callable[[dict[str, Any]], Any],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except StaleVersionError:
            form.add_error(None, _("Someone changed this record since you opened it. Reload the page and try again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(TAB, person.uuid)
    return render(
        request,
        "reintegration/form.html",
        {"form": form, "title": title, "person": person, "cancel_url": reverse(TAB, args=[person.uuid])},
    )


def _person_for(request: AuthenticatedHttpRequest, person_uuid: Any, compartment: Compartment) -> Person:
    person, _access = get_person_for_user(_actor(request), person_uuid, write=compartment)
    return person


def _record_for(request: AuthenticatedHttpRequest, model: type[Model], ref: Any) -> tuple[Any, Person]:
    obj, person, _access = selectors.get_record_for_user(_actor(request), model, ref, write=True)
    return obj, person


def _best_interests(form: Any) -> services.BestInterestsInput | None:
    if not form.best_interests_given():
        return None
    d = form.cleaned_data
    return services.BestInterestsInput(
        assessed_on=d["bi_assessed_on"],
        recommendation=d["bi_recommendation"],
        childs_views=d["bi_childs_views"],
        views_not_sought_reason=d["bi_views_not_sought_reason"],
        reference=d["bi_reference"],
    )


# --- Placement and guardianship ----------------------------------------------------------


def home_visit_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person = _person_for(request, person_uuid, C.FAMILY)
    form = HomeVisitForm(request.POST or None, relatives=selectors.relatives_of(actor, person))

    def save(d: dict[str, Any]) -> Any:
        carer = form.carer_person()
        if carer is None:
            raise ValidationError({"carer": _("Choose the carer.")})
        return services.home_visit_record(
            actor=actor, person=person, carer=carer, visited_on=d["visited_on"], outcome=d["outcome"], notes=d["notes"]
        )

    return _form_page(request, person=person, form=form, title=_("Record a home visit"), save=save)


def placement_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person = _person_for(request, person_uuid, C.FAMILY)
    form = PlacementForm(request.POST or None, relatives=selectors.relatives_of(actor, person))

    def save(d: dict[str, Any]) -> Any:
        data = services.PlacementInput(
            kind=d["kind"],
            carer=form.carer_person(),
            carer_relation=d["carer_relation"],
            address=d["address"],
            started_on=d["started_on"],
            next_review_on=d["next_review_on"],
            childs_assent=d["childs_assent"],
            childs_views=d["childs_views"],
            institution_name=d["institution_name"],
            institution_justification=d["institution_justification"],
            case_conference_reference=d["case_conference_reference"],
        )
        order = None
        if form.guardianship_given():
            order = services.GuardianshipInput(
                authority=d["guardianship_authority"],
                reference=d["guardianship_reference"],
                issued_on=d["guardianship_issued_on"],
                next_review_on=d["guardianship_next_review_on"],
            )
        return services.placement_create(
            actor=actor, person=person, data=data, best_interests=_best_interests(form), guardianship=order
        )

    title = _("Change of placement") if services.open_placement(person) else _("Place the child")
    return _form_page(request, person=person, form=form, title=title, save=save)


def placement_end(request: AuthenticatedHttpRequest, placement_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    placement, person = _record_for(request, Placement, placement_uuid)
    form = PlacementEndForm(request.POST or None, initial={"version": placement.version})

    def save(d: dict[str, Any]) -> Any:
        return services.placement_end(
            actor=actor,
            placement=placement,
            ended_on=d["ended_on"],
            reason=d["reason"],
            expected_version=d["version"],
            best_interests=_best_interests(form),
        )

    return _form_page(request, person=person, form=form, title=_("End the placement"), save=save)


def placement_review(request: AuthenticatedHttpRequest, placement_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    placement, person = _record_for(request, Placement, placement_uuid)
    form = PlacementReviewForm(request.POST or None, initial={"version": placement.version})

    def save(d: dict[str, Any]) -> Any:
        return services.placement_review_record(
            actor=actor,
            placement=placement,
            reviewed_on=d["reviewed_on"],
            outcome=d["outcome"],
            notes=d["notes"],
            next_review_on=d["next_review_on"],
            expected_version=d["version"],
        )

    return _form_page(request, person=person, form=form, title=_("Review the placement"), save=save)


def placements_due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Placements whose review is overdue or due within two weeks."""
    actor = _actor(request)
    selectors.require_reads(actor, C.FAMILY, Placement)
    overdue_only = request.GET.get("overdue") == "1"
    qs = selectors.placements_due(actor, overdue_only=overdue_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.audit_list(actor, Placement, len(page.object_list), "placements due for review")
    return render(
        request,
        "reintegration/placements_due.html",
        {"page": page, "overdue_only": overdue_only, "today": timezone.localdate()},
    )


# --- Documents and legal status ------------------------------------------------------------


def pathway_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person = _person_for(request, person_uuid, C.DOCUMENTS)
    form = PathwayForm(request.POST or None, evidence=list(selectors.evidence_of(person)))

    def save(d: dict[str, Any]) -> Any:
        return services.pathway_create(
            actor=actor,
            person=person,
            document_type=d["document_type"],
            status=d["status"],
            started_on=d["started_on"],
            evidence=form.chosen_evidence(),
            court=d["court"],
            court_case_number=d["court_case_number"],
            issuing_authority=d["issuing_authority"],
        )

    return _form_page(request, person=person, form=form, title=_("Open a document pathway"), save=save)


def pathway_edit(request: AuthenticatedHttpRequest, pathway_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    pathway, person = _record_for(request, DocumentPathway, pathway_uuid)
    fields = list(services.PATHWAY_FIELDS)
    form = PathwayUpdateForm(
        request.POST or None, initial={**{f: getattr(pathway, f) for f in fields}, "version": pathway.version}
    )

    def save(d: dict[str, Any]) -> Any:
        values = {f: d[f] for f in fields}
        return services.pathway_update(actor=actor, pathway=pathway, expected_version=d["version"], **values)

    title = _("Update the pathway: %(doc)s") % {"doc": pathway.get_document_type_display()}
    return _form_page(request, person=person, form=form, title=title, save=save)


def hearing_add(request: AuthenticatedHttpRequest, pathway_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    pathway, person = _record_for(request, DocumentPathway, pathway_uuid)
    form = HearingForm(request.POST or None)

    def save(d: dict[str, Any]) -> Any:
        return services.hearing_add(actor=actor, pathway=pathway, held_on=d["held_on"], note=d["note"])

    return _form_page(request, person=person, form=form, title=_("Add a court hearing"), save=save)


def claim_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person = _person_for(request, person_uuid, C.DOCUMENTS)
    form = BenefitClaimForm(request.POST or None)

    def save(d: dict[str, Any]) -> Any:
        return services.benefit_claim_create(actor=actor, person=person, **d)

    return _form_page(request, person=person, form=form, title=_("Record a benefit claim"), save=save)


def claim_edit(request: AuthenticatedHttpRequest, claim_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    claim, person = _record_for(request, BenefitClaim, claim_uuid)
    names = ["kind", "status", "authority", "reference", "submitted_on", "decided_on"]
    form = BenefitClaimForm(request.POST or None, initial={f: getattr(claim, f) for f in names})
    form.fields["kind"].disabled = True
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=claim.version)

    def save(d: dict[str, Any]) -> Any:
        values = {f: d[f] for f in names if f != "kind"}
        return services.benefit_claim_update(actor=actor, claim=claim, expected_version=d["version"], **values)

    return _form_page(request, person=person, form=form, title=_("Update the benefit claim"), save=save)


def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A lawyer's caseload: open document pathways (the user's own first, or only)."""
    actor = _actor(request)
    selectors.require_reads(actor, C.DOCUMENTS, DocumentPathway)
    mine_only = request.GET.get("mine") == "1"
    qs = selectors.pathways_waiting(actor, mine_only=mine_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.audit_list(actor, DocumentPathway, len(page.object_list), "document pathways waiting")
    return render(request, "reintegration/caseload.html", {"page": page, "mine_only": mine_only})


# --- Education ------------------------------------------------------------------------------


def enrolment_add(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    person = _person_for(request, person_uuid, C.CONTACT_LOCATION)
    form = EnrolmentForm(request.POST or None)

    def save(d: dict[str, Any]) -> Any:
        return services.enrolment_create(actor=actor, person=person, data=services.EnrolmentInput(**d))

    return _form_page(request, person=person, form=form, title=_("Enrol in school or kindergarten"), save=save)


def education_review_add(request: AuthenticatedHttpRequest, enrolment_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    enrolment, person = _record_for(request, Enrolment, enrolment_uuid)
    form = EducationReviewForm(request.POST or None)

    def save(d: dict[str, Any]) -> Any:
        return services.education_review_record(actor=actor, enrolment=enrolment, **d)

    return _form_page(request, person=person, form=form, title=_("Attendance and progress review"), save=save)


def school_letter(request: AuthenticatedHttpRequest, enrolment_uuid: Any) -> HttpResponse:
    """The letter to the school as a PDF, in the school's language."""
    actor = _actor(request)
    enrolment, person, _access = selectors.get_record_for_user(actor, Enrolment, enrolment_uuid)
    try:
        letter = letters.school_letter(enrolment)
        data = letters.letter_pdf(letter, title=_("Letter to the school"))
    except letters.LetterRefusedError:
        messages.error(
            request,
            _("The letter would reveal the child's background (a forbidden word is in its text); it was not produced."),
        )
        return redirect(TAB, person.uuid)
    except FontMissingError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    record(
        actor,
        Action.EXPORT,
        object_type=ObjectType.SCHOOL_LETTER,
        object_ref=enrolment.uuid,
        person_ref=person.uuid,
        detail={"language": letter.language},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"school-letter-{person.case_number}.pdf") or ""
    return response
