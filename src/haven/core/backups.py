"""Encrypted backups taken while clerks write, and restores into an empty installation.

A backup is one file, `haven-<engine>-<UTC time>.tar.age`: a tar archive of

    meta.json           engine, when, Haven's version, the migrations applied
    haven.sqlite3       SQLite's online backup of the live database (a consistent copy:
                        writers go on while it is taken), or
    haven.pgdump        PostgreSQL's `pg_dump --format=custom`
    var/attachments/... the files attached to records (documentation)
    var/<key files>     the keys the data needs back (sessions, field encryption)

encrypted with age (X25519, `pyrage`), a format others can read (`age -d -i KEY FILE`).
The key is HAVEN_BACKUP_KEY (an age identity, AGE-SECRET-KEY-1...) or, on a laptop, one
generated once into var/backup.key (0600); `haven restore` reads it from the same place,
so a restore on the same machine needs no prompt. HAVEN_BACKUP_RECIPIENTS adds public
keys (age1...) of people who keep copies elsewhere, so a copy can be restored on another
machine with their identity. The plain tar is built inside var/ (0700), which holds the
plain database anyway, and removed once encrypted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from haven.config.environment import env_list, env_str
from haven.core import clock
from haven.core.errors import Conflict, ValidationFailed

KEY_FILE = "backup.key"
# What of var/ a backup carries besides the database: files attached to records and the
# keys the data needs (never the backup key itself: it would be locked in its own safe).
VAR_ENTRIES = ("attachments", "secret_key", "field_keys", "field.key")
Progress = Callable[[str], None]


def _quiet(_stage: str) -> None:
    """Say nothing (the default progress)."""


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    engine: str
    files: int


def _var() -> Path:
    return Path(settings.VAR_DIR)


def _read_identity(text: str, source: str) -> pyrage.x25519.Identity:
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("AGE-")]
    try:
        return pyrage.x25519.Identity.from_str(lines[0])
    except (IndexError, pyrage.IdentityError):
        raise ValidationFailed.single(source, "holds no age identity "
                                      "(AGE-SECRET-KEY-1...)") from None


def _identity(*, create: bool = True) -> pyrage.x25519.Identity:
    """Return the backup identity: HAVEN_BACKUP_KEY, or var/backup.key (made once, 0600)."""
    configured = env_str("HAVEN_BACKUP_KEY")
    if configured:
        if configured.startswith("AGE-SECRET-KEY-"):
            return _read_identity(configured, "HAVEN_BACKUP_KEY")
        return _read_identity(Path(configured).read_text(), "HAVEN_BACKUP_KEY")
    path = _var() / KEY_FILE
    if not path.exists():
        if not create:
            raise ValidationFailed.single("identity", "no backup key here: set "
                                          "HAVEN_BACKUP_KEY or pass --identity KEYFILE")
        identity = pyrage.x25519.Identity.generate()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(f"# Haven backup key: keep a copy apart from the backups.\n"
                      f"# public key: {identity.to_public()}\n{identity}\n")
    return _read_identity(path.read_text(), str(path))


def _recipients(identity: pyrage.x25519.Identity) -> list[Any]:
    recipients = [identity.to_public()]
    for text in env_list("HAVEN_BACKUP_RECIPIENTS"):
        try:
            recipients.append(pyrage.x25519.Recipient.from_str(text))
        except pyrage.RecipientError:
            raise ValidationFailed.single("HAVEN_BACKUP_RECIPIENTS",
                                          f"{text[:12]}... is not an age public key") from None
    return recipients


def _private_dir(parent: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=parent))
    folder.chmod(0o700)
    return folder


def _sqlite_copy(target: Path) -> None:
    """Copy the live database with SQLite's online backup API: writers may go on meanwhile."""
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy, pages=4096)  # in steps, so writers get the lock in between
    finally:
        copy.close()
        source.close()
    target.chmod(0o600)


def _pg_environment() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _meta(engine: str) -> dict[str, Any]:
    from importlib.metadata import version  # noqa: PLC0415

    applied = sorted(f"{app}.{name}" for app, name in
                     MigrationRecorder.Migration.objects.values_list("app", "name"))
    return {"engine": engine, "created_at": clock.now().isoformat(),
            "haven_version": version("haven"), "migrations": applied}


