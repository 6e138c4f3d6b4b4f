"""/api/v1/reintegration/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("placements/due/", _api(api.PlacementsDue), name="api-placements-due"),
    path("placements/<uuid:placement_uuid>/reviews/", _api(api.PlacementReview), name="api-placement-review"),
    path("placements/<uuid:placement_uuid>/end/", _api(api.PlacementEndView), name="api-placement-end"),
    path("document-pathways/", _api(api.Caseload), name="api-document-pathways"),
    path("document-pathways/<uuid:pathway_uuid>/", _api(api.PathwayDetail), name="api-document-pathway"),
    path("document-pathways/<uuid:pathway_uuid>/hearings/", _api(api.PathwayHearings), name="api-pathway-hearings"),
    path("benefit-claims/<uuid:claim_uuid>/", _api(api.ClaimDetail), name="api-benefit-claim"),
    path("enrolments/<uuid:enrolment_uuid>/reviews/", _api(api.EnrolmentReviews), name="api-enrolment-reviews"),
    path("enrolments/<uuid:enrolment_uuid>/letter/", _api(api.SchoolLetter), name="api-school-letter"),
]
