from django.urls import path

from . import views

app_name = "dataprotection_sharing"
urlpatterns = [
    path("partners/", views.partners, name="partners"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<uuid:agreement_uuid>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:agreement_uuid>/status/", views.agreement_status, name="agreement_status"),
    path("agreements/<uuid:agreement_uuid>/document/", views.agreement_document, name="agreement_document"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<uuid:assessment_uuid>/", views.assessment_detail, name="assessment_detail"),
    path("breaches/", views.breach_list, name="breach_list"),
    path("breaches/new/", views.breach_create, name="breach_create"),
    path("breaches/<uuid:breach_uuid>/", views.breach_detail, name="breach_detail"),
    path("breaches/<uuid:breach_uuid>/authority/", views.breach_authority, name="breach_authority"),
    path("breaches/<uuid:breach_uuid>/persons/", views.breach_persons, name="breach_persons"),
    path("breaches/<uuid:breach_uuid>/status/", views.breach_status, name="breach_status"),
    path("breaches/<uuid:breach_uuid>/records/", views.breach_records, name="breach_records"),
    path("breach-records/<uuid:record_uuid>/remove/", views.breach_record_remove, name="breach_record_remove"),
    path("who-saw/", views.who_saw, name="who_saw"),
    path("figures/", views.figures, name="figures"),
]
