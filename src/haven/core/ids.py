"""Identifiers that devices can mint offline: UUIDv7 keys and short human codes.

A human code looks like ``HVN-7K4Q-MX2P-RT3C``: eleven random Crockford base32
symbols (55 bits) and one Luhn mod 32 check symbol. No central counter is needed;
with 55 bits, ten million codes collide with probability ~0.1%, and the database's
unique constraint catches the rest.

The check symbol detects every single-symbol error, so a code misread from paper is
refused instead of finding someone else. It detects almost every transposition of two
adjacent symbols, but not all: like decimal Luhn, which misses 09 <-> 90, Luhn mod 32
misses the swap of ``0`` and ``Z`` (values 0 and 31), because its doubling step leaves
both values unchanged, so the swap leaves the sum unchanged. That is 2 of the 992
ordered pairs of distinct symbols: about 99.8% of adjacent transpositions are caught
(the test suite measures it).
Primero's truncated hex ids had neither property.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford's decoding is forgiving of what people confuse when reading and typing.
_READ_AS = {"O": "0", "I": "1", "L": "1", "U": "V"}
PREFIX = "HVN"
_BODY = 11


_RANDOM_BITS = 74  # rand_a (12) and rand_b (62)
_uuid7_lock = threading.Lock()
_uuid7_last = 0  # the last (milliseconds << 74 | random) handed out by this process

# Random bytes from os.urandom, drawn 4 KiB at a time: one system call per ~400 ids
# instead of one per id, which an import minting 300,000 ids a minute felt. The pool
# belongs to one process: a forked child draws its own, never its parent's leftovers.
_POOL_SIZE = 4096
_pool_lock = threading.Lock()
_pool = b""
_pool_at = 0


def _random_bytes(n: int) -> bytes:
    """Return `n` (at most `_POOL_SIZE`) bytes from the operating system's CSPRNG."""
    global _pool, _pool_at  # noqa: PLW0603 - the pool is deliberately process-wide
    with _pool_lock:
        if _pool_at + n > len(_pool):
            _pool, _pool_at = os.urandom(_POOL_SIZE), 0
        start = _pool_at
        _pool_at = start + n
        return _pool[start:start + n]


def _forget_pool() -> None:
    global _pool, _pool_at, _pool_lock
    _pool, _pool_at, _pool_lock = b"", 0, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def uuid7() -> uuid.UUID:
    """Return a time-ordered UUID (RFC 9562 version 7): index-friendly, unique offline.

    Within one process each value is greater than the one before, even within one
    millisecond or when the clock steps back: the 74 random bits then grow by a random
    increment (RFC 9562, section 6.2, method 2), so the order of creation is the order
    of the keys.
    """
    global _uuid7_last  # noqa: PLW0603 - the monotonic counter is deliberately process-wide
    ms = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    rand = int.from_bytes(_random_bytes(10), "big") >> (80 - _RANDOM_BITS)
    with _uuid7_lock:
        ordered = (ms << _RANDOM_BITS) | rand
        if ordered <= _uuid7_last:
            ordered = _uuid7_last + 1 + (rand >> 42)  # a random step of up to 32 bits
        _uuid7_last = ordered
    value = (ordered >> _RANDOM_BITS) << 80  # unix_ts_ms
    value |= 0x7 << 76  # version
    value |= ((ordered >> 62) & 0xFFF) << 64  # rand_a
    value |= 0b10 << 62  # variant
    value |= ordered & ((1 << 62) - 1)  # rand_b
    return uuid.UUID(int=value)


def _check_symbol(body: str) -> str:
    """Return the Luhn mod 32 check symbol for `body`."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_code() -> str:
    """Return a fresh human code such as ``HVN-7K4Q-MX2P-RT3C``."""
    # One draw of 55 bits, cut into eleven 5-bit symbols: the same uniform code as eleven
    # separate draws, at a fraction of the cost when an import mints a million.
    bits = int.from_bytes(_random_bytes(7), "big") >> (56 - 5 * _BODY)
    values = [(bits >> shift) & 31 for shift in _SHIFTS]
    # `_check_symbol`, from the values: the last symbol is doubled, then every other one.
    total = sum(_DOUBLED[v] for v in values[-1::-2]) + sum(values[-2::-2])
    values.append((32 - total % 32) % 32)
    return format_code("".join([ALPHABET[v] for v in values]))


_SHIFTS = tuple(5 * i for i in range(_BODY))
_DOUBLED = tuple(2 * v // 32 + 2 * v % 32 for v in range(32))  # Luhn's doubling, mod 32


def format_code(symbols: str) -> str:
    """Return twelve code symbols as ``HVN-XXXX-XXXX-XXXX``."""
    return f"{PREFIX}-{symbols[0:4]}-{symbols[4:8]}-{symbols[8:12]}"


def parse_code(text: str) -> str | None:
    """Return the canonical code for `text`, or None if it is not a valid code.

    Accepts lower case, missing or extra separators and spaces, and the letters
    people confuse with digits (O for 0, I and L for 1).
    """
    cleaned = _symbols(text)
    if cleaned is None or _check_symbol(cleaned[:_BODY]) != cleaned[_BODY]:
        return None
    return format_code(cleaned)


def is_mistyped_code(text: str) -> bool:
    """Return whether `text` has the shape of a code but a wrong check symbol.

    That is a typing error (a symbol misread or two swapped), which a clerk should be told
    apart from a well-formed code that names nobody.
    """
    cleaned = _symbols(text)
    return cleaned is not None and _check_symbol(cleaned[:_BODY]) != cleaned[_BODY]


def _symbols(text: str) -> str | None:
    """Return the twelve symbols of something shaped like a code, or None."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    # Strip the prefix only from a code that has one: a bare code may start with HVN.
    if len(cleaned) == len(PREFIX) + _BODY + 1 and cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in cleaned)
    if len(cleaned) != _BODY + 1 or any(ch not in _VALUE for ch in cleaned):
        return None
    return cleaned
