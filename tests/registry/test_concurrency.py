"""Two editors at the same moment: one write wins, the other is refused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhusan.audit.services import Actor, verify_chain
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry import services
from zhusan.registry.models import Person

from ..factories import make_person


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables across threads; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_of_the_same_version_never_lose_an_update(alice):
    person = make_person(alice)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(place: str) -> None:
        try:
            mine = Person.objects.get(pk=person.pk)
            barrier.wait(timeout=10)
            services.person_update(
                actor=Actor.system("tests", user=alice), person=mine, expected_version=1, place_of_birth=place
            )
            outcomes[place] = "saved"
        except StaleVersionError:
            outcomes[place] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(place,)) for place in ("Aktau", "Atyrau")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    person.refresh_from_db()
    winner = next(place for place, outcome in outcomes.items() if outcome == "saved")
    assert (person.place_of_birth, person.version) == (winner, 2)
    assert verify_chain().ok  # concurrent appends kept the audit chain intact
