"""/api/v1/rehabilitation/care/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns: list[URLPattern] = [
    path("persons/<uuid:person_uuid>/", _api(api.PersonCare), name="api-care-person"),
    path("persons/<uuid:person_uuid>/needs/", _api(api.PersonNeeds), name="api-care-needs-create"),
    path("persons/<uuid:person_uuid>/plans/", _api(api.PersonPlans), name="api-care-plan-create"),
    path("needs/<uuid:needs_uuid>/", _api(api.NeedsDetail), name="api-care-needs-detail"),
    path("plans/waiting/", _api(api.PlansWaiting), name="api-care-plans-waiting"),
    path("plans/<uuid:plan_uuid>/", _api(api.PlanDetail), name="api-care-plan-detail"),
    path("plans/<uuid:plan_uuid>/goals/", _api(api.PlanGoals), name="api-care-plan-goals"),
    path("plans/<uuid:plan_uuid>/submit/", _api(api.PlanSubmit), name="api-care-plan-submit"),
    path("plans/<uuid:plan_uuid>/approve/", _api(api.PlanApprove), name="api-care-plan-approve"),
    path("plans/<uuid:plan_uuid>/reject/", _api(api.PlanReject), name="api-care-plan-reject"),
    path("plans/<uuid:plan_uuid>/revise/", _api(api.PlanRevise), name="api-care-plan-revise"),
    path("plans/<uuid:plan_uuid>/reviews/", _api(api.PlanReviews), name="api-care-plan-reviews"),
    path("goals/<uuid:goal_uuid>/status/", _api(api.GoalStatusView), name="api-care-goal-status"),
    path("conferences/", _api(api.ConferenceList), name="api-care-conferences"),
    path("conferences/<uuid:conference_uuid>/", _api(api.ConferenceDetail), name="api-care-conference-detail"),
    path("conferences/<uuid:conference_uuid>/cases/", _api(api.ConferenceCases), name="api-care-conference-cases"),
    path("conference-cases/<uuid:case_uuid>/actions/", _api(api.ConferenceActions), name="api-care-conference-actions"),
    path("conference-cases/<uuid:case_uuid>/minutes/", _api(api.ConferenceMinutes), name="api-care-conference-minutes"),
]
