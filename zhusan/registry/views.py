"""Server-rendered registry pages.

Thin function views: every lookup goes through ``selectors`` (scope,
compartments, audit), every write through ``services``. Login is required
globally by LoginRequiredMiddleware.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhusan.accounts.access import PersonAccess, active_grants, has_capability, lists_own_cases_first
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Capability, Compartment, Detail, policy
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError

from . import extensions, services
from .access import (
    RESTRICTED_STAGE,
    lists_read_justice,
    reads_justice,
    stage_label,
    stage_shown,
    stages_offered,
    timeline_shown,
    withheld_in_lists,
)
from .dates import BirthPrecision
from .forms import (
    NOT_IN_CASELOAD,
    AssentForm,
    BreakGlassForm,
    ConsentForm,
    DocumentForm,
    EvidenceForm,
    HouseholdForm,
    HouseholdMemberForm,
    NameEditForm,
    NameForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    PersonPickerMixin,
    ProtectedNoteForm,
    RelationshipForm,
    StageForm,
    StayForm,
    add_service_errors,
    person_choice_label,
)
from .graph import established_label, family_graph, households_of, relation_label
from .models import LocationStay, Person, PersonName, RecordType
from .paging import BadCursorError
from .selectors import (
    PersonFilters,
    find_person_for_break_glass,
    get_person_by_case_number_for_user,
    get_person_for_user,
    get_record_for_user,
    persons_for_user,
    persons_page,
    persons_to_pick,
)

PAGE_SIZE = 25
C = Compartment

# The registry's own tabs of the person page; other apps add theirs through
# ``extensions.person_tab`` (the registry's are ordered 10 … 60).
for _order, (_name, _label, _compartment, _detail) in enumerate(
    [
        ("person_detail", gettext_lazy("Summary"), C.IDENTITY, None),
        ("person_names", gettext_lazy("Names"), C.IDENTITY, None),
        ("person_family", gettext_lazy("Family"), C.FAMILY, None),
        ("person_documents", gettext_lazy("Identity and documents"), C.IDENTITY, Detail.IDENTITY_EVIDENCE),
        ("person_locations", gettext_lazy("Locations"), C.CONTACT_LOCATION, None),
        ("person_timeline", gettext_lazy("Timeline"), C.IDENTITY, Detail.TIMELINE),
    ],
    start=1,
):
    extensions.person_tab(extensions.PersonTab(f"registry:{_name}", _label, _compartment, _order * 10, _detail))
NOTE_COMPARTMENTS = [C.HEALTH, C.PSYCHOSOCIAL, C.RELIGIOUS, C.JUSTICE_SECURITY]


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


logger = logging.getLogger(__name__)


def _reads_persons(user: User) -> bool:
    return any(policy(g.role).read for g in active_grants(user))


def _list_compartments(user: User) -> frozenset[Compartment]:
    """Compartments every person in the user's list may be shown with: the
    intersection over the user's reading roles, so that a column is never
    shown for a row the user could not open."""
    sets = [policy(g.role).read for g in active_grants(user) if policy(g.role).read]
    if not sets:
        return frozenset()
    out = frozenset(sets[0])
    for s in sets[1:]:
        out &= s
    return out


def _no_person_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "registry/no_access.html", status=403)


# --- List and create -------------------------------------------------------------


def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _reads_persons(request.user):
        return _no_person_access(request)
    # With no filters chosen yet, a psychologist's list opens on their caseload.
    mine_first = not request.GET and lists_own_cases_first(request.user)
    form = PersonFilterForm(request.GET or None, initial={"mine": mine_first})
    show_stage = Detail.TIMELINE not in withheld_in_lists(request.user)
    if not show_stage:  # nor can the stage be searched for
        form.fields.pop("stage", None)
    else:  # nor a justice stage by a reader who may not see it ("In custody")
        form.fields["stage"].choices = [("", _("Any")), *((s.value, s.label) for s in stages_offered(request.user))]  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is a ChoiceField
    filters = form.filters() if request.GET else PersonFilters(mine=mine_first)
    qs = persons_for_user(_actor(request), filters).prefetch_related(
        Prefetch(
            "stays",
            queryset=LocationStay.objects.filter(ended_on__isnull=True).select_related("site"),
            to_attr="current_stays",
        )
    )
    # Keyset pages and a bounded count (registry.paging): a list of a million
    # is neither counted nor skipped through on every page.
    cursor, number = request.GET.get("cursor") or None, request.GET.get("page", "")
    try:
        page = persons_page(qs, filters, size=PAGE_SIZE, cursor=cursor, page=int(number) if number.isdigit() else None)
    except BadCursorError:  # an edited or outdated link: start again
        page = persons_page(qs, filters, size=PAGE_SIZE)
    shown = _list_compartments(request.user)
    justice = lists_read_justice(request.user)
    rows = [_row(p, justice=justice) for p in page.object_list]
    return render(
        request,
        "registry/person_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "show_location": C.CONTACT_LOCATION in shown,
            "show_stage": show_stage,
            "can_create": has_capability(request.user, Capability.CREATE_PERSON),
            "can_break_glass": has_capability(request.user, Capability.BREAK_GLASS),
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "cursor")),
        },
    )


def _row(person: Person, *, justice: bool) -> dict[str, Any]:
    names = list(person.names.all())
    primary = names[0] if names else None
    age = person.age()
    stays = getattr(person, "current_stays", [])
    return {
        "person": person,
        "primary": primary,
        "other_names": names[1:],
        "age": age,
        "age_approximate": age is not None and person.birth_precision != BirthPrecision.EXACT,
        "location": stays[0] if stays else None,
        "stage": stage_label(stage_shown(person.stage, justice=justice)),
    }


def _name_input(data: dict[str, Any], *, is_primary: bool = False) -> services.NameInput:
    return services.NameInput(
        script=data["script"],
        kind=data["kind"],
        given=data.get("given") or "",
        patronymic=data.get("patronymic") or "",
        family=data.get("family") or "",
        is_primary=is_primary,
    )


def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a person: several names, the current location, and before
    saving the records this person may already have ("Possible existing
    records", on the same page; "Register anyway" confirms)."""
    user: Any = request.user
    if not has_capability(user, Capability.CREATE_PERSON):
        raise PermissionDenied(_("Your role cannot register persons."))
    units = Unit.objects.filter(organisation_id=user.unit.organisation_id) if user.unit_id else Unit.objects.none()
    form = PersonCreateForm(request.POST or None, units=units)
    likely: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person_input = services.PersonInput(
            sex=data["sex"],
            lawful_basis=data["lawful_basis"],
            lawful_basis_note=data["lawful_basis_note"],
            managing_unit=data["managing_unit"],
            birth_precision=data["birth_precision"],
            birth_year=data["birth_year"],
            birth_month=data["birth_month"],
            birth_day=data["birth_day"],
            stated_age=data["stated_age"],
            stated_age_on=data["stated_age_on"],
            place_of_birth=data["place_of_birth"],
            country_of_birth=data["country_of_birth"],
            languages=data["languages"],
            vulnerabilities=data["vulnerabilities"],
            names=form.names(),
            current_stay=form.current_stay(),
        )
        actor = _actor(request)
        confirmed = request.POST.get("register_anyway") == "1"
        if not confirmed:
            likely = extensions.likely_existing_for(actor, person_input)
        if not likely:
            try:
                person = services.person_create(actor=actor, data=person_input)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Registered %(case)s.") % {"case": person.case_number})
                return redirect(person.get_absolute_url())
    return render(
        request,
        "registry/person_create.html",
        {
            "form": form,
            "title": _("Register a person"),
            "cancel_url": reverse("registry:person_list"),
            "likely": [_likely_row(hit) for hit in likely],
            "checked": request.method == "POST" and form.is_valid() and not likely,
        },
    )


