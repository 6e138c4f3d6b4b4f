"""The officer's pages: they render, refuse everyone else, keep their query
count bounded, and carry a breach from recording to closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhusan.dataprotection.sharing import services
from zhusan.dataprotection.sharing.models import Breach, BreachRecord, SharingAgreement

from ...registry.helpers import login
from .conftest import act, agreement

LISTS = ("agreement_list", "assessment_list", "breach_list", "who_saw", "figures")


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"dataprotection_sharing:{name}", kwargs=kwargs or None)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("name", LISTS)
def test_a_list_page_keeps_its_query_count_with_many_rows(
    client, officer, partner, name, django_assert_max_num_queries
):
    for _ in range(3):
        agreement(officer, partner)
    now = timezone.now()
    for letter in "abcdef":
        services.breach_create(
            actor=act(officer), title=f"Breach {letter}", what_happened="x",
            happened_at=now - timedelta(hours=5), discovered_at=now - timedelta(hours=4),
        )  # fmt: skip
    login(client, officer)
    with django_assert_max_num_queries(25):
        assert client.get(_url(name)).status_code == 200


def test_the_officers_home_lists_open_breaches_with_their_clock(client, officer):
    now = timezone.now()
    services.breach_create(
        actor=act(officer), title="Lost phone", what_happened="A work phone was lost.",
        happened_at=now - timedelta(hours=90), discovered_at=now - timedelta(hours=80),
    )  # fmt: skip
    page = login(client, officer).get(reverse("dataprotection:home")).content.decode()
    assert "Lost phone" in page and "overdue by 8 h" in page


def test_the_officers_pages_refuse_a_social_worker(client, worker):
    login(client, worker)
    for name in LISTS:
        assert client.get(_url(name)).status_code == 403


def test_everyone_signed_in_sees_the_partners_with_an_agreement_in_force(client, officer, worker, partner):
    agreement(officer, partner, purposes=("referral",))
    page = login(client, worker).get(_url("partners")).content.decode()
    assert "Women at Work" in page


def test_a_breach_goes_from_the_form_to_closed(client, officer, worker, woman):
    from zhusan.audit.services import Actor
    from zhusan.registry.selectors import get_person_for_user

    get_person_for_user(Actor.system("tests", user=worker), woman.uuid)
    login(client, officer)
    now = timezone.now()
    bad = client.post(
        _url("breach_create"),
        {"title": "Wrong e-mail", "what_happened": "A list went out.", "happened_at": _local(now),
         "discovered_at": _local(now - timedelta(hours=2))},
    )  # fmt: skip
    assert bad.status_code == 400 and "cannot be found before it happened" in bad.content.decode()
    assert not Breach.objects.exists()
    response = client.post(
        _url("breach_create"),
        {"title": "Wrong e-mail", "what_happened": "A list went out.",
         "happened_at": _local(now - timedelta(hours=3)), "discovered_at": _local(now - timedelta(hours=2))},
    )  # fmt: skip
    breach = Breach.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "left to notify the authority" in page
    found = client.get(_url("breach_records", breach_uuid=breach.uuid), {"case_number": woman.case_number})
    seqs = [int(s) for s in __import__("re").findall(r'name="events" value="(\d+)"', found.content.decode())]
    assert seqs
    client.post(_url("breach_records", breach_uuid=breach.uuid), {"events": seqs})
    assert BreachRecord.objects.filter(breach=breach, person=woman).exists()
    client.post(
        _url("breach_authority", breach_uuid=breach.uuid),
        {"version": 1, "decision": "notified", "notified_at": _local(now), "reference": "DPA-1"},
    )
    breach.refresh_from_db()
    client.post(
        _url("breach_persons", breach_uuid=breach.uuid),
        {"version": breach.version, "decision": "notified", "notified_on": timezone.localdate().isoformat()},
    )
    breach.refresh_from_db()
    client.post(
        _url("breach_detail", breach_uuid=breach.uuid),
        {"version": breach.version, "what_happened": "A list went out.", "containment": "Recalled.",
         "lessons": "Check addresses."},
    )  # fmt: skip
    breach.refresh_from_db()
    client.post(_url("breach_status", breach_uuid=breach.uuid), {"version": breach.version, "status": "closed"})
    breach.refresh_from_db()
    assert breach.status == "closed"
    assert "Authority notified in time" in client.get(_url("breach_list")).content.decode()


def test_an_agreement_is_recorded_and_activated_from_its_pages(client, officer, partner):
    from .conftest import approved_assessment

    assessment = approved_assessment(officer, partner)
    login(client, officer)
    today = timezone.localdate()
    data = {
        "organisation": partner.uuid, "purposes": ["referral", "transfer"], "categories": ["identity"],
        "legal_basis": "Consent", "partner_retention": "One year", "contact": "dpo@example.org",
        "starts_on": today.isoformat(), "expires_on": (today - timedelta(days=1)).isoformat(),
        "assessment": assessment.uuid,
    }  # fmt: skip
    bad = client.post(_url("agreement_create"), data)
    assert "must expire after it starts" in bad.content.decode()
    data["expires_on"] = (today + timedelta(days=200)).isoformat()
    response = client.post(_url("agreement_create"), data)
    item = SharingAgreement.objects.get()
    assert response.status_code == 302 and item.status == "draft"
    client.post(_url("agreement_status", agreement_uuid=item.uuid), {"version": item.version, "status": "active"})
    item.refresh_from_db()
    assert item.status == "active"


def test_every_url_of_the_app_answers_the_roles_of_its_permission_map(client, home, consul, woman, officer, worker):
    """The app's own probe (the full one is tests/access/test_every_url.py): GET
    and an empty POST of each URL, as the officer and as a social worker."""
    from .url_permissions import PERMISSIONS, objects

    made = objects({"home": home, "inside": woman, "inside_adult": woman, "registrar": consul})
    for user in (officer, worker):
        client.logout()
        login(client, user)
        for name, roles in PERMISSIONS.items():
            route = name.split(":")[1]
            url = _reverse_with_one_of(name, made)
            allowed = any(user.grants.filter(role=r).exists() for r in roles)
            got = client.get(url).status_code
            assert got < 500 and ((got in (200, 302, 405)) if allowed else got == 403), (route, user, got)
            posted = client.post(url, {}).status_code
            assert posted < 500 and (allowed or posted == 403), (route, user, posted)


def _reverse_with_one_of(name: str, made: dict[str, str]) -> str:
    from django.urls import NoReverseMatch

    for kwargs in (None, *({k: v} for k, v in made.items())):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"no object for {name}")
