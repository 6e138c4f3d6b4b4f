from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataprotectionSharingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.dataprotection.sharing"
    label = "dataprotection_sharing"
    verbose_name = _("Sharing agreements and breaches")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
