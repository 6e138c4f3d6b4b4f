"""Writes of the planning app: asking for a simulation run (queued as a
task) and the task's body that fills it in. The figures are aggregates: a
run stores no person, only counts and durations."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, record, write_action
from zhusan.core.jobs import Heartbeat, death_of, enqueue_after_commit, start_run
from zhusan.operations.models import Operation

from . import planner
from .models import PlanRun, PlanRunStatus
from .simulation import ScenarioError

log = logging.getLogger(__name__)


def require_planner(actor: Actor, *, ref: object = "") -> None:
    """Refuse (403, audited) anyone who does not plan operations."""
    if actor.user is None or not has_capability(actor.user, Capability.MANAGE_OPERATIONS):
        raise Denied(
            _("Planning is for those who plan operations."),
            actor=actor,
            object_type=ObjectType.PLAN_RUN,
            object_ref=ref,
            why=f"no capability {Capability.MANAGE_OPERATIONS.value}",
        )


@write_action
def plan_run_request(
    *, actor: Actor, operation: Operation, scenario: dict[str, Any], what_if: dict[str, Any] | None = None
) -> PlanRun:
    """Record a simulation run of ``operation`` (and its what-if) and queue it.
    Bad input → ``ValidationError`` (field → message; the what-if's fields are
    ``what_if_<field>``), nothing written. Audited (``create``)."""
    require_planner(actor, ref=operation.uuid)
    try:
        planner.check(operation, scenario, what_if)
    except ScenarioError as exc:
        raise ValidationError(exc.errors) from exc
    assert actor.user is not None
    job = PlanRun.objects.create(
        operation=operation,
        created_by=actor.user,
        scenario=scenario,
        what_if=what_if or {},
        message=_("Queued: a worker runs it shortly."),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.PLAN_RUN,
        object_ref=job.uuid,
        detail={"operation": operation.code, "scenario": scenario, "what_if": what_if or {}},
    )
    _enqueue(job)
    return job


def _enqueue(job: PlanRun) -> None:
    from .tasks import run_plan as task

    enqueue_after_commit(PlanRun, job.pk, lambda: task.enqueue(job=str(job.uuid)))


def plan_run_settle(job: PlanRun) -> PlanRun:
    """A run marked running whose worker died is failed, with the reason."""
    if job.status == PlanRunStatus.RUNNING and (reason := death_of(job)):
        PlanRun.objects.filter(pk=job.pk, status=PlanRunStatus.RUNNING, task_id=job.task_id).update(
            status=PlanRunStatus.FAILED,
            message=(_("The simulation stopped: %(reason)s Run it again.") % {"reason": reason})[:300],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
    return job


def get_plan_run(actor: Actor, ref: object) -> PlanRun:
    """A run (any planner's: runs hold aggregates only), settled; 404 for a bad id."""
    require_planner(actor, ref=ref)
    try:
        key = uuid.UUID(str(ref))
    except ValueError as exc:
        raise Http404(_("No such plan.")) from exc
    job = PlanRun.objects.select_related("operation").filter(uuid=key).first()
    if job is None:
        raise Http404(_("No such plan."))
    record(actor, Action.VIEW, object_type=ObjectType.PLAN_RUN, object_ref=job.uuid)
    return plan_run_settle(job)


def run_plan(job_uuid: str, task_id: str) -> None:
    """Simulate one run from the start (the task's body): progress and a
    heartbeat, then the figures or the reason it failed. A run no longer
    waiting or running, or owned by another task, is left alone."""
    job = PlanRun.objects.select_related("operation").filter(uuid=job_uuid).first()
    if job is None:
        return
    mine = start_run(PlanRun, job.pk, task_id, queued=PlanRunStatus.QUEUED, running=PlanRunStatus.RUNNING)
    if mine is None:
        return
    with Heartbeat(PlanRun, job.pk, task_id) as beat:
        try:
            result = planner.run(job.operation, job.scenario, job.what_if or None, progress=beat.report)
        except ScenarioError as exc:
            beat.stop()
            message = " ".join(exc.errors.values())
            mine.update(status=PlanRunStatus.FAILED, message=message[:300], finished_at=timezone.now())
            return
        except Exception:
            log.exception("plan run %s failed", job_uuid)
            beat.stop()
            mine.update(
                status=PlanRunStatus.FAILED,
                message=_("The simulation failed; see the server log."),
                finished_at=timezone.now(),
            )
            return
    mine.update(
        status=PlanRunStatus.DONE,
        progress=100,
        result=result,
        message=_("Done: %(runs)d runs") % {"runs": result["baseline"]["runs"]},
        finished_at=timezone.now(),
    )
