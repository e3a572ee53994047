"""Haven's settings, read from the environment with safe defaults.

Every variable Haven reads is declared in `haven.config.environment.VARIABLES` with
its default and help text; `docs/configuration.md` lists them and a test keeps the
two in step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url

from haven.config.environment import (
    env_bool,
    env_float,
    env_list,
    env_str,
    secret_key,
    sqlite_file_create,
    var_dir,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = var_dir()

DEBUG = env_bool("HAVEN_DEBUG")
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("HAVEN_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
HTTPS = env_bool("HAVEN_HTTPS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",  # two-factor authentication (haven.accounts.two_factor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves Swagger UI from its own static files, no CDN
    "haven.core",
    "haven.accounts",
    "haven.audit",
    "haven.registry",
    "haven.intake",
    "haven.linkage",
    "haven.pfif",
    "haven.aid",
    "haven.documentation",
    "haven.reception",
    "haven.reports",
    "haven.protection",
    "haven.home",
    "haven.rights",
    "haven.notifications",
    "haven.tracing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "haven.core.middleware.ProtectiveHeadersMiddleware",
    "haven.core.busy.BusyDatabaseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "haven.accounts.middleware.PasswordChangeRequiredMiddleware",
    "haven.accounts.refusals.RefusedReadAuditMiddleware",  # refused reads, audited
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.config.urls"
WSGI_APPLICATION = "haven.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.accounts.context_processors.acting",
                "haven.notifications.context_processors.notifications",
            ],
        },
    },
]


def _busy_seconds() -> int:
    # How long a request waits for another writer's lock before it is answered 503.
    try:
        return max(1, int(env_float("HAVEN_DB_BUSY_SECONDS", 30)))
    except ValueError:
        return 30


def _positive_int(name: str, default: int) -> int:
    # Not a whole number above zero: 0, which a system check reports by name.
    try:
        value = env_float(name, default)
    except ValueError:
        return 0
    return int(value) if value.is_integer() and value >= 1 else 0


def _database() -> dict[str, object]:
    url = env_str("HAVEN_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'haven.sqlite3'}"
    busy = _busy_seconds()
    config: dict[str, object] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if name not in ("", ":memory:") and not name.startswith("file:"):
            sqlite_file_create(Path(name))  # 0600 before SQLite creates it
        # WAL lets readers work while one clerk writes; IMMEDIATE takes the write lock at
        # BEGIN, so concurrent writers queue on busy_timeout instead of failing with
        # "database is locked" when a read transaction tries to upgrade.
        # Keep each worker's connection: opening one re-runs the PRAGMAs and re-reads the
        # schema, ~1.9 ms of a ~6 ms registration (bench/registration.py).
        config["CONN_MAX_AGE"] = None
        # wal_autocheckpoint: fold the WAL into the database every 64 MB rather than the
        # default 4 MB; each checkpoint syncs the file, and an import of 300,000 rows spent
        # a tenth of its time in them. It changes neither durability nor what readers see.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": busy,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={busy * 1000}; PRAGMA cache_size=-65536; "
                "PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=16384;"
            ),
        }
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        # A row or table lock waited for past this is answered 503 (haven.core.busy).
        config["OPTIONS"] = {"options": f"-c lock_timeout={busy * 1000}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor authentication: the name authenticator apps show next to the code.
OTP_TOTP_ISSUER = "Haven"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock a username after five failures from one address, for fifteen minutes. Keyed on
# the pair so that one clerk mistyping at a shared border-post connection does not
# lock out everyone behind the same address. Unknown usernames are counted the same.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "haven.accounts.views.locked_out"
AXES_VERBOSE = False
# And stop an address after this many failures within the cool-off, over any user names
# (password spraying); haven.accounts.lockout. High enough for a border post's shared
# address, where one clerk's typos must not lock out the others.
AXES_HANDLER = "haven.accounts.lockout.AddressLimitHandler"
ADDRESS_FAILURE_LIMIT = _positive_int("HAVEN_ADDRESS_FAILURE_LIMIT", 20)

SESSION_ENGINE = "haven.core.sessions"  # database sessions that survive a busy database
SESSION_COOKIE_AGE = int(env_str("HAVEN_SESSION_IDLE_MINUTES") or "30") * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above becomes an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Browsers accept Secure cookies from http://localhost, so this safe default still lets
# the Quickstart run without TLS; set HAVEN_INSECURE_COOKIES=1 only on a closed LAN.
SESSION_COOKIE_SECURE = not env_bool("HAVEN_INSECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("HAVEN_CSRF_TRUSTED_ORIGINS")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Bodies past this are refused before parsing: a household of 50 fits in ~40 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# An uploaded file too big to hold in memory waits on disk under var/ (private to Haven,
# like the database), never in the machine's shared /tmp: it may be someone's title deed.
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads")
(VAR_DIR / "uploads").mkdir(mode=0o700, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hy", "Հայերեն"), ("ru", "Русский")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["haven.formats"]
TIME_ZONE = env_str("HAVEN_TIME_ZONE") or "Asia/Yerevan"


def _threshold(name: str, default: float) -> float:
    # A value that is not a number becomes NaN, which check haven.E011 reports by name.
    try:
        return env_float(name, default)
    except ValueError:
        return float("nan")


# Record linkage (haven.linkage): pairs at or above LINK_AUTO_THRESHOLD are linked
# automatically, those from LINK_REVIEW_THRESHOLD up go to the review queue.
LINK_AUTO_THRESHOLD = _threshold("HAVEN_LINK_AUTO_THRESHOLD", 0.95)
LINK_REVIEW_THRESHOLD = _threshold("HAVEN_LINK_REVIEW_THRESHOLD", 0.80)
# Open-data exports (haven.reports) show counts below this as "<5"; a value that is not a
# whole number becomes 0, which check haven.E020 reports by name (it must be at least 3).
_suppress_below = _threshold("HAVEN_REPORT_SUPPRESS_BELOW", 5)
REPORT_SUPPRESS_BELOW = int(_suppress_below) if _suppress_below.is_integer() else 0
# Which codes open data gives provinces and sites: "iso" or "pcode" (check haven.E021).
OPEN_DATA_CODES = env_str("HAVEN_OPEN_DATA_CODES").lower() or "iso"
USE_TZ = True
# Aid (haven.aid): a second hand-out of the same item to the same household within this
# many days needs a reason.
AID_REPEAT_DAYS = int(env_float("HAVEN_AID_REPEAT_DAYS", 7))
# Documentation (haven.documentation): the largest file a clerk may attach.
ATTACHMENT_MAX_MB = env_float("HAVEN_ATTACHMENT_MAX_MB", 10)
# PFIF exchange (haven.pfif): the domain of the record ids Haven writes (<domain>/<id>).
PFIF_DOMAIN = env_str("HAVEN_PFIF_DOMAIN") or "haven.invalid"
# API bearer tokens (haven.accounts) expire this many days after they are issued; a value
# that is not a whole number from 1 to 3650 becomes 0, which check haven.E030 reports.
_token_days = _threshold("HAVEN_TOKEN_DAYS", 90)
TOKEN_DAYS = int(_token_days) if _token_days.is_integer() and 1 <= _token_days <= 3650 else 0
# Retention (haven.rights.retention, `haven retention run`): days each kind of data is
# kept; 0 keeps it (records: until erased). docs/retention.md lists what each covers.
RETAIN_RECORDS_DAYS = max(0, int(env_float("HAVEN_RETAIN_RECORDS_DAYS", 0)))
RETAIN_IMPORT_FILES_DAYS = max(0, int(env_float("HAVEN_RETAIN_IMPORT_FILES_DAYS", 30)))
RETAIN_EXPORTS_DAYS = max(0, int(env_float("HAVEN_RETAIN_EXPORTS_DAYS", 7)))
RETAIN_BACKUPS_DAYS = max(0, int(env_float("HAVEN_RETAIN_BACKUPS_DAYS", 35)))
# Notifications (haven.notifications): the class that sends them out of Haven besides the
# in-app list (email, SMS), and how long one may wait unacknowledged before coordinators
# are told (`haven notifications escalate`).
NOTIFICATION_BACKEND = (env_str("HAVEN_NOTIFICATION_BACKEND")
                        or "haven.notifications.backends.InAppOnly")
NOTIFICATION_ESCALATE_MINUTES = env_float("HAVEN_NOTIFICATION_ESCALATE_MINUTES", 120)
# Family tracing (haven.tracing): the match weight (bits) from which a new registration
# raises an alert on an open request; safe-and-well questions per address and hour, and
# whether the public safe-and-well page is served.
TRACING_ALERT_SCORE = env_float("HAVEN_TRACING_ALERT_SCORE", 10)
# Seconds a process keeps the registry's distinct name keys before reading them again: name
# search's last tier finds spellings two or more edits off among them (name_vocabulary).
NAME_VOCABULARY_SECONDS = env_float("HAVEN_NAME_VOCABULARY_SECONDS", 60)
SAFE_AND_WELL_PER_HOUR = int(env_float("HAVEN_SAFE_AND_WELL_PER_HOUR", 10))
SAFE_AND_WELL_PUBLIC = env_bool("HAVEN_SAFE_AND_WELL_PUBLIC")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "haven.core.redaction.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("HAVEN_LOG_LEVEL") or "WARNING"},
}

NINJA_PAGINATION_PER_PAGE = 50
