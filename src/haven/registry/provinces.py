"""Administrative codes of a site's province, so published tables join to boundary data.

A site carries its province's ISO 3166-2 code (`AM-SU` for Syunik) and, where a
deployment has them, the OCHA Common Operational Dataset (COD) p-codes of its province
and of itself. A site whose province code is left empty gets it from the province's
name when that name is one of Armenia's eleven provinces, in English, Armenian or
Russian; anywhere else the administrator types it. Open data publishes the ISO codes
by default and the p-codes when `HAVEN_OPEN_DATA_CODES=pcode` (docs/reports.md).
"""

from __future__ import annotations

import re
import unicodedata

# ISO 3166-2:AM: the ten provinces (marzer) and Yerevan, by their names as people write them.
ARMENIA = {
    "AM-AG": ("Aragatsotn", "Արագածոտն", "Арагацотн"),
    "AM-AR": ("Ararat", "Արարատ", "Арарат"),
    "AM-AV": ("Armavir", "Արմավիր", "Армавир"),
    "AM-ER": ("Yerevan", "Երևան", "Ереван", "Երեվան"),
    "AM-GR": ("Gegharkunik", "Գեղարքունիք", "Гегаркуник", "Gegharkunik'"),
    "AM-KT": ("Kotayk", "Կոտայք", "Котайк", "Kotayq"),
    "AM-LO": ("Lori", "Լոռի", "Лори"),
    "AM-SH": ("Shirak", "Շիրակ", "Ширак"),
    "AM-SU": ("Syunik", "Սյունիք", "Сюник", "Siunik", "Syunik'"),
    "AM-TV": ("Tavush", "Տավուշ", "Тавуш"),
    "AM-VD": ("Vayots Dzor", "Վայոց ձոր", "Вайоц Дзор", "Vayots' Dzor"),
}
ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
# OCHA p-codes: the country's ISO alpha-2 code, then letters or digits (AM09, AM0901001).
PCODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,18}$")


def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold().replace("-", " ")
    return " ".join(text.replace("province", "").replace("marz", "").split())


_BY_NAME = {_key(name): code for code, names in ARMENIA.items() for name in names}


def province_iso_code(province: str) -> str:
    """Return the ISO 3166-2 code of an Armenian province named in any of three languages, or ''."""
    return _BY_NAME.get(_key(province), "")
