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
