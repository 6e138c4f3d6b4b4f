from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.operations"
    verbose_name = _("Repatriation operations")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
