"""Case exports as jobs of the queue: the form queues a job, its page shows
the progress, the requester alone downloads the file once under a passphrase
typed then, and a job whose worker died is failed visibly and runs again.

(The tests' task backend runs each task at once; the kill -9 of a real
worker is tests/trust/test_kill_drills.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from zhusan.accounts.models import RoleGrant
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.reporting import case_exports
from zhusan.reporting.case_exports import (
    CaseExportError,
    ExportFilters,
    case_export_download,
    case_export_request,
    case_export_rerun,
    case_export_settle,
    run_case_export,
)
from zhusan.reporting.models import CaseExport, CaseExportStatus

from ..factories import make_person, make_staff
from ..registry.helpers import login
from .test_case_exports import PASSPHRASE, URL, csv_rows, open_archive

S = CaseExportStatus


@pytest.fixture
def persons(alice):
    return [make_person(alice, given="Aisha", family="Nurlanova"), make_person(alice, given="Dana", family="Omarova")]


def request_export(user: Any, **overrides: Any) -> CaseExport:
    args: dict[str, Any] = {"fields": ["case_number", "name"], "filters": ExportFilters(), "fmt": "csv"} | overrides
    return case_export_request(actor=Actor.system("tests", user=user), **args)


def queue_without_running(monkeypatch: pytest.MonkeyPatch) -> None:
    """As with a real worker not yet there: the job is recorded, its task waits."""
    monkeypatch.setattr(case_exports, "_enqueue", lambda job: None)


def download(job: CaseExport, user: Any, passphrase: str = PASSPHRASE) -> tuple[str, bytes]:
    return case_export_download(actor=Actor.system("tests", user=user), job=job, passphrase=passphrase)


def test_the_form_queues_a_job_and_leads_to_its_page(client, alice, persons):
    alice_client = login(client, alice)
    response = alice_client.post(URL, {"columns": ["case_number", "name"], "script": "primary", "fmt": "csv"})
    job = CaseExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}?job={job.uuid}"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Ready to download" in page and "2 records ready" in page
    assert 'name="passphrase"' in page and PASSPHRASE not in page
    assert 'name="passphrase"' not in alice_client.get(URL).content.decode()  # asked at the download only


def test_asking_is_audited_without_persons_and_nothing_is_exported_before_the_download(alice, persons):
    job = request_export(alice)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="case_export")
    assert event.object_ref == str(job.uuid) and event.detail["fields"] == ["case_number", "name"]
    assert "persons" not in event.detail
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_prepared_file_is_encrypted_at_rest_and_erased_by_the_download(alice, persons):
    job = request_export(alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content, persons FROM reporting_caseexport WHERE id = %s", [job.pk])
        content, who = cursor.fetchone()
    assert bytes(content).startswith(b"fernet:") and who.startswith("fernet:")
    assert b"Nurlanova" not in bytes(content)
    name, archive = download(job, alice)
    rows = csv_rows(open_archive(archive))
    assert sorted(r[0] for r in rows[1:]) == sorted(p.case_number for p in persons)
    job.refresh_from_db()
    assert (job.status, bytes(job.content), job.persons) == (S.DOWNLOADED, b"", "")
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="case_export")
    assert event.detail["job"] == str(job.uuid) and event.detail["count"] == 2
    assert sorted(event.detail["persons"]) == sorted(str(p.uuid) for p in persons)


def test_a_second_download_is_refused(alice, persons):
    job = request_export(alice)
    download(job, alice)
    with pytest.raises(CaseExportError, match="not ready"):
        download(job, alice)
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 1


def test_another_exporter_cannot_see_or_download_the_job(client, alice, centre_unit, persons):
    job = request_export(alice)
    colleague = make_staff(Role.CASE_MANAGER, centre_unit, username="dariga")
    colleague_client = login(client, colleague)
    assert colleague_client.get(f"{URL}?job={job.uuid}").status_code == 404
    answer = colleague_client.post(
        URL, {"job": str(job.uuid), "action": "download", "passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE}
    )
    assert answer.status_code == 404
    assert colleague_client.get(f"{URL}?job=not-a-uuid").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_page_of_a_job_in_progress_polls_its_status(client, alice, persons, monkeypatch):
    queue_without_running(monkeypatch)
    job = request_export(alice)
    alice_client = login(client, alice)
    page = alice_client.get(job.get_absolute_url()).content.decode()
    assert "Waiting for a worker" in page and 'data-poll="1"' in page and "progress.js" in page
    status = alice_client.get(f"{URL}?job={job.uuid}&status=json").json()
    assert status == {
        "status": "queued",
        "status_display": "Waiting for a worker",
        "progress": 0,
        "message": "Queued: a worker prepares it shortly.",
        "finished": False,
    }


def test_a_job_whose_worker_process_is_gone_is_failed_with_the_reason_and_runs_again(
    client, alice, persons, monkeypatch
):
    queue_without_running(monkeypatch)
    job = request_export(alice)
    # As a worker killed mid-way leaves it: running, at 40 %, its process gone.
    CaseExport.objects.filter(pk=job.pk).update(
        status=S.RUNNING, progress=40, task_id="t-1", worker="localhost-nowhere:1", heartbeat_at=timezone.now()
    )
    monkeypatch.setattr("zhusan.core.jobs.socket.gethostname", lambda: "localhost-nowhere")
    monkeypatch.setattr("zhusan.core.jobs.os.kill", _no_such_process)
    alice_client = login(client, alice)
    page = alice_client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == S.FAILED and "The worker process running it stopped. Prepare it again." in job.message
    assert "Failed" in page and "Prepare it again" in page
    monkeypatch.undo()
    response = alice_client.post(URL, {"job": str(job.uuid), "action": "rerun"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == S.DONE and job.count == 2
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="case_export", detail__run_again=True).exists()


def _no_such_process(pid: int, signal: int) -> None:
    raise ProcessLookupError


def test_a_job_whose_heartbeat_is_stale_is_failed(alice, persons, monkeypatch, settings):
    settings.ZHUSAN_JOB_STALE_SECONDS = 60
    queue_without_running(monkeypatch)
    job = request_export(alice)
    CaseExport.objects.filter(pk=job.pk).update(
        status=S.RUNNING, task_id="t-1", worker="elsewhere:1", heartbeat_at=timezone.now() - timedelta(seconds=61)
    )
    job = case_export_settle(CaseExport.objects.get(pk=job.pk))
    assert job.status == S.FAILED and "stopped answering" in job.message


def test_a_running_job_with_a_fresh_heartbeat_stays_running(alice, persons, monkeypatch):
    queue_without_running(monkeypatch)
    job = request_export(alice)
    CaseExport.objects.filter(pk=job.pk).update(
        status=S.RUNNING, task_id="t-1", worker="elsewhere:1", heartbeat_at=timezone.now()
    )
    assert case_export_settle(CaseExport.objects.get(pk=job.pk)).status == S.RUNNING


def test_a_superseded_run_writes_nothing(alice, persons, monkeypatch):
    queue_without_running(monkeypatch)
    job = request_export(alice)
    CaseExport.objects.filter(pk=job.pk).update(status=S.RUNNING, task_id="the-new-run")
    run_case_export(str(job.uuid), "an-old-run")
    job.refresh_from_db()
    assert (job.status, job.task_id, bytes(job.content)) == (S.RUNNING, "the-new-run", b"")


def test_a_finished_job_is_not_prepared_twice(alice, persons):
    job = request_export(alice)
    first = bytes(CaseExport.objects.get(pk=job.pk).content)
    run_case_export(str(job.uuid), job.task_id)
    assert bytes(CaseExport.objects.get(pk=job.pk).content) == first


def test_a_file_not_downloaded_in_time_is_erased(alice, persons, settings):
    settings.ZHUSAN_CASE_EXPORT_KEEP_HOURS = 1
    job = request_export(alice)
    job = case_export_settle(job, now=timezone.now() + timedelta(hours=2))
    assert job.status == S.EXPIRED and bytes(job.content) == b"" and job.persons == ""
    with pytest.raises(CaseExportError):
        download(job, alice)
    assert case_export_rerun(actor=Actor.system("tests", user=alice), job=job).status == S.DONE


def test_a_requester_who_lost_the_capability_gets_a_failed_job(alice, persons, monkeypatch):
    queue_without_running(monkeypatch)
    job = request_export(alice)
    RoleGrant.objects.filter(user=alice).update(role=Role.PSYCHOLOGIST)
    run_case_export(str(job.uuid), "t-1")
    job.refresh_from_db()
    assert job.status == S.FAILED and "may no longer export" in job.message


def test_a_bad_request_writes_no_job(alice, persons):
    with pytest.raises(CaseExportError):
        request_export(alice, fields=["risk_score"])
    with pytest.raises(CaseExportError):
        request_export(alice, filters=ExportFilters(stage="in_custody"))
    assert not CaseExport.objects.exists()


def test_the_export_page_lists_recent_jobs_in_a_bounded_number_of_queries(
    client, alice, persons, django_assert_max_num_queries
):
    for _ in range(12):
        request_export(alice)
    alice_client = login(client, alice)
    alice_client.get(URL)
    with django_assert_max_num_queries(30):
        body = alice_client.get(URL).content.decode()
    assert body.count(f"{URL}?job=") == 10


def test_files_left_by_anyone_are_erased_when_anyone_asks_for_an_export(alice, centre_unit, persons, settings):
    settings.ZHUSAN_CASE_EXPORT_KEEP_HOURS = 1
    forgotten = request_export(alice)
    CaseExport.objects.filter(pk=forgotten.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    request_export(make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="erlan"))
    forgotten.refresh_from_db()
    assert forgotten.status == S.EXPIRED and bytes(forgotten.content) == b"" and forgotten.persons == ""
