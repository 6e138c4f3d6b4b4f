from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.instruments"
    label = "instruments"
    verbose_name = _("Validated instruments")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
