from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
