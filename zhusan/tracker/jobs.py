"""The tracker's daily job (``zhusan.core.schedule``): publish what is due."""

from __future__ import annotations

from zhusan.core.schedule import daily

from . import services


@daily("tracker.publish_due")
def publish_due() -> None:
    services.publish_due()
