from django.urls import URLPattern

app_name = "reintegration_followup"
urlpatterns: list[URLPattern] = []
