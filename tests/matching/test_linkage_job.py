"""Bulk linkage from the UI: a job of the task queue with progress, for reviewers only, audited;
a job whose worker died is shown failed with the reason and runs again."""

from __future__ import annotations

import csv
import io
import json
import socket
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.matching.models import LinkageJob, LinkageMode, LinkageStatus
from zhusan.registry.models import Script

from ..factories import make_person, make_staff
from ..registry.helpers import login
from .test_link_command import LIST_CSV, REGISTRY_CSV

pytestmark = pytest.mark.django_db


def _upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _link_two_files(client: Client):
    """Ask for the linkage of the sample list against the sample registry file."""
    return client.post(
        reverse("matching:linkage_create"),
        {
            "mode": LinkageMode.TWO_FILES,
            "left": _upload("list.csv", LIST_CSV),
            "right": _upload("reg.csv", REGISTRY_CSV),
        },
    )


def _pairs(text: str) -> set[tuple[str, str]]:
    return {(r["left_id"], r["right_id"]) for r in csv.DictReader(io.StringIO(text))}


def test_a_reviewer_links_two_files_and_downloads_the_pairs(client: Client, alice) -> None:
    login(client, alice)
    response = _link_two_files(client)
    job = LinkageJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == LinkageStatus.DONE and job.progress == 100 and job.created_by == alice
    assert (job.left_name, job.right_name) == ("list.csv", "reg.csv")
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="linkage_job", object_ref=str(job.uuid)).exists()

    page = client.get(job.get_absolute_url())
    assert (
        b"<progress" in page.content and reverse("matching:linkage_download", args=[job.uuid]).encode() in page.content
    )
    status = client.get(reverse("matching:linkage_status", args=[job.uuid])).json()
    assert status["progress"] == 100 and status["finished"] is True

    before = AuditEvent.objects.filter(action=Action.EXPORT, object_type="linkage_job").count()
    download = client.get(reverse("matching:linkage_download", args=[job.uuid]))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert {("L1", "R1"), ("L2", "R2")} <= _pairs(download.content.decode())
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="linkage_job").count() == before + 1


def test_a_job_against_the_registry_links_only_to_persons_the_user_may_see(client: Client, alice, charlie) -> None:
    aisha = make_person(alice, given="Айша", family="Жүсіпова", script=Script.CYRILLIC, birth_year=1990)
    hidden = make_person(charlie, given="Юсуф", family="Иванов", script=Script.CYRILLIC, sex="male", birth_year=1985)
    login(client, alice)
    client.post(
        reverse("matching:linkage_create"), {"mode": LinkageMode.REGISTRY, "left": _upload("list.csv", LIST_CSV)}
    )
    job = LinkageJob.objects.get()
    assert job.mode == LinkageMode.REGISTRY and job.status == LinkageStatus.DONE and job.progress == 100
    pairs = _pairs(job.result)
    assert ("L1", aisha.case_number) in pairs
    assert not any(right == hidden.case_number for _, right in pairs)


def test_a_teacher_gets_403_and_no_job_is_created(client: Client, centre_unit) -> None:
    login(client, make_staff(Role.TEACHER, centre_unit))
    assert client.get(reverse("matching:linkage_create")).status_code == 403
    response = client.post(
        reverse("matching:linkage_create"), {"mode": LinkageMode.REGISTRY, "left": _upload("list.csv", LIST_CSV)}
    )
    assert response.status_code == 403
    assert not LinkageJob.objects.exists()


