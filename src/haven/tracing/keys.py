"""The keys a sought person is found by when someone registers (haven.core.names).

A sought person's given and family keys are stored with every key one letter shorter
(a deletion neighbourhood); a new registration's keys are expanded the same way, and
the two sets meet when the keys are within one edit, or two when each side lost a
different letter. Both sides are small (a key of nine letters has nine deletions), so
checking a registration against ten thousand open requests costs a few index lookups.
"""

from __future__ import annotations

from haven.core.names import given_name_key, surname_key

# The key stored for a name the family did not give (a sought person known by one name):
# a registration meets such a person on the other name alone. No folded key is "*".
ABSENT = "*"


def deletions(key: str) -> set[str]:
    """Return the key and the keys with one letter deleted (none shorter than two letters)."""
    if not key:
        return set()
    found = {key}
    if len(key) > 2:
        found.update(key[:i] + key[i + 1:] for i in range(len(key)))
    return found


def sought_keys(given: str, family: str, other_names: str) -> set[tuple[str, str]]:
    """Return a sought person's (field, key) pairs: "g" given, "f" family.

    Each name's key and its deletions; the other spellings the family gave ("Vartanian, or
    Вартанян") as keys of either name; ABSENT for a name with no key at all, so that a
    registration, which must meet both names, meets this one on the other.
    """
    given_key, family_key = name_keys(given, family)
    keys = {("g", k) for k in deletions(given_key)} | {("f", k) for k in deletions(family_key)}
    for word in other_names.replace(",", " ").split():
        other_given, other_family = name_keys(word, word)
        keys |= {("g", k) for k in deletions(other_given)}
        keys |= {("f", k) for k in deletions(other_family)}
    for field in ("g", "f"):
        if not any(f == field for f, _key in keys):
            keys.add((field, ABSENT))
    return keys


def name_keys(given: str, family: str) -> tuple[str, str]:
    return (given_name_key(given) if given.strip() else "",
            surname_key(family) if family.strip() else "")
