from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_phrases(sender, using="default", **kwargs) -> None:
    """The default phrases (reports/phrases/*.toml) copied into the editable rows."""
    from .prose import sync_defaults

    sync_defaults(using=using)


class ReportsConfig(AppConfig):
    name = "dangbo.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        # Each kind of report registers itself in ``kinds`` when its module is imported.
        from . import catalogue  # noqa: F401

        post_migrate.connect(_sync_phrases, sender=self, dispatch_uid="reports.sync_phrases")
