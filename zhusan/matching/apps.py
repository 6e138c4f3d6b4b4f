from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "zhusan.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from . import extensions

        extensions.register()
