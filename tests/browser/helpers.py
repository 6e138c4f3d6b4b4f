"""Logging in through the real pages: password, then the TOTP code."""

from __future__ import annotations

import re
from typing import Any

from ..accounts.helpers import current_code
from ..factories import PASSWORD


def log_in(page: Any, user: Any) -> None:
    """On the login page (where a protected URL redirected): type the
    password, then the code the user's authenticator would show."""
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/verify/"))
    device = user.totpdevice_set.get()
    # A second sign-in within the same 30-second step would replay the code
    # (refused, rightly): the test forgets the last step used, as if the
    # authenticator had moved on, instead of waiting up to 30 s for it.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    page.fill("input[name=code]", current_code(device))
    page.click("form.form button[type=submit]")
