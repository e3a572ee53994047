"""The environment variables Haven reads: declared once, with defaults and help."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


VARIABLES = [
    Variable("HAVEN_DATABASE_URL", "sqlite:///var/haven.sqlite3",
             "Database URL; postgres://user@host:5432/name for a server deployment."),
    Variable("HAVEN_SECRET_KEY", "(generated into var/secret_key)",
             "Secret for sessions and signing. Set it in production; never commit it."),
    Variable("HAVEN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]",
             "Comma-separated host names Haven answers to."),
    Variable("HAVEN_DEBUG", "0", "1 turns on Django's debug pages. Never in production."),
    Variable("HAVEN_HTTPS", "0",
             "1 when served over TLS: redirects to HTTPS and sends HSTS."),
    Variable("HAVEN_INSECURE_COOKIES", "0",
             "1 sends session cookies over plain HTTP to hosts other than localhost."),
    Variable("HAVEN_CSRF_TRUSTED_ORIGINS", "",
             "Comma-separated origins (https://haven.example.org) behind a proxy."),
    Variable("HAVEN_SESSION_IDLE_MINUTES", "30", "Minutes of inactivity before logout."),
    Variable("HAVEN_TIME_ZONE", "Asia/Yerevan", "Time zone for dates shown to people."),
    Variable("HAVEN_VAR_DIR", "./var", "Folder for the SQLite database, secret key, static files."),
    Variable("HAVEN_LOG_LEVEL", "WARNING", "Python logging level."),
    Variable("HAVEN_BACKUP_KEY", "(generated into var/backup.key)",
             "The age identity (AGE-SECRET-KEY-1..., or a file holding it) backups use."),
    Variable("HAVEN_BACKUP_RECIPIENTS", "",
             "Comma-separated age public keys (age1...) that may also decrypt backups."),
    Variable("HAVEN_DB_BUSY_SECONDS", "30",
             "Seconds a request waits for another writer's lock before it is answered 503."),
    Variable("HAVEN_LINK_AUTO_THRESHOLD", "0.95",
             "Match probability at or above which linkage joins two records automatically."),
    Variable("HAVEN_LINK_REVIEW_THRESHOLD", "0.80",
             "Match probability from which a pair goes to the review queue (below: apart)."),
    Variable("HAVEN_AID_REPEAT_DAYS", "7",
             "Days within which a second hand-out of an item to one household needs a reason."),
    Variable("HAVEN_ATTACHMENT_MAX_MB", "10",
             "Largest photograph or document (MB) attached to a home or heritage site."),
    Variable("HAVEN_REPORT_SUPPRESS_BELOW", "5",
             "Open-data exports show counts from 1 to this minus 1 as '<N' (at least 3)."),
    Variable("HAVEN_TOKEN_DAYS", "90",
             "Days an API token lives from its issue; also the longest a token may ask for."),
    Variable("HAVEN_PFIF_DOMAIN", "haven.invalid",
             "Domain of the PFIF record ids Haven writes (<domain>/person.<id>): the "
             "deployment's host name, so ids stay unique across family-links systems."),
    Variable("HAVEN_ADDRESS_FAILURE_LIMIT", "20",
             "Failed logins from one address, over any user names, that pause logins from "
             "it for 15 minutes (five for one user name already lock that name)."),
    Variable("HAVEN_FIELD_KEY", "(generated into var/field_keys)",
             "Key(s) encrypting medical and protection details at rest; set it in production."),
    Variable("HAVEN_OPEN_DATA_CODES", "iso",
             "Administrative codes in open data: iso (ISO 3166-2 provinces, Haven's site "
             "codes) or pcode (the sites' OCHA COD p-codes)."),
    Variable("HAVEN_SPARK_MASTER", "local[*]",
             "Spark master URL for linkage runs with --engine spark: local[*] (this "
             "machine's cores), local[N], or a cluster's spark://host:7077."),
    Variable("HAVEN_RETAIN_RECORDS_DAYS", "0",
             "Days after a person's last activity their record is erased by `haven retention "
             "run` (0: kept until erased on request)."),
    Variable("HAVEN_RETAIN_IMPORT_FILES_DAYS", "30",
             "Days uploaded import files and their jobs' row reports are kept (0: kept)."),
    Variable("HAVEN_RETAIN_EXPORTS_DAYS", "7",
             "Days files in var/exports and var/reports are kept (0: kept)."),
    Variable("HAVEN_RETAIN_BACKUPS_DAYS", "35",
             "Days backups in var/backups are kept (0: kept); erased people leave them then."),
    Variable("HAVEN_NOTIFICATION_BACKEND", "haven.notifications.backends.InAppOnly",
             "Class that sends notifications by email or SMS besides the in-app list."),
    Variable("HAVEN_NOTIFICATION_ESCALATE_MINUTES", "120",
             "Minutes a notification may wait unacknowledged before coordinators are told."),
    Variable("HAVEN_TRACING_ALERT_SCORE", "10",
             "Match weight (bits) from which a registration raises a tracing alert."),
    Variable("HAVEN_NAME_VOCABULARY_SECONDS", "60",
             "Seconds a process keeps the registry's name keys before reading them again."),
    Variable("HAVEN_SAFE_AND_WELL_PER_HOUR", "10",
             "Safe-and-well questions one address may ask in an hour."),
    Variable("HAVEN_SAFE_AND_WELL_PUBLIC", "0",
             "1 serves the public safe-and-well page to anyone."),
]
DECLARED = {v.name for v in VARIABLES}


def env_str(name: str) -> str:
    if name not in DECLARED:
        raise KeyError(f"{name} is not declared in haven.config.environment.VARIABLES")
    return os.environ.get(name, "").strip()


def env_bool(name: str) -> bool:
    return env_str(name).lower() in {"1", "true", "yes", "on"}


def env_float(name: str, default: float) -> float:
    """Return the variable as a float, `default` if unset; ValueError names a bad value."""
    value = env_str(name)
    if not value:
        return float(default)
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env_str(name).split(",") if item.strip()]


def var_dir() -> Path:
    """Return the folder of Haven's files, created 0700: the database and keys live there."""
    path = Path(env_str("HAVEN_VAR_DIR") or "var").resolve()
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is masked by the umask; chmod is not
    return path


def sqlite_file_create(path: Path) -> None:
    """Create an empty database file 0600 unless it exists; SQLite then writes into it.

    SQLite gives the -wal and -shm files the database file's mode, so they are 0600 too
    (docs/security.md, "File permissions"; `haven check` warns when they are not).
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError):  # there already, or its folder is not
        return


def secret_key(folder: Path) -> str:
    """Return HAVEN_SECRET_KEY, or a key generated once into `folder` (mode 0600)."""
    configured = env_str("HAVEN_SECRET_KEY")
    if configured:
        return configured
    keyfile = folder / "secret_key"
    try:
        fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return keyfile.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    return keyfile.read_text().strip()
