"""``zhusan backup``: an encrypted, verifiable archive of the database; ``verify`` checks one.

zhusan backup [-o FILE]     write an archive (docs/operations-runbook.md)
zhusan backup verify FILE   decrypt and check an archive without restoring it
zhusan backup new-key       print a fresh ZHUSAN_BACKUP_KEY
zhusan backup prune DIR     delete the archives of DIR older than ZHUSAN_BACKUP_MAX_AGE_DAYS

Writing an archive also prunes the expired archives of its folder: records
deleted by retention or an erasure leave the backups within that many days.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from zhusan.core.backup import (
    BackupError,
    BackupKey,
    backup_key,
    create_backup,
    max_age,
    new_key,
    prune_backups,
    verify_backup,
)

DERIVED_KEY_NOTICE = (
    "ZHUSAN_BACKUP_KEY is not set: debug mode uses a key derived from SECRET_KEY, "
    "so only this SECRET_KEY reads the archive. Set ZHUSAN_BACKUP_KEY outside a demo."
)


def configured_key(command: BaseCommand) -> BackupKey:
    """The backup key, or a clear refusal; says so when the key is the debug one."""
    try:
        key = backup_key()
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    if key.derived:
        command.stderr.write(DERIVED_KEY_NOTICE)
    return key


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class Command(BaseCommand):
    help = "Write an encrypted, verifiable archive of the database ('verify FILE' checks one, 'new-key' makes a key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", help="Archive to write (default: zhusan-backup-<database>-<UTC time>.zbk here)."
        )
        sub = parser.add_subparsers(dest="subcommand", required=False, metavar="{verify,new-key,prune}")
        verify = sub.add_parser("verify", help="Decrypt an archive and check it against its manifest; restore nothing.")
        verify.add_argument("file")
        sub.add_parser("new-key", help="Print a fresh backup key for ZHUSAN_BACKUP_KEY.")
        prune = sub.add_parser("prune", help="Delete the archives of a folder older than ZHUSAN_BACKUP_MAX_AGE_DAYS.")
        prune.add_argument("folder")

    def handle(self, *args: Any, subcommand: str | None = None, **options: Any) -> None:
        if subcommand == "new-key":
            self.stdout.write(new_key())
        elif subcommand == "verify":
            self.verify(Path(options["file"]))
        elif subcommand == "prune":
            self.prune(Path(options["folder"]))
        else:
            self.backup(options.get("output"))

    def backup(self, output: str | None) -> None:
        key = configured_key(self)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = Path(output or f"zhusan-backup-{connection.vendor}-{stamp}.zbk")
        try:
            manifest = create_backup(path, key=key)
        except BackupError as exc:
            raise CommandError(f"backup not written: {exc}") from exc
        self.stdout.write(
            f"Backup written: {path} ({len(manifest.tables)} tables, {manifest.total_rows} rows, "
            f"dump {megabytes(manifest.dump_bytes)}, {manifest.vendor}). "
            f"Check it with `zhusan backup verify {path}`."
        )
        self.prune(path.parent if path.parent != Path() else Path.cwd(), keep=path)

    def prune(self, folder: Path, keep: Path | None = None) -> None:
        removed = prune_backups(folder, keep=keep)
        days = max_age().days
        for path in removed:
            self.stdout.write(f"Expired archive deleted (older than {days} days): {path}")
        if not removed:
            self.stdout.write(f"No archive in {folder} is older than {days} days.")

    def verify(self, path: Path) -> None:
        key = configured_key(self)
        try:
            verified = verify_backup(path, key=key)
        except BackupError as exc:
            raise CommandError(f"archive refused: {exc}") from exc
        manifest = verified.manifest
        self.stdout.write(
            f"Archive intact: {path}, made {manifest.created_at} from {manifest.vendor}, "
            f"{len(manifest.tables)} tables, {manifest.total_rows} rows, {len(manifest.migrations)} migrations."
        )
        for check in verified.checks:
            self.stdout.write(f"  ok  {check}")
