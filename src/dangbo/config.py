"""Reading dangbo's settings from the environment: typed getters that collect every problem.

Imports nothing of Django, so that ``dangbo`` can say in Vietnamese which variable is wrong
before Django starts (``settings.py`` raises ``SettingsError`` with all of them at once,
``cli.py`` prints them and exits 2), and so that ``cli.py`` can find the data directory the
same way ``settings.py`` does.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dj_database_url

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
SQLITE_FILE = "dangbo.sqlite3"
ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")


class SettingsError(Exception):
    """One or more environment variables are wrong; ``problems`` names each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def redact(url: str) -> str:
    """A database URL fit to print: the password replaced by ***."""
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "(không đọc được)"


class Env:
    """Typed reads of ``DANGBO_*`` variables; a bad value is noted, never raised at once.

    An empty value counts as unset (the default applies)."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def problem(self, name: str, value: str, why: str) -> None:
        self.problems.append(f"{name} = “{value}”: {why}")

    def text(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self.problem(name, value, f"phải là một số nguyên (mặc định {default}).")
            return default
        if number < minimum:
            self.problem(name, value, f"phải từ {minimum} trở lên (mặc định {default}).")
            return default
        return number

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        self.problem(name, value, "phải là bật (1, true, yes, on) hoặc tắt (0, false, no, off).")
        return default

    def choice(self, name: str, default: str, choices: Iterable[str], *, upper=False) -> str:
        value = self.raw(name)
        if value is None:
            return default
        allowed = list(choices)
        chosen = value.upper() if upper else value
        if chosen not in allowed:
            self.problem(name, value, f"không hợp lệ; chọn một trong: {', '.join(allowed)}.")
            return default
        return chosen

    def items(self, name: str, default: str = "") -> list[str]:
        """A comma-separated list."""
        return [i.strip() for i in self.text(name, default).split(",") if i.strip()]

    def check(self) -> None:
        if self.problems:
            raise SettingsError(self.problems)


def source_checkout() -> Path | None:
    """The source tree dangbo runs from (``pip install -e .``), if it does."""
    root = Path(__file__).resolve().parent.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "src" / "dangbo").is_dir():
        return root
    return None


def data_dir(env: Env) -> tuple[Path, str]:
    """Where dangbo keeps its SQLite file, keys and static files, and why there.

    Never the current folder: ``DANGBO_DATA_DIR``, else ``var/`` of the source tree (where
    ``./scripts/demo`` puts the demo), else ``$XDG_DATA_HOME/dangbo`` (~/.local/share/dangbo)."""
    given = env.raw("DANGBO_DATA_DIR")
    if given is not None:
        return Path(given).expanduser().resolve(), "từ DANGBO_DATA_DIR"
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "var", "mặc định: thư mục var/ của mã nguồn dangbo"
    home = env.raw("XDG_DATA_HOME")
    base = Path(home) if home else Path.home() / ".local" / "share"
    return base / "dangbo", "mặc định cho người dùng này (XDG_DATA_HOME hoặc ~/.local/share)"


def database_url(env: Env, data: Path) -> str:
    return env.text("DANGBO_DATABASE_URL", f"sqlite:///{data / SQLITE_FILE}")


def database(env: Env, data: Path, conn_max_age: int) -> dict[str, Any]:
    """Django's DATABASES['default'] from ``DANGBO_DATABASE_URL`` (SQLite or PostgreSQL)."""
    url = database_url(env, data)
    shown = redact(url)
    fallback = dj_database_url.parse(f"sqlite:///{data / SQLITE_FILE}")
    example = "dạng đúng: postgres://người_dùng:mật_khẩu@máy_chủ:5432/tên_csdl hoặc sqlite:///đường/dẫn.sqlite3"
    try:
        parsed = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except Exception:  # noqa: BLE001 - any parse failure is the same answer: not a URL we know
        env.problem("DANGBO_DATABASE_URL", shown, f"không phải địa chỉ cơ sở dữ liệu; {example}.")
        return dict(fallback)
    if parsed["ENGINE"] not in ENGINES:
        env.problem(
            "DANGBO_DATABASE_URL", shown, f"dangbo chỉ chạy trên PostgreSQL hoặc SQLite; {example}."
        )
        return dict(fallback)
    if not parsed.get("NAME"):
        env.problem("DANGBO_DATABASE_URL", shown, f"thiếu tên cơ sở dữ liệu; {example}.")
        return dict(fallback)
    return dict(parsed)


def sqlite_file(env: Env, data: Path) -> Path | None:
    """The SQLite file the settings would open (None for PostgreSQL or an unreadable URL)."""
    scratch = Env(env.environ)
    db = database(scratch, data, 0)
    if scratch.problems or db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(db["NAME"])
    return None if name in ("", ":memory:") else Path(name)


def caches(env: Env) -> dict[str, Any]:
    """Django's CACHES from ``DANGBO_CACHE_URL``.

    Unset: each server process keeps its own cache in memory (one ``dangbo serve`` is one
    process, so its threads share it). ``redis://host:port/db``: one cache shared by every
    process that names the same server, which is what several server processes need (a page,
    a session or a user cached by one process is forgotten by all when it changes)."""
    url = env.raw("DANGBO_CACHE_URL")
    memory = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dangbo",
        # Whole pages are cached (core.cache.page): a province's page is ~100 kB.
        "OPTIONS": {"MAX_ENTRIES": 3000, "CULL_FREQUENCY": 3},
    }
    if url is None:
        return {"default": memory}
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("redis", "rediss", "unix"):
        env.problem(
            "DANGBO_CACHE_URL",
            redact(url),
            "chỉ nhận máy chủ Redis, dạng redis://127.0.0.1:6379/0 (hoặc để trống: bộ nhớ đệm "
            "trong từng tiến trình).",
        )
        return {"default": memory}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "dangbo",
            # A cache server that does not answer must not hang every page: Django then
            # raises, and core.cache treats a failing cache as a miss.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def replicas(env: Env, primary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``DANGBO_REPLICA_URLS``: PostgreSQL streaming replicas that read-only work may use
    (``core.replicas``), as Django databases ``replica1``, ``replica2`` … Each inherits the
    primary's options (JIT off, timeouts) and is used as the primary's mirror in tests."""
    urls = env.items("DANGBO_REPLICA_URLS")
    if not urls:
        return {}
    if primary["ENGINE"] != "django.db.backends.postgresql":
        env.problem(
            "DANGBO_REPLICA_URLS",
            ", ".join(redact(u) for u in urls),
            "bản sao chỉ dùng được khi cơ sở dữ liệu chính là PostgreSQL.",
        )
        return {}
    found: dict[str, dict[str, Any]] = {}
    for number, url in enumerate(urls, start=1):
        try:
            parsed = dj_database_url.parse(url, conn_max_age=primary.get("CONN_MAX_AGE", 0))
        except Exception:  # noqa: BLE001 - any parse failure is the same answer
            parsed = {}
        if parsed.get("ENGINE") != "django.db.backends.postgresql" or not parsed.get("NAME"):
            env.problem(
                "DANGBO_REPLICA_URLS",
                redact(url),
                "không phải địa chỉ PostgreSQL, dạng postgres://người_dùng@máy_chủ:5433/tên_csdl.",
            )
            continue
        options = {**primary.get("OPTIONS", {}), **parsed.get("OPTIONS", {})}
        parsed["OPTIONS"] = options
        parsed["TEST"] = {"MIRROR": "default"}
        found[f"replica{number}"] = dict(parsed)
    return found
