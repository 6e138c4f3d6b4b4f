from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("", views.operation_list, name="operation_list"),
    path("<uuid:operation_uuid>/", views.operation_detail, name="operation_detail"),
    path("<uuid:operation_uuid>/edit/", views.operation_update, name="operation_update"),
    path("movements/<uuid:movement_uuid>/", views.movement_detail, name="movement_detail"),
    path("movements/<uuid:movement_uuid>/status/", views.movement_status, name="movement_status"),
    path("movements/<uuid:movement_uuid>/add/", views.manifest_add, name="manifest_add"),
    path("movements/<uuid:movement_uuid>/advance/", views.manifest_bulk_advance, name="manifest_bulk_advance"),
    path("movements/<uuid:movement_uuid>/separation/", views.separation_add, name="separation_add"),
    path("movements/<uuid:movement_uuid>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("movements/<uuid:movement_uuid>/manifest.pdf", views.manifest_print, name="manifest_print"),
    path("movements/<uuid:movement_uuid>/import/", views.import_upload, name="import_upload"),
    path("movements/<uuid:movement_uuid>/documents/", views.handover_document_upload, name="handover_document_upload"),
    path("documents/<uuid:document_uuid>/", views.handover_document_download, name="handover_document_download"),
    path("imports/<uuid:import_uuid>/", views.import_review, name="import_review"),
    path("entries/<uuid:entry_uuid>/", views.entry_detail, name="entry_detail"),
    path("entries/<uuid:entry_uuid>/sync/", views.entry_sync, name="entry_sync"),
    path("entries/<uuid:entry_uuid>/advance/", views.entry_advance, name="entry_advance"),
    path("entries/<uuid:entry_uuid>/item/", views.entry_item, name="entry_item"),
    path("entries/<uuid:entry_uuid>/security/", views.entry_security, name="entry_security"),
    path("entries/<uuid:entry_uuid>/override/", views.entry_override, name="entry_override"),
    path("entries/<uuid:entry_uuid>/arrival/", views.entry_arrival, name="entry_arrival"),
    path("persons/<uuid:person_uuid>/", views.person_repatriation, name="person_repatriation"),
]
