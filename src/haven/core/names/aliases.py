"""Given names whose spellings transliteration and folding cannot bring together.

Each group is one name: the first spelling is the one keys are drawn to, the rest are
forms seen in Armenian, Soviet Russian and diaspora documents. Spellings are written as
people write them, in any script; `keys` folds them, so a group needs only the forms
that fold apart. The same table serves surnames built on these names
(Оганесян = Hovhannisyan), which is why genitive stems such as Hovhannis are listed.

Keep it small: every entry is a claim that two spellings are one name. Add a group
only for forms that occur in real registers, never for mere translations (Hovhannes
is not John, Hakob is not Jacob).
"""

from __future__ import annotations

GIVEN_NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    # Russian writes the Armenian h between vowels as г, or drops it with the v.
    (
        "Hovhannes", "Hovhannis", "Hovannes", "Hovannis", "Ohannes", "Ohanes", "Ovanes",
        "Ovanis", "Оганес", "Оганис", "Ованес", "Ованнес", "Ованис", "Yovhannes",
    ),
    # Russian writes a word-initial Armenian h before a vowel or r as г in these names.
    ("Ohan", "Оган"),
    ("Hayk", "Haik", "Haig", "Гайк", "Айк"),
    ("Hamlet", "Гамлет"),
    ("Hrant", "Грант"),
    ("Hrach", "Грач"),
    # Mkrtich (Մկրտիչ): the surname stem Mkrtch- drops the i, the t and ch fuse.
    ("Mkrtich", "Mkrtch", "Мкртич", "Мкртыч", "Mgrdich", "Mkrtych"),
    ("Gevorg", "Georg", "Gevork", "Kevork"),
    # x folds with kh, so the Western x = ks spellings need listing.
    ("Aleksandr", "Alexander", "Aleksander", "Alexandre", "Александр"),
    ("Aleksan", "Alexan", "Ալեքսան", "Алексан"),
    ("Sergey", "Serge", "Sergei"),
)  # fmt: skip