def backup_create(*, to: Path | None = None, progress: Progress = _quiet) -> BackupDone:
    """Take an encrypted backup of the database and var/'s data into `to` (var/backups)."""
    folder = Path(to) if to else _var() / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    identity = _identity()
    recipients = _recipients(identity)
    engine = connection.vendor
    work = _private_dir(_var())
    try:
        progress("copying the database")
        if engine == "sqlite":
            database = work / "haven.sqlite3"
            _sqlite_copy(database)
        elif engine == "postgresql":
            database = work / "haven.pgdump"
            subprocess.run(  # noqa: S603 - fixed arguments, the dump's own path
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(database)],  # noqa: S607
                env=_pg_environment(), check=True, capture_output=True)
        else:  # pragma: no cover - settings allow only these two
            raise Conflict(f"backups are not made for {engine}")
        meta = work / "meta.json"
        meta.write_text(json.dumps(_meta(engine), indent=2))
        progress("packing the files")
        plain = work / "backup.tar"
        files = 0
        with tarfile.open(plain, "w") as tar:
            tar.add(meta, arcname="meta.json")
            tar.add(database, arcname=database.name)
            for entry in VAR_ENTRIES:
                path = _var() / entry
                if path.exists():
                    tar.add(path, arcname=f"var/{entry}")
                    files += sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() \
                        else 1
        progress("encrypting")
        stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"haven-{engine}-{stamp}.tar.age"
        partial = target.with_suffix(".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with plain.open("rb") as source, os.fdopen(descriptor, "wb") as out:
            pyrage.encrypt_io(source, out, recipients)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupDone(path=target, size=target.stat().st_size, engine=engine, files=files)


def _is_empty() -> bool:
    """Whether this installation holds nothing yet: no user, no household (a fresh migrate)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("accounts_user", "registry_household"):
            if table in tables:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a fixed name
                if cursor.fetchone()[0]:
                    return False
    return True


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise ValidationFailed.single("file", f"unexpected entry in the backup: {member.name}")
        members.append(member)
    return members


@dataclass(frozen=True)
class RestoreDone:
    engine: str
    created_at: str
    files: int


def _identity_from(identity_file: Path | None) -> pyrage.x25519.Identity:
    if identity_file is None:
        return _identity(create=False)
    return _read_identity(identity_file.read_text(), "identity")


def _unpack(path: Path, identity: pyrage.x25519.Identity, work: Path) -> Path:
    """Decrypt and unpack the backup into `work`; return the folder it was unpacked in."""
    plain = work / "backup.tar"
    with path.open("rb") as source, plain.open("wb") as out:
        try:
            pyrage.decrypt_io(source, out, [identity])
        except pyrage.DecryptError:
            raise ValidationFailed.single("file", "cannot be decrypted with this key "
                                          "(HAVEN_BACKUP_KEY, var/backup.key or "
                                          "--identity)") from None
    with tarfile.open(plain) as tar:
        tar.extractall(work / "out", members=_safe_members(tar), filter="data")
    plain.unlink()
    return work / "out"


def _restore_database(engine: str, unpacked: Path) -> None:
    connection.close()
    if engine == "sqlite":
        database = Path(str(settings.DATABASES["default"]["NAME"]))
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(unpacked / "haven.sqlite3", database)
        database.chmod(0o600)
    else:
        subprocess.run(  # noqa: S603 - fixed arguments, the dump's own path
            ["pg_restore", "--clean", "--if-exists", "--no-owner",  # noqa: S607
             "--dbname", str(settings.DATABASES["default"]["NAME"]),
             str(unpacked / "haven.pgdump")],
            env=_pg_environment(), check=True, capture_output=True)


def _restore_files(unpacked: Path) -> int:
    files = 0
    restored_var = unpacked / "var"
    if not restored_var.exists():
        return 0
    for entry in restored_var.iterdir():
        target = _var() / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, dirs_exist_ok=True)
            files += sum(1 for p in entry.rglob("*") if p.is_file())
        else:
            shutil.copy2(entry, target)
            target.chmod(0o600)
            files += 1
    return files


def backup_restore(*, path: Path, identity_file: Path | None = None,
                   progress: Progress = _quiet) -> RestoreDone:
    """Restore a backup into this installation, which must hold no records yet."""
    if not path.exists():
        raise ValidationFailed.single("file", f"{path} does not exist")
    identity = _identity_from(identity_file)
    engine = connection.vendor
    if not _is_empty():
        raise Conflict("this installation already holds records or users; restore into an "
                       "empty one "
                       "(a new HAVEN_VAR_DIR or an empty database)")
    work = _private_dir(_var())
    try:
        progress("decrypting")
        unpacked = _unpack(path, identity, work)
        meta = json.loads((unpacked / "meta.json").read_text())
        if meta["engine"] != engine:
            raise Conflict(f"this backup is of a {meta['engine']} database; this installation "
                           f"uses {engine}")
        progress("restoring the database")
        _restore_database(engine, unpacked)
        progress("restoring the files")
        files = _restore_files(unpacked)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RestoreDone(engine=engine, created_at=meta["created_at"], files=files)
