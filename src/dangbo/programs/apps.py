from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "dangbo.programs"
    label = "programs"
    verbose_name = "Văn bản, chương trình, nhiệm vụ"
