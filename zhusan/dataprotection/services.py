"""Retention, legal holds and deletion with proof: keyword-only, typed,
atomic, audited.

Nothing is deleted without the officer's approval of its batch: the daily
job (``tasks.list_retention_due``) and erasure requests (``request_erasure``)
only *file* items; ``batch_approve`` starts the deletion as a task of the
queue; ``delete_item`` refuses an item whose batch is not approved or whose
person is under a legal hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, AuditEvent, DeletionCertificate, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, record_deletion, write_action
from zhusan.core.concurrency import check_version, save_versioned
from zhusan.registry.models import Person
from zhusan.reintegration.followup.models import CaseClosure, ClosureStatus

from . import erase
from .models import (
    WHOLE_PERSON,
    Anchor,
    BatchStatus,
    ItemSource,
    ItemStatus,
    LegalHold,
    RecordKind,
    RetentionBatch,
    RetentionItem,
    RetentionRule,
)

# Used until the deployment sets ``ZHUSAN_RETENTION_RULES`` (same shape).
DEFAULT_RULES: list[dict[str, Any]] = [
    {"kind": "justice_security", "period_years": 5, "anchor": "closure"},
    {"kind": "health", "period_years": 10, "anchor": "closure"},
    {"kind": "psychosocial", "period_years": 10, "anchor": "closure"},
    {"kind": "religious", "period_years": 10, "anchor": "closure"},
    {"kind": "case", "period_years": 10, "anchor": "closure"},
    {"kind": "contact_location", "period_years": 5, "anchor": "closure"},
    {"kind": "family", "period_years": 10, "anchor": "closure"},
    {"kind": "documents", "period_years": 10, "anchor": "closure"},
    {"kind": "identity", "period_years": 0, "anchor": "programme"},
]

MAJORITY_YEARS = 18


def configured_rules() -> list[dict[str, Any]]:
    return list(getattr(settings, "ZHUSAN_RETENTION_RULES", DEFAULT_RULES))


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise PermissionDenied(_("Sign in first."))
    return actor.user


def _require_officer(actor: Actor, object_type: ObjectType = ObjectType.DATA_PROTECTION) -> None:
    if actor.user is None or not has_capability(actor.user, Capability.MANAGE_DATA_PROTECTION):
        raise Denied(
            _("Only the data-protection officer may do this."),
            actor=actor,
            object_type=object_type,
            why=f"no capability {Capability.MANAGE_DATA_PROTECTION.value}",
        )


# --- Rules -------------------------------------------------------------------------------------


def _validate_rule(kind: str, period_years: Any, anchor: str) -> int:
    errors: dict[str, str] = {}
    if kind not in RecordKind.values:
        errors["kind"] = _("Choose a kind of record.")
    try:
        years = int(period_years)
    except (TypeError, ValueError):
        years = -1
        errors["period_years"] = _("Give the period as a whole number of years.")
    else:
        if years < 0:
            errors["period_years"] = _("A retention period cannot be negative.")
        elif years > 150:
            errors["period_years"] = _("A retention period over 150 years is not a period; use the programme's life.")
    if anchor not in Anchor.values:
        errors["anchor"] = _("Choose from when the period is counted.")
    if errors:
        raise ValidationError(errors)
    return years


@write_action
def rules_seed(*, actor: Actor) -> list[RetentionRule]:
    """Create the configured rules that do not exist yet (never overwrites an
    officer's edit). Idempotent."""
    created = []
    for spec in configured_rules():
        kind = str(spec["kind"])
        if RetentionRule.objects.filter(kind=kind).exists():
            continue
        years = _validate_rule(kind, spec.get("period_years"), str(spec.get("anchor", "")))
        rule = RetentionRule.objects.create(
            kind=kind, period_years=years, anchor=spec["anchor"], note=str(spec.get("note", ""))
        )
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.RETENTION_RULE,
            object_ref=rule.uuid,
            changes=diff({}, {"kind": kind, "period_years": years, "anchor": rule.anchor}),
            detail={"from": "ZHUSAN_RETENTION_RULES"},
        )
        created.append(rule)
    return created


