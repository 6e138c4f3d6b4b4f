"""Bulk linkage: the one code path behind ``zhusan link`` and the UI's
background linkage jobs.

:func:`link_to_csv` links two lists of records and writes the pairs as CSV,
reporting its progress (0–100) to a callback: the command draws a progress
bar with it, a :class:`~zhusan.matching.models.LinkageJob` stores it in the
database for the job page to show. Jobs are tasks of the queue
(``zhusan worker`` runs them; tests run them at once): a job whose worker
dies is shown failed with the reason and can run again from the start
(zhusan.core.jobs).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.jobs import Heartbeat, claim, death_of, enqueue_after_commit
from zhusan.core.tabular_out import csv_writer
from zhusan.engine.dates import StatedAge
from zhusan.engine.engines import DEFAULT_ENGINE, LABELS, link_records
from zhusan.engine.io import PersonFile, parse_mapping, read_person_file
from zhusan.engine.link import LINKED, NEEDS_REVIEW, REVIEW_FLOOR, pairs_plan
from zhusan.engine.persons import person_columns

log = logging.getLogger(__name__)

SHOWN = ("given", "family", "father", "birth", "sex")

Records = list[dict[str, object]]
#: ``progress(percent, message)``
ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class LinkSummary:
    pairs: int  # records linked
    candidates: int
    left_records: int
    right_records: int
    needs_review: int = 0  # records written as needs_review, with their candidates


#: Why a record goes to review rather than to a link: its best candidate is
#: not clearly ahead (``close_second``) or several match on their own
#: (``namesakes``). A record found by its kunya alone, or with no date and a
#: common given name, is linked when one candidate is clearly ahead: on
#: FEBRL4 the no-date rule sent 153 true links to review and caught no false
#: one; on the cross-script set the kunya rule sent 677 records, 15 of them
#: wrong links (docs/matching.md). Both stay available to ``pairs_plan``.
REVIEW_REASONS = ("close_second", "namesakes")


# --- Lists ---------------------------------------------------------------------------


def read_list(path: Path, *, mapping: str | None = None, age_on: str | None = None) -> PersonFile:
    """A person list as ``zhusan link`` reads it, for every reader of lists
    (the command, the linkage page): the one reader
    (:func:`zhusan.engine.io.read_person_file`), columns recognised by their
    usual names or mapped as ``--map`` maps them (``given=Prenom,id=No``),
    ages with the date they were stated (a date column or ``age_on``).
    :class:`~zhusan.engine.io.LinkFileError` says why a file cannot be read."""
    return read_person_file(path, parse_mapping(mapping), age_on=age_on)


# --- Registry records ----------------------------------------------------------------


def registry_records(persons: QuerySet[Any] | None = None) -> Records:
    """One record per name of every person in ``persons`` (default: the whole
    registry): a person with a Cyrillic legal name and a Latin transliteration
    is found by either."""
    from zhusan.registry.models import NameKind, Person

    from .candidates import person_birth

    qs = Person.objects.all() if persons is None else persons
    records: Records = []
    for person in qs.prefetch_related("names").order_by("case_number"):
        birth = person_birth(person)
        sex = person.sex if person.sex in ("female", "male") else None
        for name in person.names.all():
            rec: dict[str, object] = {
                "id": person.case_number,
                "registry": True,
                "birth": birth,
                "sex": sex,
                "place": person.place_of_birth or None,
            }
            if name.kind == NameKind.KUNYA:
                rec["kunya"] = name.given
                rec["family"] = name.family or None
            else:
                rec |= {"given": name.given or None, "family": name.family or None}
                rec["patronymic"] = name.patronymic or None
            records.append(rec)
    return records


# --- Linking -------------------------------------------------------------------------


def _no_progress(percent: int, message: str) -> None:
    return None


def link_to_csv(
    left: Records,
    right: Records,
    out: TextIO,
    *,
    threshold: float = 0.5,
    all_pairs: bool = False,
    engine: str = DEFAULT_ENGINE,
    progress: ProgressCallback = _no_progress,
) -> LinkSummary:
    """Link ``left`` to ``right`` with ``engine`` and write each kept pair to
    ``out`` as CSV (the same columns whichever engine ran).

    The engine's own work takes the first 60 %, writing the rest; the callback
    hears of every whole percent."""
    progress(0, _("Preparing %(left)s × %(right)s records") % {"left": len(left), "right": len(right)})
    last = 0

    def engine_progress(percent: int, message: str) -> None:
        nonlocal last
        scaled = 1 + (59 * min(max(percent, 0), 100)) // 100
        if scaled > last:
            last = scaled
            progress(scaled, message)

    # Every candidate from the review floor: a record whose best is not clearly
    # ahead is written as needs_review with its candidates (zhusan.engine.link.review).
    pairs = link_records(
        left,
        right,
        engine=engine,
        threshold=min(threshold, REVIEW_FLOOR),
        all_pairs=True,
        progress=engine_progress,
        translate=_,
    )
    lcols, rcols = person_columns(left), person_columns(right)
    plan = pairs_plan(
        pairs.left, pairs.right, pairs.probability, pairs.weight, pairs.evidence,
        left_given=lcols["given"], right_given=rcols["given"], threshold=threshold, all_pairs=all_pairs,
        reasons=REVIEW_REASONS,
    )  # fmt: skip
    progress(60, ngettext("Writing %(n)d pair", "Writing %(n)d pairs", len(plan)) % {"n": len(plan)})

    # Names come from uploaded lists: the one formula-safe writer keeps
    # ``=HYPERLINK(...)`` or ``+cmd|' /C calc'!A0`` from running in a spreadsheet.
    writer = csv_writer(out)
    writer.writerow(
        ["left_row", "left_id", "right_row", "right_id", "match_probability", "match_weight"]
        + [f"left_{k}" for k in SHOWN]
        + [f"right_{k}" for k in SHOWN]
        + [f"evidence: {label}" for label in LABELS]
        + ["decision", "candidate", "review_reason"]
    )
    last = 60
    for n, (k, decision, rank, reasons) in enumerate(plan):
        i, j = int(pairs.left[k]), int(pairs.right[k])
        writer.writerow(
            [i + 2, left[i].get("id") or "", "" if right[j].get("registry") else j + 2, right[j].get("id") or ""]
            + [Decimal(f"{pairs.probability[k]:.4f}"), Decimal(f"{pairs.weight[k]:.2f}")]
            + [_show(lcols[c][i]) for c in SHOWN]
            + [_show(rcols[c][j]) for c in SHOWN]
            + [f"{e.level} ({e.weight:+.2f})" for e in pairs.evidence[k]]
            + [decision, rank, reasons]
        )
        percent = 60 + (39 * (n + 1)) // len(plan)
        if percent > last:
            last = percent
            progress(percent, _("Writing pairs"))
    linked = sum(1 for _k, decision, _r, _why in plan if decision == LINKED)
    to_review = len({int(pairs.left[k]) for k, decision, _r, _why in plan if decision == NEEDS_REVIEW})
    summary = LinkSummary(linked, pairs.n_candidates, len(left), len(right), to_review)
    progress(100, ngettext("%(n)d pair found", "%(n)d pairs found", summary.pairs) % {"n": summary.pairs})
    return summary


def _show(value: object) -> str:
    if isinstance(value, StatedAge):
        return _("aged %(years)s on %(date)s") % {"years": value.years, "date": value.at}
    return "" if value is None else str(value)


# --- Jobs ----------------------------------------------------------------------------


def linkage_job_create(
    *,
    actor: Actor,
    left_name: str,
    left: Records,
    right_name: str = "",
    right: Records | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Any:
    """Record a linkage job and queue it (a task of ``zhusan worker``):
    against ``right`` when given, else against the registry persons the actor
    may see. The lists wait on the job, encrypted, until it is done. Audited."""
    from .models import LinkageJob, LinkageMode
    from .selectors import require_reviewer

    user = require_reviewer(actor)
    mode = LinkageMode.TWO_FILES if right is not None else LinkageMode.REGISTRY
    with transaction.atomic():
        job = LinkageJob.objects.create(
            created_by=user,
            mode=mode,
            left_name=left_name[:255],
            right_name=(right_name if right is not None else "registry")[:255],
            message=_("Waiting for a worker"),
            engine=engine,
            left_input=json.dumps(left),
            right_input=json.dumps(right) if right is not None else "",
        )
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.LINKAGE_JOB,
            object_ref=str(job.uuid),
            detail={
                "mode": mode,
                "left": job.left_name,
                "right": job.right_name,
                "left_records": len(left),
                "engine": engine,
            },
        )
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: Any) -> None:
    from .models import LinkageJob
    from .tasks import run_linkage

    enqueue_after_commit(LinkageJob, job.pk, lambda: run_linkage.enqueue(job=str(job.uuid)))


def linkage_job_settle(job: Any) -> Any:
    """A job marked running whose worker died is failed, with the reason."""
    from .models import LinkageJob, LinkageStatus

    if job.status == LinkageStatus.RUNNING and (reason := death_of(job)):
        LinkageJob.objects.filter(pk=job.pk, status=LinkageStatus.RUNNING, task_id=job.task_id).update(
            status=LinkageStatus.FAILED, message=reason[:300], finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def linkage_job_rerun(*, actor: Actor, job: Any) -> Any:
    """Run a failed job again from the start (audited). Refused while it runs
    or once it is done, and when its lists are no longer kept."""
    from .models import LinkageStatus

    linkage_job_settle(job)
    if job.status != LinkageStatus.FAILED or not job.left_input:
        raise ValidationError(_("Only a failed linkage can run again."))
    with transaction.atomic():
        type(job).objects.filter(pk=job.pk).update(
            status=LinkageStatus.QUEUED,
            progress=0,
            message=_("Waiting for a worker"),
            task_id="",
            worker="",
            heartbeat_at=None,
            finished_at=None,
        )
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.LINKAGE_JOB,
            object_ref=str(job.uuid),
            detail={"run_again": True},
        )
    _enqueue(job)
    job.refresh_from_db()
    return job


def run_linkage_job(job_uuid: str, task_id: str) -> None:
    """Run one job from the start, storing progress, then the result or the
    failure; a job done, or owned by another run, is left alone. Without a
    second list, links against the registry persons the job's creator may see
    (never more than they could look up)."""
    from .models import LinkageJob, LinkageStatus
    from .selectors import visible_persons

    job = LinkageJob.objects.select_related("created_by").filter(uuid=job_uuid).first()
    if job is None or job.status == LinkageStatus.DONE:
        return
    if not claim(LinkageJob, job.pk, task_id, status=LinkageStatus.RUNNING, progress=0, message=_("Starting")):
        return
    mine = LinkageJob.objects.filter(pk=job.pk, task_id=task_id)
    out = io.StringIO()
    with Heartbeat(LinkageJob, job.pk, task_id) as beat:
        try:
            left = json.loads(job.left_input)
            right = json.loads(job.right_input) if job.right_input else None
            if right is None:
                right = registry_records(visible_persons(Actor(user=job.created_by, via="task")))
            if not right:
                beat.stop()
                mine.update(
                    status=LinkageStatus.FAILED, message=_("No records to link to."), finished_at=timezone.now()
                )
                return
            summary = link_to_csv(left, right, out, engine=job.engine or DEFAULT_ENGINE, progress=beat.report)
        except Exception:
            log.exception("linkage job %s failed", job_uuid)
            beat.stop()
            mine.update(
                status=LinkageStatus.FAILED,
                message=_("The linkage failed; see the server log."),
                finished_at=timezone.now(),
            )
            return
    job.refresh_from_db()
    if job.task_id != task_id:
        return
    # Through save(): the result is encrypted at rest, which update() would skip.
    job.result = out.getvalue()
    job.pairs = summary.pairs
    job.status = LinkageStatus.DONE
    job.progress = 100
    job.message = ngettext("%(n)d pair found", "%(n)d pairs found", summary.pairs) % {"n": summary.pairs}
    job.finished_at = timezone.now()
    job.left_input = job.right_input = ""  # done: the lists are no longer needed
    fields = ["result", "pairs", "status", "progress", "message", "finished_at", "left_input", "right_input"]
    job.save(update_fields=[*fields, "updated_at"])


def get_linkage_job_for_user(actor: Actor, job_uuid: Any) -> Any:
    """A job of the actor's own (the result may hold registry data they alone
    were allowed to link); 403 for non-reviewers, 404 otherwise. A job whose
    worker died comes back failed (:func:`linkage_job_settle`)."""
    from .models import LinkageJob
    from .selectors import require_reviewer

    user = require_reviewer(actor)
    job = LinkageJob.objects.filter(uuid=job_uuid, created_by=user).first()
    if job is None:
        raise Http404(_("No such linkage job."))
    return linkage_job_settle(job)


def linkage_job_export(*, actor: Actor, job: Any) -> str:
    """The result CSV of a finished job, with an audited export."""
    from .models import LinkageStatus

    if job.status != LinkageStatus.DONE:
        raise PermissionDenied(_("The linkage has not finished."))
    record(
        actor,
        Action.EXPORT,
        object_type=ObjectType.LINKAGE_JOB,
        object_ref=str(job.uuid),
        detail={"mode": job.mode, "left": job.left_name, "right": job.right_name, "pairs": job.pairs},
    )
    return str(job.result)
