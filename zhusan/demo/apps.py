from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo dataset and its `zhusan demo` command."""

    name = "zhusan.demo"
    label = "demo"
    verbose_name = "Synthetic demo data"
