from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabilitationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.rehabilitation"
    label = "rehabilitation"
    verbose_name = _("Rehabilitation centres")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
