"""Operations pages: thin function views over ``selectors`` and ``services``.

Lookups go through the selectors (capability, person scope, audit); writes
through the services (checks, checklist gate, audit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zhusan.accounts.access import has_capability
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.models import ObjectType
from zhusan.audit.services import Actor
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.access import access_for
from zhusan.registry.forms import add_service_errors, person_choice_label
from zhusan.registry.selectors import get_person_by_case_number_for_user, get_person_for_user, persons_to_pick
from zhusan.registry.views import person_page

from . import imports, selectors, services
from .forms import (
    AddPersonForm,
    AdvanceForm,
    ArrivalForm,
    ChecklistItemForm,
    FindPersonForm,
    HandoverDocumentForm,
    ImportForm,
    ManifestFilterForm,
    MovementForm,
    MovementStatusForm,
    OperationForm,
    OperationUpdateForm,
    OverrideForm,
    SecurityForm,
    SeparationForm,
)
from .models import ClearanceKind, EntryStatus, ImportStatus, Movement, Operation, RowDecision


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


def _can(request: AuthenticatedHttpRequest, capability: Capability) -> bool:
    return has_capability(request.user, capability)


def _service_error(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def operation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _actor(request)
    operations = selectors.operations_for_user(actor)
    form = OperationForm(request.POST or None)
    if request.method == "POST":
        if not _can(request, Capability.MANAGE_OPERATIONS):
            raise PermissionDenied
        if form.is_valid():
            try:
                operation = services.operation_create(actor=actor, lead=request.user, **form.cleaned_data)
                return redirect(operation)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(
        request,
        "operations/operation_list.html",
        {"operations": operations, "form": form, "can_manage": _can(request, Capability.MANAGE_OPERATIONS)},
    )


def operation_detail(request: AuthenticatedHttpRequest, operation_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    operation = selectors.get_operation_for_user(actor, operation_uuid)
    form = MovementForm(request.POST or None)
    if request.method == "POST":
        selectors.require_manage_operations(actor, object_type=ObjectType.MOVEMENT, ref=operation.uuid)
        if form.is_valid():
            try:
                movement = services.movement_create(actor=actor, operation=operation, **form.cleaned_data)
                return redirect(movement)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return _operation_page(request, operation, form=form)


def _operation_page(
    request: AuthenticatedHttpRequest,
    operation: Operation,
    *,
    form: MovementForm | None = None,
    update_form: OperationUpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = _can(request, Capability.MANAGE_OPERATIONS)
    return render(
        request,
        "operations/operation_detail.html",
        {
            "operation": operation,
            "movements": operation.movements.select_related("origin"),
            "team": operation.team.select_related("user"),
            "partners": operation.partners.all(),
            "form": form or MovementForm(),
            "update_form": update_form or (OperationUpdateForm(operation=operation) if can_manage else None),
            "can_manage": can_manage,
        },
        status=status,
    )


@require_POST
def operation_update(request: AuthenticatedHttpRequest, operation_uuid: Any) -> HttpResponse:
    """Change the operation's status (along its lifecycle), name, country, lead or checklist."""
    actor = _actor(request)
    operation = selectors.get_operation_for_user(actor, operation_uuid)
    selectors.require_manage_operations(actor, object_type=ObjectType.OPERATION, ref=operation.uuid)
    form = OperationUpdateForm(request.POST, operation=operation)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.operation_update(actor=actor, operation=operation, expected_version=version, **data)
            messages.success(request, _("Operation saved."))
            return redirect(operation)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
        operation.refresh_from_db()
    return _operation_page(request, operation, update_form=form, status=400)


