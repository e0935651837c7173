from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dangbo.portal"
    label = "portal"
    verbose_name = "Cổng thông tin"

    def ready(self) -> None:
        # What the portal collects about people, in the register of processing (core.privacy).
        from . import processing

        processing.declare_all()
        # A petition's code, photos and publication on the opinion's page (core.panels).
        from dangbo.core import panels

        from .panels import opinion_panel

        panels.register("opinion", opinion_panel)
