"""Slow after-registration and after-consent handlers, as tasks of the queue.

The queue is Django's task framework (``django_tasks``) with the database
backend (``django_tasks_db``): a task survives a restart of the web process,
and ``zhusan worker`` runs it (``make demo`` starts one); a handler whose
worker stopped in the middle runs again. Tests run tasks
immediately (``settings_test``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_tasks import task

from zhusan.accounts.models import User
from zhusan.audit.services import Actor
from zhusan.core.workers import retried_after_worker_stops

from .extensions import handler_named, run_handler
from .models import Consent, Person

if TYPE_CHECKING:
    from .extensions import Handler


def enqueue_handler(handler: Handler, actor: Actor, person: Person, consent: Consent | None) -> None:
    run_person_handler.enqueue(
        handler=handler.name,
        person=str(person.uuid),
        consent=str(consent.uuid) if consent is not None else "",
        actor={
            "user": actor.user.pk if actor.user is not None else None,
            "ip": actor.ip,
            "user_agent": actor.user_agent,
            "path": actor.path,
            "via": actor.via,
        },
    )


@task()
def run_person_handler(*, handler: str, person: str, consent: str, actor: dict[str, Any]) -> None:
    """Run one handler for a person registered (or a consent recorded) earlier,
    as the user who did it."""
    who = User.objects.filter(pk=actor.pop("user")).first() if actor.get("user") else None
    actor.pop("user", None)
    subject = Person.objects.get(uuid=person)
    recorded = Consent.objects.get(uuid=consent) if consent else None
    run_handler(handler_named(handler), Actor(user=who, **actor), subject, recorded)


# A handler must be safe to run twice for the same person (matching's
# proposals and tracing matches are each stored once per pair): when the
# worker stops in the middle, the handler runs again (core.workers).
retried_after_worker_stops(run_person_handler)