def _likely_row(hit: Any) -> dict[str, Any]:
    names = hit.evidence.get("names") or ["", ""]
    return {
        "person": hit.person,
        "percent": round(hit.probability * 100),
        "matched_name": names[-1],
        "entered_name": names[0],
    }


PICK_SIZE = 10


def person_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/persons/pick/?q=``: persons of the user's scope matching a name or a
    case number, as JSON for a person picker (the scoped search of the list,
    audited as a search)."""
    if not _reads_persons(request.user):
        return JsonResponse({"detail": _("Your role does not read case records.")}, status=403)
    found = persons_to_pick(_actor(request), request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "uuid": str(p.uuid),
                    "case_number": p.case_number,
                    "label": person_choice_label(p),
                    "names": [n.full for n in p.names.all()],
                    "birth_year": p.birth_year,
                }
                for p in found
            ]
        }
    )


# --- Person pages (tabs) ------------------------------------------------------------


def person_header(request: AuthenticatedHttpRequest, person: Person, access: PersonAccess, tab: str) -> dict[str, Any]:
    """The context every tab of the person page shares: names, badges,
    notices and the tabs the user may open (the registry's and those other
    apps registered with ``extensions.person_tab``)."""
    stage = stage_shown(person.stage, justice=reads_justice(access))
    return {
        "person": person,
        "access": access,
        # The lifecycle stage tells a returnee's history: withheld like the
        # timeline from readers whose mask hides it (a teacher), and a justice
        # stage shown as "Restriction applies" to readers who do not read
        # justice and security (``access.stage_shown``).
        "show_stage": access.shows(Detail.TIMELINE),
        "stage_label": stage_label(stage),
        "stage_restricted": stage == RESTRICTED_STAGE,
        "names": list(person.names.all()),
        "tabs": [
            {"url": reverse(t.url_name, args=[person.uuid]), "label": t.label, "current": t.url_name == tab}
            for t in extensions.tabs_for(access)
        ],
        "notices": extensions.notices_for(request.user, person),
        "tab": tab,
        "tab_allowed": extensions.tab_named(tab).allows(access),
        "restricted": (
            not access.can_read(C.JUSTICE_SECURITY)
            and access.sees_restriction_flag
            and services.has_justice_restriction(person)
        ),
        "can_write_identity": access.can_write(C.IDENTITY),
    }


def person_page(
    request: AuthenticatedHttpRequest,
    person_uuid: uuid.UUID,
    tab: str,
    template: str,
    extra: Callable[[Person, PersonAccess], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Render one tab of the person page (``tab`` is its URL name): the
    header, and the tab's own content from ``extra`` if the user reads the
    tab's compartment (403 otherwise). Other apps' tab views use it too."""
    person, access = get_person_for_user(_actor(request), person_uuid)
    context = person_header(request, person, access, tab)
    allowed = context["tab_allowed"]
    if allowed and extra is not None:
        context.update(extra(person, access))
    return render(request, template, context, status=200 if allowed else 403)


