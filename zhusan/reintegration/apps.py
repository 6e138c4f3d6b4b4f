from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.reintegration"
    label = "reintegration"
    verbose_name = _("Reintegration: placement, documents, education")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
