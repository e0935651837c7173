from django.apps import AppConfig


class CommandsConfig(AppConfig):
    """The project-wide commands (demo, stats, serve, user): they reach every app, so they
    stand above all of them."""

    name = "dangbo.commands"
    verbose_name = "Lệnh quản trị"
