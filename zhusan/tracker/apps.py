from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.tracker"
    label = "tracker"
    verbose_name = _("Public tracker")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
