"""Record references in URLs and API paths: UUIDs, never integer keys."""

from __future__ import annotations

import uuid

from django.http import Http404


def parse_ref(ref: object) -> uuid.UUID:
    """``ref`` as a UUID; a malformed reference is a record that does not exist (404)."""
    try:
        return ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404("No such record") from exc
