from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:code>.<str:fmt>", views.export, name="export"),
]
