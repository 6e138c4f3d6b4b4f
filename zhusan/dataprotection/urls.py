from django.urls import path

from . import views

app_name = "dataprotection"
urlpatterns = [
    path("", views.home, name="home"),
    path("retention/rules/", views.rules, name="rules"),
    path("retention/holds/", views.holds, name="holds"),
    path("retention/holds/<uuid:hold_uuid>/lift/", views.hold_lift, name="hold_lift"),
    path("retention/batches/", views.batches, name="batches"),
    path("retention/batches/<uuid:batch_uuid>/", views.batch, name="batch"),
    path("retention/batches/<uuid:batch_uuid>/approve/", views.batch_approve, name="batch_approve"),
    path(
        "retention/batches/<uuid:batch_uuid>/items/<uuid:item_uuid>/exclude/",
        views.item_exclude,
        name="item_exclude",
    ),
    path("retention/certificates/", views.certificates, name="certificates"),
    path("retention/certificates/<uuid:certificate_uuid>/", views.certificate, name="certificate"),
    path("retention/certificates/<uuid:certificate_uuid>/json/", views.certificate_json, name="certificate_json"),
]
