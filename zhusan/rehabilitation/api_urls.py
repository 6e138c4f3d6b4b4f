"""/api/v1/rehabilitation/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("centres/", _api(api.CentreList), name="api-centre-list"),
    path("centres/<uuid:centre_uuid>/", _api(api.CentreDetail), name="api-centre-detail"),
    path("centres/<uuid:centre_uuid>/occupancy/", _api(api.CentreOccupancy), name="api-centre-occupancy"),
    path("centres/<uuid:centre_uuid>/admissions/", _api(api.CentreAdmissions), name="api-centre-admissions"),
    path("centres/<uuid:centre_uuid>/caseloads/", _api(api.CentreCaseloads), name="api-centre-caseloads"),
    path("admissions/<uuid:admission_uuid>/", _api(api.AdmissionDetail), name="api-admission-detail"),
    path("admissions/<uuid:admission_uuid>/room/", _api(api.AdmissionRoom), name="api-admission-room"),
    path("admissions/<uuid:admission_uuid>/discharge/", _api(api.AdmissionDischarge), name="api-admission-discharge"),
    path("persons/<uuid:person_uuid>/key-workers/", _api(api.PersonKeyWorkers), name="api-person-key-workers"),
    path("staff/<uuid:staff_uuid>/caseload/", _api(api.StaffCaseload), name="api-staff-caseload"),
]
