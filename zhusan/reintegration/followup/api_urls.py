"""/api/v1/reintegration/follow-up/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns: list[URLPattern] = [
    path("overdue/", _api(api.Overdue), name="api-follow-up-overdue"),
    path("due/", _api(api.Due), name="api-follow-up-due"),
    path("persons/<uuid:person_uuid>/", _api(api.PersonFollowUp), name="api-follow-up-person"),
    path("persons/<uuid:person_uuid>/plan/", _api(api.PersonPlan), name="api-follow-up-plan"),
    path("persons/<uuid:person_uuid>/visits/", _api(api.PersonVisits), name="api-follow-up-visits"),
    path("persons/<uuid:person_uuid>/incidents/", _api(api.PersonIncidents), name="api-follow-up-incidents"),
    path(
        "persons/<uuid:person_uuid>/security-contacts/",
        _api(api.PersonSecurityContacts),
        name="api-follow-up-security-contacts",
    ),
    path("persons/<uuid:person_uuid>/closures/", _api(api.PersonClosures), name="api-follow-up-closures"),
    path("persons/<uuid:person_uuid>/reopen/", _api(api.PersonReopen), name="api-follow-up-reopen"),
    path("contacts/<uuid:contact_uuid>/reschedule/", _api(api.ContactReschedule), name="api-follow-up-reschedule"),
    path("incidents/<uuid:incident_uuid>/actions/", _api(api.IncidentActions), name="api-follow-up-incident-actions"),
    path("closures/<uuid:closure_uuid>/decision/", _api(api.ClosureDecision), name="api-follow-up-closure-decision"),
]
