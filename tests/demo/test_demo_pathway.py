"""The demo after arrival, loaded once for every app (a load takes minutes):
the centre and its stays, placement and school, work, referrals and housing,
follow-up for years. Each app keeps its own checks beside its tests; this
test loads the demo and runs them all, with exact published figures."""

from __future__ import annotations

import pytest

from zhusan.demo.builder import DEFAULT_SEED, DemoLoader

from ..rehabilitation.test_demo import check_the_demo_runs_akniet_as_the_public_record_describes
from ..reintegration.followup.test_demo import check_the_demo_follows_up_returnees_for_years
from ..reintegration.support.test_demo import (
    check_the_demo_has_the_first_groups_women_at_work_housing_referrals_and_a_transfer,
)
from ..reintegration.test_demo import (
    check_the_demo_places_every_returned_child_schools_them_and_documents_the_camp_born,
)


@pytest.mark.django_db
def test_the_demo_carries_the_returnees_through_rehabilitation_and_reintegration(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 1
    loader = DemoLoader(DEFAULT_SEED)
    loader.run()
    check_the_demo_runs_akniet_as_the_public_record_describes(loader)
    check_the_demo_places_every_returned_child_schools_them_and_documents_the_camp_born(loader)
    check_the_demo_has_the_first_groups_women_at_work_housing_referrals_and_a_transfer(loader)
    check_the_demo_follows_up_returnees_for_years(loader)
