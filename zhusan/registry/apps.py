from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhusan.registry"
    label = "registry"
    verbose_name = "Registry"
