from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.home, name="home"),
    path("operations/<str:operation_uuid>/", views.scenario, name="scenario"),
    path("runs/<str:run_uuid>/", views.run, name="run"),
]
