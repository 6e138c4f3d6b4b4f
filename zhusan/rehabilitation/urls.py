from django.urls import URLPattern

app_name = "rehabilitation"
urlpatterns: list[URLPattern] = []
