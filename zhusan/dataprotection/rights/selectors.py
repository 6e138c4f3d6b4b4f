"""Reads of data-subject requests, for the officer and for case staff."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.audit.services import Actor
from zhusan.registry import access
from zhusan.registry.models import Person

from .models import RequestStatus, SubjectRequest
from .services import CASE_COMPARTMENT, is_officer


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def may_handle(user: Any, request: SubjectRequest) -> bool:
    """The officer, or case staff who may write the person (the access path)."""
    if is_officer(user):
        return True
    person = request.person
    return access.may_write(access.access_for(user, person), person, CASE_COMPARTMENT)


def get_request_for_user(actor: Actor, ref: object) -> SubjectRequest:
    """A request the actor may handle, or 404 (the same for one that does not exist)."""
    found = (
        SubjectRequest.objects.select_related("person", "registered_by", "identity_checked_by", "decided_by")
        .filter(uuid=str(ref))
        .first()
        if _is_uuid(ref)
        else None
    )
    if found is None or actor.user is None or not may_handle(actor.user, found):
        raise Http404(_("No such request."))
    return found


def requests_for_officer(show: str = "open") -> QuerySet[SubjectRequest]:
    """Every request, as the officer filters them (no case content: the page
    shows the case number, kind, requester, deadline and identity check)."""
    qs = SubjectRequest.objects.select_related("person").order_by("due_on", "received_on")
    today = timezone.localdate()
    if show == "identity":
        return qs.filter(status=RequestStatus.RECEIVED)
    if show == "decision":
        return qs.filter(status=RequestStatus.IDENTITY_CHECKED)
    if show == "overdue":
        return qs.exclude(status=RequestStatus.ANSWERED).filter(due_on__lt=today)
    if show == "all":
        return qs
    return qs.exclude(status=RequestStatus.ANSWERED)


def requests_of(person: Person) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(person=person).select_related("registered_by").order_by("-received_on")


def waiting_lines(user: Any) -> list[str]:
    """Lines for the officer's home: identity checks, decisions, overdue."""
    from django.utils.translation import ngettext

    today = timezone.localdate()
    open_qs = SubjectRequest.objects.exclude(status=RequestStatus.ANSWERED)
    identity = open_qs.filter(status=RequestStatus.RECEIVED).count()
    decision = open_qs.filter(status=RequestStatus.IDENTITY_CHECKED).count()
    overdue = open_qs.filter(due_on__lt=today).count()
    lines = []
    if identity:
        lines.append(
            ngettext(
                "%(n)d request waits for the identity check", "%(n)d requests wait for the identity check", identity
            )
            % {"n": identity}
        )
    if decision:
        lines.append(
            ngettext("%(n)d request waits for your decision", "%(n)d requests wait for your decision", decision)
            % {"n": decision}
        )
    if overdue:
        lines.append(ngettext("%(n)d request is overdue", "%(n)d requests are overdue", overdue) % {"n": overdue})
    return lines
