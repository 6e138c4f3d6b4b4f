from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationSupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.reintegration.support"
    label = "reintegration_support"
    verbose_name = _("Livelihood, housing and referrals")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
