"""Driver of the kill -9 drills (test_kill_drills.py), run in subprocesses on
a database of their own (SQLite file or PostgreSQL database, by DATABASE_URL):

    python -m tests.trust.kill_drill migrate
    python -m tests.trust.kill_drill setup import|export|linkage|merge|proposals N
    python -m tests.trust.kill_drill worker PERCENT MARK   # pauses at PERCENT
    python -m tests.trust.kill_drill proposing-worker MARK # pauses proposing duplicates
    python -m tests.trust.kill_drill merge [MARK]          # pauses inside the merge
    python -m tests.trust.kill_drill import-merge          # queue an import's merge
    python -m tests.trust.kill_drill state KIND
    python -m tests.trust.kill_drill rerun KIND            # run again, work, state

A pause writes MARK (so the test knows the process is in the middle of its
work, inside the transaction where there is one) and then waits to be
killed; it exits by itself after two minutes, so that a drill never hangs.
Each command prints its result as one JSON line, last.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import django

PAUSE_LIMIT = 120  # seconds a paused process waits for its kill, then exits


def pause(mark: str) -> None:
    Path(mark).write_text(str(os.getpid()))
    time.sleep(PAUSE_LIMIT)
    os._exit(3)


def main(command: str, *args: str) -> None:
    django.setup()
    from django.core.management import call_command

    if command == "migrate":
        call_command("migrate", verbosity=0)
    elif command == "setup":
        setup(args[0], int(args[1]))
    elif command == "worker":
        paused_worker(int(args[0]), args[1])
    elif command == "proposing-worker":
        proposing_worker(args[0])
    elif command == "merge":
        merge_persons(args[0] if args else "")
    elif command == "import-merge":
        from zhusan.operations import imports
        from zhusan.operations.models import StagedImport

        imports.import_merge(actor=actor("consul"), staged=StagedImport.objects.get())
    elif command == "state":
        print(json.dumps(state(args[0])))
    elif command == "rerun":
        rerun(args[0])
        print(json.dumps(state(args[0])))
    else:
        raise SystemExit(f"unknown command {command}")


def worker(*options: str) -> None:
    """``zhusan worker`` at once (no start-up delay), polling every 0.1 s."""
    from django.core.management import call_command

    call_command("worker", "--no-startup-delay", "--interval", "0.1", *options)


def actor(username: str) -> Any:
    from zhusan.accounts.models import User
    from zhusan.audit.services import Actor

    return Actor.system("kill drill", user=User.objects.get(username=username))


def _letters(i: int) -> str:
    out = ""
    for _ in range(4):
        i, d = divmod(i, 26)
        out += chr(ord("a") + d)
    return out


def setup(kind: str, n: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_person, make_staff
    from zhusan.accounts.permissions import Role

    if kind == "import":
        from zhusan.operations import imports, services
        from zhusan.registry.models import Site, SiteKind

        consul = make_staff(Role.CONSULAR_OFFICER, username="consul")
        who = actor("consul")
        camp = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
        operation = services.operation_create(actor=who, code="Z-9", name="Zhusan 9", country="KZ")
        movement = services.movement_create(
            actor=who, operation=operation, label="Flight 1", origin=camp, destination="Aktau"
        )
        body = "family_name,given_name,sex,birth_year\n" + "".join(
            f"Family{_letters(i)},Given{_letters(i)},F,1990\n" for i in range(n)
        )
        upload = SimpleUploadedFile("big.csv", body.encode(), content_type="text/csv")
        imports.import_stage(actor=who, movement=movement, upload=upload, lawful_basis="public_interest")
        assert consul
        return
    alice = make_staff(Role.CASE_MANAGER, username="alice")
    for i in range(n):
        make_person(alice, given=f"Given{_letters(i)}", family=f"Family{_letters(i)}", birth_year=1990)
    if kind == "export":
        from zhusan.reporting.case_exports import ExportFilters, case_export_request

        case_export_request(
            actor=actor("alice"), fields=["case_number", "name", "sex"], filters=ExportFilters(), fmt="xlsx"
        )
    elif kind == "linkage":
        import tempfile

        from zhusan.engine.io import read_person_file
        from zhusan.matching.jobs import linkage_job_create

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "list.csv"
            path.write_text(
                "given_name,family_name,sex,birth_year\n"
                + "".join(f"Given{_letters(i)},Family{_letters(i)},F,1990\n" for i in range(n))
            )
            records = read_person_file(path).records
        linkage_job_create(actor=actor("alice"), left_name="list.csv", left=records)
    elif kind == "proposals":
        # The first person's handlers run; the second's wait on the queue.
        make_person(alice, given="Aisha", family="Nurlanova", birth_year=1995)
        worker("--batch", "--no-daily")
        make_person(alice, given="Aisha", family="Nurlanova", birth_year=1995)
    elif kind == "merge":
        from zhusan.matching.models import DuplicateCandidate
        from zhusan.registry.services import NameInput

        extra = [NameInput(script="latin", kind="alias", given="Aisa", family="Nurlanova")]
        first = make_person(alice, given="Aisha", family="Nurlanova", birth_year=1995)
        second = make_person(alice, given="Aisha", family="Nurlanova", birth_year=1995, extra_names=extra)
        DuplicateCandidate.objects.create(person_a=first, person_b=second, probability=0.99)
    else:
        raise SystemExit(f"unknown drill {kind}")


def paused_worker(percent: int, mark: str) -> None:
    """``zhusan worker``, pausing for its kill once a job reports ``percent``."""
    from zhusan.core import jobs

    report = jobs.Heartbeat.report

    def report_then_pause(self: Any, at: int, message: str) -> None:
        report(self, at, message)
        if at >= percent:
            pause(mark)

    jobs.Heartbeat.report = report_then_pause  # type: ignore[method-assign]
    worker()


def proposing_worker(mark: str) -> None:
    """``zhusan worker``, pausing for its kill as it starts proposing the
    duplicates of a person registered."""
    from zhusan.matching import services

    check = services.duplicates_check

    def pause_then_check(**kwargs: Any) -> Any:
        pause(mark)
        return check(**kwargs)

    services.duplicates_check = pause_then_check  # type: ignore[assignment]
    worker("--no-daily")


def merge_persons(mark: str) -> None:
    """Decide the drill's pair the same; with ``mark``, pause once every row
    has moved, inside the merge's transaction."""
    from zhusan.matching import services
    from zhusan.matching.models import DuplicateCandidate
    from zhusan.registry import services as registry_services

    if mark:
        moved = registry_services._record_row_moved

        def moved_then_pause(*args: Any, **kwargs: Any) -> None:
            moved(*args, **kwargs)
            pause(mark)

        registry_services._record_row_moved = moved_then_pause  # type: ignore[assignment]
    services.decide_same(actor=actor("alice"), candidate=DuplicateCandidate.objects.get())