def movement_detail(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    """The movement board (counts by status) and its manifest with filters."""
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    return _movement_page(request, actor, movement)


def _movement_page(
    request: AuthenticatedHttpRequest,
    actor: Actor,
    movement: Movement,
    *,
    status_form: MovementStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = ManifestFilterForm(request.GET or None)
    chosen = selectors.ManifestFilters(**filters.cleaned_data) if filters.is_valid() else selectors.ManifestFilters()
    entries = list(selectors.manifest_for_user(actor, movement, chosen))
    counts = selectors.status_counts(actor, movement)
    board = [(entry_status, counts[entry_status.value]) for entry_status in EntryStatus]
    can_manage = _can(request, Capability.MANAGE_OPERATIONS)
    away = selectors.origin_mismatches(actor, movement, entries)
    # The picker: the matches in the user's scope for what was typed (a GET).
    find_form = FindPersonForm(request.GET if "find" in request.GET else None)
    found = persons_to_pick(actor, find_form.cleaned_data["find"]) if can_manage and find_form.is_valid() else []
    return render(
        request,
        "operations/movement_detail.html",
        {
            "movement": movement,
            "entries": [(entry, away.get(entry.pk, "")) for entry in entries],
            "board": board,
            "filters": filters,
            "find_form": find_form,
            "found": [(person, person_choice_label(person)) for person in found],
            "add_form": AddPersonForm(),
            "separation_form": SeparationForm(),
            "status_form": status_form or (MovementStatusForm(movement=movement) if can_manage else None),
            "bulk_choices": [
                s for s in EntryStatus if s in (EntryStatus.VERIFIED, EntryStatus.CLEARED, EntryStatus.BOARDED)
            ],
            "can_manage": can_manage,
            "documents": selectors.handover_documents_for_user(actor, movement),
            "document_form": HandoverDocumentForm(),
        },
        status=status,
    )


@require_POST
def movement_status(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    """Move the movement along its lifecycle (planned → under way → arrived, or cancelled)."""
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    selectors.require_manage_operations(actor, object_type=ObjectType.MOVEMENT, ref=movement.uuid)
    form = MovementStatusForm(request.POST, movement=movement)
    if form.is_valid():
        try:
            services.movement_set_status(
                actor=actor,
                movement=movement,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Movement saved."))
            return redirect(movement)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersionError as exc:
            form.add_error(None, str(exc))
        movement.refresh_from_db()
    return _movement_page(request, actor, movement, status_form=form, status=400)


@require_POST
def manifest_add(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    """Add the person chosen in the picker, or their whole household in one step."""
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    form = AddPersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Find the person and choose them from the list."))
        return redirect(movement)
    try:
        person, _access = get_person_for_user(actor, form.cleaned_data["person"], audit_view=False)
        group = form.cleaned_data["travel_group"]
        household = person.households.order_by("pk").first() if form.cleaned_data["whole_household"] else None
        if form.cleaned_data["whole_household"] and household is None:
            messages.error(request, _("%(p)s belongs to no household.") % {"p": person.case_number})
        elif household is not None:
            entries = services.manifest_add_household(
                actor=actor, movement=movement, household=household, travel_group=group
            )
            messages.success(
                request,
                ngettext(
                    "%(n)d person of %(h)s added to the manifest: %(p)s.",
                    "%(n)d persons of %(h)s added to the manifest: %(p)s.",
                    len(entries),
                )
                % {"n": len(entries), "h": household, "p": ", ".join(e.person.case_number for e in entries)},
            )
        else:
            services.manifest_add(actor=actor, movement=movement, person=person, travel_group=group)
            messages.success(request, _("%(p)s added to the manifest.") % {"p": person.case_number})
    except (Http404, PermissionDenied):
        messages.error(request, _("No such person in your caseload."))
    except ValidationError as exc:
        _service_error(request, exc)
    return redirect(movement)


@require_POST
def separation_add(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    form = SeparationForm(request.POST)
    if form.is_valid():
        try:
            child, _access = get_person_by_case_number_for_user(actor, form.cleaned_data["child_case_number"])
            carers = services.carers_of(child)
            services.separation_decide(
                actor=actor,
                movement=movement,
                child=child,
                carer=carers[0] if carers else None,
                best_interests_reference=form.cleaned_data["best_interests_reference"],
                justification=form.cleaned_data["justification"],
            )
            messages.success(request, _("Separation decision recorded."))
        except Http404:
            messages.error(request, _("No person with this case number in your scope."))
        except ValidationError as exc:
            _service_error(request, exc)
    else:
        messages.error(request, _("Give the child's case number, the assessment reference and a justification."))
    return redirect(movement)


@require_POST
def manifest_bulk_advance(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    """Advance the ticked entries; each one passes the same checks alone."""
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    to_status = request.POST.get("to_status", "")
    done = 0
    chosen = []
    for value in request.POST.getlist("entries")[:500]:
        ref, _sep, raw_version = value.partition(":")
        try:
            entry = selectors.get_entry_for_user(actor, ref, audit_view=False)
            if entry.movement_id != movement.pk:
                raise Http404
            chosen.append((entry, int(raw_version or 0)))
        except (Http404, ValueError):
            messages.error(request, _("An entry could not be found."))
    # Adults first, so that a mother and her children ticked together board together.
    for entry, version in sorted(chosen, key=lambda pair: pair[0].person.is_child()):
        try:
            services.entry_advance(actor=actor, entry=entry, to_status=to_status, expected_version=version)
            done += 1
        except (ValidationError, StaleVersionError) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{entry.person.case_number}: {text}")
    if done:
        messages.success(request, ngettext("%(n)d entry moved.", "%(n)d entries moved.", done) % {"n": done})
    return redirect(movement)


def entry_detail(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    entry = selectors.get_entry_for_user(actor, entry_uuid)
    access = access_for(request.user, entry.person)
    # A GET only reads: what the registry would change is shown, and written
    # by the "update from the registry" button (or by the next action).
    items = list(entry.clearance_items.select_related("by", "evidence", "nationality", "document"))
    pending = services.clearance_plan(entry)
    can_manage = _can(request, Capability.MANAGE_OPERATIONS)
    # A tick writes the registry's record: offered only to who may write it.
    tick_compartment = {
        ClearanceKind.IDENTITY_VERIFIED: Compartment.IDENTITY,
        ClearanceKind.NATIONALITY_CONFIRMED: Compartment.IDENTITY,
        ClearanceKind.TRAVEL_DOCUMENT: Compartment.DOCUMENTS,
    }
    tickable = [
        kind.value
        for kind in services.MANUAL_KINDS
        if can_manage and (kind not in tick_compartment or access.can_write(tick_compartment[kind]))
    ]
    may_arrive = (
        can_manage
        and _can(request, Capability.CHANGE_STAGE)
        and access.can_write(Compartment.CONTACT_LOCATION)
        and entry.status == EntryStatus.BOARDED
    )
    return render(
        request,
        "operations/entry_detail.html",
        {
            "entry": entry,
            "person": entry.person,
            "items": items,
            "pending": pending,
            "manual_kinds": tickable,
            "item_form": ChecklistItemForm(initial={"country": entry.movement.operation.country}),
            "family": _family_notice(entry),
            "security_kind": ClearanceKind.SECURITY_CLEARANCE.value,
            "complete": services.checklist_complete(entry),
            "overrides": entry.overrides.select_related("by"),
            "advance_form": AdvanceForm(initial={"version": entry.version}),
            "arrival_form": _arrival_form(request, entry, access) if may_arrive else None,
            "override_form": OverrideForm(),
            "security_form": SecurityForm(),
            "can_manage": can_manage,
            "can_override": _can(request, Capability.OVERRIDE_CLEARANCE),
            "can_security": _can(request, Capability.RECORD_SECURITY_CLEARANCE)
            and access.can_write(Compartment.JUSTICE_SECURITY),
        },
    )


def _family_notice(entry: Any) -> str:
    """What the family rule says about this entry's next step, or ""."""
    step = {EntryStatus.CLEARED: EntryStatus.BOARDED, EntryStatus.BOARDED: EntryStatus.ARRIVED}.get(entry.status)
    return services.separation_problem(entry.movement, entry.person, step) if step else ""


def _arrival_units(user: Any, entry: Any) -> Any:
    """Units a case can be handed to on arrival: the operation's partners' and the user's own organisation's."""
    from zhusan.accounts.models import Unit

    organisations = [*entry.movement.operation.partners.values_list("pk", flat=True)]
    if user.unit is not None:
        organisations.append(user.unit.organisation_id)
    return (
        Unit.objects.filter(organisation_id__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def _arrival_form(request: AuthenticatedHttpRequest, entry: Any, access: Any, data: Any = None) -> ArrivalForm:
    return ArrivalForm(
        data,
        initial={"version": entry.version},
        person=entry.person,
        units=_arrival_units(request.user, entry),
        may_write_health=access.can_write(Compartment.HEALTH),
    )


def _entry_post(
    request: AuthenticatedHttpRequest,
    entry_uuid: Any,
    form_class: Any,
    act: Callable[[Actor, Any, dict[str, Any]], Any],
    build: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    if request.method != "POST":
        return redirect("operations:entry_detail", entry_uuid)
    actor = _actor(request)
    entry = selectors.get_entry_for_user(actor, entry_uuid, audit_view=False)
    form = build(entry) if build is not None else form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(entry)
    try:
        act(actor, entry, form.cleaned_data)
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        _service_error(request, exc)
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    return redirect(entry)


@require_POST
def entry_sync(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    """Write what the registry and the programme's checklist say to the entry's items."""
    actor = _actor(request)
    entry = selectors.get_entry_for_user(actor, entry_uuid, audit_view=False)
    written = services.clearance_sync(actor=actor, entry=entry)
    messages.success(
        request,
        ngettext("Checklist updated: %(n)d item.", "Checklist updated: %(n)d items.", len(written))
        % {"n": len(written)},
    )
    return redirect(entry)


def entry_advance(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    return _entry_post(
        request,
        entry_uuid,
        AdvanceForm,
        lambda actor, entry, d: services.entry_advance(
            actor=actor, entry=entry, to_status=d["to_status"], reason=d["reason"], expected_version=d["version"]
        ),
    )


def entry_item(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    return _entry_post(
        request,
        entry_uuid,
        ChecklistItemForm,
        lambda actor, entry, d: services.clearance_item_set(
            actor=actor,
            entry=entry,
            kind=d["kind"],
            satisfied=d["satisfied"],
            note=d["note"],
            proof=services.ItemProof(
                method=d["method"] or services.ItemProof.method,
                reference=d["reference"],
                country=d["country"],
                doc_type=d["doc_type"] or services.ItemProof.doc_type,
                issuer=d["issuer"],
                issued_on=d["issued_on"],
                expires_on=d["expires_on"],
            ),
        ),
    )


def entry_security(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    return _entry_post(
        request,
        entry_uuid,
        SecurityForm,
        lambda actor, entry, d: services.security_clearance_record(
            actor=actor, entry=entry, outcome=d["outcome"], reasons=d["reasons"]
        ),
    )


def entry_override(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    return _entry_post(
        request,
        entry_uuid,
        OverrideForm,
        lambda actor, entry, d: services.clearance_override(actor=actor, entry=entry, reason=d["reason"]),
    )


def entry_arrival(request: AuthenticatedHttpRequest, entry_uuid: Any) -> HttpResponse:
    def act(actor: Actor, entry: Any, d: dict[str, Any]) -> Any:
        data = services.ArrivalInput(
            placement=d["placement"],
            medical_summary=d.get("medical_summary", ""),
            protection_needs=d["protection_needs"],
            unaccompanied=d.get("unaccompanied", False),
            orphan=d.get("orphan", False),
            receiving_unit=d["receiving_unit"],
            address=d["address"],
        )
        return services.arrival_record(actor=actor, entry=entry, data=data, expected_version=d["version"])

    def build(entry: Any) -> ArrivalForm:
        return _arrival_form(request, entry, access_for(request.user, entry.person), request.POST)

    return _entry_post(request, entry_uuid, ArrivalForm, act, build)


def manifest_print(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    """The manifest as a PDF carrying only what travel needs; audited as an export."""
    from zhusan.audit.models import Action
    from zhusan.audit.services import record
    from zhusan.core.fonts import FontMissingError
    from zhusan.core.models import DatasetMarker
    from zhusan.registry.access import access_for_many

    from .printing import manifest_pdf

    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    entries = list(
        selectors.visible_entries(actor, movement)
        .exclude(status__in=[EntryStatus.WITHDRAWN])
        .select_related("person")
        .prefetch_related("person__names", "person__documents")
        .order_by("travel_group", "person__case_number")
    )
    assert actor.user is not None
    access = access_for_many(actor.user, [e.person for e in entries])  # one check for the manifest, not per person
    show_documents = all(access[e.person_id].can_read(Compartment.DOCUMENTS) for e in entries)
    marker = DatasetMarker.current()
    try:
        pdf = manifest_pdf(
            movement, entries, show_documents=show_documents, synthetic=bool(marker and marker.is_synthetic)
        )
    except FontMissingError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    record(
        actor,
        Action.EXPORT,
        object_type=ObjectType.MANIFEST,
        object_ref=movement.uuid,
        detail={"format": "pdf", "persons": len(entries), "documents_shown": show_documents},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="manifest-{movement.operation.code}-{movement.label}.pdf"'
    return response


def reconciliation(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    result = selectors.reconcile(actor, movement)
    return render(request, "operations/reconciliation.html", {"movement": movement, "r": result})


def import_upload(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    if not _can(request, Capability.MANAGE_OPERATIONS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            staged = imports.import_stage(
                actor=actor,
                movement=movement,
                upload=form.cleaned_data["file"],
                lawful_basis=form.cleaned_data["lawful_basis"],
            )
            return redirect(staged)
        except imports.ImportRefusedError as exc:
            row_errors = exc.messages
    return render(
        request, "operations/import_upload.html", {"movement": movement, "form": form, "row_errors": row_errors}
    )


IMPORT_ROWS_PER_PAGE = 50


def import_review(request: AuthenticatedHttpRequest, import_uuid: Any) -> HttpResponse:
    """An import's page: its progress while a task stages or merges it (the
    page refreshes itself), then its rows page by page. Decisions are taken
    for all rows at once or overridden on the page shown, never thousands of
    fields in one form; the merge is one action."""
    actor = _actor(request)
    staged = imports.import_settle(selectors.get_import_for_user(actor, import_uuid))
    page = Paginator(staged.rows.select_related("matched_person"), IMPORT_ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    if request.method == "POST":
        try:
            if "run_again" in request.POST:
                imports.import_rerun(actor=actor, staged=staged)
                return redirect(staged)
            if staged.status != ImportStatus.STAGED:
                raise ValidationError({"staged": _("This import is no longer open for review.")})
            for row in page.object_list:
                choice = request.POST.get(f"row-{row.row_number}")
                if choice is None:
                    continue
                decision, _sep, ref = choice.partition(":")
                person = None
                if decision == RowDecision.EXISTING:
                    person, _access = get_person_for_user(actor, ref or "", audit_view=False)
                if decision != row.decision or person != row.matched_person:
                    imports.import_row_decide(actor=actor, row=row, decision=decision, person=person)
            if "accept_suggestions" in request.POST or "register_new" in request.POST:
                every = RowDecision.EXISTING if "accept_suggestions" in request.POST else RowDecision.NEW
                changed = imports.import_decide_all(actor=actor, staged=staged, decision=every)
                messages.success(
                    request, ngettext("%(n)d row changed.", "%(n)d rows changed.", changed) % {"n": changed}
                )
            if "merge" in request.POST:
                imports.import_merge(actor=actor, staged=staged)
                return redirect(staged)
            return redirect(f"{staged.get_absolute_url()}?page={page.number}")
        except ValidationError as exc:
            _service_error(request, exc)
        except Http404:
            messages.error(request, _("That person is not in your scope."))
    running = staged.status in (ImportStatus.STAGING, ImportStatus.MERGING)
    counts = dict(staged.rows.values_list("decision").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "operations/import_review.html",
        {"staged": staged, "page": page, "rows": page.object_list, "running": running, "counts": counts},
    )


# --- Handover documents -------------------------------------------------------------


def handover_document_upload(request: AuthenticatedHttpRequest, movement_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    movement = selectors.get_movement_for_user(actor, movement_uuid)
    if not _can(request, Capability.MANAGE_OPERATIONS):
        raise PermissionDenied
    form = HandoverDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.handover_document_add(actor=actor, movement=movement, **form.cleaned_data)
            messages.success(request, _("%(f)s attached.") % {"f": document.filename})
            return redirect(movement)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "operations/handover_document_upload.html", {"movement": movement, "form": form})


def handover_document_download(request: AuthenticatedHttpRequest, document_uuid: Any) -> HttpResponse:
    """The stored bytes, always as a download and never sniffed into another type."""
    return document_response(selectors.get_handover_document_for_download(_actor(request), document_uuid))


def document_response(document: Any) -> HttpResponse:
    """A handover document's bytes as an attachment, never sniffed, never cached (UI and API)."""
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=document.filename)
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def person_repatriation(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    """The person page's "Repatriation" tab: the manifests this person is on."""

    def extra(person: Any, access: Any) -> dict[str, Any]:
        return {
            "entries": list(selectors.entries_of_person(person)),
            "can_open": _can(request, Capability.VIEW_OPERATIONS),
        }

    return person_page(
        request, person_uuid, "operations:person_repatriation", "operations/person_repatriation.html", extra
    )
