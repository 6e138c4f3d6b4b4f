from django.urls import path

from . import views

app_name = "rehabilitation_sessions"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("persons/<uuid:person_uuid>/", views.person_sessions, name="person_sessions"),
    path("persons/<uuid:person_uuid>/intake/", views.person_intake, name="person_intake"),
    path(
        "persons/<uuid:person_uuid>/risk-assessments/",
        views.person_risk_assessments,
        name="person_risk_assessments",
    ),
    path("<uuid:session_uuid>/", views.session_detail, name="session_detail"),
    path("<uuid:session_uuid>/hold/", views.session_hold, name="session_hold"),
    path("<uuid:session_uuid>/cancel/", views.session_cancel, name="session_cancel"),
    path("<uuid:session_uuid>/notes/", views.session_note_add, name="session_note_add"),
    path("<uuid:session_uuid>/participants/", views.session_participant_add, name="session_participant_add"),
]
