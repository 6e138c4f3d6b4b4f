"""Writes on accounts: personal API tokens and break-glass review.

Each function is keyword-only, atomic and writes its audit event.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, record, write_action

from .access import active_grants, has_capability
from .models import BreakGlassAccess, RoleGrant, User
from .permissions import POLICIES, Capability, Scope, policy


@write_action
def api_token_issue(*, actor: Actor, user: User, days: int) -> tuple[AuthToken, str]:
    """A new personal API token for ``user``, valid ``days`` days; the clear token is returned once."""
    max_days = settings.ZHUSAN_API_TOKEN_MAX_DAYS
    if not 1 <= days <= max_days:
        raise ValidationError(_("A token must expire in 1 to %(max)d days.") % {"max": max_days}, code="invalid_days")
    if not has_capability(user, Capability.ISSUE_API_TOKEN):
        raise Denied(
            _("This user may not hold API tokens."),
            actor=actor,
            object_type=ObjectType.API_TOKEN,
            object_ref=user.uuid,
            why="no capability to hold API tokens",
        )
    instance, token = AuthToken.objects.create(user, expiry=timedelta(days=days))
    record(
        actor,
        Action.TOKEN_ISSUED,
        object_type=ObjectType.API_TOKEN,
        object_ref=instance.token_key,
        detail={"user": user.get_username(), "days": days, "expires": instance.expiry.isoformat()},
    )
    return instance, token


@write_action
def api_token_revoke(*, actor: Actor, token: AuthToken) -> None:
    record(
        actor,
        Action.TOKEN_REVOKED,
        object_type=ObjectType.API_TOKEN,
        object_ref=token.token_key,
        detail={"user": token.user.get_username()},
    )
    token.delete()


def break_glass_supervised_by(user: User) -> QuerySet[BreakGlassAccess]:
    """Break-glass entries a supervisor oversees: their organisations' persons, or all."""
    grants = [g for g in active_grants(user) if Capability.SUPERVISE in policy(g.role).capabilities]
    qs = BreakGlassAccess.objects.select_related("user", "person", "reviewed_by").order_by("-started_at")
    if not grants:
        return qs.none()
    if any(g.effective_scope() == Scope.ALL for g in grants):
        return qs
    condition = Q()
    for grant in grants:
        condition |= Q(person__managing_unit__organisation_id=grant.organisation_id)
    return qs.filter(condition)


def break_glass_supervisors(access: BreakGlassAccess) -> list[User]:
    """The supervisors who oversee this emergency access (the inverse of
    ``break_glass_supervised_by``), leaving out the user who opened it."""
    roles = [role for role, pol in POLICIES.items() if Capability.SUPERVISE in pol.capabilities]
    organisation_id = access.person.managing_unit.organisation_id
    found: dict[int, User] = {}
    for grant in RoleGrant.objects.active().filter(role__in=roles, user__is_active=True).select_related("user"):
        if grant.user_id == access.user_id:
            continue
        if grant.effective_scope() == Scope.ALL or grant.organisation_id == organisation_id:
            found[grant.user_id] = grant.user
    return sorted(found.values(), key=lambda u: u.get_username())


def break_glass_notify(access: BreakGlassAccess) -> None:
    """Tell the supervisors an emergency access waits for their review, once
    the access is committed: it is listed on their home page ("My work"), and
    those with an e-mail address get a message through Django's mail API
    (the configured EMAIL_BACKEND; no other service). A failed e-mail is
    logged by the backend and never undoes the access."""

    def send() -> None:
        recipients = [u.email for u in break_glass_supervisors(access) if u.email]
        if not recipients:
            return
        subject = _("Break-the-glass access to %(case)s waits for your review") % {"case": access.person.case_number}
        body = _(
            "%(user)s opened the record %(case)s in an emergency at %(when)s.\n"
            "Reason given: %(reason)s\n\n"
            "Review it under %(path)s (your home page lists every access waiting for review)."
        ) % {
            "user": access.user.get_username(),
            "case": access.person.case_number,
            "when": timezone.localtime(access.started_at).strftime("%Y-%m-%d %H:%M %Z"),
            "reason": access.reason,
            "path": reverse("accounts:break_glass"),
        }
        send_mail(subject, body, None, recipients, fail_silently=True)

    transaction.on_commit(send, robust=True)


@write_action
def break_glass_review(*, actor: Actor, access: BreakGlassAccess) -> BreakGlassAccess:
    """Mark an emergency access as reviewed by the acting supervisor."""
    assert actor.user is not None
    if access.reviewed_at is not None:
        raise ValidationError(_("This access was already reviewed."), code="already_reviewed")
    if access.user_id == actor.user.pk:
        raise ValidationError(_("Another supervisor must review your own emergency access."), code="own_access")
    access.reviewed_by = actor.user
    access.reviewed_at = timezone.now()
    access.save(update_fields=["reviewed_by", "reviewed_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.BREAK_GLASS,
        object_ref=access.uuid,
        person_ref=access.person.uuid,
        changes={"reviewed_at": {"old": None, "new": access.reviewed_at.isoformat()}},
        detail={"reviewed": True},
    )
    return access
