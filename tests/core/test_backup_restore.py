"""The restore drill: a dataset backed up, restored into a fresh, empty database,
identical table by table with the audit chain intact; and every archive or
database that must be refused, refused without writing anything.

Runs on whichever database the suite runs on (CI runs both): a new SQLite
file, or a throw-away PostgreSQL database made with the test role.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from tests.factories import make_person, make_staff
from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import AuditEvent
from zhusan.audit.services import Actor
from zhusan.core import backup
from zhusan.core.backup import database_checksums, new_key
from zhusan.registry import services
from zhusan.registry.models import EvidenceMethod, EvidenceOutcome, EvidenceTopic, ProtectedNote, Script

pytestmark = pytest.mark.django_db(transaction=True)

KEY = new_key()
HEALTH_NOTE = "Tuberculosis treatment, month two"
JUSTICE_NOTE = "Questioned on arrival, file 77-B"
DNA_REFERENCE = "LAB-2019-0042"
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill runs on SQLite runs")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL drill runs on PostgreSQL runs"
)


def postgresql_tools_or_skip() -> None:
    """pg_dump and pg_restore, needed on PostgreSQL runs: skip where absent, fail under CI=true."""
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if connection.vendor != "postgresql" or not missing:
        return
    reason = f"{' and '.join(missing)} not found: install Debian's postgresql-15 (.ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true requires it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def backup_key(settings):
    postgresql_tools_or_skip()
    settings.ZHUSAN_BACKUP_KEY = KEY


@pytest.fixture
def dataset(centre_unit) -> dict[str, int]:
    """Persons with severe notes and a DNA reference, written through the services."""
    manager = make_staff(Role.CASE_MANAGER, centre_unit, username="alice")
    doctor = make_staff(Role.DOCTOR, centre_unit, username="dana")
    liaison = make_staff(Role.SECURITY_LIAISON, centre_unit, username="sam")
    mother = make_person(manager, given="Aisha", family="Nurlanova", birth_year=1990)
    make_person(manager, given="Madina", family="Nurlanova", birth_year=2015)
    make_person(manager, given="Алия", family="Серикова", script=Script.CYRILLIC, birth_year=1988)
    services.protected_note_add(
        actor=Actor.system("tests", user=doctor), person=mother, compartment=Compartment.HEALTH, body=HEALTH_NOTE
    )
    services.protected_note_add(
        actor=Actor.system("tests", user=liaison),
        person=mother,
        compartment=Compartment.JUSTICE_SECURITY,
        body=JUSTICE_NOTE,
    )
    services.evidence_add(
        actor=Actor.system("tests", user=manager),
        person=mother,
        topic=EvidenceTopic.KINSHIP,
        method=EvidenceMethod.DNA_KINSHIP,
        outcome=EvidenceOutcome.CONFIRMED,
        reference=DNA_REFERENCE,
    )
    return {"events": AuditEvent.objects.count(), "notes": ProtectedNote.objects.count()}


@pytest.fixture
def fresh_database(transactional_db, tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A new, empty database of the suite's vendor, with a connection to it."""
    name = f"zhusan_restore_{uuid.uuid4().hex[:12]}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    settings_dict = {**connection.settings_dict, "NAME": name}
    fresh = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    yield fresh
    fresh.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def as_default(database: BaseDatabaseWrapper) -> Iterator[None]:
    """Point the default alias at ``database``, as DATABASE_URL would for `zhusan restore`."""
    original = connections["default"]
    connections["default"] = database
    try:
        yield
    finally:
        connections["default"] = original


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def dump_text(archive: Path) -> bytes:
    """The plain dump inside an archive, as text a reader with the backup key would see."""
    folder = archive.parent / "opened"
    folder.mkdir()
    manifest, dump = backup._read_archive(archive, backup.backup_key(), folder)
    if manifest.vendor == "postgresql":
        return subprocess.run(["pg_restore", "--file=-", str(dump)], capture_output=True, check=True).stdout  # noqa: S603,S607
    return dump.read_bytes()


def table_names(database: BaseDatabaseWrapper) -> list[str]:
    with database.cursor() as cursor:
        return backup._table_names(cursor, database.vendor)


def assert_restore_drill(dataset: dict[str, int], fresh: BaseDatabaseWrapper, tmp_path: Path) -> None:
    archive = tmp_path / "drill.zbk"
    before = database_checksums()
    assert "Backup written" in run("backup", "-o", str(archive))
    assert "Archive intact" in run("backup", "verify", str(archive))

    with as_default(fresh):
        assert table_names(fresh) == []
        out = run("restore", str(archive))
        after = database_checksums()
        restored_note = ProtectedNote.objects.get(compartment=Compartment.HEALTH).body

    assert "Every table's row count and checksum match the manifest." in out
    assert f"Audit chain intact: {dataset['events']} events" in out
    assert after == before
    assert after["audit_auditevent"].rows == dataset["events"] > 0
    assert after["registry_protectednote"].rows == dataset["notes"] == 2
    assert restored_note == HEALTH_NOTE


@on_sqlite
def test_a_sqlite_database_restored_into_a_new_file_is_identical_with_the_chain_intact(
    dataset, fresh_database, tmp_path
):
    assert_restore_drill(dataset, fresh_database, tmp_path)


