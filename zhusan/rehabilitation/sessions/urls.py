from django.urls import URLPattern

app_name = "rehabilitation_sessions"
urlpatterns: list[URLPattern] = []
