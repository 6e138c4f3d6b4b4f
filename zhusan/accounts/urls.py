from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout, name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:key>/revoke/", views.token_revoke, name="token_revoke"),
    path("break-glass/", views.break_glass_list, name="break_glass"),
    path("break-glass/<uuid:ref>/review/", views.break_glass_review, name="break_glass_review"),
]
