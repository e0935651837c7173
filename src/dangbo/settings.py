"""Settings come from the environment with safe defaults (see README › Configuration).

The embedded default is a SQLite file in the data directory; production points
``DANGBO_DATABASE_URL`` at PostgreSQL. Nothing here reaches the network.
"""

import os
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from dangbo import config
from dangbo.core.dates import parse_day

BASE_DIR = Path(__file__).resolve().parent


# Every variable is read through ENV (dangbo/config.py): a wrong value is collected and, at the
# end of this module, all of them are reported at once in Vietnamese (``dangbo`` exits 2).
ENV = config.Env()


def _env_bool(name: str, default: bool = False) -> bool:
    return ENV.boolean(name, default)


# Never the current folder (README › Configuration): DANGBO_DATA_DIR, else var/ of the source
# tree, else ~/.local/share/dangbo.
DATA_DIR, DATA_DIR_SOURCE = config.data_dir(ENV)
DEFAULT_DATE_FILE = "default_date"  # written by `dangbo demo`: the date of its data
PORTAL_ORG_FILE = "portal_org"  # written by `dangbo demo`: the committee owning the portal


def default_date(env: config.Env, data_dir: Path) -> date | None:
    """The period pages show while the user has chosen none: ``DANGBO_DEFAULT_DATE``
    (dd/mm/yyyy or yyyy-mm-dd), else the date the demo kept in the data directory, else
    None (today). A bad value is reported with the others, naming where it came from."""
    raw, source = env.raw("DANGBO_DEFAULT_DATE"), "DANGBO_DEFAULT_DATE"
    if raw is None:
        path = data_dir / DEFAULT_DATE_FILE
        if not path.is_file():
            return None
        raw, source = path.read_text(encoding="utf-8").strip(), str(path)
    try:  # read as every typed date is (31/12/2016, 2016-12-31, 31.12.2016…)
        day = parse_day(raw, source, today=date.today())  # noqa: DTZ011 - no time zone yet
    except ValidationError as exc:
        problem = exc.messages[0].removeprefix(f"{source}: ")
    else:
        if day.year >= 1930:
            return day
        problem = f"năm {day.year} trước năm 1930."
    env.problem(source, raw[:40], f"không dùng được làm kỳ số liệu mặc định: {problem}")
    return None


def _secret_key() -> str:
    """Use the environment's key, else one generated once and kept in the data directory."""
    key = os.environ.get("DANGBO_SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DANGBO_DEBUG")
# The audit log's chain key and its witness (docs/operations.md › Checking the audit log): the
# key is never in the database (else DANGBO_DATA_DIR/audit_key, made 0600 on first use by
# dangbo.core.audit); the witness file collects checkpoints of the log's head.
AUDIT_KEY = os.environ.get("DANGBO_AUDIT_KEY", "")
AUDIT_KEY_FILE = DATA_DIR / "audit_key"
AUDIT_WITNESS_FILE = Path(os.environ.get("DANGBO_AUDIT_WITNESS") or DATA_DIR / "audit_witness")
AUDIT_CHECKPOINT_EVERY = ENV.integer("DANGBO_AUDIT_CHECKPOINT_EVERY", 100, minimum=1)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DANGBO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DANGBO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",
    "dangbo.core",
    "dangbo.orgs",
    "dangbo.accounts",
    "dangbo.members",
    "dangbo.imports",
    "dangbo.meetings",
    "dangbo.oversight",
    "dangbo.reviews",
    "dangbo.indicators",
    "dangbo.programs",
    "dangbo.privacy",
    "dangbo.reports",
    "dangbo.portal",
    "dangbo.commands",
    "dangbo.home",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

