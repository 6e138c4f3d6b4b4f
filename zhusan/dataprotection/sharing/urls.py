from django.urls import URLPattern, path  # noqa: F401

app_name = "dataprotection_sharing"
urlpatterns: list[URLPattern] = []
