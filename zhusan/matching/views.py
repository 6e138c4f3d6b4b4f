"""Review pages: possible duplicates, likely existing records before saving,
and family tracing.

Thin function views: reviewers are checked and lookups scoped and audited
through ``selectors`` (and the registry's selectors for persons); every
write goes through ``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.models import Unit
from zhusan.audit.services import Actor
from zhusan.registry.forms import add_service_errors
from zhusan.registry.selectors import get_person_for_user, persons_to_pick

from . import selectors, services
from .candidates import query_from_values
from .forms import (
    CheckForm,
    ConfirmMatchForm,
    InquirerRegisterForm,
    TracingEditForm,
    TracingMergeForm,
    TracingReasonForm,
    TracingRequestForm,
)
from .models import MergeRecord, TracingMatchStatus, TracingStatus


def _actor(request: AuthenticatedHttpRequest) -> Actor:
    return Actor.from_request(request)


# --- Duplicates -------------------------------------------------------------------


def duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _actor(request)
    candidates = list(selectors.duplicates_for_user(actor)[:200])
    return render(request, "matching/duplicate_list.html", {"candidates": candidates})


def duplicate_detail(request: AuthenticatedHttpRequest, candidate_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    candidate = selectors.get_duplicate_for_user(actor, candidate_uuid)
    a, _access_a = get_person_for_user(actor, candidate.person_a.uuid)
    b, _access_b = get_person_for_user(actor, candidate.person_b.uuid)
    return render(
        request,
        "matching/duplicate_detail.html",
        {"candidate": candidate, "persons": [a, b], "merge": selectors.open_merge_for(candidate)},
    )


@require_POST
def duplicate_same(request: AuthenticatedHttpRequest, candidate_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    candidate = selectors.get_duplicate_for_user(actor, candidate_uuid)
    survivor = candidate.person_b if request.POST.get("survivor") == str(candidate.person_b.uuid) else None
    try:
        merge = services.decide_same(actor=actor, candidate=candidate, survivor=survivor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(merged)s merged into %(survivor)s.")
            % {"merged": merge.merged.case_number, "survivor": merge.survivor.case_number},
        )
    return redirect(candidate.get_absolute_url())


@require_POST
def duplicate_different(request: AuthenticatedHttpRequest, candidate_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    candidate = selectors.get_duplicate_for_user(actor, candidate_uuid)
    try:
        services.decide_different(actor=actor, candidate=candidate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded as different people; this pair will not be proposed again."))
    return redirect("matching:duplicate_list")


@require_POST
def merge_undo(request: AuthenticatedHttpRequest, candidate_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    candidate = selectors.get_duplicate_for_user(actor, candidate_uuid)
    merge: MergeRecord | None = selectors.open_merge_for(candidate)
    if merge is None:
        raise Http404("No merge to undo")
    try:
        services.undo_merge(actor=actor, merge=merge)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The merge is undone; both records are back as they were."))
    return redirect(candidate.get_absolute_url())


@require_POST
def person_check(request: AuthenticatedHttpRequest, person_uuid: Any) -> HttpResponse:
    """Look for duplicates of one registered person and queue what is found."""
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid)
    found = services.duplicates_check(actor=actor, person=person)
    messages.info(
        request,
        ngettext("%(n)d possible duplicate to review.", "%(n)d possible duplicates to review.", len(found))
        % {"n": len(found)},
    )
    return redirect("matching:duplicate_list")


def check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Likely existing records for the person being registered, before saving."""
    actor = _actor(request)
    selectors.require_reviewer(actor)
    # POST from the create form keeps names and birth data out of URLs and
    # logs; GET with query parameters works too, for links.
    data = request.POST if request.method == "POST" else request.GET
    form = CheckForm(data or None)
    found = []
    searched = bool(data) and form.has_name()
    if searched:
        found = services.likely_existing(actor, query_from_values(form.values()))
    return render(
        request, "matching/check.html", {"form": form, "found": found, "searched": searched, "submitted": bool(data)}
    )


# --- Tracing ----------------------------------------------------------------------


def tracing_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", "")
    requests = list(selectors.tracing_requests_for_user(actor, status=status)[:200])
    return render(
        request,
        "matching/tracing_list.html",
        {"requests": requests, "status": status, "statuses": TracingStatus.choices},
    )


