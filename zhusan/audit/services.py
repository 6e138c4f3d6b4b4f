"""Writing and verifying the audit trail.

Every service that reads or writes a person's data calls :func:`record` in
the same transaction as its work, so a rolled-back write leaves no event and
a committed one always has its event.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from zhusan.core.crypto import encrypt

from .models import (
    GENESIS_HASH,
    REDACTED_KEY,
    Action,
    AuditEvent,
    DeletionCertificate,
    ObjectType,
    is_redaction_marker,
)

if TYPE_CHECKING:
    from zhusan.accounts.models import User

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; passed to every service."""

    user: User | None
    ip: str = ""
    user_agent: str = ""
    path: str = ""
    via: str = "ui"
    break_glass: bool = field(default=False)

    @classmethod
    def from_request(cls, request: HttpRequest, *, via: str = "ui") -> Actor:
        # A request that has not passed AuthenticationMiddleware (a test
        # client's force_login, say) has no user yet.
        request_user = getattr(request, "user", None)
        user = request_user if request_user is not None and request_user.is_authenticated else None
        return cls(
            user=user,
            ip=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=request.get_full_path()[:500],
            via=via,
        )

    @classmethod
    def system(cls, what: str, user: User | None = None) -> Actor:
        return cls(user=user, path=what[:500], via="cli")


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: forwarded headers are client-controlled unless a
    # trusted proxy rewrites them, and that is configured at the proxy.
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _lock_chain() -> None:
    """Serialise appends so two events never claim the same predecessor."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7401290012)")
    # SQLite: every transaction is BEGIN IMMEDIATE (settings), which already
    # holds the database's single write lock.


# Set on the user object by the access path (``registry.access``): the
# persons the user reaches only through break-the-glass, as UUID strings. It
# lives as long as the user object, i.e. one request, like the grants memo.
_BREAK_GLASS_MEMO = "_zhusan_break_glass_persons"


def note_access(user: User | Any, person_ref: object, *, via_break_glass: bool) -> None:
    """Tell the trail how ``user`` reaches a person, so that every event this
    user then produces about the person carries the break-the-glass mark,
    whichever service or view writes it."""
    marked: set[str] | None = getattr(user, _BREAK_GLASS_MEMO, None)
    if marked is None:
        if not via_break_glass:
            return
        marked = set()
        setattr(user, _BREAK_GLASS_MEMO, marked)
    if via_break_glass:
        marked.add(str(person_ref))
    else:
        marked.discard(str(person_ref))


def _via_break_glass(actor: Actor, person_ref: object) -> bool:
    if actor.break_glass:
        return True
    marked: set[str] = getattr(actor.user, _BREAK_GLASS_MEMO, None) or set()
    return bool(person_ref) and str(person_ref) in marked


# The head of the chain (seq, hash) this transaction last appended, with a
# no-op commit hook registered in the savepoints that hold that event, and the
# DB-API connection. While the hook is still pending, neither has the
# transaction ended nor has a savepoint holding the event been rolled back
# (Django drops a rolled-back savepoint's hooks), so the event is the chain's
# head and the chain lock taken before it is still held: the next event needs
# neither the lock nor a read.
#
# One hook serves every event written in the savepoints it was registered in
# (or in fewer of them, once inner ones are released): a rollback that removes
# such an event removes the hook too. Only an event written in a savepoint the
# hook does not know registers a new one, and removes the one before it. (A
# hook per event made a load of 40,000 events keep 40,000 hooks, which Django
# walks on every savepoint rollback.)
_HEAD = "_zhusan_audit_head"


@dataclass
class _Head:
    seq: int
    hash: str
    hook: Callable[[], None]
    savepoints: frozenset[str | None]  # the savepoints the hook was registered in
    at: int  # where the hook was in ``run_on_commit``
    dbapi: object


def _pending(head: _Head) -> bool:
    """Whether ``head``'s hook is still pending (Django keeps (savepoint ids,
    hook, robust) per pending hook, in order; entries before it may have gone)."""
    hooks = connection.run_on_commit
    if head.at < len(hooks) and hooks[head.at][1] is head.hook:
        return True
    for at in range(min(head.at, len(hooks) - 1), -1, -1):
        if hooks[at][1] is head.hook:
            head.at = at
            return True
    return False


def _current_head() -> _Head | None:
    head: _Head | None = getattr(connection, _HEAD, None)
    if head is None or not connection.in_atomic_block or head.dbapi is not connection.connection:
        return None
    return head if _pending(head) else None


def _head_of_transaction() -> tuple[int, str] | None:
    head = _current_head()
    return (head.seq, head.hash) if head is not None else None


def _head_written(event: AuditEvent) -> None:
    """Called after the event's own savepoint is released, in its caller's."""
    if not connection.in_atomic_block:
        return  # committed already: the next event reads the head
    savepoints = frozenset(connection.savepoint_ids)
    head = _current_head()
    if head is not None and savepoints <= head.savepoints:
        head.seq, head.hash = event.seq, event.hash
        return

    def hook() -> None:
        """Marks the event as this transaction's head while pending (see ``_HEAD``)."""

    if head is not None:
        # The new hook marks the head from now on: the old one, a no-op, goes,
        # so that a transaction keeps one hook, not one per service it ran.
        del connection.run_on_commit[head.at]
    transaction.on_commit(hook)
    at = len(connection.run_on_commit) - 1
    setattr(connection, _HEAD, _Head(event.seq, event.hash, hook, savepoints, at, connection.connection))