# Background work (big imports): the django-tasks database backend, run by `dangbo worker`
# (and by a thread inside `dangbo serve`); tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": ENV.choice(
            "DANGBO_TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            (
                "django_tasks_db.DatabaseBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
                "django_tasks.backends.dummy.DummyBackend",
            ),
        )
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: which copy this request may read (core.replicas).
    "dangbo.core.replicas.Middleware",
    "dangbo.core.middleware.PortalHostMiddleware",
    "dangbo.core.middleware.PrivateCacheMiddleware",
    "dangbo.core.middleware.AdminSwitchMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dangbo.core.middleware.RequestContextMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangbo.urls"
WSGI_APPLICATION = "dangbo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "dangbo.core.period.context",
                "dangbo.home.nav.menu",
            ],
        },
    }
]

DATABASE_URL = config.database_url(ENV, DATA_DIR)
DATABASES = {"default": config.database(ENV, DATA_DIR, ENV.integer("DANGBO_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer is reported (cli.py) after 10 s instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
    # JIT compiles a plan's expressions when its estimated cost is high: on the national
    # world it added 2.8 s to a 0.16 s query of the organisation page (issue 17). The
    # application's queries are short; a URL's own ``options`` that mention jit win.
    _options = DATABASES["default"]["OPTIONS"].get("options", "")
    if "jit" not in _options:
        DATABASES["default"]["OPTIONS"]["options"] = f"{_options} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
        # lock-upgrade deadlocks between concurrent writers.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DANGBO_TEST_SQLITE_NAME") or None}
# Read-only work on streaming replicas (core.replicas); none by default.
DATABASES.update(config.replicas(ENV, DATABASES["default"]))
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["dangbo.core.replicas.Router"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In memory per process, or one Redis shared by all (DANGBO_CACHE_URL).
CACHES = config.caches(ENV)
# Sessions are read from the cache and kept in the database: a page costs no session query,
# and a lost cache loses no login. Several server processes need the shared cache (a logout
# in one must end the session in all): docs/operations.md.
SESSION_ENGINE = "dangbo.core.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The throttle's backend comes first: a refused attempt stops there, before any password
# hashing (docs/operations.md, "Logins").
AUTHENTICATION_BACKENDS = [
    "dangbo.accounts.throttle.ThrottleBackend",
    # ModelBackend whose get_user is cached per data version: no user query per page.
    "dangbo.accounts.backends.CachedModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
# Vietnamese only: with English listed, a browser asking for English got Django's own
# messages ("This field is required.") in English beside dangbo's Vietnamese.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dangbo.formats"]
USE_THOUSAND_SEPARATOR = True
# A meeting's attendance form has two fields per member: Django's default of 1,000 fields
# would refuse a cell of ~500 members.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is absent
STATICFILES_DIRS = [BASE_DIR / "static"]  # project-wide assets (src/dangbo/static/dangbo/)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Security headers. TLS is terminated by the operator's proxy where there is one.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form (expired page, cookies off) explains itself in Vietnamese, in the layout.
CSRF_FAILURE_VIEW = "dangbo.home.errors.csrf_failure"
SESSION_COOKIE_SECURE = _env_bool("DANGBO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 8 * 3600

# Django's admin (/quan-tri/, for staff users) answers only when turned on; otherwise 404.
DANGBO_ADMIN = _env_bool("DANGBO_ADMIN")
# The API's Swagger page and schema for everyone; otherwise for a logged-in session or a
# valid API key only.
DANGBO_API_DOCS_PUBLIC = _env_bool("DANGBO_API_DOCS_PUBLIC")
# Reverse proxies in front of dangbo that append the client's address to X-Forwarded-For.
# 0 (the default): the address is the connection's own (REMOTE_ADDR) and the header, which any
# client can write, is ignored.
DANGBO_PROXY_COUNT = ENV.integer("DANGBO_PROXY_COUNT", 0)

# ---- logins: django-axes with dangbo's throttle (docs/operations.md, "Logins") ----------------
# Failures are counted per account AND per client address (either one reaching its limit
# locks): per account against guessing one password from many addresses, per address against
# one address trying many accounts. An office behind one address makes more honest mistakes
# than one person, hence the higher address limit. Before the limit each failure after the
# second of an account (after half the limit of an address) makes the next attempt wait
# longer: 1, 2, 4 … s, at most LOGIN_MAX_DELAY.
DANGBO_LOGIN_FAILURE_LIMIT = ENV.integer("DANGBO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
DANGBO_LOGIN_IP_FAILURE_LIMIT = ENV.integer("DANGBO_LOGIN_IP_FAILURE_LIMIT", 20, minimum=1)
DANGBO_LOGIN_DELAY_AFTER = 2
DANGBO_LOGIN_MAX_DELAY = 60  # seconds
_lockout_minutes = ENV.integer("DANGBO_LOGIN_LOCKOUT_MINUTES", 30)
AXES_ENABLED = True
AXES_HANDLER = "dangbo.accounts.throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = DANGBO_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# 0 minutes: a lockout lasts until an administrator lifts it.
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes > 0 else None
# Attempts refused while locked are not counted: they neither extend the lockout nor write.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # the account's own failures (ThrottleHandler keeps the address's)
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # lockouts are lifted on the login log page, audited
AXES_CLIENT_IP_CALLABLE = "dangbo.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "dangbo.accounts.throttle.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_VERBOSE = False

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": ENV.choice(
            "DANGBO_LOG_LEVEL",
            "WARNING",
            ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
            upper=True,
        ),
    },
    # dangbo.accounts.throttle writes each login, failure and refusal here (never a password);
    # axes' own lines repeat them less readably.
    "loggers": {"axes": {"level": "ERROR"}, "dangbo.auth": {"level": "INFO"}},
}

# Domain settings (documented in README › Configuration).
DANGBO: dict[str, Any] = {
    # "n years running" across a merger (brief rule 25, a policy to confirm): "all" — the
    # merged organisation's earlier years count if every predecessor met the level; "none" —
    # predecessors are ignored (the receiving organisation keeps only its own history).
    "STREAK_SUCCESSION": ENV.choice("DANGBO_STREAK_SUCCESSION", "all", ("all", "none")),
    # Days after the end of probation before a missing recognition decision is flagged.
    "RECOGNITION_GRACE_DAYS": ENV.integer("DANGBO_RECOGNITION_GRACE_DAYS", 90),
    "SERVE_HOST": ENV.text("DANGBO_HOST", "127.0.0.1"),
    "SERVE_PORT": ENV.integer("DANGBO_PORT", 8000),
    "SERVE_THREADS": ENV.integer("DANGBO_THREADS", 8, minimum=1),
    # Replicas (core.replicas): how far behind one may be and still answer, and how often
    # each process asks it.
    "REPLICA_MAX_LAG": ENV.integer("DANGBO_REPLICA_MAX_LAG", 10),
    "REPLICA_CHECK_SECONDS": ENV.integer("DANGBO_REPLICA_CHECK_SECONDS", 2),
    # Imports: uploads through the web/API are capped; `dangbo import` on the server is not.
    "IMPORT_MAX_BYTES": ENV.integer("DANGBO_IMPORT_MAX_MB", 50, minimum=1) * 1_000_000,
    "FILE_MAX_BYTES": ENV.integer("DANGBO_FILE_MAX_MB", 20, minimum=1) * 1_000_000,
    "IMPORT_MAX_UNZIPPED_BYTES": 2_000_000_000,
    "IMPORT_MAX_COLUMNS": 200,
    # A member file of at least this many rows is written in bulk: its new members are
    # staged and written set-wise once every row is checked (imports.members.flush).
    "IMPORT_BULK_ROWS": ENV.integer("DANGBO_IMPORT_BULK_ROWS", 200_000, minimum=1),
    # Files above this size are imported by the background worker, smaller ones at once.
    "IMPORT_INLINE_BYTES": ENV.integer("DANGBO_IMPORT_INLINE_KB", 512) * 1000,
    # The period ("kỳ số liệu") pages show until the user picks one; None: today.
    "DEFAULT_DATE": default_date(ENV, DATA_DIR),
}

# ---- the public portal (docs/operations.md › "The public portal") -------------------------
# One codebase, two faces: the portal is served under PORTAL_PREFIX on the intranet site, and
# at "/" of PORTAL_HOST when a request names that host. A public-side deployment sets
# DANGBO_PORTAL_ONLY: every address outside the portal answers 404 (no login, no registry, no
# API), so the registry can stay on the intranet.
PORTAL: dict[str, Any] = {
    "PREFIX": ENV.text("DANGBO_PORTAL_PREFIX", "cong-thong-tin").strip("/") or "cong-thong-tin",
    "HOST": ENV.text("DANGBO_PORTAL_HOST", "").strip().lower(),
    "ONLY": _env_bool("DANGBO_PORTAL_ONLY"),
    # The committee that owns the portal (its code): DANGBO_PORTAL_ORG, else the code the demo
    # kept in the data directory, else the one top organisation.
    "ORG": ENV.text("DANGBO_PORTAL_ORG", "")
    or (
        (DATA_DIR / PORTAL_ORG_FILE).read_text(encoding="utf-8").strip()
        if (DATA_DIR / PORTAL_ORG_FILE).is_file()
        else ""
    ),
    "TITLE": ENV.text("DANGBO_PORTAL_TITLE", ""),
    # The portal's public address, for the links in its mail (e.g. https://…/cong-thong-tin/).
    "URL": ENV.text("DANGBO_PORTAL_URL", ""),
    # Abuse limits of the public forms (portal.throttle): submissions per client address and
    # per email address in a rolling window, the least time a person takes to fill a form,
    # and the most links a text may carry.
    "RATE_PER_ADDRESS": ENV.integer("DANGBO_PORTAL_RATE_PER_ADDRESS", 5, minimum=1),
    "RATE_PER_EMAIL": ENV.integer("DANGBO_PORTAL_RATE_PER_EMAIL", 3, minimum=1),
    "RATE_WINDOW_SECONDS": ENV.integer("DANGBO_PORTAL_RATE_WINDOW", 3600, minimum=1),
    "MIN_FILL_SECONDS": ENV.integer("DANGBO_PORTAL_MIN_FILL_SECONDS", 3),
    "MAX_LINKS": ENV.integer("DANGBO_PORTAL_MAX_LINKS", 2),
    "IMAGE_MAX_BYTES": ENV.integer("DANGBO_PORTAL_IMAGE_MAX_MB", 10, minimum=1) * 1_000_000,
    "IMAGE_MAX_PIXELS": 40_000_000,
}
if PORTAL["HOST"]:
    ALLOWED_HOSTS.append(PORTAL["HOST"])
if PORTAL["ONLY"]:
    ROOT_URLCONF = "dangbo.portal.host_urls"

# ---- mail: receipts and answers of the portal (docs/operations.md › "Mail") ------------------
# With DANGBO_SMTP_HOST, Django's SMTP backend; without it, every message is written to
# DATA_DIR/mail/ (one file per message) and the portal works the same.
EMAIL_HOST = ENV.text("DANGBO_SMTP_HOST", "")
# Read (and checked) whether or not a host is set: a wrong value is named at once.
EMAIL_PORT = ENV.integer("DANGBO_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = ENV.text("DANGBO_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DANGBO_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("DANGBO_SMTP_STARTTLS")
EMAIL_USE_SSL = _env_bool("DANGBO_SMTP_SSL")
EMAIL_TIMEOUT = 10
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = ENV.text("DANGBO_MAIL_FROM", "cong-thong-tin@localhost")

# Every wrong variable at once, named, in Vietnamese (``dangbo`` prints them and exits 2).
ENV.check()
