"""The suite itself: a test that commits (and so ends with a flush of every
table) leaves the rows data migrations wrote for the tests after it, whichever
worker runs them (tests/conftest.py)."""

from __future__ import annotations

import pytest

from zhusan.registry.models import Person
from zhusan.reintegration.followup.models import FollowUpTemplate

from .factories import make_person


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_writes_a_person(alice):
    make_person(alice, given="Aisha", birth_year=1990)
    assert Person.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_after_it_the_person_is_gone_and_the_default_follow_up_template_is_back():
    assert not Person.objects.exists()
    assert FollowUpTemplate.objects.filter(is_default=True, active=True).exists()
