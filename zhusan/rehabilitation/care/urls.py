from django.urls import URLPattern, path

from . import views

app_name = "rehabilitation_care"
urlpatterns: list[URLPattern] = [
    path("persons/<uuid:person_uuid>/", views.person_plan, name="person_plan"),
    path("persons/<uuid:person_uuid>/needs/new/", views.needs_add, name="needs_add"),
    path("persons/<uuid:person_uuid>/plans/new/", views.plan_create, name="plan_create"),
    path("needs/<uuid:needs_uuid>/edit/", views.needs_edit, name="needs_edit"),
    path("plans/waiting/", views.plans_waiting, name="plans_waiting"),
    path("plans/<uuid:plan_uuid>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:plan_uuid>/goals/", views.plan_goal_add, name="plan_goal_add"),
    path("plans/<uuid:plan_uuid>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<uuid:plan_uuid>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<uuid:plan_uuid>/reject/", views.plan_reject, name="plan_reject"),
    path("plans/<uuid:plan_uuid>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<uuid:plan_uuid>/reviews/", views.plan_review_add, name="plan_review_add"),
    path("goals/<uuid:goal_uuid>/status/", views.goal_status, name="goal_status"),
    path("conferences/", views.conference_list, name="conference_list"),
    path("conferences/new/", views.conference_create, name="conference_create"),
    path("conferences/<uuid:conference_uuid>/", views.conference_detail, name="conference_detail"),
    path("conferences/<uuid:conference_uuid>/cases/", views.conference_case_add, name="conference_case_add"),
    path("conference-cases/<uuid:case_uuid>/actions/", views.conference_action_add, name="conference_action_add"),
    path("conference-cases/<uuid:case_uuid>/minutes/", views.conference_minute_add, name="conference_minute_add"),
]
