"""Bulk linkage from the UI: a job with progress, for reviewers only, audited."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.matching.models import LinkageJob, LinkageMode, LinkageStatus
from zhusan.registry.models import Script

from ..factories import make_person, make_staff
from ..registry.helpers import login
from .test_link_command import LIST_CSV, REGISTRY_CSV

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.LINKAGE_JOBS_INLINE = True


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


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_its_own_thread_and_reports_progress_to_completion(
    client: Client, alice, settings, monkeypatch
) -> None:
    """The real path: the request returns at once and a daemon thread links,
    storing progress in the database, then the result."""
    from zhusan.matching import jobs

    settings.LINKAGE_JOBS_INLINE = False
    ran_in: list[str] = []
    request_done, finished = threading.Event(), threading.Event()
    real = jobs.run_linkage_job

    def spy(*args, **kwargs):
        ran_in.append(threading.current_thread().name)
        # The in-memory SQLite test database has table locks and no busy
        # timeout: let the request finish its own writes (session, audit) first.
        request_done.wait(timeout=60)
        try:
            return real(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr(jobs, "run_linkage_job", spy)
    login(client, alice)
    response = _link_two_files(client)
    job = LinkageJob.objects.get()
    assert response.status_code == 302 and job.status == LinkageStatus.QUEUED  # the request did not wait
    request_done.set()
    # Wait for the thread without reading the job meanwhile (a reader's table
    # lock would fail the worker's writes on the in-memory SQLite database).
    assert finished.wait(timeout=120)
    assert ran_in == [f"linkage-{job.uuid}"]
    job.refresh_from_db()
    assert job.status == LinkageStatus.DONE and job.progress == 100 and job.finished_at is not None
    assert {("L1", "R1"), ("L2", "R2")} <= _pairs(job.result) and job.pairs == len(_pairs(job.result))
    status = client.get(reverse("matching:linkage_status", args=[job.uuid])).json()
    assert status["progress"] == 100 and status["finished"] is True
