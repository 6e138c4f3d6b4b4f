from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationFollowupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.reintegration.followup"
    label = "reintegration_followup"
    verbose_name = _("Follow-up and closure")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
