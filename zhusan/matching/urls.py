from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<uuid:candidate_uuid>/", views.duplicate_detail, name="duplicate_detail"),
    path("duplicates/<uuid:candidate_uuid>/same/", views.duplicate_same, name="duplicate_same"),
    path("duplicates/<uuid:candidate_uuid>/different/", views.duplicate_different, name="duplicate_different"),
    path("duplicates/<uuid:candidate_uuid>/undo/", views.merge_undo, name="merge_undo"),
    path("check/", views.check, name="check"),
    path("check/<uuid:person_uuid>/", views.person_check, name="person_check"),
    path("tracing/", views.tracing_list, name="tracing_list"),
    path("tracing/new/", views.tracing_create, name="tracing_create"),
    path("tracing/<uuid:request_uuid>/", views.tracing_detail, name="tracing_detail"),
    path("tracing/<uuid:request_uuid>/run/", views.tracing_run, name="tracing_run"),
    path("tracing/<uuid:request_uuid>/edit/", views.tracing_edit, name="tracing_edit"),
    path("tracing/<uuid:request_uuid>/close/", views.tracing_close, name="tracing_close"),
    path("tracing/<uuid:request_uuid>/withdraw/", views.tracing_withdraw, name="tracing_withdraw"),
    path("tracing/<uuid:request_uuid>/merge/", views.tracing_merge, name="tracing_merge"),
    path(
        "tracing/<uuid:request_uuid>/inquirer/",
        views.tracing_register_inquirer,
        name="tracing_register_inquirer",
    ),
    path(
        "tracing/<uuid:request_uuid>/matches/<uuid:match_uuid>/inquirer/",
        views.tracing_register_inquirer,
        name="tracing_register_inquirer_for_match",
    ),
    path(
        "tracing/<uuid:request_uuid>/matches/<uuid:match_uuid>/confirm/", views.tracing_confirm, name="tracing_confirm"
    ),
    path("tracing/<uuid:request_uuid>/matches/<uuid:match_uuid>/reject/", views.tracing_reject, name="tracing_reject"),
    path("linkage/", views.linkage_create, name="linkage_create"),
    path("linkage/<uuid:job_uuid>/", views.linkage_detail, name="linkage_detail"),
    path("linkage/<uuid:job_uuid>/status.json", views.linkage_status, name="linkage_status"),
    path("linkage/<uuid:job_uuid>/run-again/", views.linkage_rerun, name="linkage_rerun"),
    path("linkage/<uuid:job_uuid>/download/", views.linkage_download, name="linkage_download"),
    path("dedupe/", views.dedupe, name="dedupe"),
    path("linkage/<uuid:job_uuid>/review/", views.linkage_review, name="linkage_review"),
]
