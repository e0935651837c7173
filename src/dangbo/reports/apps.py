from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangbo.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        # Each kind of report registers itself in ``kinds`` when its module is imported.
        from . import catalogue  # noqa: F401
