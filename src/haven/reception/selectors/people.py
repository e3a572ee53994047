"""How reception shows a person: the name as typed, its Latin spelling, the code. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from haven.core.names import to_latin
from haven.registry.models import Person


@dataclass(frozen=True)
class Name:
    code: str
    name: str  # as typed, in its own script
    latin: str  # the Latin transliteration; equal to `name` for a Latin name

    @property
    def needs_latin(self) -> bool:
        return self.latin != self.name


def name_of(person: Person) -> Name:
    full = person.full_name
    return Name(code=person.code, name=full, latin=to_latin(full))
