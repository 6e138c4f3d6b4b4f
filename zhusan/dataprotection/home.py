"""The data-protection officer's home page: one section per part of the
package (retention and deletion, data-subject requests and sealing, sharing
agreements, breaches and impact assessments). Each part declares its section
from its ``extensions.register()``; the page lists them in ``order``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    """A block of the home page: a title, a sentence, links, and lines of what waits."""

    title: str | Promise
    description: str | Promise
    # (label, URL name) pairs; URL names take no arguments.
    links: tuple[tuple[str | Promise, str], ...]
    order: int = 100
    # ``waiting(user)`` → lines such as "3 deletions wait for approval" (may be empty).
    waiting: Callable[[Any], list[str]] = field(default=lambda user: [])


_SECTIONS: dict[str, Section] = {}


def section(name: str, value: Section) -> None:
    """Declare (or replace, on a second ``ready()``) the section ``name``."""
    _SECTIONS[name] = value


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, str(s.title)))
