"""``zhusan restore FILE``: restore an archive of ``zhusan backup`` into an empty database.

After restoring, every table's row count and checksum is compared with the
archive's manifest and the audit chain is verified (``zhusan audit verify``);
any difference is an error.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.migrations.loader import MigrationLoader

from zhusan.core.backup import BackupError, restore_backup
from zhusan.core.management.commands.backup import configured_key


class Command(BaseCommand):
    help = (
        "Restore an archive made by `zhusan backup` into an empty database, then check every table and the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Archive made by `zhusan backup`.")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        key = configured_key(self)
        try:
            restored = restore_backup(Path(file), key=key)
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        manifest = restored.manifest
        self.stdout.write(
            f"Restored {file} (made {manifest.created_at}): {len(manifest.tables)} tables, {manifest.total_rows} rows."
        )
        if restored.differences:
            raise CommandError(
                "the restored database differs from the archive's manifest; do not use it:\n  "
                + "\n  ".join(restored.differences)
            )
        self.stdout.write("Every table's row count and checksum match the manifest.")
        self.verify_audit_chain()
        self.mention_migrations(manifest.migrations)

    def verify_audit_chain(self) -> None:
        # By command name: core sits below the audit app and does not import it.
        out = io.StringIO()
        try:
            call_command("audit", "verify", stdout=out)
        except SystemExit as exc:
            raise CommandError(f"the restored audit trail does not verify: {out.getvalue().strip()}") from exc
        self.stdout.write(out.getvalue().strip())

    def mention_migrations(self, archived: list[str]) -> None:
        known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
        newer = known - set(archived)
        if newer:
            self.stdout.write(
                f"This version of Zhusan has {len(newer)} migrations the archive does not: run `zhusan migrate`."
            )
        if set(archived) - known:
            self.stdout.write(
                "The archive was made by a newer version of Zhusan (migrations unknown here): "
                "run that version on this database."
            )
