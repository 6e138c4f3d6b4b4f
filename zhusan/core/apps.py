from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhusan.core"
    label = "core"
    verbose_name = "Core"
