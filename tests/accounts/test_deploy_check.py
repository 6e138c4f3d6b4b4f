from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ZHUSAN_", "DJANGO_", "DATABASE_", "SECRET_KEY", "FIELD_ENCRYPTION", "ALLOWED_HOSTS"))
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="zhusan.example.org",
        DJANGO_SETTINGS_MODULE="zhusan.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'zhusan.sqlite3'}",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "zhusan.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
