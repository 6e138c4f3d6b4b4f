from django.urls import path

from . import case_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/export/", case_views.case_export, name="case_export"),
    # Before the export pattern, which would otherwise take "briefing.pdf".
    path("briefing.<str:fmt>", views.briefing, name="briefing"),
    path("<slug:code>.<str:fmt>", views.export, name="export"),
]
