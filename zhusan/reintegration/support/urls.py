from django.urls import URLPattern

app_name = "reintegration_support"
urlpatterns: list[URLPattern] = []
