"""The field keys: where they come from, how strong they must be, how a file of them changes.

A key is 32 random bytes written in URL-safe base64 (44 characters, as `haven keys
generate` prints). Keys come from `HAVEN_FIELD_KEY` (one or more, comma-separated, the
first encrypts and all decrypt), or else from the key file `field_keys` under the var
folder: created on first use with mode 0600 for a laptop, one key per line, the first the
current one. A file with more than one key is a rotation under way (`haven keys rotate`
adds the new key first and drops the old ones when every value is re-encrypted).

Each key has an id, derived from the key itself, that is stored with every value it
encrypts: a value names the key that opens it, so old and new keys work side by side.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from haven.config.environment import env_str

KEY_BYTES = 32  # AES-256
KEY_FILE_NAME = "field_keys"
# A key with fewer distinct bytes than this was typed or patterned, not drawn at random:
# 32 random bytes have ~30 distinct values, and fewer than 16 happens about never.
MIN_DISTINCT_BYTES = 16
# Keys printed in documentation and examples: anyone can read them, so none may be used.
PUBLISHED_KEYS = frozenset({"SGF2ZW4gZG9jcyBleGFtcGxlOiBuZXZlciB1c2UgaXQ="})


class FieldKeyError(ImproperlyConfigured):
    """A field key is missing, unreadable, weak, or not the one a stored value needs."""


@dataclass(frozen=True)
class FieldKey:
    id: str
    secret: bytes = b""  # never printed: repr shows the id only

    def __repr__(self) -> str:
        return f"FieldKey({self.id})"


def key_id(secret: bytes) -> str:
    """Return the key's id: 8 hex digits of a hash of it, stored with each value it encrypts."""
    return hashlib.sha256(b"haven field key id\x00" + secret).hexdigest()[:8]


def key_generate() -> str:
    """Return a new random key in the form HAVEN_FIELD_KEY and the key file take."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def key_parse(text: str) -> FieldKey:
    """Return the key written as `text`; FieldKeyError says what is wrong, never the key."""
    text = text.strip().rstrip("=")
    try:
        secret = base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise FieldKeyError("a field key is not URL-safe base64") from None
    if base64.urlsafe_b64encode(secret).decode().rstrip("=") != text:
        # The decoder skips what it does not expect; a key must be exactly its encoding.
        raise FieldKeyError("a field key is not URL-safe base64")
    if len(secret) != KEY_BYTES:
        raise FieldKeyError(f"a field key must be {KEY_BYTES} bytes in base64 "
                            f"(44 characters); one is {len(secret)} bytes")
    return FieldKey(id=key_id(secret), secret=secret)


def key_weakness(text: str) -> str:
    """Return why a well-formed key is weak ("" if it is not): published, or not random."""
    if text.strip() in PUBLISHED_KEYS:
        return "it is a published example key"
    if len(set(key_parse(text).secret)) < MIN_DISTINCT_BYTES:
        return "it repeats too few distinct bytes to have been drawn at random"
    return ""


@dataclass(frozen=True)
class Keyring:
    """The keys in force: `primary` encrypts, every key in `keys` (the primary too) decrypts."""

    primary: FieldKey
    keys: dict[str, FieldKey]
    source: str  # "HAVEN_FIELD_KEY" or the key file's path

    @classmethod
    def of(cls, texts: list[str], source: str) -> Keyring:
        if not texts:
            raise FieldKeyError(f"{source} holds no field key")
        parsed = [key_parse(t) for t in texts]
        return cls(primary=parsed[0], keys={k.id: k for k in parsed}, source=source)

    @property
    def retired(self) -> list[FieldKey]:
        """Return the keys kept only to decrypt values not yet re-encrypted."""
        return [k for k in self.keys.values() if k.id != self.primary.id]

    @property
    def from_environment(self) -> bool:
        return self.source == "HAVEN_FIELD_KEY"


def key_file_path() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE_NAME


def _key_texts(text: str) -> list[str]:
    """Return the keys in a file's lines or a variable's commas, comments left out."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    return [key.strip() for line in lines for key in line.split(",") if key.strip()]


_HEADER = ("# Haven's field keys (HAVEN_FIELD_KEY's laptop default): the first encrypts, all\n"
           "# decrypt. Keep this file private and out of backups of the database.\n")


def key_file_write(path: Path, keys: list[str]) -> None:
    """Replace the key file with `keys` (mode 0600), atomically: it is whole or untouched."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(_HEADER + "".join(f"{k}\n" for k in keys))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def _key_file_create(path: Path) -> None:
    """Create the key file with one new key, unless another process just did."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(_HEADER + key_generate() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # A hard link appears whole, and fails if the file exists: two processes starting
        # at once both end up reading the one key that won.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()


_lock = threading.Lock()
_cached: tuple[object, Keyring] | None = None


def keyring() -> Keyring:
    """Return the keys in force, from HAVEN_FIELD_KEY or the key file (created if absent).

    Read again whenever the variable or the file changes, so a running server picks up a
    rotation's new key at once (a file's change is one stat per call).
    """
    global _cached  # noqa: PLW0603 - a per-process cache of the keys, invalidated above
    configured = env_str("HAVEN_FIELD_KEY")
    if configured:
        signature: object = ("env", configured)
    else:
        path = key_file_path()
        try:
            stat = path.stat()
        except FileNotFoundError:
            _key_file_create(path)
            stat = path.stat()
        signature = ("file", str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    cached = _cached
    if cached is not None and cached[0] == signature:
        return cached[1]
    with _lock:
        if configured:
            ring = Keyring.of(_key_texts(configured), "HAVEN_FIELD_KEY")
        else:
            ring = Keyring.of(_key_texts(key_file_path().read_text()), str(key_file_path()))
        _cached = (signature, ring)
    return ring
