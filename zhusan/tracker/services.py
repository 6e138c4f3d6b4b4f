"""Publishing targets and publications: keyword-only, typed, audited.

Who: holders of both ``VIEW_AGGREGATES`` and ``MANAGE_OPERATIONS`` (the
programme manager): seeing the aggregates is not enough to send them out of
the system, and managing operations is not enough to see them.

Where: a folder must lie under ``ZHUSAN_PUBLISH_ROOT`` (checked when the
target is saved and again, after resolving links, at each publication); an
endpoint must be http(s) and receives the file by POST.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import StaleVersionError, save_versioned

from .aggregate import FILENAME, aggregate_file, aggregate_lines, header_index
from .models import Publication, PublicationStatus, PublishTarget, Schedule, TargetKind, Trigger

logger = logging.getLogger(__name__)
POST_TIMEOUT = 30
PUBLISHER_CAPABILITIES = (Capability.VIEW_AGGREGATES, Capability.MANAGE_OPERATIONS)


def may_publish(user: Any) -> bool:
    return all(has_capability(user, capability) for capability in PUBLISHER_CAPABILITIES)


def require_publisher(actor: Actor, *, object_type: ObjectType = ObjectType.PUBLISH_TARGET, ref: object = "") -> None:
    if actor.user is None or not may_publish(actor.user):
        raise Denied(
            _("Only programme managers (who see the aggregates and manage operations) may publish."),
            actor=actor,
            object_type=object_type,
            object_ref=ref,
            why="missing view_aggregates or manage_operations",
        )


def publish_root() -> Path:
    """``ZHUSAN_PUBLISH_ROOT``, else ``var/publish`` of the installation."""
    configured = getattr(settings, "ZHUSAN_PUBLISH_ROOT", None)
    root = Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "publish"
    return root.resolve()


def resolve_folder(folder: str) -> Path:
    """The folder as an absolute path under the root, or ValidationError."""
    text = folder.strip()
    root = publish_root()
    if not text:
        raise ValidationError({"folder": _("Give a folder under the publishing root.")})
    if Path(text).is_absolute() or text.startswith("~"):
        raise ValidationError(
            {"folder": _("Give the folder relative to the publishing root (%(root)s).") % {"root": root}}
        )
    path = (root / text).resolve()
    if path != root and root not in path.parents:
        raise ValidationError(
            {"folder": _("This folder lies outside the publishing root (%(root)s).") % {"root": root}}
        )
    return path


def _check_url(url: str) -> str:
    text = url.strip()
    if not text.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": _("The endpoint must be an http:// or https:// address.")})
    return text


def _clean(*, name: str, kind: str, folder: str, url: str, schedule: str, weekday: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": name.strip(), "kind": kind, "schedule": schedule, "folder": "", "url": ""}
    if not values["name"]:
        errors["name"] = _("Give the target a name.")
    if kind not in TargetKind.values:
        errors["kind"] = _("Choose a folder or an endpoint.")
    try:
        if kind == TargetKind.FOLDER:
            resolve_folder(folder)
            values["folder"] = folder.strip()
        elif kind == TargetKind.ENDPOINT:
            values["url"] = _check_url(url)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if schedule not in Schedule.values:
        errors["schedule"] = _("Choose a schedule.")
    if schedule == Schedule.WEEKLY and weekday is None:
        errors["weekday"] = _("Choose the day of the week.")
    values["weekday"] = weekday if schedule == Schedule.WEEKLY else None
    if errors:
        raise ValidationError(errors)
    return values


@write_action
def target_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    folder: str = "",
    url: str = "",
    schedule: str = Schedule.MANUAL,
    weekday: int | None = None,
) -> PublishTarget:
    require_publisher(actor)
    values = _clean(name=name, kind=kind, folder=folder, url=url, schedule=schedule, weekday=weekday)
    target = PublishTarget(**values, created_by=actor.user)
    target.full_clean()
    target.save()
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.PUBLISH_TARGET,
        object_ref=target.uuid,
        changes=diff({}, {k: values[k] for k in ("name", "kind", "folder", "url", "schedule", "weekday")}),
    )
    return target


@write_action
def target_update(
    *,
    actor: Actor,
    target: PublishTarget,
    expected_version: int,
    name: str,
    kind: str,
    folder: str = "",
    url: str = "",
    schedule: str = Schedule.MANUAL,
    weekday: int | None = None,
    active: bool = True,
) -> PublishTarget:
    require_publisher(actor, ref=target.uuid)
    current = PublishTarget.objects.filter(pk=target.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise StaleVersionError(target, expected_version, current)
    values = _clean(name=name, kind=kind, folder=folder, url=url, schedule=schedule, weekday=weekday)
    values["active"] = active
    fields = ["name", "kind", "folder", "url", "schedule", "weekday", "active"]
    before = {f: getattr(target, f) for f in fields}
    for field, value in values.items():
        setattr(target, field, value)
    target.full_clean()
    save_versioned(target, expected_version=expected_version, fields=fields)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PUBLISH_TARGET,
        object_ref=target.uuid,
        changes=diff(before, {f: getattr(target, f) for f in fields}),
    )
    return target


def _send(target: PublishTarget, content: bytes) -> str:
    """Deliver ``content``; the detail of the result. Raises OSError/ValidationError on failure."""
    if target.kind == TargetKind.FOLDER:
        folder = resolve_folder(target.folder)  # again: a link may have been changed since
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILENAME
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(path)
        return str(path)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked (_check_url)
        _check_url(target.url),
        data=content,
        method="POST",
        headers={"Content-Type": "text/csv; charset=utf-8", "User-Agent": "zhusan-publisher"},
    )
    with urllib.request.urlopen(request, timeout=POST_TIMEOUT) as response:  # noqa: S310
        return f"HTTP {response.status}"


def publish(*, actor: Actor, target: PublishTarget, trigger: str = Trigger.MANUAL) -> Publication:
    """Publish the aggregate (exactly what the preview shows) to ``target``.

    The delivery's failure is not an exception: it is recorded on the
    publication (status ``failed`` with the reason) and in the audit trail."""
    if trigger == Trigger.MANUAL:
        require_publisher(actor, object_type=ObjectType.PUBLICATION, ref=target.uuid)
    lines = aggregate_lines()
    text = aggregate_file(lines)
    content = text.encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    data_rows = len(lines) - header_index(lines) - 2
    try:
        detail = _send(target, content)
        status = PublicationStatus.PUBLISHED
    except ValidationError as error:
        status, detail = PublicationStatus.FAILED, "; ".join(error.messages)
    except OSError as error:
        logger.warning("publishing to %s failed: %s", target.destination, error)
        status, detail = PublicationStatus.FAILED, f"{type(error).__name__}: {error}"
    with transaction.atomic():
        publication = Publication.objects.create(
            target=target,
            destination=target.destination,
            trigger=trigger,
            published_by=actor.user,
            status=status,
            detail=detail[:500],
            data_rows=data_rows,
            sha256=digest,
            content=text,
        )
        record(
            actor,
            Action.EXPORT,
            object_type=ObjectType.PUBLICATION,
            object_ref=publication.uuid,
            detail={
                "target": str(target.uuid),
                "destination": target.destination,
                "kind": target.kind,
                "trigger": trigger,
                "status": status,
                "result": detail[:500],
                "sha256": digest,
                "data_rows": data_rows,
            },
        )
    return publication


def due(target: PublishTarget, today: date) -> bool:
    """Whether the schedule asks for a publication today that has not been made."""
    if not target.active or target.schedule == Schedule.MANUAL:
        return False
    if target.schedule == Schedule.WEEKLY and today.weekday() != target.weekday:
        return False
    return not target.publications.filter(
        trigger=Trigger.SCHEDULE, status=PublicationStatus.PUBLISHED, created_at__date=today
    ).exists()


def publish_due(today: date | None = None) -> list[Publication]:
    """The daily job: publish to every target whose schedule is due today (idempotent)."""
    today = today or timezone.localdate()
    actor = Actor.system("tracker.publish_due")
    return [
        publish(actor=actor, target=target, trigger=Trigger.SCHEDULE)
        for target in PublishTarget.objects.filter(active=True).exclude(schedule=Schedule.MANUAL)
        if due(target, today)
    ]
