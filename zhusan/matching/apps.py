from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "zhusan.matching"
    label = "matching"
    verbose_name = "Matching"
