from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhusan.audit"
    label = "audit"
    verbose_name = "Audit trail"
