"""/api/v1/rehabilitation/sessions/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("today/", _api(api.TodaySessions), name="api-sessions-today"),
    path("persons/<uuid:person_uuid>/", _api(api.PersonSessions), name="api-person-sessions"),
    path("persons/<uuid:person_uuid>/intake/", _api(api.PersonIntake), name="api-person-intake"),
    path(
        "persons/<uuid:person_uuid>/risk-assessments/",
        _api(api.PersonRiskAssessments),
        name="api-person-risk-assessments",
    ),
    path("<uuid:session_uuid>/", _api(api.SessionDetail), name="api-session-detail"),
    path("<uuid:session_uuid>/hold/", _api(api.SessionHold), name="api-session-hold"),
    path("<uuid:session_uuid>/cancel/", _api(api.SessionCancel), name="api-session-cancel"),
    path("<uuid:session_uuid>/participants/", _api(api.SessionParticipants), name="api-session-participants"),
    path("<uuid:session_uuid>/notes/", _api(api.SessionNotes), name="api-session-notes"),
]
