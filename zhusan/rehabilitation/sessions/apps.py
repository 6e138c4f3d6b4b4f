from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabilitationSessionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.rehabilitation.sessions"
    label = "rehabilitation_sessions"
    verbose_name = _("Sessions and intake accounts")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