@write_action
def rule_save(
    *,
    actor: Actor,
    kind: str,
    period_years: int,
    anchor: str,
    note: str = "",
    expected_version: int | None = None,
) -> RetentionRule:
    """Create the rule of ``kind`` or change it (``expected_version`` of the
    version the officer edited)."""
    _require_officer(actor, ObjectType.RETENTION_RULE)
    years = _validate_rule(kind, period_years, anchor)
    rule = RetentionRule.objects.filter(kind=kind).first()
    if rule is None:
        rule = RetentionRule.objects.create(kind=kind, period_years=years, anchor=anchor, note=note.strip())
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.RETENTION_RULE,
            object_ref=rule.uuid,
            changes=diff({}, {"kind": kind, "period_years": years, "anchor": anchor, "note": rule.note}),
        )
        return rule
    if expected_version is None:
        raise ValidationError({"kind": _("A rule for this kind of record exists already; edit it.")})
    check_version(rule, expected_version)
    before = {"period_years": rule.period_years, "anchor": rule.anchor, "note": rule.note}
    rule.period_years, rule.anchor, rule.note = years, anchor, note.strip()
    save_versioned(rule, expected_version=expected_version, fields=["period_years", "anchor", "note"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.RETENTION_RULE,
        object_ref=rule.uuid,
        changes=diff(before, {"period_years": years, "anchor": anchor, "note": rule.note}),
    )
    return rule


# --- Legal holds -------------------------------------------------------------------------------


def held(person: Person) -> bool:
    return LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists()


def held_person_ids(ids: Iterable[int] | None = None) -> set[int]:
    qs = LegalHold.objects.filter(lifted_at__isnull=True, person__isnull=False)
    if ids is not None:
        qs = qs.filter(person_id__in=list(ids))
    return set(qs.values_list("person_id", flat=True))


@write_action
def hold_place(*, actor: Actor, person: Person, reason: str, reference: str = "") -> LegalHold:
    """Suspend retention for ``person`` (and their case) until lifted."""
    _require_officer(actor, ObjectType.LEGAL_HOLD)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record must be kept (the proceedings or the authority).")})
    if held(person):
        raise ValidationError({"person": _("%(case)s is already under a legal hold.") % {"case": person.case_number}})
    hold = LegalHold.objects.create(
        person=person,
        person_ref=str(person.uuid),
        case_number=person.case_number,
        reason=reason.strip(),
        reference=reference.strip(),
        placed_by=_user(actor),
        placed_at=timezone.now(),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.LEGAL_HOLD,
        object_ref=hold.uuid,
        person_ref=person.uuid,
        changes=diff({}, {"reason": hold.reason, "reference": hold.reference}),
    )
    return hold


@write_action
def hold_lift(*, actor: Actor, hold: LegalHold, reason: str, expected_version: int) -> LegalHold:
    _require_officer(actor, ObjectType.LEGAL_HOLD)
    check_version(hold, expected_version)
    if not hold.active:
        raise ValidationError({"reason": _("This hold was lifted already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the hold is lifted.")})
    hold.lifted_by, hold.lifted_at, hold.lift_reason = _user(actor), timezone.now(), reason.strip()
    save_versioned(hold, expected_version=expected_version, fields=["lifted_by", "lifted_at", "lift_reason"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.LEGAL_HOLD,
        object_ref=hold.uuid,
        person_ref=hold.person_ref,
        changes=diff({"lifted": False}, {"lifted": True, "lift_reason": hold.lift_reason}),
    )
    return hold


# --- Batches and items -------------------------------------------------------------------------


def _open_batch(today: date) -> RetentionBatch:
    """Today's batch still waiting for approval, or a new one."""
    batch = RetentionBatch.objects.filter(status=BatchStatus.WAITING, listed_on=today).order_by("pk").first()
    return batch or RetentionBatch.objects.create(listed_on=today)


def _pending(person: Person, kind: str) -> bool:
    return RetentionItem.objects.filter(
        person=person, kind=kind, status=ItemStatus.PENDING, batch__status=BatchStatus.WAITING
    ).exists()


@write_action
def request_erasure(*, actor: Actor, person: Person, reason: str, source_ref: str) -> RetentionItem:
    """File the erasure of the whole of ``person`` (a data-subject's request)
    into a batch waiting for the officer's approval. Nothing is deleted here.
    Refused under a legal hold, without a reason, or when already filed."""
    _user(actor)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the record is erased (the request and its decision).")
    if person.merged_into_id is not None:
        errors["person"] = _("This record was merged into another; erase the surviving record.")
    elif held(person):
        errors["person"] = _("%(case)s is under a legal hold: it cannot be erased until the hold is lifted.") % {
            "case": person.case_number
        }
    elif _pending(person, WHOLE_PERSON):
        errors["person"] = _("An erasure of %(case)s already waits for approval.") % {"case": person.case_number}
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    batch = _open_batch(today)
    item = RetentionItem.objects.create(
        batch=batch,
        person=person,
        person_ref=str(person.uuid),
        case_number=person.case_number,
        kind=WHOLE_PERSON,
        source=ItemSource.ERASURE,
        source_ref=source_ref[:100],
        rule_label=_("erasure request"),
        reason=reason.strip(),
        due_on=today,
        counts=erase.preview(person, WHOLE_PERSON),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.RETENTION_BATCH,
        object_ref=batch.uuid,
        person_ref=person.uuid,
        detail={"item": str(item.uuid), "kind": WHOLE_PERSON, "source": ItemSource.ERASURE, "source_ref": source_ref},
    )
    return item


@dataclass(frozen=True)
class Due:
    person: Person
    rule: RetentionRule
    due_on: date
    counts: dict[str, int]


def _closed_on(person_ids: list[int]) -> dict[int, date]:
    """The day each case was closed (its latest approved closure still standing)."""
    rows = (
        CaseClosure.objects.filter(person_id__in=person_ids, status=ClosureStatus.APPROVED)
        .values("person_id")
        .annotate(on=Max("decided_on"))
    )
    return {r["person_id"]: r["on"] for r in rows if r["on"] is not None}


def _last_activity(persons: list[Person]) -> dict[int, date]:
    refs = {str(p.uuid): p.pk for p in persons}
    rows = (
        AuditEvent.objects.filter(person_ref__in=list(refs), action__in=[Action.CREATE, Action.UPDATE])
        .values("person_ref")
        .annotate(last=Max("at"))
    )
    out = {refs[r["person_ref"]]: timezone.localdate(r["last"]) for r in rows}
    for p in persons:
        out.setdefault(p.pk, timezone.localdate(p.updated_at))
    return out


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def due_list(*, today: date | None = None) -> list[Due]:
    """What is due for deletion on ``today``: persons not under a legal hold,
    a rule of a kind they hold rows of, whose period has run."""
    today = today or timezone.localdate()
    rules = [r for r in RetentionRule.objects.order_by("kind") if r.anchor != Anchor.PROGRAMME]
    if not rules:
        return []
    persons = list(Person.objects.filter(merged_into__isnull=True).order_by("case_number"))
    ids = [p.pk for p in persons]
    holds = held_person_ids(ids)
    closed = _closed_on(ids) if any(r.anchor == Anchor.CLOSURE for r in rules) else {}
    active = _last_activity(persons) if any(r.anchor == Anchor.LAST_ACTIVITY for r in rules) else {}
    out: list[Due] = []
    for person in persons:
        if person.pk in holds:
            continue
        for rule in rules:
            if rule.anchor == Anchor.CLOSURE:
                start = closed.get(person.pk)
            elif rule.anchor == Anchor.LAST_ACTIVITY:
                start = active.get(person.pk)
            else:
                high = person.birth_date_high
                start = _add_years(high, MAJORITY_YEARS) if high else None
            if start is None:
                continue
            due_on = _add_years(start, rule.period_years)
            if due_on > today:
                continue
            counts = erase.preview(person, rule.kind)
            if counts:
                out.append(Due(person, rule, due_on, counts))
    return out


def file_due(*, actor: Actor, today: date | None = None) -> RetentionBatch | None:
    """File what is due into today's batch for the officer (idempotent: an item
    already waiting is not filed twice). Returns the batch, or None.

    The due list is read before the filing's transaction begins: at a million
    persons reading it takes a minute, and a transaction that has written an
    audit event holds the chain's lock (every audited page waits for it)."""
    today = today or timezone.localdate()
    rules_seed(actor=actor)
    return _file(actor=actor, today=today, listed=due_list(today=today))


@write_action
def _file(*, actor: Actor, today: date, listed: list[Due]) -> RetentionBatch | None:
    batch: RetentionBatch | None = None
    filed = 0
    for due in listed:
        if _pending(due.person, due.rule.kind) or _pending(due.person, WHOLE_PERSON):
            continue
        batch = batch or _open_batch(today)
        RetentionItem.objects.create(
            batch=batch,
            person=due.person,
            person_ref=str(due.person.uuid),
            case_number=due.person.case_number,
            kind=due.rule.kind,
            source=ItemSource.RETENTION,
            rule=due.rule,
            rule_label=due.rule.label,
            due_on=due.due_on,
            counts=due.counts,
        )
        filed += 1
    if batch is not None and filed:
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.RETENTION_BATCH,
            object_ref=batch.uuid,
            detail={"filed": filed, "listed_on": today.isoformat()},
        )
    return batch if filed else None


@write_action
def item_exclude(*, actor: Actor, item: RetentionItem, reason: str) -> RetentionItem:
    """Keep ``item`` out of its batch's deletion, with a reason."""
    _require_officer(actor, ObjectType.RETENTION_BATCH)
    batch = RetentionBatch.objects.select_for_update().get(pk=item.batch_id)
    if batch.status != BatchStatus.WAITING:
        raise ValidationError({"reason": _("This batch was approved already; its items cannot change.")})
    if item.status != ItemStatus.PENDING:
        raise ValidationError({"reason": _("This item is excluded already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this record is kept.")})
    item.status, item.exclude_reason, item.excluded_by = ItemStatus.EXCLUDED, reason.strip(), _user(actor)
    item.save(update_fields=["status", "exclude_reason", "excluded_by", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.RETENTION_BATCH,
        object_ref=batch.uuid,
        person_ref=item.person_ref,
        changes=diff({"status": ItemStatus.PENDING}, {"status": ItemStatus.EXCLUDED, "reason": item.exclude_reason}),
        detail={"item": str(item.uuid)},
    )
    return item


@write_action
def batch_approve(*, actor: Actor, batch: RetentionBatch, expected_version: int) -> RetentionBatch:
    """Approve ``batch``: its pending items are deleted by a task of the queue.
    Refused when the batch ran already or an item's person is under a hold."""
    _require_officer(actor, ObjectType.RETENTION_BATCH)
    check_version(batch, expected_version)
    if batch.status != BatchStatus.WAITING:
        raise ValidationError({"batch": _("This batch was approved already; it cannot run twice.")})
    pending = list(batch.items.filter(status=ItemStatus.PENDING))
    if not pending:
        raise ValidationError({"batch": _("Nothing is left to delete in this batch.")})
    holds = held_person_ids(i.person_id for i in pending if i.person_id)
    under = sorted(i.case_number for i in pending if i.person_id in holds)
    if under:
        raise ValidationError(
            {
                "batch": _(
                    "Under a legal hold: %(cases)s. Exclude these items (or lift the hold) before approving; "
                    "nothing was deleted."
                )
                % {"cases": ", ".join(under)}
            }
        )
    batch.status, batch.approved_by, batch.approved_at = BatchStatus.RUNNING, _user(actor), timezone.now()
    batch.message = _("Approved; waiting for the worker.")
    save_versioned(batch, expected_version=expected_version, fields=["status", "approved_by", "approved_at", "message"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.RETENTION_BATCH,
        object_ref=batch.uuid,
        changes=diff({"status": BatchStatus.WAITING}, {"status": BatchStatus.RUNNING}),
        detail={"items": len(pending)},
    )
    from zhusan.core.jobs import enqueue_after_commit

    from .tasks import run_retention_batch

    enqueue_after_commit(RetentionBatch, batch.pk, lambda: run_retention_batch.enqueue(batch=str(batch.uuid)))
    return batch


@write_action
def delete_item(*, actor: Actor, item: RetentionItem) -> DeletionCertificate:
    """Delete what ``item`` names and issue its signed certificate. Refused
    without an approved batch, under a legal hold, or when already done."""
    item = RetentionItem.objects.select_related("batch", "rule", "person").get(pk=item.pk)
    batch = item.batch
    if batch.approved_by_id is None or batch.status != BatchStatus.RUNNING:
        raise ValidationError({"batch": _("Nothing is deleted without the officer's approval of its batch.")})
    if item.status != ItemStatus.PENDING:
        raise ValidationError({"item": _("This item is not waiting for deletion.")})
    person = item.person
    if person is None:
        raise ValidationError({"item": _("The person of this item no longer exists.")})
    if held(person):
        raise ValidationError(
            {"person": _("%(case)s is under a legal hold; nothing was deleted.") % {"case": person.case_number}}
        )
    subjects = [str(p.uuid) for p in erase.subjects_of(person)] if item.kind == WHOLE_PERSON else [item.person_ref]
    removed = erase.remove(person, item.kind)
    if item.kind == WHOLE_PERSON:
        redact = AuditEvent.objects.filter(Q(person_ref__in=subjects) | Q(object_ref__in=subjects))
    else:
        redact = AuditEvent.objects.filter(object_ref__in=sorted(removed.refs))
    approver = batch.approved_by
    body = {
        "kind": item.kind,
        "kinds": sorted({item.kind}),
        "counts": dict(sorted(removed.counts.items())),
        "mentions_cleared": dict(sorted(removed.cleared.items())),
        "rows": removed.rows,
        "removed_sha256": removed.digest,
        "rule": item.rule_label,
        "source": item.source,
        "source_ref": item.source_ref,
        "person_ref": item.person_ref,
        "case_number": item.case_number,
        "approval": {
            "batch": str(batch.uuid),
            "approved_by": approver.get_username() if approver else "",
            "approved_at": batch.approved_at.isoformat() if batch.approved_at else "",
        },
        "deleted_on": timezone.localdate().isoformat(),
    }
    certificate = record_deletion(actor, body=body, person_ref=item.person_ref, redact=redact)
    item.status, item.certificate = ItemStatus.DELETED, certificate
    item.outcome = _("%(n)d rows deleted.") % {"n": sum(removed.counts.values())}
    item.save(update_fields=["status", "certificate", "outcome", "updated_at"])
    return certificate


def resume_if_dead(batch: RetentionBatch) -> str | None:
    """A batch marked running whose worker died (``core.jobs.death_of``) is
    put on the queue again: its deleted items stay deleted (each item is one
    transaction with its certificate), the pending ones go on. Returns why it
    was resumed, or None when it is not running or may still be alive."""
    from zhusan.core.jobs import death_of, enqueue_after_commit

    from .tasks import run_retention_batch

    batch.refresh_from_db()
    if batch.status != BatchStatus.RUNNING or not batch.task_id:
        return None
    why = death_of(batch)
    if why is None:
        return None
    with transaction.atomic():
        # Only the first caller to see it dead re-queues it (the task id is cleared once).
        if not RetentionBatch.objects.filter(pk=batch.pk, task_id=batch.task_id).update(
            task_id="", worker="", message=_("Resumed after a failure: %(why)s") % {"why": why}
        ):
            return None
        record(
            Actor.system("retention batch"),
            Action.UPDATE,
            object_type=ObjectType.RETENTION_BATCH,
            object_ref=batch.uuid,
            detail={"resumed": why},
        )
        enqueue_after_commit(RetentionBatch, batch.pk, lambda: run_retention_batch.enqueue(batch=str(batch.uuid)))
    return why


def resume_dead_batches() -> list[str]:
    """Resume every running batch whose worker died; the reasons."""
    reasons = []
    for batch in RetentionBatch.objects.filter(status=BatchStatus.RUNNING):
        why = resume_if_dead(batch)
        if why:
            reasons.append(why)
    return reasons


def run_batch(batch_uuid: str, task_id: str = "") -> None:
    """The task's work: delete each pending item of an approved batch in its
    own transaction (one item refused does not stop the others)."""
    from zhusan.core.jobs import Heartbeat, claim

    batch = RetentionBatch.objects.get(uuid=batch_uuid)
    if batch.status != BatchStatus.RUNNING:
        return
    if task_id and not claim(RetentionBatch, batch.pk, task_id):
        return
    actor = Actor.system("retention batch", user=batch.approved_by)
    items = list(batch.items.filter(status=ItemStatus.PENDING).order_by("case_number", "kind"))
    with Heartbeat(RetentionBatch, batch.pk, task_id or batch.task_id) as beat:
        for n, item in enumerate(items, start=1):
            try:
                delete_item(actor=actor, item=item)
            except ValidationError as exc:
                RetentionItem.objects.filter(pk=item.pk).update(
                    status=ItemStatus.REFUSED, outcome="; ".join(exc.messages)[:300]
                )
            beat.report(int(100 * n / len(items)), _("%(n)d of %(t)d items") % {"n": n, "t": len(items)})
    with transaction.atomic():
        RetentionBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            message=_("%(t)d items processed.") % {"t": len(items)},
        )
