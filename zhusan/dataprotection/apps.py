from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataprotectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.dataprotection"
    label = "dataprotection"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
