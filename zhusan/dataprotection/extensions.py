"""What this app registers at the registry's extension points."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _waiting(user: Any) -> list[str]:
    from .models import BatchStatus, ItemStatus, RetentionItem

    n = RetentionItem.objects.filter(status=ItemStatus.PENDING, batch__status=BatchStatus.WAITING).count()
    return [_("%(n)d retention items wait for your approval.") % {"n": n}] if n else []


def register() -> None:
    """Called once from `AppConfig.ready`."""
    from . import home, tasks  # noqa: F401 - tasks declares the daily job

    home.section(
        "retention",
        home.Section(
            title=gettext_lazy("Retention and deletion"),
            description=gettext_lazy(
                "Retention rules per kind of record, legal holds, batches of what is due waiting for your "
                "approval, and the signed certificates of every deletion."
            ),
            links=(
                (gettext_lazy("Batches"), "dataprotection:batches"),
                (gettext_lazy("Retention rules"), "dataprotection:rules"),
                (gettext_lazy("Legal holds"), "dataprotection:holds"),
                (gettext_lazy("Deletion certificates"), "dataprotection:certificates"),
            ),
            order=10,
            waiting=_waiting,
        ),
    )
