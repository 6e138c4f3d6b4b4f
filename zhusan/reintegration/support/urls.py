from django.urls import path

from . import views

app_name = "reintegration_support"
urlpatterns = [
    path("persons/<uuid:person_uuid>/", views.person_support, name="person_support"),
    path("persons/<uuid:person_uuid>/courses/", views.course_add, name="course_add"),
    path("persons/<uuid:person_uuid>/employment/", views.employment_add, name="employment_add"),
    path("persons/<uuid:person_uuid>/income-support/", views.income_support_add, name="income_support_add"),
    path("persons/<uuid:person_uuid>/housing/", views.housing_add, name="housing_add"),
    path("persons/<uuid:person_uuid>/refer/", views.referral_create, name="referral_create"),
    path("persons/<uuid:person_uuid>/transfer/", views.transfer_create, name="transfer_create"),
    path("referrals/", views.referrals_sent, name="referrals_sent"),
    path("referrals/received/", views.referrals_received, name="referrals_received"),
    path("referrals/overdue/", views.referrals_overdue, name="referrals_overdue"),
    path("referrals/overrides/", views.overrides, name="overrides"),
    path("referrals/<uuid:referral_uuid>/", views.referral_detail, name="referral_detail"),
    path("referrals/<uuid:referral_uuid>/answer/", views.referral_answer, name="referral_answer"),
    path("referrals/<uuid:referral_uuid>/review/", views.referral_review, name="referral_review"),
    path("employment/<uuid:employment_uuid>/letter.pdf", views.employer_letter, name="employer_letter"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<uuid:transfer_uuid>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:transfer_uuid>/answer/", views.transfer_answer, name="transfer_answer"),
    path("transfers/<uuid:transfer_uuid>/hand-over/", views.transfer_hand_over, name="transfer_hand_over"),
    path("transfers/<uuid:transfer_uuid>/review/", views.transfer_review, name="transfer_review"),
]