@on_postgresql
def test_a_postgresql_database_restored_into_a_new_database_is_identical_with_the_chain_intact(
    dataset, fresh_database, tmp_path
):
    assert_restore_drill(dataset, fresh_database, tmp_path)


def test_the_archive_reveals_nothing_without_the_key_and_severe_fields_stay_encrypted_with_it(dataset, tmp_path):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))

    sealed = archive.read_bytes()
    assert b"Nurlanova" not in sealed
    assert HEALTH_NOTE.encode() not in sealed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    opened = dump_text(archive)
    assert b"Nurlanova" in opened  # the dump is readable with the backup key…
    for severe in (HEALTH_NOTE, JUSTICE_NOTE, DNA_REFERENCE):
        assert severe.encode() not in opened  # …but its severe fields are still field-encrypted


def test_the_manifest_holds_the_vendor_migrations_and_a_checksum_of_every_table(dataset, tmp_path):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))
    verified = backup.verify_backup(archive, key=backup.backup_key())

    manifest = verified.manifest
    assert manifest.vendor == connection.vendor
    assert manifest.format_version == backup.FORMAT_VERSION
    assert "audit.0001_initial" in manifest.migrations
    assert manifest.tables == database_checksums()
    assert len(manifest.dump_sha256) == 64


def test_a_tampered_archive_is_refused_by_verify_and_by_restore_which_writes_nothing(dataset, fresh_database, tmp_path):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="altered"):
        run("backup", "verify", str(archive))
    with as_default(fresh_database), pytest.raises(CommandError, match="altered"):
        run("restore", str(archive))
    assert table_names(fresh_database) == []


def test_a_truncated_archive_is_refused(dataset, tmp_path):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))
    archive.write_bytes(archive.read_bytes()[:-100])

    with pytest.raises(CommandError, match="truncated|altered"):
        run("backup", "verify", str(archive))


def test_an_archive_is_refused_under_another_backup_key(dataset, fresh_database, tmp_path, settings):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))
    settings.ZHUSAN_BACKUP_KEY = new_key()

    with pytest.raises(CommandError, match="wrong backup key"):
        run("backup", "verify", str(archive))
    with as_default(fresh_database), pytest.raises(CommandError, match="wrong backup key"):
        run("restore", str(archive))
    assert table_names(fresh_database) == []


def test_restoring_into_a_database_whose_tables_hold_rows_is_refused_and_writes_nothing(dataset, tmp_path):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))
    make_person(make_staff(Role.CASE_MANAGER), given="Zarina", family="Alieva")
    before = database_checksums()

    with pytest.raises(CommandError, match="the database is not empty.*Nothing was written"):
        run("restore", str(archive))
    assert database_checksums() == before


def test_an_archive_is_never_overwritten(dataset, tmp_path):
    archive = tmp_path / "a.zbk"
    archive.write_bytes(b"an older archive")

    with pytest.raises(CommandError, match="never overwritten"):
        run("backup", "-o", str(archive))
    assert archive.read_bytes() == b"an older archive"


def test_without_a_backup_key_the_commands_refuse_to_run_outside_debug(tmp_path, settings):
    settings.ZHUSAN_BACKUP_KEY = ""
    settings.DEBUG = False

    with pytest.raises(CommandError, match="ZHUSAN_BACKUP_KEY is not set"):
        run("backup", "-o", str(tmp_path / "a.zbk"))
    with pytest.raises(CommandError, match="ZHUSAN_BACKUP_KEY is not set"):
        run("restore", str(tmp_path / "a.zbk"))
    assert not (tmp_path / "a.zbk").exists()


def test_in_debug_without_a_backup_key_a_derived_key_is_used_and_said(dataset, tmp_path, settings):
    settings.ZHUSAN_BACKUP_KEY = ""
    settings.DEBUG = True
    archive = tmp_path / "a.zbk"
    err = io.StringIO()

    call_command("backup", "-o", str(archive), stdout=io.StringIO(), stderr=err)

    assert "derived from SECRET_KEY" in err.getvalue()
    assert "Archive intact" in run("backup", "verify", str(archive))


def test_a_backup_key_that_is_also_a_field_encryption_key_is_refused(tmp_path, settings):
    settings.ZHUSAN_BACKUP_KEY = settings.FIELD_ENCRYPTION_KEYS[0]

    with pytest.raises(CommandError, match="must not be one of FIELD_ENCRYPTION_KEYS"):
        run("backup", "-o", str(tmp_path / "a.zbk"))


def test_a_malformed_backup_key_is_refused_with_how_to_make_one(tmp_path, settings):
    settings.ZHUSAN_BACKUP_KEY = "not-a-key"

    with pytest.raises(CommandError, match="zhusan backup new-key"):
        run("backup", "-o", str(tmp_path / "a.zbk"))


def test_new_key_prints_a_usable_key():
    key = run("backup", "new-key").strip()

    assert len(backup.parse_key(key)) == 32


@on_sqlite
def test_the_sqlite_copy_inside_the_archive_passes_its_integrity_check(dataset, tmp_path):
    archive = tmp_path / "a.zbk"
    run("backup", "-o", str(archive))
    folder = tmp_path / "opened"
    folder.mkdir()
    _, dump = backup._read_archive(archive, backup.backup_key(), folder)

    with closing(sqlite3.connect(dump)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
