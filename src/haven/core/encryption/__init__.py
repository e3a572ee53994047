"""Encryption at rest of free-text medical and protection details.

    keys.py      the field keys: HAVEN_FIELD_KEY, or a key file under var/ (mode 0600)
    cipher.py    AES-256-GCM with the key id stored in each value
    fields.py    EncryptedTextField: a model field stored encrypted, read back in clear
    rotation.py  re-encrypt every stored value under the current key (`haven keys rotate`)
    checks.py    refuse a production configuration with a missing or weak key

docs/security.md ("Encryption at rest") says which fields are encrypted and why.
"""

from haven.core.encryption.cipher import FORMAT_PREFIX, decrypt, encrypt, key_id_of
from haven.core.encryption.fields import EncryptedTextField, encrypted_fields
from haven.core.encryption.keys import (
    FieldKey,
    FieldKeyError,
    Keyring,
    key_generate,
    keyring,
)

__all__ = [
    "FORMAT_PREFIX", "EncryptedTextField", "FieldKey", "FieldKeyError", "Keyring", "decrypt",
    "encrypt", "encrypted_fields", "key_generate", "key_id_of", "keyring",
]