def test_another_user_cannot_see_or_download_a_job(client: Client, alice) -> None:
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    other = make_staff(Role.CASE_MANAGER, alice.unit)
    login(client, other)
    for name in ("matching:linkage_detail", "matching:linkage_status", "matching:linkage_download"):
        assert client.get(reverse(name, args=[job.uuid])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.4", "use a .csv or .xlsx file"),
        ("list.csv", "Surname;Given\nИванов;Юсуф\n".encode("cp1251"), "not UTF-8"),
        ("list.csv", b"Colour,Size\nred,3\n", "no name column"),
        ("list.xlsx", b"not a zip at all", "not a readable XLSX"),
        ("list.csv", b"Surname,Given\n", "no rows under the header"),
        ("list.csv", b"Surname\n" + b"x" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_a_bad_file_is_refused_on_the_form_and_no_job_is_created(
    client: Client, alice, name: str, content: bytes, message: str
) -> None:
    login(client, alice)
    before = AuditEvent.objects.filter(object_type="linkage_job").count()
    response = client.post(
        reverse("matching:linkage_create"), {"mode": LinkageMode.REGISTRY, "left": _upload(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LinkageJob.objects.exists()
    assert AuditEvent.objects.filter(object_type="linkage_job").count() == before


def test_two_files_mode_without_a_second_file_is_refused(client: Client, alice) -> None:
    login(client, alice)
    response = client.post(
        reverse("matching:linkage_create"), {"mode": LinkageMode.TWO_FILES, "left": _upload("list.csv", LIST_CSV)}
    )
    assert response.status_code == 200 and "Choose the second list" in response.content.decode()
    assert not LinkageJob.objects.exists()


def test_a_job_is_a_task_of_the_queue_that_keeps_its_lists_encrypted_until_done(client: Client, alice) -> None:
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    assert job.task_id and job.worker and job.heartbeat_at is not None
    assert job.left_input == "" and job.right_input == ""  # done: the lists are gone


def _died(job: LinkageJob, **fields) -> None:
    """The job as a killed worker leaves it: running, at 6 %, for ever."""
    values = {"status": LinkageStatus.RUNNING, "progress": 6, "finished_at": None, "left_input": '[{"id": "L1"}]'}
    LinkageJob.objects.filter(pk=job.pk).update(**(values | fields))


def test_a_job_whose_worker_process_died_is_shown_failed_with_the_reason(client: Client, alice) -> None:
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    _died(job, worker=f"{socket.gethostname()}:{2**22 + 12345}", heartbeat_at=timezone.now())
    status = client.get(reverse("matching:linkage_status", args=[job.uuid])).json()
    assert status["status"] == LinkageStatus.FAILED and status["finished"] is True
    assert "worker process" in status["message"]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Run again" in page


def test_a_job_whose_heartbeat_is_older_than_the_limit_is_failed(client: Client, alice, settings) -> None:
    settings.ZHUSAN_JOB_STALE_SECONDS = 60
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    _died(job, worker="elsewhere:1", heartbeat_at=timezone.now() - timedelta(seconds=61))
    job = LinkageJob.objects.get()
    assert "stopped answering" in client.get(reverse("matching:linkage_status", args=[job.uuid])).json()["message"]


def test_a_job_with_a_fresh_heartbeat_on_another_machine_stays_running(client: Client, alice) -> None:
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    _died(job, worker="elsewhere:1", heartbeat_at=timezone.now())
    assert client.get(reverse("matching:linkage_status", args=[job.uuid])).json()["status"] == LinkageStatus.RUNNING


def test_a_failed_job_runs_again_from_the_start_and_finishes(client: Client, alice) -> None:
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    left = json.dumps([{"id": "L1", "given": "Aisha", "family": "Yusupova", "birth": "1990", "sex": "female"}])
    right = json.dumps([{"id": "R1", "given": "Aisha", "family": "Yusupova", "birth": "1990", "sex": "female"}])
    job.left_input, job.right_input = left, right
    job.save(update_fields=["left_input", "right_input"])
    _died(job, left_input=job.left_input, worker="elsewhere:1", heartbeat_at=timezone.now() - timedelta(days=1))
    response = client.post(reverse("matching:linkage_rerun", args=[job.uuid]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == LinkageStatus.DONE and job.progress == 100 and ("L1", "R1") in _pairs(job.result)
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="linkage_job", object_ref=str(job.uuid)).exists()


def test_a_job_that_is_done_or_running_cannot_run_again(client: Client, alice) -> None:
    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    client.post(reverse("matching:linkage_rerun", args=[job.uuid]))
    job.refresh_from_db()
    assert job.status == LinkageStatus.DONE and not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_a_task_of_an_earlier_run_writes_nothing(client: Client, alice) -> None:
    from zhusan.matching import jobs

    login(client, alice)
    _link_two_files(client)
    job = LinkageJob.objects.get()
    _died(job, task_id="the-new-run", worker="elsewhere:1", heartbeat_at=timezone.now(), right_input="[]")
    jobs.run_linkage_job(str(job.uuid), "the-old-run")
    job.refresh_from_db()
    assert job.status == LinkageStatus.RUNNING and job.progress == 6 and job.task_id == "the-new-run"


AGES_CSV = "No,Nom,Prenom,age\nA1,Serikova,Aisha,29\n"


def test_the_page_reads_a_list_as_the_command_does_with_its_columns_and_the_day_ages_were_stated(
    client: Client, alice
) -> None:
    login(client, alice)
    without_date = client.post(
        reverse("matching:linkage_create"),
        {
            "mode": LinkageMode.REGISTRY,
            "left": _upload("camp.csv", AGES_CSV),
            "columns": "id=No,family=Nom,given=Prenom",
        },
    )
    assert without_date.status_code == 200 and "--age-on" in without_date.content.decode()
    bad_map = client.post(
        reverse("matching:linkage_create"),
        {"mode": LinkageMode.REGISTRY, "left": _upload("camp.csv", AGES_CSV), "columns": "nonsense"},
    )
    assert bad_map.status_code == 200 and "is not key=Column" in bad_map.content.decode()
    assert not LinkageJob.objects.exists()

    response = client.post(
        reverse("matching:linkage_create"),
        {
            "mode": LinkageMode.REGISTRY,
            "left": _upload("camp.csv", AGES_CSV),
            "columns": "id=No,family=Nom,given=Prenom",
            "ages_stated_on": "2019-01-06",
        },
    )
    assert response.status_code == 302 and LinkageJob.objects.count() == 1
