from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangbo.accounts"
    verbose_name = "Người dùng và vai trò"

    def ready(self) -> None:
        # Imported here, not at the top: throttle reads models (axes', ours), which Django
        # allows only once every app is loaded — the reason AppConfig.ready exists.
        from . import backends, throttle

        throttle.connect()
        backends.connect()