def person_detail(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        readable = [c for c in NOTE_COMPARTMENTS if access.can_read(c)]
        notes = person.protected_notes.filter(compartment__in=readable).select_related("author")
        return {
            "age": person.age(),
            "age_approximate": person.birth_precision != BirthPrecision.EXACT,
            "vulnerabilities": list(person.vulnerabilities.all()),
            "notes": list(notes),
            "note_compartments": [c.label for c in readable],
            "can_add_note": any(access.can_write(c) for c in NOTE_COMPARTMENTS),
            "is_subject": person.record_type == RecordType.SUBJECT,
        }

    return person_page(request, person_uuid, "registry:person_detail", "registry/person_summary.html", extra)


def person_names(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    return person_page(request, person_uuid, "registry:person_names", "registry/person_names.html")


def person_family(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        graph, relatives = family_graph(person, request.user)
        households = households_of(person, request.user)
        return {
            "graph": graph,
            "relatives": [
                {"rel": r, "relation": relation_label(r.relation), "established": established_label(r.established_by)}
                for r in relatives
            ],
            "households": households,
            "can_write_family": access.can_write(C.FAMILY),
        }

    return person_page(request, person_uuid, "registry:person_family", "registry/person_family.html", extra)


def person_documents(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        can_docs = access.can_read(C.DOCUMENTS)
        return {
            "evidence": list(person.evidence.all()),
            "nationalities": list(person.nationalities.all()),
            "consents": list(person.consents.all()) if access.shows(Detail.CONSENTS) else [],
            "assents": list(person.assents.all()) if access.shows(Detail.CONSENTS) else [],
            "is_child": person.is_child(),
            "can_read_documents": can_docs,
            "documents": list(person.documents.all()) if can_docs else [],
            "can_write_documents": access.can_write(C.DOCUMENTS),
        }

    return person_page(request, person_uuid, "registry:person_documents", "registry/person_documents.html", extra)


def person_locations(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        return {
            "stays": list(person.stays.select_related("site")),
            "can_write_location": access.can_write(C.CONTACT_LOCATION),
        }

    return person_page(request, person_uuid, "registry:person_locations", "registry/person_locations.html", extra)


def person_timeline(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def extra(person: Person, access: PersonAccess) -> dict[str, Any]:
        allowed = services.allowed_transitions(person)
        # A merged record is read-only: no stage form (nor any other). Nor is
        # one offered on a justice stage the reader may not see: the moves it
        # allows would name it.
        can_change = (
            has_capability(request.user, Capability.CHANGE_STAGE)
            and bool(allowed)
            and bool(access.write)
            and stage_shown(person.stage, justice=reads_justice(access)) != RESTRICTED_STAGE
        )
        form = StageForm(initial={"version": person.version}, allowed=allowed) if can_change else None
        return {"entries": _timeline(person, access), "stage_form": form}

    return person_page(request, person_uuid, "registry:person_timeline", "registry/person_timeline.html", extra)


@require_POST
def person_stage(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, audit_view=False)
    form = StageForm(request.POST, allowed=services.allowed_transitions(person))
    if form.is_valid():
        try:
            services.stage_change(
                actor=actor,
                person=person,
                to_stage=form.cleaned_data["to_stage"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersionError:
            form.add_error(None, _stale_message())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Stage changed."))
            return redirect("registry:person_timeline", person.uuid)
    # A justice stage the reader may not see is not offered again, even to a
    # hand-made POST: the moves the form allows would name it.
    hidden = stage_shown(person.stage, justice=reads_justice(access)) == RESTRICTED_STAGE
    if hidden:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("Restriction applies"))
    return render(
        request,
        "registry/person_timeline.html",
        {
            **person_header(request, person, access, "registry:person_timeline"),
            "entries": _timeline(person, access),
            "stage_form": None if hidden else form,
        },
        status=400,
    )


def _timeline(person: Person, access: PersonAccess) -> list[Any]:
    return timeline_shown(person.timeline.select_related("by"), justice=reads_justice(access))


def _stale_message() -> str:
    return _(
        "This record was changed by someone else while you were editing it. "
        "Nothing was saved: reload the page to see the current version, then make your change again."
    )


# --- Edit forms -------------------------------------------------------------------


def _person_form(
    request: AuthenticatedHttpRequest,
    person_uuid: uuid.UUID,
    *,
    compartment: Compartment,
    form_class: type[forms.Form],
    title: str,
    back: str,
    save: Callable[[Actor, Person, dict[str, Any]], Any],
    form_kwargs: Callable[[Person, PersonAccess], dict[str, Any]] | None = None,
    check: Callable[[Person], None] | None = None,
) -> HttpResponse:
    """A form that adds one record to a person the user may write."""
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, write=compartment)
    if check is not None:
        check(person)
    kwargs = form_kwargs(person, access) if form_kwargs else {}
    form = form_class(request.POST or None, **kwargs)
    searching = False
    if isinstance(form, PersonPickerMixin):
        # The picker's first step ("Find"): the matches in the user's scope to
        # choose from, on the form as typed so far, with no errors shown yet.
        searching = request.POST.get("action") == "find"
        picker = form_class(initial=request.POST.dict(), **kwargs) if searching else form
        assert isinstance(picker, PersonPickerMixin)
        find = request.POST.get("find", "")
        picker.offer(persons_to_pick(actor, find, exclude=person) if find.strip() else [])
        form = picker
    if request.method == "POST" and not searching and form.is_valid():
        try:
            save(actor, person, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back, person.uuid)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "title": title,
            "person": person,
            "cancel_url": reverse(back, args=[person.uuid]),
            "picker": isinstance(form, PersonPickerMixin),
        },
    )


def person_edit(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid, write=C.IDENTITY)
    fields = [*services.PERSON_FIELDS, "lawful_basis", "lawful_basis_note"]
    initial = {f: getattr(person, f) for f in fields}
    initial["vulnerabilities"] = list(person.vulnerabilities.values_list("kind", flat=True))
    initial["version"] = person.version
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in fields}
        changes["vulnerabilities"] = form.cleaned_data["vulnerabilities"]
        try:
            services.person_update(actor=actor, person=person, expected_version=form.cleaned_data["version"], **changes)
        except StaleVersionError:
            form.add_error(None, _stale_message())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(person.get_absolute_url())
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "title": _("Edit %(case)s") % {"case": person.case_number},
            "person": person,
            "cancel_url": person.get_absolute_url(),
        },
    )


def name_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    return _person_form(
        request,
        person_uuid,
        compartment=C.IDENTITY,
        form_class=NameForm,
        title=_("Add a name"),
        back="registry:person_names",
        save=lambda actor, person, data: services.name_add(
            actor=actor, person=person, name=_name_input(data, is_primary=data["is_primary"])
        ),
    )


def _name_for(
    request: AuthenticatedHttpRequest, person_uuid: uuid.UUID, name_uuid: uuid.UUID
) -> tuple[Actor, PersonName]:
    actor = _actor(request)
    name, person, _access = get_record_for_user(actor, PersonName, name_uuid, write=True)
    if person.uuid != person_uuid:
        raise Http404("No such name")
    return actor, name


def name_edit(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID, name_uuid: uuid.UUID) -> HttpResponse:
    actor, name = _name_for(request, person_uuid, name_uuid)
    initial = {f: getattr(name, f) for f in ["script", "kind", "given", "patronymic", "family", "is_primary"]}
    initial["version"] = name.version
    form = NameEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.name_update(
                actor=actor,
                name=name,
                data=_name_input(form.cleaned_data, is_primary=form.cleaned_data["is_primary"]),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersionError:
            form.add_error(None, _stale_message())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:person_names", person_uuid)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "title": _("Edit a name"),
            "person": name.person,
            "cancel_url": reverse("registry:person_names", args=[person_uuid]),
        },
    )


