from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "dangbo.oversight"
    label = "oversight"
    verbose_name = "Phụ trách, tổ công tác và ý kiến"

    def ready(self) -> None:
        # This app's charts (core.charts).
        from . import charts

        charts.register()
        # The opinions log in the register of processing activities (core.privacy).
        from . import processing

        processing.declare_all()
