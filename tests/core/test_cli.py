"""The `zhusan` command as a user runs it: a configuration error is one line, and
the demo's settings file makes the demo's database work without setting anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhusan.core import demo_env

STRIPPED = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS")


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: none of the settings the test suite sets."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("ZHUSAN_") and not any(name.startswith(s) for s in STRIPPED)
    }
    return {**env, **extra}


def zhusan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from zhusan.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603  (our own interpreter)


def test_a_missing_secret_key_is_one_line_naming_what_to_set_and_exit_code_2(tmp_path: Path) -> None:
    result = zhusan("audit", "verify", env=clean_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY" in lines[0]
    assert "docs/configuration.md" in lines[0]
    assert "var/demo.env" in lines[0]


def test_a_variable_that_does_not_parse_is_named_in_one_line(tmp_path: Path) -> None:
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", ZHUSAN_DEBUG="maybe")

    result = zhusan("check", env=env)

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "ZHUSAN_DEBUG must be true or false" in result.stderr


def test_the_demo_settings_file_is_read_when_nothing_is_set(tmp_path: Path) -> None:
    env_file = tmp_path / "demo.env"
    assert demo_env.write(env_file)
    secret = demo_env.read(env_file)["SECRET_KEY"]

    result = zhusan(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)",
        env=clean_environment(ZHUSAN_DEMO_ENV=str(env_file)),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [secret, "True"]


def test_the_demo_file_is_written_once_with_random_keys_readable_only_by_its_owner(tmp_path: Path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"

    assert demo_env.write(first)
    assert demo_env.write(second)
    kept = first.read_text()
    assert not demo_env.write(first)

    assert first.read_text() == kept
    assert demo_env.read(first)["SECRET_KEY"] != demo_env.read(second)["SECRET_KEY"]
    assert first.stat().st_mode & 0o777 == 0o600
    assert len(demo_env.read(first)["SECRET_KEY"]) >= 50


def test_a_demo_made_before_the_file_existed_can_still_decrypt_its_data(tmp_path: Path) -> None:
    path = tmp_path / "demo.env"
    demo_env.write(path)

    keys = demo_env.read(path)["FIELD_ENCRYPTION_KEYS"].split(",")

    assert keys[1] == demo_env.legacy_demo_key()
    assert keys[0] != keys[1]


@pytest.mark.parametrize(
    "environ",
    [
        {"DATABASE_URL": "postgres://zhusan@db/zhusan"},
        {"DATABASE_URL_FILE": "/run/secrets/db"},
        {"ZHUSAN_TESTING": "true"},
    ],
)
def test_the_demo_file_is_ignored_for_another_database_and_under_the_tests(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    path = tmp_path / "demo.env"
    demo_env.write(path)

    assert not demo_env.apply(path, environ)
    assert "SECRET_KEY" not in environ


def test_a_variable_set_in_the_environment_wins_over_the_demo_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.env"
    demo_env.write(path)
    environ = {"SECRET_KEY": "mine"}

    assert demo_env.apply(path, environ)

    assert environ["SECRET_KEY"] == "mine"
    assert environ["ZHUSAN_DEBUG"] == "true"