def rerun(kind: str) -> None:
    """Run the drill's job again (the person merge: decide it again), then
    work through the queue once."""
    if kind == "merge":
        merge_persons("")
        return
    if kind == "proposals":  # nobody asks: the next worker finds the task its predecessor left
        worker("--batch", "--no-daily")
        return
    if kind == "import":
        from zhusan.operations import imports
        from zhusan.operations.models import StagedImport

        imports.import_rerun(actor=actor("consul"), staged=StagedImport.objects.get())
    elif kind == "export":
        from zhusan.reporting.case_exports import case_export_rerun
        from zhusan.reporting.models import CaseExport

        case_export_rerun(actor=actor("alice"), job=CaseExport.objects.get())
    elif kind == "linkage":
        from zhusan.matching.jobs import linkage_job_rerun
        from zhusan.matching.models import LinkageJob

        linkage_job_rerun(actor=actor("alice"), job=LinkageJob.objects.get())
    worker("--batch")


def state(kind: str) -> dict[str, Any]:
    """The drill's job as its page would show it (settled), what it wrote,
    and whether the audit chain holds. SQLite may be locked a moment after a
    kill: retried."""
    from django.db.utils import OperationalError

    for _attempt in range(50):
        try:
            return _state(kind)
        except OperationalError:
            time.sleep(0.2)
    raise SystemExit("the database stayed locked")


def _state(kind: str) -> dict[str, Any]:
    from zhusan.audit.models import Action, AuditEvent
    from zhusan.audit.services import verify_chain
    from zhusan.registry.models import Person

    out: dict[str, Any] = {"chain_ok": verify_chain().ok, "persons": Person.objects.count()}
    if kind == "import":
        from zhusan.operations import imports
        from zhusan.operations.models import ManifestEntry, StagedImport

        staged = imports.import_settle(StagedImport.objects.get())
        out |= {
            "status": staged.status,
            "message": staged.message,
            "rows": staged.rows.count(),
            "entries": ManifestEntry.objects.count(),
        }
    elif kind == "export":
        from zhusan.reporting.case_exports import case_export_settle
        from zhusan.reporting.models import CaseExport

        job = case_export_settle(CaseExport.objects.get())
        out |= {
            "status": job.status,
            "message": job.message,
            "count": job.count,
            "content": len(bytes(job.content or b"")),
            "exported": AuditEvent.objects.filter(action=Action.EXPORT).count(),
        }
    elif kind == "linkage":
        from zhusan.matching.jobs import linkage_job_settle
        from zhusan.matching.models import LinkageJob

        linkage = linkage_job_settle(LinkageJob.objects.get())
        out |= {
            "status": linkage.status,
            "message": linkage.message,
            "pairs": linkage.pairs,
            "result": len(linkage.result or ""),
        }
    elif kind == "proposals":
        from django_tasks_db.models import DBTaskResult

        from zhusan.matching.models import DuplicateCandidate

        tasks = DBTaskResult.objects.filter(task_path="zhusan.registry.tasks.run_person_handler")
        out |= {
            "candidates": DuplicateCandidate.objects.count(),
            "tasks": sorted(f"{t.args_kwargs['kwargs']['handler']} {t.status} {len(t.worker_ids)}" for t in tasks),
        }
    elif kind == "merge":
        from zhusan.matching.models import DuplicateCandidate, MergeRecord
        from zhusan.registry.models import PersonName

        candidate = DuplicateCandidate.objects.get()
        out |= {
            "candidate": candidate.status,
            "merged_into": [p.merged_into_id is not None for p in Person.objects.order_by("pk")],
            "names": [PersonName.objects.filter(person=p).count() for p in Person.objects.order_by("pk")],
            "merge_records": MergeRecord.objects.count(),
        }
    return out


if __name__ == "__main__":
    main(*sys.argv[1:])
