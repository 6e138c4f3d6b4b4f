from django.urls import path

from . import views

app_name = "rehabilitation"
urlpatterns = [
    path("", views.centre_list, name="centre_list"),
    path("centres/<uuid:centre_uuid>/", views.centre_detail, name="centre_detail"),
    path("centres/<uuid:centre_uuid>/admit/", views.admit, name="admit"),
    path("centres/<uuid:centre_uuid>/caseloads/", views.discipline_caseloads, name="discipline_caseloads"),
    path("admissions/<uuid:admission_uuid>/room/", views.room_change, name="room_change"),
    path("admissions/<uuid:admission_uuid>/discharge/", views.discharge, name="discharge"),
    path("staff/<uuid:staff_uuid>/caseload/", views.caseload, name="caseload"),
    path("my-caseload/", views.my_caseload, name="my_caseload"),
    path("persons/<uuid:person_uuid>/", views.person_rehabilitation, name="person_rehabilitation"),
    path("persons/<uuid:person_uuid>/key-workers/", views.key_worker_assign, name="key_worker_assign"),
]
