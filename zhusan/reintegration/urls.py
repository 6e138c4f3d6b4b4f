from django.urls import URLPattern

app_name = "reintegration"
urlpatterns: list[URLPattern] = []
