"""``dangbo serve``: the production server (waitress), not Django's development runserver.

Waitress is pure Python, multi-threaded and needs no compiler or system service, so the
same command runs an office PC and a server. Static files come through WhiteNoise in the
middleware stack.
"""

from pathlib import Path

import waitress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from dangbo.imports.tasks import recover_interrupted, start_worker_thread
from dangbo.privacy.tasks import start_daily_thread


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations not yet applied: serving a half-migrated database corrupts data quietly."""
    connection = connections[alias]
    connection.prepare_database()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _uses_db_tasks() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db")


def display_url(host: str, port: int) -> str:
    """The address a person types: IPv6 literals need brackets."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Chạy máy chủ web dangbo (waitress) cho môi trường thật."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default=None, help="Địa chỉ lắng nghe (mặc định DANGBO_HOST, 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=None, help="Cổng (mặc định DANGBO_PORT, 8000)."
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Số luồng xử lý yêu cầu (mặc định DANGBO_THREADS, 8).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Không chạy việc nền trong máy chủ này (khi đã có tiến trình dangbo worker).",
        )

    def handle(self, *args, host=None, port=None, threads=None, **options):
        conf = settings.DANGBO
        host = host or conf["SERVE_HOST"]
        port = conf["SERVE_PORT"] if port is None else port
        threads = conf["SERVE_THREADS"] if threads is None else threads
        if not 0 <= port <= 65535:
            raise CommandError(f"--port: cổng {port} không hợp lệ (0–65535).")
        if threads < 1:
            raise CommandError("--threads: cần ít nhất 1 luồng.")

        pending = pending_migrations()
        if pending:
            shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
            raise CommandError(
                f"Cơ sở dữ liệu chưa được cập nhật: còn {len(pending)} migration chưa chạy "
                f"({shown}). Hãy chạy “dangbo migrate” trước rồi khởi động lại."
            )

        # Imports left "running" by a process that is gone (a crash, a kill) are marked
        # interrupted now, so that they can be cancelled or run again at once.
        marked = recover_interrupted()
        if marked:
            self.stdout.write(f"Đã đánh dấu {len(marked)} lần nhập bị gián đoạn.")

        # WhiteNoise serves from the finders; an absent STATIC_ROOT only earns a warning.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        application = get_wsgi_application()
        try:
            server = waitress.create_server(
                application,
                host=host,
                port=port,
                threads=threads,
                ident="dangbo",
                # Waitress drops X-Forwarded-For unless told otherwise; dangbo reads it itself
                # (core.middleware.client_ip), trusting only the last DANGBO_PROXY_COUNT hops.
                # Dropped, every citizen behind the proxy would share one rate limit and
                # every audit entry one address.
                clear_untrusted_proxy_headers=settings.DANGBO_PROXY_COUNT == 0,
            )
        except OSError as exc:
            raise CommandError(
                f"Không mở được {display_url(host, port)}: {exc.strerror or exc}. "
                "Cổng đang bị chiếm? Thử --port khác."
            ) from exc
        # The real port matters when 0 asked the system to choose one.
        real_port = server.effective_port if hasattr(server, "effective_port") else port
        if not options.get("no_worker") and _uses_db_tasks():
            start_worker_thread()
            # Personal data past its retention period: erased or anonymised once a day.
            start_daily_thread()
        self.stdout.write(f"dangbo đang chạy tại {display_url(host, real_port)} (Ctrl+C để dừng)")
        self.stdout.flush()
        try:
            server.run()
        except KeyboardInterrupt:
            self.stdout.write("Đã dừng dangbo.")
        finally:
            server.close()
