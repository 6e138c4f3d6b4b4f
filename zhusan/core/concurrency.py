"""Optimistic concurrency for VersionedModel rows."""

from __future__ import annotations

from typing import Any

from django.db import models


class StaleVersionError(Exception):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, instance: models.Model, expected: int, current: int | None) -> None:
        self.instance = instance
        self.expected = expected
        self.current = current
        super().__init__(
            f"{instance._meta.verbose_name} was changed by someone else "
            f"(you edited version {expected}, it is now version {current}); reload and try again"
        )


def save_versioned(instance: Any, *, expected_version: int, fields: list[str]) -> None:
    """Write ``fields`` of ``instance`` only if its stored version is ``expected_version``.

    The check and the write are one UPDATE statement, so it holds under
    concurrent requests on SQLite and PostgreSQL alike.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        from django.utils import timezone

        instance.updated_at = timezone.now()
        values["updated_at"] = instance.updated_at
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values
    )
    if updated != 1:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise StaleVersionError(instance, expected_version, current)
    instance.version = expected_version + 1


def check_version(instance: Any, expected_version: int) -> None:
    """Raise ``StaleVersionError`` unless the stored row still has ``expected_version``
    (read before validating, so a stale form is refused before anything is checked)."""
    current = type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise StaleVersionError(instance, expected_version, current)
