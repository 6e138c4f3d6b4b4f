from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabilitationCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhusan.rehabilitation.care"
    label = "rehabilitation_care"
    verbose_name = _("Needs, plans and case conferences")

    def ready(self) -> None:
        from . import extensions

        extensions.register()
