"""What this app registers at the registry's extension points."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _waiting(user: Any) -> list[str]:
    from .models import BatchStatus, ItemStatus, RetentionItem

    n = RetentionItem.objects.filter(status=ItemStatus.PENDING, batch__status=BatchStatus.WAITING).count()
    return [_("%(n)d retention items wait for your approval.") % {"n": n}] if n else []


def _deletions_by_rule(query: Any) -> list[Any]:
    """Deletions certified in the period, by rule (retention kinds) or erasure request."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from .figures import Figure, Line
    from .models import ItemSource, ItemStatus, RecordKind, RetentionItem

    done = RetentionItem.objects.filter(status=ItemStatus.DELETED, certificate__isnull=False)
    tz = timezone.get_current_timezone()
    if query.start:
        done = done.filter(certificate__issued_at__gte=datetime.combine(query.start, time.min, tzinfo=tz))
    if query.end:
        end = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=tz)
        done = done.filter(certificate__issued_at__lt=end)
    rows = list(done.values_list("kind", "source", "uuid"))
    lines = [
        Line.of(label, [u for k, s, u in rows if k == kind and s == ItemSource.RETENTION])
        for kind, label in RecordKind.choices
    ]
    lines.append(Line.of(gettext_lazy("Erasure requests"), [u for _k, s, u in rows if s == ItemSource.ERASURE]))
    return [
        Figure(
            code="deletions_by_rule",
            title=gettext_lazy("Deletions by retention rule"),
            description=gettext_lazy("Certified deletions in the period: one per person and kind of record."),
            lines=lines,
            order=30,
            total=True,
        )
    ]


def register() -> None:
    """Called once from `AppConfig.ready`."""
    from . import figures, home, tasks  # noqa: F401 - tasks declares the daily job

    figures.figure_provider("dataprotection.deletions_by_rule", _deletions_by_rule)

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
