"""The household registration XForm, built from the XLSForm at first use and cached.

pyxform turns `intake/forms/household_registration.xlsx` into the XForm that ODK Collect,
KoboCollect and Enketo download. A build takes a fraction of a second, so it runs once per
process and is kept under the XLSX's SHA-256: a changed file is built again on the next
request. The form's version is taken from that hash, so devices see a new version exactly
when the form changes, and a submission names the version it was filled in.

ODK Validate (Java) is not run here; pass `validate=True` to pyxform where Java is
installed to check the form once more.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

# pyxform ships no type information.
from pyxform.xls2json_backends import get_xlsform  # type: ignore[import-untyped, unused-ignore]
from pyxform.xls2xform import convert  # type: ignore[import-untyped, unused-ignore]

from haven.intake.forms.build_hub_arrival import XLSFORM_PATH as HUB_ARRIVAL_PATH
from haven.intake.forms.build_xlsform import XLSFORM_PATH

VERSION_LENGTH = 12  # hex digits of the XLSX's SHA-256
_KEEP = 4  # built forms kept per process (tests build variants of the file)


@dataclass(frozen=True)
class XForm:
    """One build of the form: what formList announces and what devices download."""

    form_id: str
    title: str
    version: str
    xml: bytes
    hxl: MappingProxyType[str, str]  # question name -> HXL hashtag, from the hxl column

    @property
    def md5(self) -> str:
        """Return the hex MD5 of the XML, which formList announces as `md5:<hash>`."""
        return hashlib.md5(self.xml, usedforsecurity=False).hexdigest()


_built: dict[str, XForm] = {}
_lock = threading.Lock()


def household_xform(path: Path = XLSFORM_PATH) -> XForm:
    """Return the XForm built from the XLSForm at `path`, building it if the file changed."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    form = _built.get(digest)
    if form is None:
        with _lock:
            form = _built.get(digest)
            if form is None:
                form = xform_build(data, version=digest[:VERSION_LENGTH])
                while len(_built) >= _KEEP:
                    _built.pop(next(iter(_built)))
                _built[digest] = form
    return form


def xform_build(xlsx: bytes, *, version: str) -> XForm:
    """Build the XForm from XLSForm bytes, with `version` in place of the settings' one.

    Raise ValueError when pyxform finds the form wrong, with pyxform's message.
    """
    workbook = get_xlsform(xlsform=xlsx)
    settings: list[dict[str, Any]] = [dict(row) for row in (workbook.settings or [{}])]
    settings[0]["version"] = version
    header = [{**row, "version": None} for row in (workbook.settings_header or [{}])]
    definition = dataclasses.asdict(
        dataclasses.replace(workbook, settings=settings, settings_header=header))
    warnings: list[str] = []
    try:
        result = convert(xlsform=definition, warnings=warnings)
    except Exception as problem:  # pyxform raises PyXFormError and plain errors alike
        raise ValueError(f"the XLSForm cannot be built: {problem}") from problem
    hxl = {str(row["name"]): str(row["hxl"]).strip() for row in (workbook.survey or [])
           if row.get("hxl") and row.get("name")}
    return XForm(
        form_id=str(settings[0].get("form_id") or ""),
        title=str(settings[0].get("form_title") or ""),
        version=version,
        xml=result.xform.encode("utf-8"),
        hxl=MappingProxyType(hxl),
    )


def hub_arrival_xform() -> XForm:
    """Return the form for recording arrivals at a hub by scanning cards (haven.reception)."""
    return household_xform(HUB_ARRIVAL_PATH)


def served_xforms() -> list[XForm]:
    """Return the forms a device may fill in: registration, and arrivals at a hub."""
    return [household_xform(), hub_arrival_xform()]
