"""A member of staff's home: what waits for them today."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability, policy
from zhusan.audit.services import Actor
from zhusan.registry import extensions

from . import selectors


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The "My work" page: assigned cases, emergency accesses to review (supervisors)
    and the panels other apps add (``registry.extensions.my_work_panel``)."""
    user = request.user
    actor = Actor.from_request(request)
    reads_persons = any(policy(g.role).read for g in active_grants(user))
    cases, case_count = selectors.assigned_cases(actor) if reads_persons else ([], 0)
    to_review = selectors.break_glass_to_review(user)
    return render(
        request,
        "mywork/home.html",
        {
            "reads_persons": reads_persons,
            "has_roles": bool(active_grants(user)),
            "cases": cases,
            "case_count": case_count,
            "break_glass": list(to_review[:20]) if to_review is not None else None,
            "break_glass_count": to_review.count() if to_review is not None else 0,
            "panels": extensions.work_panels_for(actor),
            "can_create": has_capability(user, Capability.CREATE_PERSON),
        },
    )
