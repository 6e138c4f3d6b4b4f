"""Encryption at rest for fields of the "severe" sensitivity class, and for
files that name persons (handover scans).

Uses Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography`` behind
MultiFernet so keys rotate: the first key in FIELD_ENCRYPTION_KEYS encrypts,
every key decrypts. Encrypted fields cannot be searched or sorted by the
database; that is the point.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"
BINARY_PREFIX = PREFIX.encode("ascii")


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        raise ValueError("value is not an encrypted token")
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEYS") from exc


def encrypt_bytes(value: bytes) -> bytes:
    return BINARY_PREFIX + fernet().encrypt(value)


def decrypt_bytes(value: bytes) -> bytes:
    if not value.startswith(BINARY_PREFIX):
        raise ValueError("value is not an encrypted token")
    try:
        return fernet().decrypt(value[len(BINARY_PREFIX) :])
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEYS") from exc


class EncryptedTextField(models.TextField[Any, str]):
    """A text field stored encrypted; Python code sees plain text."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


class EncryptedBinaryField(models.BinaryField[Any, bytes]):
    """Bytes (a scanned file, say) stored encrypted; Python code sees the plain bytes.

    The column holds ``fernet:<token>`` as bytes, about a third larger than
    the content (the token is base64)."""

    description = "Bytes encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        if value is None:
            return None
        raw = bytes(value)  # PostgreSQL gives a memoryview, SQLite bytes
        return decrypt_bytes(raw) if raw else raw

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return value
        raw = bytes(value)
        return encrypt_bytes(raw) if raw else raw
