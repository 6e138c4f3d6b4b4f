from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "zhusan.reporting"
    label = "reporting"
    verbose_name = "Reporting"
