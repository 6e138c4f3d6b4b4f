"""The demo's settings file, ``var/demo.env``: written once by ``make demo``.

It holds the demo's own random ``SECRET_KEY`` and ``FIELD_ENCRYPTION_KEYS``
and ``ZHUSAN_DEBUG=true``, so that ``zhusan audit verify`` (and every other
command) works on the demo's database without the user setting anything.
``zhusan/settings.py`` reads it when it is present and ``DATABASE_URL`` is not
set (the demo's SQLite file is the database in use); a variable already set in
the environment always wins, and the test suite never reads it.

Plain Python: imported by the settings before Django is configured.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEMO_ENV = BASE_DIR / "var" / "demo.env"


def legacy_demo_key(base_dir: Path = BASE_DIR) -> str:
    """The encryption key a demo made before ``var/demo.env`` existed used.

    Such a demo ran with ``ZHUSAN_DEBUG=true`` and no keys, so its severe
    fields were encrypted with the key settings derive from the development
    secret. Kept as a second (decrypt-only) key so that database stays readable.
    """
    secret = "dev-only-" + hashlib.sha256(str(base_dir).encode()).hexdigest()
    digest = hashlib.sha256(("zhusan-field-encryption:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def generate() -> dict[str, str]:
    """Fresh demo settings: a random secret key and a random Fernet key."""
    fernet_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return {
        "ZHUSAN_DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": f"{fernet_key},{legacy_demo_key()}",
    }


def write(path: Path = DEMO_ENV) -> bool:
    """Write the file unless it exists (its keys decrypt the demo's data). True if written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Written by `make demo` for the demo's own database (var/zhusan.sqlite3).",
        "# Read by the `zhusan` command when DATABASE_URL is not set. Never use these values in production.",
        *(f"{name}={value}" for name, value in generate().items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return True


def read(path: Path) -> dict[str, str]:
    """``NAME=value`` lines; blank lines and ``#`` comments are skipped."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        values[name.strip()] = value.strip()
    return values


def apply(path: Path | None = None, environ: MutableMapping[str, str] | None = None) -> bool:
    """Fill the environment from the demo file when the demo's database is in use.

    The file is ``var/demo.env``, or the one ``ZHUSAN_DEMO_ENV`` names. Nothing
    is read under the test suite (``ZHUSAN_TESTING``) or when ``DATABASE_URL``
    names another database; set variables are never replaced.
    """
    env: MutableMapping[str, str] = os.environ if environ is None else environ
    path = path or Path(env.get("ZHUSAN_DEMO_ENV") or DEMO_ENV)
    if not _applies(env) or not path.is_file():
        return False
    for name, value in read(path).items():
        env.setdefault(name, value)
    return True


def _applies(env: Mapping[str, str]) -> bool:
    testing = env.get("ZHUSAN_TESTING", "").lower() in {"1", "true", "yes", "on"}
    return not testing and not env.get("DATABASE_URL") and not env.get("DATABASE_URL_FILE")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO_ENV
    print(f"{'Wrote' if write(target) else 'Kept'} {target}")
