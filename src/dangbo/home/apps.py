from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "dangbo.home"
    label = "home"
    verbose_name = "Trang chủ"
