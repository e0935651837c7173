from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "dangbo.programs"
    label = "programs"
    verbose_name = "Văn bản, chương trình, nhiệm vụ"

    def ready(self) -> None:
        # What an organisation or a person answers for, on their pages (core.panels).
        from dangbo.core import panels

        from .panels import member_panel, org_panel

        panels.register("org", org_panel)
        panels.register("member", member_panel)

        # The stats API (registry, below) reads the blocks of programs and indicators.
        from dangbo.indicators.stats import indicators_stats
        from dangbo.registry import stats_blocks

        from .stats import programs_stats

        stats_blocks.register("programs", programs_stats)
        stats_blocks.register("indicators", indicators_stats)

        # This app's and indicators' charts (core.charts).
        from dangbo.indicators import charts as indicator_charts

        from . import charts

        charts.register()
        indicator_charts.register()
