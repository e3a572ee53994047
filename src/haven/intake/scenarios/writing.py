"""How a clerk writes a household down: script, spelling, dates, documents, phone.

A `Hand` is one clerk's way with one household: the script (the document in hand or the
keyboard), the Latin style, whether patronymics are written, whether dates are dotted as
on Soviet papers. A second registration of the same people is written by another hand,
and `Scribe.rewrite` records how it differs, for the truth file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from haven.intake.scenarios.model import Scenario, Settlement
from haven.intake.scenarios.names import NameEntry, patronymic, spelling, typo
from haven.intake.scenarios.people import Member
from haven.registry.vocabulary import DocumentType, Sex


@dataclass(frozen=True)
class Written:
    """A person as written on the form; the fields are those of MemberInput."""

    given_name: str
    family_name: str
    patronymic: str
    sex: str
    birth_date: str
    estimated_age: int | None
    relationship: str
    document_type: str
    document_number: str
    vulnerabilities: tuple[str, ...]
    script: str


@dataclass(frozen=True)
class Hand:
    script: str  # armenian, cyrillic or latin
    form: str  # the names' column: armenian, cyrillic, eastern, western, russian, german
    patronymics: bool
    dotted: bool
    spellings: dict[tuple[str, str], str] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return self.script if self.script != "latin" else f"latin/{self.form}"


_PHONE_FORMS = ("+374 {p} {n}", "0{p} {n}", "+374{p}{n}", "0{p} {a} {b} {c}")
_PHONE_FORM_WEIGHTS = (60, 20, 12, 8)


class Scribe:
    """Write members of households the way the scenario's clerks do."""

    def __init__(self, scenario: Scenario, rng: random.Random) -> None:
        self.naming = scenario.naming
        self.duplicates = scenario.duplicates
        self.rng = rng

    # ---------------------------------------------------------------- hands
    def hand(self, script: str | None = None, *, exclude_form: str = "") -> Hand:
        """Return a new hand: in `script` (or one drawn by the scenario's mix)."""
        rng, naming = self.rng, self.naming
        if script is None:
            script = _draw(rng, naming.scripts)
        form = script
        if script == "latin":
            styles = {k: v for k, v in naming.latin_styles.items() if k != exclude_form}
            form = _draw(rng, styles or naming.latin_styles)
        return Hand(script=script, form=form,
                    patronymics=rng.random() < naming.patronymics.get(script, 0.0),
                    dotted=script == "cyrillic" and rng.random() < naming.dotted_dates)

    def other_hand(self, hand: Hand, change: str) -> Hand:
        """Return the hand of a second registration: another script, spelling, or the same."""
        if change == "same":
            return Hand(script=hand.script, form=hand.form, patronymics=hand.patronymics,
                        dotted=hand.dotted, spellings=hand.spellings)
        if change == "other_spelling" and hand.script == "latin":
            return self.hand("latin", exclude_form=hand.form)
        if change == "other_spelling":
            return self.hand("latin")
        others = {k: v for k, v in self.naming.scripts.items() if k != hand.script and v > 0}
        return self.hand(_draw(self.rng, others) if others else hand.script,
                         exclude_form=hand.form)

    def _spell(self, hand: Hand, entry: NameEntry) -> str:
        """Return the entry's spelling in this hand; one hand spells a name one way."""
        key = (entry.key, hand.form)
        if key not in hand.spellings:
            hand.spellings[key] = spelling(entry, hand.form, self.rng,
                                           main=self.naming.main_spelling)
        return hand.spellings[key]

    # ---------------------------------------------------------------- writing
    def write(self, member: Member, hand: Hand) -> Written:
        """Return the member as this hand writes them at first registration."""
        return Written(
            given_name=self._spell(hand, member.given),
            family_name=self._spell(hand, member.family),
            patronymic=(patronymic(member.father, daughter=member.sex == Sex.FEMALE,
                                   script=hand.script) if hand.patronymics else ""),
            sex=member.sex, birth_date=_birth_text(member, member.precision, hand),
            estimated_age=member.estimated_age, relationship=member.relationship,
            document_type=member.document_type, document_number=member.document_number,
            vulnerabilities=tuple(member.vulnerabilities), script=hand.script,
        )

    def rewrite(self, member: Member, first: Written, hand: Hand, *, change: str,
                relationship: str) -> tuple[Written, str]:
        """Return the member as written at a second registration, and how it differs."""
        rng, spec = self.rng, self.duplicates
        notes = [f"names={change}:{hand.label}"]
        if change == "same":
            given, family = first.given_name, first.family_name
        else:
            given, family = self._spell(hand, member.given), self._spell(hand, member.family)
        if rng.random() < spec.typo:
            given, notes = typo(given, rng), [*notes, "typo=given_name"]
        if rng.random() < spec.typo:
            family, notes = typo(family, rng), [*notes, "typo=family_name"]
        father = self._patronymic(member, first, hand, change=change)
        if bool(father) != bool(first.patronymic):
            notes.append("patronymic=" + ("dropped" if not father else "written"))
        birth_date, estimated, note = self._birth(member, hand)
        if note:
            notes.append(note)
        document_type, number = first.document_type, first.document_number
        if number and rng.random() >= spec.keep_document:
            document_type, number = DocumentType.NONE, ""
            notes.append("document=dropped")
        written = Written(
            given_name=given, family_name=family, patronymic=father, sex=member.sex,
            birth_date=birth_date, estimated_age=estimated, relationship=relationship,
            document_type=document_type, document_number=number,
            vulnerabilities=first.vulnerabilities, script=hand.script,
        )
        return written, ";".join(notes)

    def _patronymic(self, member: Member, first: Written, hand: Hand, *, change: str) -> str:
        """Return the patronymic at a second registration: kept, dropped, or newly written."""
        kept = bool(first.patronymic) and self.rng.random() < self.duplicates.keep_patronymic
        added = not first.patronymic and hand.patronymics and change != "same"
        if not (kept or added):
            return ""
        return patronymic(member.father, daughter=member.sex == Sex.FEMALE, script=hand.script)

    def _birth(self, member: Member, hand: Hand) -> tuple[str, int | None, str]:
        """Return the birth date and estimated age at a second registration, and a note."""
        change = _draw(self.rng, self.duplicates.birth_dates)
        if change == "estimated":
            return "", max(0, member.age + self.rng.choice((-1, 0, 0, 1))), "birth=estimated"
        precision = member.precision
        if change == "year" and precision in ("day", "month"):
            precision = "year"
        elif change == "month" and precision == "day":
            precision = "month"
        note = f"birth={precision}" if precision != member.precision else ""
        return _birth_text(member, precision, hand), member.estimated_age, note

    def place(self, settlement: Settlement, hand: Hand) -> str:
        return settlement.names[hand.script]

    def phone(self, digits: str) -> str:
        """Return the phone number `digits` (prefix and six digits) as someone writes it."""
        if not digits:
            return ""
        form = self.rng.choices(_PHONE_FORMS, weights=_PHONE_FORM_WEIGHTS)[0]
        prefix, number = digits[:2], digits[2:]
        return form.format(p=prefix, n=number, a=number[:2], b=number[2:4], c=number[4:])


def _birth_text(member: Member, precision: str, hand: Hand) -> str:
    if member.estimated_age is not None and precision == member.precision:
        return ""
    birth = member.birth
    if precision == "day":
        if hand.dotted:
            return f"{birth.day:02d}.{birth.month:02d}.{birth.year:04d}"
        return birth.isoformat()
    if precision == "month":
        return f"{birth.year:04d}-{birth.month:02d}"
    return f"{birth.year:04d}"


def _draw(rng: random.Random, weights: dict[str, float]) -> str:
    names = [k for k, w in weights.items() if w > 0]
    return rng.choices(names, weights=[weights[k] for k in names])[0]
