from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dangbo.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu, nông thôn mới"
