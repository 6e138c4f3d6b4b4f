from django.urls import path

from . import views

app_name = "dataprotection_rights"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("person/<uuid:person_uuid>/", views.person_requests, name="person_requests"),
    path("person/<uuid:person_uuid>/add/", views.request_add, name="request_add"),
    path("requests/<uuid:request_uuid>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:request_uuid>/identity/", views.request_identity, name="request_identity"),
    path("requests/<uuid:request_uuid>/decide/", views.request_decide, name="request_decide"),
    path("requests/<uuid:request_uuid>/extend/", views.request_extend, name="request_extend"),
    path("requests/<uuid:request_uuid>/correction/", views.request_correction, name="request_correction"),
    path("requests/<uuid:request_uuid>/answer/", views.request_answer, name="request_answer"),
    path("copies/<uuid:copy_uuid>/pdf/", views.copy_pdf, name="copy_pdf"),
    path("copies/<uuid:copy_uuid>/json/", views.copy_json, name="copy_json"),
    path("sealed/<uuid:seal_uuid>/", views.seal_detail, name="seal"),
]
