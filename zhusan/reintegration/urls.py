from django.urls import path

from . import views

app_name = "reintegration"
urlpatterns = [
    path("persons/<uuid:person_uuid>/", views.person_reintegration, name="person_reintegration"),
    path("persons/<uuid:person_uuid>/home-visit/", views.home_visit_add, name="home_visit_add"),
    path("persons/<uuid:person_uuid>/placement/", views.placement_add, name="placement_add"),
    path("persons/<uuid:person_uuid>/pathway/", views.pathway_add, name="pathway_add"),
    path("persons/<uuid:person_uuid>/benefit-claim/", views.claim_add, name="claim_add"),
    path("persons/<uuid:person_uuid>/enrolment/", views.enrolment_add, name="enrolment_add"),
    path("placements/due/", views.placements_due, name="placements_due"),
    path("placements/<uuid:placement_uuid>/review/", views.placement_review, name="placement_review"),
    path("placements/<uuid:placement_uuid>/end/", views.placement_end, name="placement_end"),
    path("pathways/", views.caseload, name="caseload"),
    path("pathways/<uuid:pathway_uuid>/", views.pathway_edit, name="pathway_edit"),
    path("pathways/<uuid:pathway_uuid>/hearing/", views.hearing_add, name="hearing_add"),
    path("benefit-claims/<uuid:claim_uuid>/", views.claim_edit, name="claim_edit"),
    path("enrolments/<uuid:enrolment_uuid>/review/", views.education_review_add, name="education_review_add"),
    path("enrolments/<uuid:enrolment_uuid>/letter.pdf", views.school_letter, name="school_letter"),
]