def record(
    actor: Actor,
    action: Action | str,
    *,
    object_type: ObjectType | str = "",
    object_ref: object = "",
    person_ref: object = "",
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    with transaction.atomic():
        last = _head_of_transaction()
        if last is None:
            _lock_chain()
            last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        user = actor.user
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            actor_id=user.pk if user else None,
            actor_username=(user.get_username() if user else username)[:150],
            action=str(action),
            # One name per kind of record: an unknown type is a programming error.
            object_type=ObjectType(object_type).value if object_type else "",
            object_ref=str(object_ref or ""),
            person_ref=str(person_ref or ""),
            ip=actor.ip,
            user_agent=actor.user_agent,
            path=actor.path,
            via=actor.via,
            changes=changes or {},
            detail={**(detail or {}), **({"break_glass": True} if _via_break_glass(actor, person_ref) else {})},
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    _head_written(event)
    return event


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "pk"):
        return str(getattr(value, "uuid", value.pk))
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any], *, sensitive: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """Changed fields as ``{field: {"old": …, "new": …}}``.

    Values of sensitive fields are stored encrypted, never in clear.
    """
    sensitive = set(sensitive)
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old == new:
            continue
        if key in sensitive:
            out[key] = {
                "old": None if old in (None, "") else encrypt(str(old)),
                "new": None if new in (None, "") else encrypt(str(new)),
                "encrypted": True,
            }
        else:
            out[key] = {"old": old, "new": new}
    return out


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def _redactions() -> dict[int, tuple[int, dict[str, Any]]]:
    """Every redaction the trail records: redacted seq → (seq of the deletion
    event that redacted it, what that event says of it)."""
    out: dict[int, tuple[int, dict[str, Any]]] = {}
    deletions = AuditEvent.objects.filter(action=Action.DELETE, object_type=ObjectType.DELETION_CERTIFICATE)
    for seq, detail in deletions.values_list("seq", "detail"):
        for redacted, entry in ((detail or {}).get("redacted") or {}).items():
            if str(redacted).isdigit() and isinstance(entry, dict):
                out[int(redacted)] = (seq, entry)
    return out


def verify_chain(progress: Any = None) -> VerifyResult:
    """Recompute every hash and link; name the first event that does not fit.

    A redacted event (its ``changes`` and ``detail`` removed by a deletion)
    cannot have its hash recomputed: it passes only when a later deletion
    event of the chain names it, with the hash it had and the digest of every
    column the redaction kept, and those still match."""
    redactions = _redactions()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in iter_events():
        if event.seq != expected_seq:
            return VerifyResult(False, checked, event.seq, f"sequence gap: expected #{expected_seq}")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "link to the previous event is broken")
        if event.compute_hash() != event.hash:
            why = _redaction_problem(event, redactions.get(event.seq))
            if why:
                return VerifyResult(False, checked, event.seq, why)
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress()
    return VerifyResult(True, checked)


def _redaction_problem(event: AuditEvent, named: tuple[int, dict[str, Any]] | None) -> str:
    if not is_redaction_marker(event.changes, event.detail):
        return "contents do not match the stored hash"
    if named is None or named[0] != event.detail.get(REDACTED_KEY) or named[0] <= event.seq:
        return "redacted, but no later deletion event names the redaction"
    entry = named[1]
    if entry.get("hash") != event.hash or entry.get("frame") != frame_digest(event):
        return "redacted, and what the redaction kept does not match its deletion event"
    return ""


