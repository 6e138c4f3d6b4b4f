from django.urls import URLPattern

app_name = "rehabilitation_care"
urlpatterns: list[URLPattern] = []
