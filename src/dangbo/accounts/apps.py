from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangbo.accounts"
    verbose_name = "Người dùng và vai trò"

    def ready(self) -> None:
        from . import throttle

        throttle.connect()