def canonical(value: Any) -> bytes:
    """The one serialisation that is hashed and signed (sorted keys, UTF-8)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def frame_digest(event: AuditEvent) -> str:
    """The digest of every column a redaction keeps (all but changes and detail)."""
    kept = {k: v for k, v in event.payload().items() if k not in ("changes", "detail")}
    return sha256({**kept, "hash": event.hash})


def certificate_key() -> bytes:
    """The key deletion certificates are signed with (HMAC-SHA256):
    ``ZHUSAN_CERTIFICATE_KEY`` from the environment (or settings); without
    one, a key derived from ``SECRET_KEY`` (documented as a fallback only)."""
    key = os.environ.get("ZHUSAN_CERTIFICATE_KEY") or getattr(settings, "ZHUSAN_CERTIFICATE_KEY", "")
    if key:
        return str(key).encode("utf-8")
    return hashlib.sha256(b"zhusan-deletion-certificate:" + settings.SECRET_KEY.encode("utf-8")).digest()


def sign(body: dict[str, Any]) -> str:
    return hmac.new(certificate_key(), canonical(body), hashlib.sha256).hexdigest()


def record_deletion(
    actor: Actor,
    *,
    body: dict[str, Any],
    person_ref: object = "",
    redact: Any = None,
) -> DeletionCertificate:
    """Write the proof of a deletion: a signed certificate of ``body`` (kinds,
    counts, digest of what was removed, rule, approval; never content), one
    deletion event naming it, and the redaction of the events ``redact`` (a
    queryset of AuditEvent) whose changes and detail described the removed
    rows. Call it in the transaction that deletes the rows."""
    with transaction.atomic():
        _lock_chain()
        targets = list(
            (redact if redact is not None else AuditEvent.objects.none())
            .exclude(object_type=ObjectType.DELETION_CERTIFICATE)
            .order_by("seq")
        )
        targets = [e for e in targets if not is_redaction_marker(e.changes, e.detail)]
        entries = {
            str(e.seq): {
                "hash": e.hash,
                "frame": frame_digest(e),
                "removed": sha256({"changes": e.changes, "detail": e.detail}),
            }
            for e in targets
        }
        now = timezone.now()
        ident = uuid.uuid4()
        signed = {
            **body,
            "certificate": str(ident),
            "issued_at": now.isoformat(),
            "redacted_events": len(entries),
            "redacted_digest": sha256(entries),
        }
        certificate = DeletionCertificate(uuid=ident, issued_at=now, body=signed, signature=sign(signed))
        event = record(
            actor,
            Action.DELETE,
            object_type=ObjectType.DELETION_CERTIFICATE,
            object_ref=ident,
            person_ref=person_ref,
            detail={
                "certificate": str(ident),
                "certificate_sha256": sha256(signed),
                "kinds": body.get("kinds", []),
                "counts": body.get("counts", {}),
                "rule": body.get("rule", ""),
                "approval": body.get("approval", {}),
                "redacted": entries,
            },
        )
        for target in targets:
            AuditEvent.objects.filter(pk=target.pk).update(changes={}, detail={REDACTED_KEY: event.seq})
        certificate.event_seq = event.seq
        certificate.save(force_insert=True)
        return certificate


def verify_certificates() -> list[str]:
    """Problems with the deletion certificates: a signature that does not
    match, a certificate its deletion event does not name, a deletion event
    without its certificate. Empty when every one checks."""
    problems: list[str] = []
    events = {
        e.object_ref: e
        for e in AuditEvent.objects.filter(action=Action.DELETE, object_type=ObjectType.DELETION_CERTIFICATE)
    }
    seen: set[str] = set()
    for cert in DeletionCertificate.objects.order_by("pk"):
        ref = str(cert.uuid)
        seen.add(ref)
        if not hmac.compare_digest(sign(cert.body), cert.signature):
            problems.append(f"certificate {ref}: the signature does not match its contents")
        event = events.get(ref)
        if event is None or event.seq != cert.event_seq:
            problems.append(f"certificate {ref}: no deletion event of the trail names it")
        elif event.detail.get("certificate_sha256") != sha256(cert.body):
            problems.append(f"certificate {ref}: differs from what its deletion event #{event.seq} recorded")
    for ref, event in events.items():
        if ref not in seen:
            problems.append(f"deletion event #{event.seq}: its certificate {ref} is missing")
    return problems


class Denied(PermissionDenied):
    """A refusal that must be audited even though the write it refused rolls back."""

    def __init__(
        self,
        message: str,
        *,
        actor: Actor,
        object_type: ObjectType | str = "",
        object_ref: object = "",
        person_ref: object = "",
        why: str = "",
    ) -> None:
        super().__init__(message)
        self.actor = actor
        self.object_type = object_type
        self.object_ref = object_ref
        self.person_ref = person_ref
        self.why = why or message


_depth = threading.local()


def write_action(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a service atomically; if it refuses with :class:`Denied`, record the
    denial after the outermost service has rolled back, so it survives."""

    @functools.wraps(fn)
    def inner(*args: P.args, **kwargs: P.kwargs) -> T:
        _depth.n = getattr(_depth, "n", 0) + 1
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except Denied as exc:
            if _depth.n == 1:
                record(
                    exc.actor,
                    Action.PERMISSION_DENIED,
                    object_type=exc.object_type,
                    object_ref=exc.object_ref,
                    person_ref=exc.person_ref,
                    detail={"why": exc.why},
                )
            raise
        finally:
            _depth.n -= 1

    return inner