def _units_for(user: Any) -> Any:
    return Unit.objects.filter(organisation_id=user.unit.organisation_id) if user.unit_id else Unit.objects.none()


def _sought_input(data: dict[str, Any]) -> services.SoughtInput:
    return services.SoughtInput(
        given=data["given"],
        patronymic=data["patronymic"],
        family=data["family"],
        other_names=data["other_names"],
        sex=data["sex"],
        birth_year=data["birth_year"],
        age=data["age"],
        last_known_place=data["last_known_place"],
        relatives_names=data["relatives_names"],
        relation_to_inquirer=data["relation_to_inquirer"],
    )


def tracing_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _actor(request)
    user: Any = selectors.require_reviewer(actor)
    units = _units_for(user)
    form = TracingRequestForm(request.POST or None, units=units)
    # The inquirer picker's first step ("Find"): persons in the user's scope
    # to choose from, on the form as typed so far, no errors shown yet.
    searching = request.POST.get("action") == "find"
    if searching:
        form = TracingRequestForm(initial=request.POST.dict(), units=units)
    find = request.POST.get("find", "")
    form.offer(persons_to_pick(actor, find) if find.strip() else [])
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        inquirer = None
        if data["inquirer"]:
            try:
                inquirer, _access = get_person_for_user(actor, data["inquirer"], audit_view=False)
            except Http404:
                form.add_error("find", _("No person with this case number in your caseload."))
        if not form.errors:
            tracing_input = services.TracingInput(
                managing_unit=data["managing_unit"],
                inquirer=inquirer,
                inquirer_name=data["inquirer_name"],
                inquirer_contact=data["inquirer_contact"],
                sought=[_sought_input(data)],
            )
            try:
                tracing_request = services.tracing_request_create(actor=actor, data=tracing_input)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                found = services.tracing_run(actor=actor, request=tracing_request)
                messages.success(
                    request,
                    ngettext(
                        "Request recorded; %(n)d match to review.",
                        "Request recorded; %(n)d matches to review.",
                        len(found),
                    )
                    % {"n": len(found)},
                )
                return redirect(tracing_request.get_absolute_url())
    return render(
        request,
        "matching/tracing_form.html",
        {
            "form": form,
            "picker": "find" in form.fields,
            "title": _("New tracing request"),
            "cancel_url": reverse("matching:tracing_list"),
        },
    )


