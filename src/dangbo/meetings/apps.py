from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self) -> None:
        # This app's charts (core.charts).
        from . import charts

        charts.register()
