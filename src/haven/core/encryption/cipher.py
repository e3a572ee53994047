"""AES-256-GCM (the `cryptography` package) over text, the key's id stored with the value.

A stored value reads `hv1$<key id>$<base64 of nonce, ciphertext and tag>`. The text is
padded to a multiple of 16 bytes first, so a value tells its length only roughly. Each
value is bound to its place (`context`, such as "protection_referral.notes"): moved into
another column, it no longer decrypts, so a note cannot be made to show up in a field
that other roles read.
"""

from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from haven.core.encryption.keys import FieldKey, FieldKeyError, Keyring, keyring

FORMAT_PREFIX = "hv1$"
_NONCE_BYTES = 12
_BLOCK = 16


@functools.lru_cache(maxsize=16)
def _aead(key: FieldKey) -> AESGCM:
    return AESGCM(key.secret)


def _pad(data: bytes) -> bytes:
    # ISO/IEC 7816-4: a 0x80 byte, then zeros up to the block.
    data += b"\x80"
    return data + b"\x00" * (-len(data) % _BLOCK)


def _unpad(data: bytes) -> bytes:
    end = data.rstrip(b"\x00")
    if not end.endswith(b"\x80"):
        raise FieldKeyError("an encrypted value is malformed")
    return end[:-1]


def encrypt(text: str, *, context: str, ring: Keyring | None = None) -> str:
    """Return `text` encrypted under the primary key, bound to `context`."""
    key = (ring or keyring()).primary
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(key).encrypt(nonce, _pad(text.encode()), context.encode())
    return f"{FORMAT_PREFIX}{key.id}${base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(value: str) -> str | None:
    """Return the id of the key a stored value was encrypted with; None if it is not one."""
    if not value.startswith(FORMAT_PREFIX):
        return None
    found = value[len(FORMAT_PREFIX):].split("$", 1)[0]
    return found or None


def decrypt(value: str, *, context: str, ring: Keyring | None = None) -> str:
    """Return the text of a stored value; FieldKeyError if its key is absent or it was altered."""
    ring = ring or keyring()
    found = key_id_of(value)
    if found is None:
        # Clear text in an encrypted column was written around the field: refuse to pass it on.
        raise FieldKeyError(f"a value of {context} is not encrypted")
    key = ring.keys.get(found)
    if key is None:
        raise FieldKeyError(f"a value of {context} needs field key {found}, which is not "
                            f"among the keys in force ({ring.source})")
    try:
        blob = base64.urlsafe_b64decode(value.rsplit("$", 1)[1])
        plain = _aead(key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError, IndexError):
        raise FieldKeyError(f"a value of {context} does not decrypt: altered, or moved from "
                            f"another field") from None
    return _unpad(plain).decode()