def tracing_edit(request: AuthenticatedHttpRequest, request_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    user: Any = selectors.require_reviewer(actor)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    first = tracing_request.sought.first()
    initial: dict[str, Any] = {
        "inquirer_name": tracing_request.inquirer_name,
        "inquirer_contact": tracing_request.inquirer_contact,
        "managing_unit": tracing_request.managing_unit,
    }
    if first is not None:
        initial |= {k: getattr(first, k) for k in services.SOUGHT_FIELDS if k != "age_stated_on"}
    form = TracingEditForm(request.POST or None, initial=initial, units=_units_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tracing_request_update(
                actor=actor,
                request=tracing_request,
                inquirer_name=data["inquirer_name"],
                inquirer_contact=data["inquirer_contact"],
                managing_unit=data["managing_unit"],
                sought=_sought_input(data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            found = services.tracing_run(actor=actor, request=tracing_request)
            messages.success(
                request,
                ngettext("Request saved; %(n)d match to review.", "Request saved; %(n)d matches to review.", len(found))
                % {"n": len(found)},
            )
            return redirect(tracing_request.get_absolute_url())
    return render(
        request,
        "matching/tracing_form.html",
        {"form": form, "title": _("Edit the tracing request"), "cancel_url": tracing_request.get_absolute_url()},
    )


def tracing_detail(request: AuthenticatedHttpRequest, request_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    matches = list(selectors.matches_for_user(actor, tracing_request))
    open_statuses = (TracingMatchStatus.LIKELY, TracingMatchStatus.POSSIBLE)
    others = selectors.merge_targets_for_user(actor, tracing_request)
    for m in matches:  # each open match offers the one-step form, with its own field ids
        m.inquirer_form = InquirerRegisterForm(  # type: ignore[attr-defined]
            inquirer_name=tracing_request.inquirer_name,
            relation=m.sought.relation_to_inquirer,
            auto_id=f"id_{m.uuid}_%s",
        )
    return render(
        request,
        "matching/tracing_detail.html",
        {
            "tracing_request": tracing_request,
            "sought": list(tracing_request.sought.all()),
            "matches": matches,
            "open_statuses": open_statuses,
            "confirm_form": ConfirmMatchForm(),
            "reason_form": TracingReasonForm(),
            "merge_form": TracingMergeForm(requests=others) if not tracing_request.finished else None,
            "hidden_reviewers": selectors.reviewers_of_hidden_matches(actor, tracing_request),
        },
    )


@require_POST
def tracing_run(request: AuthenticatedHttpRequest, request_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    try:
        found = services.tracing_run(actor=actor, request=tracing_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(
            request, ngettext("%(n)d match to review.", "%(n)d matches to review.", len(found)) % {"n": len(found)}
        )
    return redirect(tracing_request.get_absolute_url())


@require_POST
def tracing_confirm(request: AuthenticatedHttpRequest, request_uuid: Any, match_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    match = selectors.get_match_for_user(actor, tracing_request, match_uuid)
    form = ConfirmMatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the inquirer is related to the person."))
        return redirect(tracing_request.get_absolute_url())
    try:
        services.tracing_confirm(actor=actor, match=match, relation=form.cleaned_data["relation"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Match confirmed; the relationship is recorded."))
    return redirect(tracing_request.get_absolute_url())


def tracing_register_inquirer(
    request: AuthenticatedHttpRequest, request_uuid: Any, match_uuid: Any = None
) -> HttpResponse:
    """Register the inquirer as a relative at home; from a match, confirm it
    and link the two in the same step."""
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    match = selectors.get_match_for_user(actor, tracing_request, match_uuid) if match_uuid else None
    form = InquirerRegisterForm(
        request.POST or None,
        inquirer_name=tracing_request.inquirer_name,
        relation=match.sought.relation_to_inquirer if match else "",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if match is not None and not data["relation"]:
            form.add_error("relation", _("Choose how the inquirer is related to the person."))
        else:
            try:
                person = services.tracing_inquirer_register(
                    actor=actor,
                    request=tracing_request,
                    match=match,
                    relation=data["relation"],
                    inquirer=services.InquirerInput(
                        given=data["given"],
                        patronymic=data["patronymic"],
                        family=data["family"],
                        script=data["script"],
                        sex=data["sex"],
                        birth_year=data["birth_year"],
                    ),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if match is not None:
                    text = _("%(case)s registered as a relative at home; the match is confirmed and linked.")
                else:
                    text = _("%(case)s registered as a relative at home.")
                messages.success(request, text % {"case": person.case_number})
                return redirect(tracing_request.get_absolute_url())
    return render(
        request,
        "matching/tracing_inquirer_form.html",
        {"form": form, "tracing_request": tracing_request, "match": match},
    )


@require_POST
def tracing_reject(request: AuthenticatedHttpRequest, request_uuid: Any, match_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    match = selectors.get_match_for_user(actor, tracing_request, match_uuid)
    try:
        services.tracing_reject(actor=actor, match=match)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Match rejected."))
    return redirect(tracing_request.get_absolute_url())


def _end_tracing_request(
    request: AuthenticatedHttpRequest, request_uuid: Any, end: Callable[..., Any], done: str
) -> HttpResponse:
    """Close or withdraw a request (``end`` is the service), with the reason typed."""
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    form = TracingReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        end(actor=actor, request=tracing_request, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(tracing_request.get_absolute_url())


@require_POST
def tracing_close(request: AuthenticatedHttpRequest, request_uuid: Any) -> HttpResponse:
    return _end_tracing_request(request, request_uuid, services.tracing_request_close, _("Request closed."))


@require_POST
def tracing_withdraw(request: AuthenticatedHttpRequest, request_uuid: Any) -> HttpResponse:
    return _end_tracing_request(request, request_uuid, services.tracing_request_withdraw, _("Request withdrawn."))


@require_POST
def tracing_merge(request: AuthenticatedHttpRequest, request_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    tracing_request = selectors.get_tracing_request_for_user(actor, request_uuid)
    form = TracingMergeForm(request.POST, requests=selectors.merge_targets_for_user(actor, tracing_request))
    if not form.is_valid():
        messages.error(request, _("Choose an open request to merge into."))
        return redirect(tracing_request.get_absolute_url())
    into = form.cleaned_data["into"]
    try:
        services.tracing_request_merge(
            actor=actor, request=tracing_request, into=into, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(tracing_request.get_absolute_url())
    messages.success(request, _("Request merged; its persons sought and matches are now on this request."))
    return redirect(into.get_absolute_url())


# --- Bulk linkage ---------------------------------------------------------------------

from pathlib import Path  # noqa: E402
from tempfile import TemporaryDirectory  # noqa: E402

from django import forms  # noqa: E402
from django.core.files.uploadedfile import UploadedFile  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from zhusan.engine.io import LinkFileError  # noqa: E402

from . import jobs  # noqa: E402
from .models import LinkageJob, LinkageMode  # noqa: E402

LINKAGE_MAX_BYTES = 5 * 1024 * 1024
LINKAGE_SUFFIXES = (".csv", ".xlsx")


def _person_records(
    upload: UploadedFile, *, mapping: str | None = None, age_on: str | None = None
) -> list[dict[str, object]]:
    """The rows of an uploaded person list, read as ``zhusan link`` reads it
    (``jobs.read_list``: the same columns, ``--map`` and ``--age-on``);
    ValidationError saying why not."""
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in LINKAGE_SUFFIXES:
        raise ValidationError(_("%(name)s: use a .csv or .xlsx file.") % {"name": name})
    if (upload.size or 0) > LINKAGE_MAX_BYTES:
        raise ValidationError(_("%(name)s: the file is larger than 5 MB.") % {"name": name})
    with TemporaryDirectory(prefix="zhusan-link-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            records = jobs.read_list(path, mapping=mapping or None, age_on=age_on or None).records
        except LinkFileError as exc:
            raise ValidationError(str(exc).replace(path.name, name)) from exc
    if not records:
        raise ValidationError(_("%(name)s: no rows under the header.") % {"name": name})
    return records


class LinkageForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Link the list to"),
        choices=LinkageMode.choices,
        initial=LinkageMode.TWO_FILES,
        widget=forms.RadioSelect,
    )
    left = forms.FileField(
        label=gettext_lazy("List to link (CSV or XLSX, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(LINKAGE_SUFFIXES)}),
    )
    right = forms.FileField(
        label=gettext_lazy("Second list (with “Two files”)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(LINKAGE_SUFFIXES)}),
    )
    columns = forms.CharField(
        label=gettext_lazy("Columns"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Only for headers Zhusan does not recognise, as zhusan link --map writes them: "
            "given=Prenom,family=Nom,id=No"
        ),
    )
    ages_stated_on = forms.DateField(
        label=gettext_lazy("Ages stated on"),
        required=False,
        help_text=gettext_lazy("For a list with an age column and no date column: the day the ages were stated."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mapping = data.get("columns") or None
        stated = data.get("ages_stated_on")
        age_on = stated.isoformat() if stated else None
        for field in ("left", "right"):
            upload = data.get(field)
            if not upload or (field == "right" and data.get("mode") != LinkageMode.TWO_FILES):
                continue
            try:
                data[field if field == "left" else "right_records"] = _person_records(
                    upload, mapping=mapping, age_on=age_on
                )
            except ValidationError as exc:
                self.add_error(field, exc)
        if data.get("mode") == LinkageMode.TWO_FILES and not data.get("right"):
            self.add_error("right", _("Choose the second list, or link against the registry."))
        return data


def _upload_name(request: AuthenticatedHttpRequest, field: str) -> str:
    upload: Any = request.FILES.get(field)
    return Path(getattr(upload, "name", "") or "").name


def linkage_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _actor(request)
    user = selectors.require_reviewer(actor)
    form = LinkageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        two_files = data["mode"] == LinkageMode.TWO_FILES
        job = jobs.linkage_job_create(
            actor=actor,
            left_name=_upload_name(request, "left"),
            left=data["left"],
            right_name=_upload_name(request, "right") if two_files else "",
            right=data["right_records"] if two_files else None,
        )
        return redirect(job.get_absolute_url())
    recent = list(LinkageJob.objects.filter(created_by=user)[:20])
    return render(request, "matching/linkage_form.html", {"form": form, "jobs": recent})


def linkage_detail(request: AuthenticatedHttpRequest, job_uuid: Any) -> HttpResponse:
    job = jobs.get_linkage_job_for_user(_actor(request), job_uuid)
    return render(request, "matching/linkage_detail.html", {"job": job})


@require_POST
def linkage_rerun(request: AuthenticatedHttpRequest, job_uuid: Any) -> HttpResponse:
    """Run a failed linkage again from the start (its worker died, say)."""
    actor = _actor(request)
    job = jobs.get_linkage_job_for_user(actor, job_uuid)
    try:
        jobs.linkage_job_rerun(actor=actor, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job.get_absolute_url())


def linkage_status(request: AuthenticatedHttpRequest, job_uuid: Any) -> JsonResponse:
    job = jobs.get_linkage_job_for_user(_actor(request), job_uuid)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "message": job.message,
            "finished": job.finished,
        }
    )


def linkage_download(request: AuthenticatedHttpRequest, job_uuid: Any) -> HttpResponse:
    actor = _actor(request)
    job = jobs.get_linkage_job_for_user(actor, job_uuid)
    body = jobs.linkage_job_export(actor=actor, job=job)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linkage-{job.uuid}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- One list deduplicated ---------------------------------------------------------------

from django.utils.formats import number_format  # noqa: E402

from zhusan.audit.models import Action, ObjectType  # noqa: E402
from zhusan.audit.services import record  # noqa: E402
from zhusan.core.tabular_out import csv_writer  # noqa: E402
from zhusan.engine.dedupe import SHOWN as DEDUPE_SHOWN_COLUMNS  # noqa: E402
from zhusan.engine.dedupe import DedupeResult, dedupe_records, result_rows  # noqa: E402
from zhusan.engine.persons import person_columns  # noqa: E402

from .forms import DedupeForm  # noqa: E402

#: Rows deduplicated at once, while the user waits (FEBRL3's 5,000 take about
#: two seconds); ``zhusan dedupe`` has no limit.
DEDUPE_MAX_ROWS = 5000
#: Members shown on the page; the CSV has them all.
DEDUPE_SHOWN = 500


def _shown_value(column: str, value: object) -> str:
    if value is None:
        return ""
    if column == "sex":
        return {"f": _("female"), "m": _("male")}.get(str(value), str(value))
    return str(value)


def _dedupe_table(records: list[dict[str, object]], result: DedupeResult) -> list[dict[str, Any]]:
    """The members shown on the page: their values as compared, and the
    evidence of the fields compared (the others named apart)."""
    columns = person_columns(records)
    rows = []
    for m in result.members[:DEDUPE_SHOWN]:
        compared = [e for e in m.evidence if e.level != "missing on one side"]
        rows.append(
            {
                "cluster": m.cluster,
                "row": m.row + 2,
                "id": records[m.row].get("id") or "",
                "values": [_shown_value(c, columns[c][m.row]) for c in DEDUPE_SHOWN_COLUMNS],
                "probability": m.probability,
                "partner_row": m.partner + 2,
                "evidence": [(_(e.field), _(e.level), f"{e.weight:+.2f}") for e in compared],
                "not_compared": [_(e.field) for e in m.evidence if e.level == "missing on one side"],
            }
        )
    return rows


def dedupe(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find the same person listed twice in one uploaded list: its clusters as
    a table, or as CSV (formula-safe) with "Download". The list is read while
    the user waits and kept nowhere; each run is audited."""
    actor = _actor(request)
    selectors.require_reviewer(actor)
    form = DedupeForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "max_rows": number_format(DEDUPE_MAX_ROWS, force_grouping=True),
        "shown": DEDUPE_SHOWN,
    }
    if request.method == "POST" and form.is_valid():
        name = _upload_name(request, "upload")
        try:
            records = _person_records(form.cleaned_data["upload"])
            if len(records) > DEDUPE_MAX_ROWS:
                raise ValidationError(
                    _(
                        "%(name)s has %(n)s rows; at most %(max)s rows can be deduplicated here. "
                        "Split the list, or ask an administrator to run zhusan dedupe on it."
                    )
                    % {"name": name, "n": f"{len(records):,}", "max": f"{DEDUPE_MAX_ROWS:,}"}
                )
        except ValidationError as exc:
            form.add_error("upload", exc)
        else:
            result = dedupe_records(records, translate=_)
            download = request.POST.get("action") == "download"
            record(
                actor,
                Action.EXPORT if download else Action.VIEW,
                object_type=ObjectType.LINKAGE,
                detail={
                    "kind": "dedupe",
                    "list": name,
                    "records": len(records),
                    "clusters": result.clusters,
                    "rows_in_clusters": len(result.members),
                    "output": "csv" if download else "page",
                },
            )
            if download:
                response = HttpResponse(content_type="text/csv; charset=utf-8")
                csv_writer(response).writerows(result_rows(records, result, translate=_))  # type: ignore[arg-type]  # HttpResponse is file-like for writing
                response["Content-Disposition"] = 'attachment; filename="clusters.csv"'
                response["Cache-Control"] = "no-store"
                return response
            context |= {
                "result": result,
                "list_name": name,
                "rows": _dedupe_table(records, result),
                "columns": [
                    _("Given name"),
                    _("Family name"),
                    _("Father's name"),
                    _("Date of birth"),
                    _("Sex"),
                ],
            }
    return render(request, "matching/dedupe.html", context)


# --- A linkage job's records that need review ------------------------------------------------

import csv as _csv  # noqa: E402
import io as _io  # noqa: E402

from django.core.paginator import Paginator  # noqa: E402

from zhusan.engine.link import NEEDS_REVIEW, REASONS  # noqa: E402

from .models import LinkageStatus  # noqa: E402

#: Records to review per page.
REVIEW_PAGE = 25


def _records_to_review(result: str) -> list[dict[str, Any]]:
    """The records of a pairs file marked ``needs_review``, each with its
    candidates in the file's order (best first)."""
    reader = _csv.DictReader(_io.StringIO(result))
    evidence = [c for c in reader.fieldnames or [] if c.startswith("evidence: ")]
    records: dict[str, dict[str, Any]] = {}
    for row in reader:
        if row.get("decision") != NEEDS_REVIEW:
            continue
        rec = records.setdefault(
            row["left_row"],
            {
                "row": row["left_row"],
                "id": row.get("left_id", ""),
                "values": [v for k in jobs.SHOWN if (v := _shown_value(k, row.get(f"left_{k}") or None))],
                "reasons": [_(REASONS[r]) for r in (row.get("review_reason") or "").split(";") if r in REASONS],
                "candidates": [],
            },
        )
        rec["candidates"].append(
            {
                "rank": row.get("candidate", ""),
                "row": row.get("right_row", ""),
                "id": row.get("right_id", ""),
                "values": [_shown_value(k, row.get(f"right_{k}") or None) for k in jobs.SHOWN],
                "probability": row.get("match_probability", ""),
                "evidence": [
                    (_(c.removeprefix("evidence: ")), _finding(row.get(c) or ""))
                    for c in evidence
                    if not (row.get(c) or "").startswith("missing on one side")
                ],
                "not_compared": [
                    _(c.removeprefix("evidence: "))
                    for c in evidence
                    if (row.get(c) or "").startswith("missing on one side")
                ],
            }
        )
    return list(records.values())


def _finding(text: str) -> str:
    """``same name (+4.00)`` with the level translated."""
    level, sep, weight = text.rpartition(" (")
    return f"{_(level)}{sep}{weight}" if sep else _(text)


def linkage_review(request: AuthenticatedHttpRequest, job_uuid: Any) -> HttpResponse:
    """The records of a finished linkage whose best candidate was not clearly
    ahead, each with its candidates and their evidence, for a reviewer to
    decide (the job's creator alone, as its download). Audited as a view."""
    actor = _actor(request)
    job = jobs.get_linkage_job_for_user(actor, job_uuid)
    if job.status != LinkageStatus.DONE:
        raise Http404(_("The linkage has not finished."))
    to_review = _records_to_review(str(job.result))
    page = Paginator(to_review, REVIEW_PAGE).get_page(request.GET.get("page"))
    record(
        actor,
        Action.VIEW,
        object_type=ObjectType.LINKAGE_JOB,
        object_ref=str(job.uuid),
        detail={"needs_review": len(to_review), "page": page.number},
    )
    columns = [_("Given name"), _("Family name"), _("Father's name"), _("Date of birth"), _("Sex")]
    return render(
        request,
        "matching/linkage_review.html",
        {"job": job, "page": page, "records": page.object_list, "total": len(to_review), "columns": columns},
    )
