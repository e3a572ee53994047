"""Write `household_registration.xlsx`, the XLSForm that ODK Collect fills in, from the rows below.

The XLSX is what form designers open and what `haven.intake.openrosa.form` builds the XForm
from; this module is its source, readable in review. To change the form, edit the rows here,
then run

    .venv/bin/python -m haven.intake.forms.build_xlsform

and commit both files. The choice lists are the registry's vocabulary
(`haven.registry.vocabulary`) under the same names, with the Armenian and Russian labels
of Haven's message catalogs, so the form says what the web pages say; the questions carry
their three labels here. The XLSX is written byte for byte the same for the same rows
(fixed timestamps inside the zip), so its hash, which becomes the form's version, changes
only when the form does.

The site is not a question: a device registers for the site in its server address
(`/openrosa/<site>/`), so one form serves every site.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

XLSFORM_PATH = Path(__file__).resolve().parent / "household_registration.xlsx"
FORM_ID = "household_registration"
FORM_TITLE = "Haven household registration"
LANGUAGES = (("English (en)", "en"), ("Armenian (hy)", "hy"), ("Russian (ru)", "ru"))
FIXED_TIME = (2023, 9, 24, 0, 0, 0)  # the first arrivals at Kornidzor

Labels = tuple[str, str, str]  # English, Armenian, Russian

THIS_YEAR = "int(format-date(today(), '%Y'))"

# One dict per survey row; label, hint and constraint_message are (en, hy, ru).
SURVEY: list[dict[str, Any]] = [
    {"type": "start", "name": "start", "hxl": "#date+start"},
    {"type": "end", "name": "end", "hxl": "#date+end"},
    {"type": "note", "name": "intro",
     "label": ("Register one household: the head of household first, then every member "
               "who is here.",
               "Գրանցեք մեկ ընտանիք՝ նախ ընտանիքի ղեկավարին, ապա այստեղ գտնվող "
               "յուրաքանչյուր անդամի։",
               "Зарегистрируйте одну семью: сначала главу семьи, затем каждого члена семьи, "
               "который здесь.")},
    {"type": "begin group", "name": "household", "label": ("Household", "Ընտանիք", "Семья"),
     "appearance": "field-list"},
    {"type": "text", "name": "place_of_origin",
     "label": ("Place of origin (town or village)",
               "Որտեղից են եկել (քաղաք կամ գյուղ)",
               "Откуда прибыли (город или село)"),
     "constraint": "string-length(.) <= 100",
     "constraint_message": ("At most 100 characters.", "Առավելագույնը 100 նիշ։",
                            "Не более 100 знаков."),
     "hxl": "#loc+origin"},
    {"type": "text", "name": "phone", "label": ("Phone", "Հեռախոս", "Телефон"),
     "hint": ("A number the family can be reached on, if any.",
              "Համար, որով կարելի է կապվել ընտանիքի հետ, եթե կա։",
              "Номер, по которому можно связаться с семьёй, если есть."),
     "appearance": "numbers", "hxl": "#contact+phone"},
    {"type": "integer", "name": "size",
     "label": ("Household size, counting members who are not here",
               "Ընտանիքի անդամների թիվը՝ ներառյալ բացականերին",
               "Размер семьи, включая отсутствующих"),
     "hint": ("Leave empty if every member is registered here.",
              "Թողեք դատարկ, եթե բոլոր անդամները գրանցվում են այստեղ։",
              "Оставьте пустым, если здесь регистрируются все члены семьи."),
     "constraint": ". >= count(${members}) and . <= 99",
     "constraint_message": ("At least the number of members registered here, at most 99.",
                            "Առնվազն այստեղ գրանցված անդամների թիվը, առավելագույնը 99։",
                            "Не меньше числа зарегистрированных здесь членов семьи и "
                            "не больше 99."),
     "hxl": "#affected+ind"},
    {"type": "end group", "name": "household"},
    {"type": "begin repeat", "name": "members", "label": ("Member", "Անդամ", "Член семьи"),
     "appearance": "field-list"},
    {"type": "text", "name": "given_name", "label": ("Given name", "Անուն", "Имя"),
     "required": "yes", "hxl": "#beneficiary+name+given"},
    {"type": "text", "name": "family_name", "label": ("Family name", "Ազգանուն", "Фамилия"),
     "required": "yes", "hxl": "#beneficiary+name+family"},
    {"type": "text", "name": "patronymic", "label": ("Patronymic", "Հայրանուն", "Отчество"),
     "hxl": "#beneficiary+name+patronymic"},
    {"type": "select_one sex", "name": "sex", "label": ("Sex", "Սեռ", "Пол"),
     "required": "yes", "appearance": "horizontal", "hxl": "#beneficiary+sex"},
    {"type": "select_one birth_date_precision", "name": "birth_date_precision",
     "label": ("What is known of the birth date?", "Ի՞նչ է հայտնի ծննդյան ամսաթվից",
               "Что известно о дате рождения?"),
     "required": "yes", "hxl": "#date+birth+precision"},
    {"type": "date", "name": "birth_date",
     "label": ("Birth date", "Ծննդյան ամսաթիվ", "Дата рождения"),
     "required": "yes", "relevant": "${birth_date_precision} = 'day'",
     "constraint": ". <= today()",
     "constraint_message": ("The birth date cannot be in the future.",
                            "Ծննդյան ամսաթիվը չի կարող լինել ապագայում։",
                            "Дата рождения не может быть в будущем."),
     "hxl": "#date+birth"},
    {"type": "date", "name": "birth_month",
     "label": ("Birth year and month", "Ծննդյան տարին և ամիսը", "Год и месяц рождения"),
     "required": "yes", "relevant": "${birth_date_precision} = 'month'",
     "constraint": ". <= today()",
     "constraint_message": ("The birth date cannot be in the future.",
                            "Ծննդյան ամսաթիվը չի կարող լինել ապագայում։",
                            "Дата рождения не может быть в будущем."),
     "appearance": "month-year", "hxl": "#date+birth+month"},
    {"type": "integer", "name": "birth_year",
     "label": ("Birth year", "Ծննդյան տարին", "Год рождения"),
     "required": "yes", "relevant": "${birth_date_precision} = 'year'",
     "constraint": f". >= {THIS_YEAR} - 125 and . <= {THIS_YEAR}",
     "constraint_message": ("A year from 125 years ago to this year.",
                            "125 տարի առաջվանից մինչև այս տարի։",
                            "Год от 125 лет назад до текущего."),
     "hxl": "#date+birth+year"},
    {"type": "integer", "name": "estimated_age",
     "label": ("Estimated age in years", "Մոտավոր տարիքը (տարի)", "Примерный возраст (лет)"),
     "required": "yes", "relevant": "${birth_date_precision} = 'estimated'",
     "constraint": ". >= 0 and . <= 125",
     "constraint_message": ("From 0 to 125.", "0-ից 125։", "От 0 до 125."),
     "hxl": "#beneficiary+age+estimated"},
    {"type": "select_one relationship", "name": "relationship",
     "label": ("Relationship to the head", "Կապը ընտանիքի ղեկավարի հետ",
               "Родство с главой семьи"),
     "required": "yes",
     # Exactly one head, the first member: the rule the server checks, said on the device.
     "constraint": "(position(..) = 1 and . = 'head') or (position(..) > 1 and . != 'head')",
     "constraint_message": ("The first member is the head of household, and only the first.",
                            "Առաջին անդամը ընտանիքի ղեկավարն է, և միայն առաջինը։",
                            "Первый член семьи — глава семьи, и только первый."),
     "hxl": "#beneficiary+relationship"},
    {"type": "select_one document_type", "name": "document_type",
     "label": ("Document", "Փաստաթուղթ", "Документ"),
     "required": "yes", "default": "none", "hxl": "#beneficiary+document+type"},
    {"type": "text", "name": "document_number",
     "label": ("Document number", "Փաստաթղթի համար", "Номер документа"),
     "relevant": "${document_type} != 'none'",
     "constraint": "string-length(.) <= 50",
     "constraint_message": ("At most 50 characters.", "Առավելագույնը 50 նիշ։",
                            "Не более 50 знаков."),
     "hxl": "#beneficiary+document+code"},
    {"type": "select_multiple vulnerability", "name": "vulnerabilities",
     "label": ("Vulnerabilities", "Խոցելիություններ", "Уязвимости"),
     "hint": ("Only what is seen or said; leave empty if none.",
              "Միայն այն, ինչ երևում է կամ ասվում է․ թողեք դատարկ, եթե չկա։",
              "Только то, что видно или сказано; оставьте пустым, если ничего нет."),
     "hxl": "#beneficiary+vulnerability"},
    {"type": "end repeat", "name": "members"},
]

# Choice list name -> the vocabulary class (in haven.registry.vocabulary) it repeats.
CHOICE_LISTS = {
    "sex": "Sex",
    "birth_date_precision": "BirthDatePrecision",
    "relationship": "Relationship",
    "document_type": "DocumentType",
    "vulnerability": "Vulnerability",
}

SETTINGS = {
    "form_title": FORM_TITLE,
    "form_id": FORM_ID,
    "default_language": LANGUAGES[0][0],
    # Shown in Collect's lists of saved forms, so the clerk can tell households apart.
    "instance_name": "concat(indexed-repeat(${family_name}, ${members}, 1), ' ', "
                     "indexed-repeat(${given_name}, ${members}, 1))",
    # No version here: the server sets it from the XLSX's hash (haven.intake.openrosa.form).
}

TRANSLATED = ("label", "hint", "constraint_message")
SURVEY_COLUMNS = ["type", "name",
                  *(f"label::{language}" for language, _ in LANGUAGES),
                  *(f"hint::{language}" for language, _ in LANGUAGES),
                  "required", "relevant", "constraint",
                  *(f"constraint_message::{language}" for language, _ in LANGUAGES),
                  "appearance", "default", "hxl"]
CHOICE_COLUMNS = ["list_name", "name", *(f"label::{language}" for language, _ in LANGUAGES)]


def survey_rows() -> list[list[str]]:
    """Return the survey sheet: a header row, then one row per question."""
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


def choice_rows() -> tuple[list[list[str]], list[str]]:
    """Return the choices sheet from the vocabulary, and the labels still untranslated."""
    from django.utils import translation  # noqa: PLC0415 - needs django.setup() first

    from haven.registry import vocabulary  # noqa: PLC0415

    rows = [CHOICE_COLUMNS]
    untranslated: list[str] = []
    for list_name, class_name in CHOICE_LISTS.items():
        choices = getattr(vocabulary, class_name)
        for value, label in zip(choices.values, choices.labels, strict=True):
            labels = []
            for _language, code in LANGUAGES:
                with translation.override(code):
                    labels.append(str(label))
            if code_missing := [c for (_l, c), text in zip(LANGUAGES[1:], labels[1:],
                                                            strict=True) if text == labels[0]]:
                untranslated.append(f"{list_name}.{value} ({', '.join(code_missing)})")
            rows.append([list_name, value, *labels])
    return rows, untranslated


def settings_rows() -> list[list[str]]:
    return [list(SETTINGS), list(SETTINGS.values())]


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[Sequence[str]]]]) -> bytes:
    """Return the XLSX, the same bytes for the same sheets."""
    # A build-time dependency only. No stubs are installed for openpyxl.
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]  # noqa: PLC0415

    workbook = Workbook()
    if (first := workbook.active) is not None:
        workbook.remove(first)  # the empty sheet every new workbook has
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([cell or None for cell in row])
        sheet.freeze_panes = "A2"
    moment = dt.datetime(*FIXED_TIME)  # noqa: DTZ001 - the XLSX stores naive UTC
    workbook.properties.creator = "Haven"
    workbook.properties.created = moment
    raw = io.BytesIO()
    workbook.save(raw)
    return _fixed_zip(raw.getvalue(), moment)


def _fixed_zip(data: bytes, moment: dt.datetime) -> bytes:
    """Rewrite the zip with fixed entry times and a fixed modification date."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def build(path: Path = XLSFORM_PATH) -> list[str]:
    """Write the XLSForm to `path`; return the choice labels that lack a translation."""
    choices, untranslated = choice_rows()
    path.write_bytes(workbook_bytes([("survey", survey_rows()), ("choices", choices),
                                     ("settings", settings_rows())]))
    return untranslated


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django  # noqa: PLC0415

    django.setup()
    untranslated = build()
    print(f"wrote {XLSFORM_PATH}")
    if untranslated:
        print("labels without a translation (English is used):",
              "; ".join(untranslated), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
