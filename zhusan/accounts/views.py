"""Signing in (password, then TOTP), personal API tokens and break-glass supervision."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record

from . import services
from .access import has_capability, home_url_name
from .forms import CodeForm, LoginForm, TokenIssueForm
from .http import AuthenticatedHttpRequest
from .permissions import Capability

View = Callable[..., HttpResponse]


def _next_url(request: HttpRequest) -> str:
    """The ``next`` target if it is a path on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, target: str) -> str:
    return reverse(url_name) + "?" + urlencode({"next": target})


def _is_verified(request: AuthenticatedHttpRequest) -> bool:
    return not settings.ZHUSAN_MFA_REQUIRED or bool(request.user.is_verified())  # type: ignore[attr-defined]  # added by django_otp's OTPMiddleware


def verified_required(view: View) -> View:
    """Pages under /accounts/ are open to unverified sessions; these are not."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_verified(request):
            return redirect(_with_next("accounts:verify", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def _deny(request: HttpRequest, object_type: ObjectType, why: str) -> PermissionDenied:
    record(Actor.from_request(request), Action.PERMISSION_DENIED, object_type=object_type, detail={"why": why})
    return PermissionDenied(why)


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


# ---------------------------------------------------------------- home


@never_cache
@verified_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/``: each role's own home ("My work" for case staff, the reports for
    the analyst, the audit trail for the auditor, configuration for the
    system administrator)."""
    return redirect(home_url_name(request.user))


# ---------------------------------------------------------------- sign in


@login_not_required
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Through authenticate() so that django-axes counts failures and locks out.
        user = auth.authenticate(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            auth.login(request, user)
            target = _next_url(request)
            if not settings.ZHUSAN_MFA_REQUIRED:
                return redirect(target)
            if _confirmed_device(user) is None:
                return redirect(_with_next("accounts:enrol", target))
            return redirect(_with_next("accounts:verify", target))
        form.add_error(None, _("User name or password is not correct."))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    target = _next_url(request)
    if _is_verified(request):
        return redirect(target)
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:enrol", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _throttle = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes in a row. Wait a few seconds, then try again."))
        elif device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(target)
        else:
            form.add_error("code", _("That code is not correct. Check that your phone's clock is right and try again."))
        record(
            Actor.from_request(request), Action.MFA_FAILED, object_type=ObjectType.USER, object_ref=request.user.uuid
        )
    return render(request, "accounts/verify.html", {"form": form, "next": target})


@never_cache
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """First sign-in: pair an authenticator app. Only for users without a confirmed device."""
    target = _next_url(request)
    user = request.user
    if _confirmed_device(user) is not None:
        # A password alone must never be enough to add a second device.
        return redirect(_with_next("accounts:verify", target))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(
                    Actor.from_request(request),
                    Action.MFA_ENROLLED,
                    object_type=ObjectType.USER,
                    object_ref=user.uuid,
                )
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(target)
        form.add_error("code", _("That code is not correct. Scan the picture again and enter the new code."))
        record(
            Actor.from_request(request),
            Action.MFA_FAILED,
            object_type=ObjectType.USER,
            object_ref=user.uuid,
            detail={"enrolment": True},
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": target,
        "qr": segno.make(device.config_url).svg_data_uri(scale=4),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/enrol.html", context)


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# ---------------------------------------------------------------- API tokens


@never_cache
@verified_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_issue = has_capability(request.user, Capability.ISSUE_API_TOKEN)
    form = TokenIssueForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if not may_issue:
            raise _deny(request, ObjectType.API_TOKEN, "no capability to issue API tokens")
        if form.is_valid():
            try:
                _instance, new_token = services.api_token_issue(
                    actor=Actor.from_request(request),
                    user=request.user,
                    days=form.cleaned_data["days"],
                )
            except ValidationError as exc:
                form.add_error("days", exc)
            else:
                form = TokenIssueForm()
    context = {
        "tokens": AuthToken.objects.filter(user=request.user).order_by("-created"),
        "form": form,
        "may_issue": may_issue,
        "new_token": new_token,
        "max_days": settings.ZHUSAN_API_TOKEN_MAX_DAYS,
    }
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@require_POST
@verified_required
def token_revoke(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    found = list(AuthToken.objects.filter(user=request.user, token_key=key))
    if not found:
        raise Http404("No such token")
    for token in found:
        services.api_token_revoke(actor=Actor.from_request(request), token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


# ---------------------------------------------------------------- break-glass supervision


@verified_required
def break_glass_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.SUPERVISE):
        raise _deny(request, ObjectType.BREAK_GLASS, "no capability to supervise")
    entries = services.break_glass_supervised_by(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        entries = entries.filter(reviewed_at__isnull=True)
    record(Actor.from_request(request), Action.LIST, object_type=ObjectType.BREAK_GLASS, detail={"show": show})
    return render(request, "accounts/break_glass.html", {"entries": entries, "show": show})


@require_POST
@verified_required
def break_glass_review(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    if not has_capability(request.user, Capability.SUPERVISE):
        raise _deny(request, ObjectType.BREAK_GLASS, "no capability to supervise")
    access = services.break_glass_supervised_by(request.user).filter(uuid=ref).first()
    if access is None:
        raise Http404("No such access")
    try:
        services.break_glass_review(actor=Actor.from_request(request), access=access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect("accounts:break_glass")
