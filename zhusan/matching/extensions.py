"""How matching plugs into the registry's extension points (called once, from
``MatchingConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.registry import extensions as registry
from zhusan.registry.access import visible_to
from zhusan.registry.models import Person

from . import services, work
from .candidates import query_from_input
from .models import DuplicateCandidate, DuplicateStatus


def register() -> None:
    # Scoring a new person against everyone the user sees takes about half a
    # second: off the request.
    registry.after_person_registered("matching.propose_duplicates", slow=True)(
        services.propose_duplicates_of_new_person
    )
    registry.after_person_registered("matching.trace_new_person", slow=True)(services.trace_new_person)
    registry.after_consent_recorded("matching.trace_after_consent", slow=True)(services.trace_after_consent)
    # The pair that was decided, and the merge itself, are history: they keep
    # naming the two records as they were.
    why = "the record of a decision about these two records"
    registry.merge_exclusion("matching.DuplicateCandidate.person_a", why=why)
    registry.merge_exclusion("matching.DuplicateCandidate.person_b", why=why)
    registry.merge_exclusion("matching.MergeRecord.survivor", why="the merge itself: undo needs both records")
    registry.merge_exclusion("matching.MergeRecord.merged", why="the merge itself: undo needs both records")
    registry.person_notices(duplicate_notices)
    registry.likely_existing_check(lambda actor, data: services.likely_existing(actor, query_from_input(data)))
    registry.my_work_panel(work.duplicates_panel)
    registry.my_work_panel(work.tracing_panel)


def duplicate_notices(user: Any, person: Person) -> list[registry.Notice]:
    """Open duplicate candidates of this person, for a reviewer who sees both records."""
    if not has_capability(user, Capability.REVIEW_MATCHES):
        return []
    visible = visible_to(user).values("pk")
    count = DuplicateCandidate.objects.filter(
        Q(person_a=person) | Q(person_b=person),
        status=DuplicateStatus.OPEN,
        person_a__in=visible,
        person_b__in=visible,
    ).count()
    if not count:
        return []
    text = ngettext(
        "%(n)d possible duplicate of this record waits for review.",
        "%(n)d possible duplicates of this record wait for review.",
        count,
    ) % {"n": count}
    return [registry.Notice(text=text, url=reverse("matching:duplicate_list"), link_text=_("Review them"))]
