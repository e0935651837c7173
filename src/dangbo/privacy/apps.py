from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "dangbo.privacy"
    label = "privacy"
    verbose_name = "Bảo vệ dữ liệu cá nhân"

    def ready(self) -> None:
        # This app's own processing activities (consents, requests, breaches) in the register.
        from . import processing

        processing.declare_all()
