"""Take the README's screenshots from a running demo (`make demo`).

    .venv/bin/python docs/screenshots/capture.py [BASE_URL]

Logs in as the demo users (password and the public demo TOTP secret) with
Debian's Chromium and writes small PNGs beside this file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "zhusan-demo-2019"  # noqa: S105  (the public demo password, README)
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105  (the public demo TOTP secret, README)
VIEWPORT = {"width": 1100, "height": 720}


def totp(secret: str, at: float | None = None) -> str:
    """The current six-digit code (RFC 6238, 30-second steps, SHA-1)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/verify/"))
    page.fill("input[name=code]", totp(TOTP_SECRET))
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(HERE / f"{name}.png"))


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport=VIEWPORT)

        log_in(page, base, "programme_manager")
        page.goto(f"{base}/persons/?q=umm")
        shoot(page, "persons")
        page.goto(f"{base}/persons/")
        link = page.locator("table a[href^='/persons/']").first
        person_url = link.get_attribute("href") or ""
        page.goto(f"{base}{person_url.rstrip('/')}/family/")
        page.locator(".family-graph").screenshot(path=str(HERE / "family.png"))

        page.goto(f"{base}/operations/")
        page.locator("main a[href^='/operations/']").first.click()
        page.wait_for_load_state()
        movement = page.locator("main a[href*='/movements/']").first
        if movement.count():
            movement.click()
            page.wait_for_load_state()
        page.mouse.wheel(0, 420)
        shoot(page, "manifest")

        log_in(page, base, "analyst")
        page.goto(f"{base}/reports/")
        shoot(page, "reports")

        log_in(page, base, "auditor")
        page.goto(f"{base}/audit/")
        shoot(page, "audit")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
