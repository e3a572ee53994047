"""Render a person's record (haven.rights.record) as the JSON and PDF handed to them."""

from __future__ import annotations

import json

from django.template.loader import render_to_string

from haven.rights.record import PersonRecord

FORMATS = ("pdf", "json")


def record_json(record: PersonRecord) -> bytes:
    """Return the record as UTF-8 JSON, every script readable as itself."""
    return json.dumps(record.as_json(), ensure_ascii=False, indent=2).encode("utf-8")


def record_html(record: PersonRecord) -> str:
    return render_to_string("rights/person_record.html", {"record": record})


def record_pdf(record: PersonRecord) -> bytes:
    """Return the record as an A4 PDF (WeasyPrint, as the situation report)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy, only when printing

    return bytes(HTML(string=record_html(record), base_url=None).write_pdf())


def record_document(record: PersonRecord, format_: str) -> tuple[bytes, str, str]:
    """Return the file's bytes, content type and file name for `format_` (pdf or json)."""
    if format_ == "json":
        return record_json(record), "application/json", "haven-record.json"
    return record_pdf(record), "application/pdf", "haven-record.pdf"