@require_POST
def name_delete(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID, name_uuid: uuid.UUID) -> HttpResponse:
    actor, name = _name_for(request, person_uuid, name_uuid)
    try:
        services.name_delete(actor=actor, name=name)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Name removed."))
    return redirect("registry:person_names", person_uuid)


def _picked_person(actor: Actor, data: dict[str, Any]) -> Person:
    """The person chosen in a picker (or whose case number was typed) whose
    family the actor may change. Whether the person does not exist or is
    outside the actor's scope, the answer is the same, so a case number
    outside the caseload reveals nothing."""
    ref, typed, offered = data.get("other"), (data.get("find") or "").strip(), data.get("offered", [])
    try:
        if ref:
            other, _access = get_person_for_user(actor, ref, write=C.FAMILY)
        elif len(offered) == 1 and offered[0].case_number.casefold() == typed.casefold():
            other, _access = get_person_for_user(actor, offered[0].uuid, write=C.FAMILY)
        elif offered:
            raise ValidationError({"other": _("Choose the person from the list.")})
        else:
            other, _access = get_person_by_case_number_for_user(actor, typed, write=C.FAMILY)
    except (Http404, PermissionDenied) as exc:
        raise ValidationError({"find": NOT_IN_CASELOAD}) from exc
    return other


