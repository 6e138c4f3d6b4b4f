from django.urls import path

from . import views

app_name = "instruments"
urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<uuid:alert_uuid>/", views.alert_detail, name="alert_detail"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("administrations/<uuid:administration_uuid>/", views.administration_detail, name="administration_detail"),
    path("persons/<uuid:person_uuid>/", views.person_instruments, name="person_instruments"),
    path("persons/<uuid:person_uuid>/administer/", views.administration_new, name="administration_new"),
]
