"""Driver of the kill -9 test (test_kill_worker.py), run in a subprocess on
its own database: ``python -m tests.operations.kill_worker setup|merge|state|rerun``."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import django


def main(command: str, *args: str) -> None:
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from tests.factories import make_staff
    from zhusan.accounts.permissions import Role
    from zhusan.audit.services import Actor
    from zhusan.operations import imports, services
    from zhusan.operations.models import ManifestEntry, StagedImport
    from zhusan.registry.models import Person, Site, SiteKind

    def consul_actor() -> Actor:
        from zhusan.accounts.models import User

        return Actor.system("kill test", user=User.objects.get(username="consul"))

    if command == "setup":
        call_command("migrate", verbosity=0)
        consul = make_staff(Role.CONSULAR_OFFICER, username="consul")
        actor = Actor.system("kill test", user=consul)
        camp = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
        operation = services.operation_create(actor=actor, code="Z-9", name="Zhusan 9", country="KZ")
        movement = services.movement_create(
            actor=actor, operation=operation, label="Flight 1", origin=camp, destination="Aktau"
        )
        body = "family_name,given_name,sex,birth_year\n" + "".join(
            f"Family{_letters(i)},Given{_letters(i)},F,1990\n" for i in range(int(args[0]))
        )
        upload = SimpleUploadedFile("big.csv", body.encode(), content_type="text/csv")
        imports.import_stage(actor=actor, movement=movement, upload=upload, lawful_basis="public_interest")
        return
    if command == "state":
        # SQLite: a merge writing thousands of rows locks readers out at times.
        from django.db.utils import OperationalError

        for _attempt in range(100):
            try:
                return _state(imports, StagedImport, Person, ManifestEntry)
            except OperationalError:
                time.sleep(0.3)
        print("{}")
        return
    staged = StagedImport.objects.get()
    if command == "merge":
        imports.import_merge(actor=consul_actor(), staged=staged)
    elif command == "rerun":
        imports.import_rerun(actor=consul_actor(), staged=staged)


def _state(imports: Any, staged_model: Any, person: Any, entry: Any) -> None:
    staged = imports.import_settle(staged_model.objects.get())
    print(
        json.dumps(
            {
                "status": staged.status,
                "message": staged.message,
                "progress": staged.progress,
                "worker": staged.worker,
                "rows": staged.rows.count(),
                "persons": person.objects.count(),
                "entries": entry.objects.count(),
            }
        )
    )


def _letters(i: int) -> str:
    out = ""
    for _ in range(4):
        i, d = divmod(i, 26)
        out += chr(ord("a") + d)
    return out


if __name__ == "__main__":
    main(*sys.argv[1:])
