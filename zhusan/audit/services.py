"""Writing and verifying the audit trail.

Every service that reads or writes a person's data calls :func:`record` in
the same transaction as its work, so a rolled-back write leaves no event and
a committed one always has its event.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from zhusan.core.crypto import encrypt

from .models import GENESIS_HASH, Action, AuditEvent, ObjectType

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


def verify_chain(progress: Any = None) -> VerifyResult:
    """Recompute every hash and link; name the first event that does not fit."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in iter_events():
        if event.seq != expected_seq:
            return VerifyResult(False, checked, event.seq, f"sequence gap: expected #{expected_seq}")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "link to the previous event is broken")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, event.seq, "contents do not match the stored hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress()
    return VerifyResult(True, checked)


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
