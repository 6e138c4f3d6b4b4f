"""Signing test clients in, with or without the real TOTP step."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhusan.accounts.models import User


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show right now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(current_code(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def sign_in(client: Client, user: User) -> Client:
    """A session that passed both password and second factor (without the HTTP round trips)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client