def relationship_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def save(actor: Actor, person: Person, data: dict[str, Any]) -> Any:
        other = _picked_person(actor, data)
        # "The other person is the mother of this person" is stored as other → this.
        from_person, to_person = (other, person) if data["direction"] == "other_is" else (person, other)
        return services.relationship_add(
            actor=actor,
            from_person=from_person,
            to_person=to_person,
            kind=data["kind"],
            established_by=data["established_by"],
            reference=data["reference"],
            established_on=data["established_on"],
        )

    return _person_form(
        request,
        person_uuid,
        compartment=C.FAMILY,
        form_class=RelationshipForm,
        title=_("Add a relationship"),
        back="registry:person_family",
        save=save,
    )


def household_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def save(actor: Actor, person: Person, data: dict[str, Any]) -> Any:
        return services.household_create(actor=actor, label=data["label"], members=[(person, data["role"])])

    return _person_form(
        request,
        person_uuid,
        compartment=C.FAMILY,
        form_class=HouseholdForm,
        title=_("Create a household"),
        back="registry:person_family",
        save=save,
    )


def household_member_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def save(actor: Actor, person: Person, data: dict[str, Any]) -> Any:
        other = _picked_person(actor, data)
        return services.household_add_member(actor=actor, household=data["household"], person=other, role=data["role"])

    return _person_form(
        request,
        person_uuid,
        compartment=C.FAMILY,
        form_class=HouseholdMemberForm,
        title=_("Add a member to a household"),
        back="registry:person_family",
        save=save,
        form_kwargs=lambda person, access: {"person": person},
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def document_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    return _person_form(
        request,
        person_uuid,
        compartment=C.DOCUMENTS,
        form_class=DocumentForm,
        title=_("Add a document"),
        back="registry:person_documents",
        save=lambda actor, person, data: services.document_add(actor=actor, person=person, **_values(data)),
    )


def evidence_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    return _person_form(
        request,
        person_uuid,
        compartment=C.IDENTITY,
        form_class=EvidenceForm,
        title=_("Add identity evidence"),
        back="registry:person_documents",
        save=lambda actor, person, data: services.evidence_add(actor=actor, person=person, **_values(data)),
    )


def stay_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    return _person_form(
        request,
        person_uuid,
        compartment=C.CONTACT_LOCATION,
        form_class=StayForm,
        title=_("Add a stay"),
        back="registry:person_locations",
        save=lambda actor, person, data: services.stay_add(
            actor=actor, person=person, **{**_values(data), "site": data["site"]}
        ),
    )


def consent_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    return _person_form(
        request,
        person_uuid,
        compartment=C.IDENTITY,
        form_class=ConsentForm,
        title=_("Record consent"),
        back="registry:person_documents",
        save=_consent_save,
    )


def _consent_save(actor: Actor, person: Person, data: dict[str, Any]) -> None:
    services.consent_record(actor=actor, person=person, **_values(data))


def assent_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    def only_children(person: Person) -> None:
        if not person.is_child():
            raise Http404("Assent is recorded for children only")

    return _person_form(
        request,
        person_uuid,
        compartment=C.IDENTITY,
        form_class=AssentForm,
        title=_("Record the child's assent"),
        back="registry:person_documents",
        check=only_children,
        save=lambda actor, person, data: services.assent_record(actor=actor, person=person, **_values(data)),
    )


def note_add(request: AuthenticatedHttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, audit_view=False)
    writable = frozenset(c for c in NOTE_COMPARTMENTS if access.can_write(c))
    if not writable:
        raise PermissionDenied(_("You may not add protected notes to this person."))
    form = ProtectedNoteForm(request.POST or None, writable=writable)
    if request.method == "POST" and form.is_valid():
        try:
            services.protected_note_add(
                actor=actor, person=person, compartment=form.cleaned_data["compartment"], body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note saved."))
            return redirect(person.get_absolute_url())
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "title": _("Add a protected note"),
            "person": person,
            "cancel_url": person.get_absolute_url(),
        },
    )


# --- Break the glass ------------------------------------------------------------------


def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.BREAK_GLASS):
        raise PermissionDenied(_("Your role cannot use break-the-glass access."))
    form = BreakGlassForm(request.POST or None, initial={"case_number": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        actor = _actor(request)
        person = find_person_for_break_glass(actor, form.cleaned_data["case_number"])
        if person is None:
            form.add_error("case_number", _("No person has this case number."))
        else:
            try:
                services.break_glass_open(actor=actor, person=person, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.warning(
                    request,
                    _("Emergency read-only access opened. It is logged and expires automatically."),
                )
                return redirect(person.get_absolute_url())
    return render(request, "registry/break_glass.html", {"form": form})
