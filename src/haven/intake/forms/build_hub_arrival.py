"""Write `hub_arrival.xlsx`, the XLSForm for recording arrivals at a hub by scanning cards.

A clerk at a hub without a network (or with a phone rather than a laptop) scans the QR
code of each family's card: the household's code brings the whole household, a member's
code that member. The device sends the form to its site's address like the registration
form (`/openrosa/<site>/`), and `haven.intake.openrosa.submitted_arrivals` records the arrivals
through `haven.reception.services.codes_arrival_record`, exactly once per instanceID.
To change the form, edit the rows here, then run

    .venv/bin/python -m haven.intake.forms.build_hub_arrival

and commit both files (the XLSX's hash is the form's version).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from haven.intake.forms.build_xlsform import LANGUAGES, TRANSLATED, workbook_bytes

XLSFORM_PATH = Path(__file__).resolve().parent / "hub_arrival.xlsx"
FORM_ID = "hub_arrival"
FORM_TITLE = "Haven arrival at a hub"
# A code as printed (HVN-7K4Q-MX2P-RT3C), with or without its prefix and hyphens; the
# server checks its check symbol and says which card was mistyped.
CODE_PATTERN = "^([Hh][Vv][Nn]-?)?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"

SURVEY: list[dict[str, Any]] = [
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "note", "name": "intro",
     "label": ("Scan the QR code of every card that arrives: the household's code records "
               "the whole household, a member's code that member only.",
               "Սկանավորեք ժամանած յուրաքանչյուր քարտի QR կոդը՝ ընտանիքի կոդը գրանցում է "
               "ամբողջ ընտանիքը, անդամի կոդը՝ միայն այդ անդամին։",
               "Отсканируйте QR-код каждой прибывшей карточки: код семьи отмечает всю семью, "
               "код члена семьи — только его.")},
    {"type": "begin repeat", "name": "scans", "label": ("Card", "Քարտ", "Карточка")},
    {"type": "barcode", "name": "code",
     "label": ("Scan the QR code on the card", "Սկանավորեք քարտի QR կոդը",
               "Отсканируйте QR-код на карточке"),
     "hint": ("The household's code or a member's.", "Ընտանիքի կամ անդամի կոդը։",
              "Код семьи или члена семьи.")},
    {"type": "text", "name": "typed",
     "label": ("The QR code cannot be read: type the code printed under it",
               "QR կոդը չի կարդացվում․ մուտքագրեք դրա տակ տպված կոդը",
               "QR-код не читается: введите код, напечатанный под ним"),
     "hint": ("HVN-XXXX-XXXX-XXXX", "HVN-XXXX-XXXX-XXXX", "HVN-XXXX-XXXX-XXXX"),
     "relevant": "${code} = ''", "required": "yes",
     "constraint": f"regex(., '{CODE_PATTERN}')",
     "constraint_message": ("A code has twelve letters and digits after HVN.",
                            "Կոդը HVN-ից հետո ունի տասներկու տառ և թվանշան։",
                            "В коде после HVN двенадцать букв и цифр.")},
    {"type": "end repeat", "name": "scans"},
]

SETTINGS = {
    "form_title": FORM_TITLE,
    "form_id": FORM_ID,
    "default_language": LANGUAGES[0][0],
    "instance_name": "concat('Arrivals: ', count(${scans}))",
    # No version here: the server sets it from the XLSX's hash (haven.intake.openrosa.form).
}

SURVEY_COLUMNS = ["type", "name",
                  *(f"label::{language}" for language, _ in LANGUAGES),
                  *(f"hint::{language}" for language, _ in LANGUAGES),
                  "required", "relevant", "constraint",
                  *(f"constraint_message::{language}" for language, _ in LANGUAGES)]


def survey_rows() -> list[list[str]]:
    rows = [SURVEY_COLUMNS]
    for question in SURVEY:
        cells: dict[str, str] = {}
        for key, value in question.items():
            if key in TRANSLATED:
                for (language, _code), text in zip(LANGUAGES, value, strict=True):
                    cells[f"{key}::{language}"] = text
            else:
                cells[key] = value
        rows.append([cells.get(column, "") for column in SURVEY_COLUMNS])
    return rows


def build(path: Path = XLSFORM_PATH) -> None:
    """Write the XLSForm to `path`."""
    path.write_bytes(workbook_bytes([("survey", survey_rows()),
                                     ("settings", [list(SETTINGS), list(SETTINGS.values())])]))


def main() -> int:
    build()
    print(f"wrote {XLSFORM_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
