"""Reads of the retention pages, each audited. The officer sees case numbers,
kinds of record, rules and counts: never a record's content."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhusan.audit.models import Action, DeletionCertificate, ObjectType
from zhusan.audit.services import Actor, record

from .models import ItemStatus, LegalHold, RetentionBatch, RetentionItem, RetentionRule


def rules(actor: Actor) -> list[RetentionRule]:
    record(actor, Action.LIST, object_type=ObjectType.RETENTION_RULE)
    return list(RetentionRule.objects.order_by("kind"))


def holds(actor: Actor) -> QuerySet[LegalHold]:
    record(actor, Action.LIST, object_type=ObjectType.LEGAL_HOLD)
    return LegalHold.objects.select_related("placed_by", "lifted_by").order_by("lifted_at", "-placed_at", "-pk")


def get_hold(actor: Actor, uuid: Any) -> LegalHold:
    hold = LegalHold.objects.filter(uuid=uuid).first()
    if hold is None:
        raise Http404
    return hold


def batches(actor: Actor) -> QuerySet[RetentionBatch]:
    record(actor, Action.LIST, object_type=ObjectType.RETENTION_BATCH)
    return (
        RetentionBatch.objects.select_related("approved_by")
        .annotate(
            n_items=Count("items"),
            n_pending=Count("items", filter=Q(items__status=ItemStatus.PENDING)),
            n_deleted=Count("items", filter=Q(items__status=ItemStatus.DELETED)),
        )
        .order_by("-listed_on", "-pk")
    )


def get_batch(actor: Actor, uuid: Any, *, audit: bool = True) -> RetentionBatch:
    batch = RetentionBatch.objects.select_related("approved_by").filter(uuid=uuid).first()
    if batch is None:
        raise Http404
    if audit:
        record(actor, Action.VIEW, object_type=ObjectType.RETENTION_BATCH, object_ref=batch.uuid)
    return batch


def items_of(batch: RetentionBatch) -> QuerySet[RetentionItem]:
    return batch.items.select_related("rule", "certificate", "excluded_by", "person").order_by("case_number", "kind")


def get_item(batch: RetentionBatch, uuid: Any) -> RetentionItem:
    item = batch.items.filter(uuid=uuid).first()
    if item is None:
        raise Http404
    return item


def certificates(actor: Actor) -> QuerySet[DeletionCertificate]:
    record(actor, Action.LIST, object_type=ObjectType.DELETION_CERTIFICATE)
    return DeletionCertificate.objects.order_by("-issued_at", "-pk")


def get_certificate(actor: Actor, uuid: Any, *, action: str = Action.VIEW) -> DeletionCertificate:
    cert = DeletionCertificate.objects.filter(uuid=uuid).first()
    if cert is None:
        raise Http404
    record(actor, action, object_type=ObjectType.DELETION_CERTIFICATE, object_ref=cert.uuid)
    return cert
