from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhusan.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login / failed-login audit hooks)
