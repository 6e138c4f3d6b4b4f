from django.urls import URLPattern, path

from . import views

app_name = "reintegration_followup"
urlpatterns: list[URLPattern] = [
    path("overdue/", views.overdue, name="overdue"),
    path("persons/<uuid:person_uuid>/", views.person_follow_up, name="person_follow_up"),
    path("persons/<uuid:person_uuid>/plan/", views.plan_edit, name="plan_edit"),
    path("persons/<uuid:person_uuid>/visit/", views.visit_add, name="visit_add"),
    path("persons/<uuid:person_uuid>/incidents/", views.person_incidents, name="person_incidents"),
    path("persons/<uuid:person_uuid>/security/", views.person_security, name="person_security"),
    path("persons/<uuid:person_uuid>/closure/", views.closure_request, name="closure_request"),
    path("persons/<uuid:person_uuid>/reopen/", views.case_reopen, name="case_reopen"),
    path("contacts/<uuid:contact_uuid>/", views.contact_detail, name="contact_detail"),
    path("contacts/<uuid:contact_uuid>/reschedule/", views.contact_reschedule, name="contact_reschedule"),
    path("incidents/<uuid:incident_uuid>/", views.incident_detail, name="incident_detail"),
    path("closures/<uuid:closure_uuid>/", views.closure_detail, name="closure_detail"),
]
