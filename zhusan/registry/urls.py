from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("pick/", views.person_pick, name="person_pick"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("<uuid:person_uuid>/", views.person_detail, name="person_detail"),
    path("<uuid:person_uuid>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:person_uuid>/names/", views.person_names, name="person_names"),
    path("<uuid:person_uuid>/names/add/", views.name_add, name="name_add"),
    path("<uuid:person_uuid>/names/<uuid:name_uuid>/edit/", views.name_edit, name="name_edit"),
    path("<uuid:person_uuid>/names/<uuid:name_uuid>/delete/", views.name_delete, name="name_delete"),
    path("<uuid:person_uuid>/family/", views.person_family, name="person_family"),
    path("<uuid:person_uuid>/family/add/", views.relationship_add, name="relationship_add"),
    path("<uuid:person_uuid>/households/add/", views.household_add, name="household_add"),
    path("<uuid:person_uuid>/households/member/", views.household_member_add, name="household_member_add"),
    path("<uuid:person_uuid>/documents/", views.person_documents, name="person_documents"),
    path("<uuid:person_uuid>/documents/add/", views.document_add, name="document_add"),
    path("<uuid:person_uuid>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<uuid:person_uuid>/consents/add/", views.consent_add, name="consent_add"),
    path("<uuid:person_uuid>/assents/add/", views.assent_add, name="assent_add"),
    path("<uuid:person_uuid>/locations/", views.person_locations, name="person_locations"),
    path("<uuid:person_uuid>/locations/add/", views.stay_add, name="stay_add"),
    path("<uuid:person_uuid>/timeline/", views.person_timeline, name="person_timeline"),
    path("<uuid:person_uuid>/stage/", views.person_stage, name="person_stage"),
    path("<uuid:person_uuid>/notes/add/", views.note_add, name="note_add"),
]
