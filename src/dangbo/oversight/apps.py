from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "dangbo.oversight"
    label = "oversight"
    verbose_name = "Phụ trách, tổ công tác và ý kiến"
