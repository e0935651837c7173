"""The ``dangbo`` command: Django's management commands under our own name, in Vietnamese.

``dangbo demo``, ``dangbo serve``, ``dangbo setup``, ``dangbo stats``, ``dangbo audit verify``
are management commands of the apps; any other Django command (migrate, shell…) works too.
Around them this module gives the operator: ``dangbo --version``; ``dangbo help`` listing
dangbo's commands first; argparse's messages in Vietnamese; one data directory wherever the
command is run from (a command that needs the database refuses, saying where it looked, rather
than create an empty one); and a wrong setting or an unreachable database as a Vietnamese
message naming the variable (exit 2), never a traceback.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from importlib import metadata

EXIT_SETTINGS = 2

# Commands that create the database (or need none): they run without an existing one.
CREATE_DATABASE = frozenset({"demo", "migrate", "setup"})
NO_DATABASE = frozenset(
    {
        "help",
        "version",
        "check",
        "makemigrations",
        "squashmigrations",
        "diffsettings",
        "collectstatic",
        "findstatic",
        "compilemessages",
        "makemessages",
        "startapp",
        "startproject",
        "test",
    }
)

# dangbo's own commands in the order an operator meets them; Django's that an operator needs
# too, with a line of Vietnamese (their own help is English).
OPERATOR_ORDER = (
    "setup",
    "demo",
    "serve",
    "worker",
    "migrate",
    "user",
    "token",
    "audit",
    "stats",
    "report",
    "import",
    "aggregates",
    "program",
    "indicators",
    "ntm",
    "topics",
    "schemes",
    "changepassword",
    "axes_list_attempts",
    "axes_reset_username",
    "axes_reset_ip",
    "axes_reset",
)
FOREIGN_HELP = {
    "migrate": "Tạo hoặc cập nhật lược đồ cơ sở dữ liệu (chạy sau mỗi lần nâng cấp).",
    "changepassword": "Đổi mật khẩu của một người dùng.",
    "axes_list_attempts": "Liệt kê các lần đăng nhập sai đang bị tính.",
    "axes_reset_username": "Mở khoá đăng nhập của một tài khoản.",
    "axes_reset_ip": "Mở khoá đăng nhập của một địa chỉ IP.",
    "axes_reset": "Mở khoá mọi tài khoản và địa chỉ đang bị khoá.",
}

# argparse's own strings (Python 3.11+), which it passes through gettext.
ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tuỳ chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r (cần kiểu %(type)s)",
    "expected one argument": "cần đúng một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tuỳ chọn %(option)s không rõ: có thể là %(matches)s"
    ),
    "unexpected option string: %s": "tuỳ chọn không mong đợi: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "lệnh con không có: %(parser_name)r (chọn một trong %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "không mở được “%(filename)s”: %(error)s",
}

# The options Django adds to every command (their help is English, not translated).
DJANGO_OPTION_HELP = {
    "Show program's version": "Hiện phiên bản rồi thoát.",
    "Verbosity level": "Mức chi tiết: 0 = ít nhất, 1 = bình thường, 2 = chi tiết, 3 = rất chi tiết.",
    "The Python path to a settings module": "Mô-đun cấu hình Python (mặc định dangbo.settings).",
    "A directory to add to the Python path": "Thêm một thư mục vào đường dẫn Python.",
    "Display a full stack trace": "Khi lỗi, in toàn bộ dấu vết (cho người phát triển).",
    "Don't colorize": "Không tô màu kết quả.",
    "Force colorization": "Luôn tô màu kết quả.",
    "Skip system checks": "Bỏ qua bước kiểm tra hệ thống.",
}


OS_ERRORS = {
    errno.EEXIST: "là một tệp, không phải thư mục",
    errno.ENOTDIR: "có một phần là tệp, không phải thư mục",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "nằm trên ổ chỉ đọc",
    errno.ENOSPC: "ổ đĩa đã đầy",
}


def dangbo_version() -> str:
    try:
        return metadata.version("dangbo")
    except metadata.PackageNotFoundError:  # running from a tree that was never installed
        from dangbo import __version__

        return __version__


def _vietnamese_argparse() -> None:
    """Every parser of this process speaks Vietnamese: argparse looks its strings up through
    its module's ``_``/``ngettext`` at each call, and Django's common options get Vietnamese
    help through ``BaseCommand.create_parser``."""
    import argparse

    from django.core.management.base import BaseCommand

    argparse._ = lambda message: ARGPARSE_VI.get(message, message)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: ARGPARSE_VI.get(one if n == 1 else many, many)  # type: ignore[attr-defined]

    if getattr(BaseCommand, "_dangbo_vietnamese", False):
        return
    create_parser = BaseCommand.create_parser

    def vietnamese_parser(self, prog_name, subcommand, **kwargs):
        parser = create_parser(self, prog_name, subcommand, **kwargs)
        for action in parser._actions:
            for start, text in DJANGO_OPTION_HELP.items():
                if isinstance(action.help, str) and action.help.startswith(start):
                    action.help = text
        return parser

    BaseCommand.create_parser = vietnamese_parser  # type: ignore[method-assign]

    # Django prints a refusal as "<class name>: <message>": ours reads "Lỗi: <message>".
    from django.core.management.base import CommandError

    refusal = type("Lỗi", (CommandError,), {"__doc__": "A command's refusal, as printed."})
    execute = BaseCommand.execute

    def vietnamese_execute(self, *args, **options):
        try:
            return execute(self, *args, **options)
        except CommandError as exc:
            if type(exc) is not CommandError or not self._called_from_command_line:
                raise
            raise refusal(*exc.args, returncode=exc.returncode) from exc

    BaseCommand.execute = vietnamese_execute  # type: ignore[method-assign]
    BaseCommand.get_version = lambda self: dangbo_version()  # type: ignore[method-assign]
    BaseCommand._dangbo_vietnamese = True  # type: ignore[attr-defined]


def _missing_database(subcommand: str, args: list[str]) -> str | None:
    """A command that needs the database, run where there is none: say where dangbo looked
    (nothing is created). None when the command may run."""
    if subcommand in CREATE_DATABASE or subcommand in NO_DATABASE:
        return None
    if subcommand.startswith("-") or {"-h", "--help"} & set(args):
        return None
    from dangbo import config

    env = config.Env()
    data, source = config.data_dir(env)
    path = config.sqlite_file(env, data)
    if path is None or path.exists():
        return None
    return (
        f"Chưa có cơ sở dữ liệu dangbo: không thấy tệp {path}.\n"
        f"Thư mục dữ liệu: {data} ({source}).\n"
        "Đặt DANGBO_DATA_DIR là thư mục dữ liệu đã có (ví dụ thư mục var/ mà ./scripts/demo tạo) "
        "hoặc DANGBO_DATABASE_URL là địa chỉ cơ sở dữ liệu PostgreSQL.\n"
        "Cài đặt mới: `dangbo setup` (tổ chức cao nhất và người quản trị đầu tiên), "
        "`dangbo demo` (dữ liệu mẫu) hoặc `dangbo migrate` (chỉ tạo lược đồ)."
    )


def _database_problem(exc: BaseException) -> str | None:
    """A failed first connection, in Vietnamese, naming the variable (never the password)."""
    from django.conf import settings
    from django.db import OperationalError

    from dangbo import config

    if not isinstance(exc, OperationalError):
        return None
    detail = str(exc).strip()
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        if "no such table" in detail:
            return (
                f"Cơ sở dữ liệu {db['NAME']} chưa có lược đồ của dangbo ({detail}). "
                "Chạy `dangbo migrate` (hoặc `dangbo setup`), hoặc đặt DANGBO_DATA_DIR "
                "là thư mục dữ liệu đã có."
            )
        if "unable to open" in detail:
            return (
                f"Không mở được tệp cơ sở dữ liệu {db['NAME']}: kiểm tra DANGBO_DATA_DIR "
                f"(thư mục {settings.DATA_DIR} phải tồn tại và ghi được)."
            )
        return None
    lines = [line.strip() for line in detail.splitlines() if line.strip()]
    lowered = detail.lower()
    if "role" in lowered and "does not exist" in lowered:
        why = "người dùng (role) PostgreSQL này không có trên máy chủ"
    elif "database" in lowered and "does not exist" in lowered:
        why = "cơ sở dữ liệu này không có trên máy chủ (tạo bằng createdb)"
    elif "password" in lowered:
        why = "sai mật khẩu hoặc máy chủ đòi mật khẩu"
    elif any(
        s in lowered for s in ("refused", "timeout", "could not translate", "no route", "timed out")
    ):
        why = "máy chủ không trả lời ở địa chỉ và cổng này"
    elif "connect" in lowered or "fatal" in lowered:
        why = "không kết nối được"
    else:
        return None
    return (
        f"Không kết nối được cơ sở dữ liệu PostgreSQL: {why}.\n"
        f"DANGBO_DATABASE_URL = {config.redact(settings.DATABASE_URL)}\n"
        f"(máy chủ báo: {next((x for x in lines if 'failed' in x), lines[-1] if lines else '—')})"
    )


def _fail(message: str, code: int = EXIT_SETTINGS) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "dangbo"
    if argv[1:] in (["--version"], ["-V"], ["version"]):
        sys.stdout.write(f"dangbo {dangbo_version()}\n")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    subcommand = argv[1] if len(argv) > 1 else "help"
    missing = _missing_database(subcommand, argv[2:])
    if missing:
        _fail(missing, 1)

    from dangbo.config import SettingsError

    try:
        from django.core.exceptions import ImproperlyConfigured

        # Read (and checked) before Django starts, so that a wrong variable is a message.
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except SettingsError as exc:
        _fail("Cấu hình sai (biến môi trường):\n" + "\n".join(f"- {p}" for p in exc.problems))
    except ImproperlyConfigured as exc:
        _fail(f"Cấu hình sai: {exc}")
    except OSError as exc:  # the data directory is a file, unwritable, on a full disk…
        why = OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
        _fail(f"Không dùng được thư mục dữ liệu (DANGBO_DATA_DIR): {exc.filename or ''} {why}.")

    _vietnamese_argparse()
    from .commands.utility import DangboUtility

    utility = DangboUtility(argv)
    utility.operator_order, utility.foreign_help = OPERATOR_ORDER, FOREIGN_HELP
    try:
        utility.execute()
    except ImproperlyConfigured as exc:
        _fail(f"Cấu hình sai: {exc}")
    except Exception as exc:
        message = _database_problem(exc)
        if message is None:
            raise
        _fail(message)


if __name__ == "__main__":
    main()
