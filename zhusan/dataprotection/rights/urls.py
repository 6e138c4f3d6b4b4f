from django.urls import URLPattern, path  # noqa: F401

app_name = "dataprotection_rights"
urlpatterns: list[URLPattern] = []
