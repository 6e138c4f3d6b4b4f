from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhusan.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .health import register_collectors

        register_collectors()
