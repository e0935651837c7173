from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "dangbo.home"
    label = "home"
    verbose_name = "Trang chủ"

    def ready(self) -> None:
        # The register's charts (core.charts): registry has no AppConfig of its own.
        from dangbo.registry import charts

        charts.register()
