from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataprotectionRightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.dataprotection.rights"
    label = "dataprotection_rights"
    verbose_name = _("Data-subject requests and sealing")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
