"""A deletion reaches the backups by their expiry: ``zhusan backup`` deletes
archives older than ``ZHUSAN_BACKUP_MAX_AGE_DAYS`` and ``zhusan restore``
refuses one, writing nothing (docs/operations-runbook.md, "Backups and deletion")."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhusan.core import backup
from zhusan.core.backup import Manifest, new_key

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _archive(folder: Path, made: datetime) -> Path:
    path = folder / f"zhusan-backup-sqlite-{made:%Y%m%dT%H%M%SZ}.zbk"
    path.write_bytes(b"ZHUSANBK")
    return path


def test_pruning_deletes_only_the_archives_older_than_the_maximum_age(tmp_path, settings):
    settings.ZHUSAN_BACKUP_MAX_AGE_DAYS = 30
    old = _archive(tmp_path, NOW - timedelta(days=31))
    recent = _archive(tmp_path, NOW - timedelta(days=29))
    other = tmp_path / "notes.txt"
    other.write_text("kept")
    assert backup.prune_backups(tmp_path, now=NOW) == [old]
    assert not old.exists() and recent.exists() and other.exists()


def test_an_archive_without_a_stamp_is_aged_by_its_file_time(tmp_path, settings):
    settings.ZHUSAN_BACKUP_MAX_AGE_DAYS = 30
    path = tmp_path / "zhusan-backup-copy.zbk"
    path.write_bytes(b"x")
    stamp = (NOW - timedelta(days=40)).timestamp()
    os.utime(path, (stamp, stamp))
    assert backup.prune_backups(tmp_path, now=NOW) == [path]


def _manifest(made: datetime) -> Manifest:
    return Manifest(
        format_version=1,
        created_at=made.isoformat(),
        vendor="sqlite",
        migrations=[],
        tables={},
        dump_name="database.sqlite3",
        dump_sha256="0" * 64,
        dump_bytes=0,
    )


def test_restore_refuses_an_expired_archive(settings):
    settings.ZHUSAN_BACKUP_MAX_AGE_DAYS = 30
    backup.refuse_expired(_manifest(NOW - timedelta(days=29)), now=NOW)
    with pytest.raises(backup.BackupError, match="expired"):
        backup.refuse_expired(_manifest(NOW - timedelta(days=31)), now=NOW)


@pytest.mark.django_db(transaction=True)
def test_the_restore_command_refuses_an_expired_archive_and_writes_nothing(tmp_path, settings):
    settings.ZHUSAN_BACKUP_KEY = new_key()
    path = tmp_path / "zhusan-backup-sqlite-20260101T000000Z.zbk"
    call_command("backup", "-o", str(path))
    assert path.exists()  # the archive just written is never pruned, whatever its name says
    settings.ZHUSAN_BACKUP_MAX_AGE_DAYS = 0
    with pytest.raises(CommandError, match="expired"):
        call_command("restore", str(path))


@pytest.mark.django_db(transaction=True)
def test_writing_a_backup_prunes_the_expired_ones_of_its_folder(tmp_path, settings, capsys):
    settings.ZHUSAN_BACKUP_KEY = new_key()
    settings.ZHUSAN_BACKUP_MAX_AGE_DAYS = 30
    old = _archive(tmp_path, datetime.now(UTC) - timedelta(days=60))
    call_command("backup", "-o", str(tmp_path / "zhusan-backup-sqlite-new.zbk"))
    assert not old.exists() and (tmp_path / "zhusan-backup-sqlite-new.zbk").exists()
    assert "Expired archive deleted" in capsys.readouterr().out
