from django.urls import URLPattern, path

from . import views

app_name = "tracker"
urlpatterns: list[URLPattern] = [
    path("publish/", views.home, name="home"),
    path("publish/preview.csv", views.preview_file, name="preview_file"),
    path("publish/publications/", views.publications, name="publications"),
    path("publish/targets/<uuid:target_uuid>/", views.target, name="target"),
    path("publish/targets/<uuid:target_uuid>/publish/", views.publish_now, name="publish_now"),
]
