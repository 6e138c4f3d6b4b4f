from django.urls import path

from . import views

app_name = "dataprotection"
urlpatterns = [
    path("", views.home, name="home"),
]
