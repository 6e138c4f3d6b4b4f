"""The production setup starts: gunicorn with production settings (no debug,
secrets from the environment, the worker class and numbers of
``deploy/gunicorn.conf.py``) answers /health/, sends visitors to sign in,
and stops cleanly on SIGTERM. The systemd units and the compose file are
checked for syntax and for naming commands and files that exist."""

from __future__ import annotations

import configparser
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def production_database(tmp_path: Path) -> Iterator[str]:
    """A database of its own: a scratch PostgreSQL database when the suite runs
    on PostgreSQL, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"
        return
    import psycopg

    name = f"zhusan_deploy_{uuid.uuid4().hex[:8]}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


@pytest.mark.slow(45)
def test_gunicorn_starts_with_production_settings_answers_health_and_stops_cleanly(
    production_database: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ZHUSAN_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "SECRET_KEY": "production-test-" + uuid.uuid4().hex * 2,
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": production_database,
            "ZHUSAN_BIND": f"127.0.0.1:{port}",
            "ZHUSAN_WEB_WORKERS": "2",
            "ZHUSAN_HEALTH_MIN_FREE_MB": "1",
            "DJANGO_SETTINGS_MODULE": "zhusan.settings",
        }
    )
    subprocess.run([str(BIN / "zhusan"), "migrate", "--noinput"], env=env, check=True, capture_output=True, cwd=ROOT)
    check = subprocess.run(
        [str(BIN / "zhusan"), "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        cwd=ROOT,
    )
    assert check.returncode == 0, check.stderr.decode() + check.stdout.decode()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status, body = 0, ""
        while time.monotonic() < deadline:
            try:
                status, body, _ = _get(f"http://127.0.0.1:{port}/health/")
                break
            except (ConnectionError, urllib.error.URLError, OSError):
                time.sleep(0.3)
        assert status == 200, body
        assert '"status": "ok"' in body
        status, _, headers = _get(f"http://127.0.0.1:{port}/")
        # Production redirects plain HTTP to HTTPS (the proxy terminates TLS); /health/ is exempt.
        assert status in {301, 302}
        assert headers["Location"].startswith(("https://", "/accounts/login"))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output = server.communicate(timeout=40)[0].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0, output
    assert "Booting worker" in output and "Shutting down: Master" in output


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").iterdir()))
def test_each_systemd_unit_parses_and_runs_what_exists(unit: str) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / unit)
    assert parser.has_section("Unit")
    if unit.endswith(".timer"):
        assert parser.has_option("Timer", "OnCalendar")
        assert (DEPLOY / "systemd" / unit.replace(".timer", ".service")).exists()
        return
    command = parser.get("Service", "ExecStart")
    for word in command.replace("'", " ").replace('"', " ").split():
        if word.startswith("/opt/zhusan/.venv/bin/"):
            assert (BIN / word.rsplit("/", 1)[1]).exists(), word
        if word.startswith("/opt/zhusan/deploy/"):
            assert (DEPLOY / word.removeprefix("/opt/zhusan/deploy/")).exists(), word
    if shutil.which("systemd-analyze"):
        # Unknown users and paths of the target machine are fine here; syntax errors are not.
        result = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(DEPLOY / "systemd" / unit)], capture_output=True, text=True
        )
        syntax = [
            line
            for line in result.stderr.splitlines()
            if any(s in line for s in ("Unknown", "Failed to parse", "bad unit file", "Refusing", "Invalid"))
        ]
        assert not syntax, result.stderr


def test_the_compose_file_runs_the_web_server_the_worker_and_migrations_on_postgresql() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["worker"]["command"] == ["zhusan", "worker"]
    assert "gunicorn --config deploy/gunicorn.conf.py" in " ".join(services["web"]["command"])
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("migrate", "web", "worker"):
        assert (DEPLOY.parent / services[name]["build"]["dockerfile"]).exists()
        assert services[name]["env_file"] == "zhusan.env"
    assert "SECRET_KEY" not in (DEPLOY / "compose.yaml").read_text()
