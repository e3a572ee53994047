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
    Variable("HAVEN_LINK_REVIEW_THRESHOLD", "0.60",
             "Match probability from which a pair goes to the review queue (below: apart)."),
    Variable("HAVEN_AID_REPEAT_DAYS", "7",
             "Days within which a second hand-out of an item to one household needs a reason."),
    Variable("HAVEN_ATTACHMENT_MAX_MB", "10",
             "Largest photograph or document (MB) attached to a home or heritage site."),
    Variable("HAVEN_REPORT_SUPPRESS_BELOW", "5",
             "Open-data exports show counts from 1 to this minus 1 as '<N' (at least 3)."),
    Variable("HAVEN_TOKEN_DAYS", "90",
             "Days an API token lives from its issue; also the longest a token may ask for."),
    Variable("HAVEN_FIELD_KEY", "(generated into var/field_keys)",
             "Key(s) encrypting medical and protection details at rest; set it in production."),
    Variable("HAVEN_OPEN_DATA_CODES", "iso",
             "Administrative codes in open data: iso (ISO 3166-2 provinces, Haven's site "
             "codes) or pcode (the sites' OCHA COD p-codes)."),
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
    path = Path(env_str("HAVEN_VAR_DIR") or "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


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
