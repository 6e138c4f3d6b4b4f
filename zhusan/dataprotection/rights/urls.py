from django.urls import path

from . import views

app_name = "dataprotection_rights"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("person/<uuid:person_uuid>/", views.person_requests, name="person_requests"),
    path("person/<uuid:person_uuid>/add/", views.request_add, name="request_add"),
    path("requests/<uuid:ref>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:ref>/identity/", views.request_identity, name="request_identity"),
    path("requests/<uuid:ref>/decide/", views.request_decide, name="request_decide"),
    path("requests/<uuid:ref>/extend/", views.request_extend, name="request_extend"),
    path("requests/<uuid:ref>/correction/", views.request_correction, name="request_correction"),
    path("requests/<uuid:ref>/answer/", views.request_answer, name="request_answer"),
    path("copies/<uuid:ref>/<str:what>/", views.copy_download, name="copy_download"),
    path("sealed/<uuid:ref>/", views.seal_detail, name="seal"),
]
