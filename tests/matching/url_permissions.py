"""Who may open the matching URLs added after the probe's own map
(``tests/access/test_every_url.py`` maps the rest of matching): the
deduplication of an uploaded list and the review of a linkage job's
undecided records, both for the roles that run linkages. The linkage job
the review opens is the probe's own (``job_uuid``)."""

from __future__ import annotations

from zhusan.accounts.permissions import POLICIES, Capability, Role

LINKAGE = frozenset(r for r, p in POLICIES.items() if Capability.REVIEW_MATCHES in p.capabilities)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "matching:dedupe": LINKAGE,
    "matching:linkage_review": LINKAGE,
}
