"""Render a Sitrep as JSON, HTML or PDF; the figures themselves are computed once, elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from haven.audit.selectors import audit_last_event_id
from haven.reports.kept import Kept
from haven.reports.labels import chart_titles, figure_labels, series_labels
from haven.reports.sitrep import AGE_BANDS, NOT_RECORDED, SEXES, Demography, Sitrep

if TYPE_CHECKING:
    from django.http import HttpRequest


_KEEP = 8  # PDFs kept per process (about 50 kB each on the demo)
_KEPT: Kept[tuple[Any, ...], bytes] = Kept(_KEEP)
STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "reports.css"


@dataclass(frozen=True)
class ChartImage:
    """A chart as a page shows it: its key, its title (caption and alt text), its image."""

    key: str
    title: str
    src: str  # the chart's own URL on a page, a `data:` image inside a PDF


def _demography(figures: Demography) -> dict[str, int]:
    return {"total": figures.total, "female": figures.female, "male": figures.male,
            "sex_unknown": figures.sex_unknown, "children": figures.children,
            "adults": figures.adults, "elderly": figures.elderly,
            "age_unknown": figures.age_unknown}


def sitrep_json(report: Sitrep) -> dict[str, Any]:
    """Return the report as plain JSON-ready data (exact figures: the internal report)."""
    age_sex = {band: {sex: report.demography.counts.get((sex, band), 0) for sex in SEXES}
               for band in AGE_BANDS}
    return {
        "date": report.date.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "time_zone": report.time_zone,
        "all_sites": report.all_sites,
        "sites": [
            {"slug": s.slug, "name": s.name, "kind": s.kind, "settlement": s.settlement,
             "province": s.province, "capacity": s.capacity,
             **_site_totals(report, s.slug)}
            for s in report.sites
        ],
        "days": [
            {"date": d.date.isoformat(), "new_arrivals": d.new_arrivals,
             "cumulative_arrivals": d.cumulative_arrivals, "registrations": d.registrations,
             "cumulative_registrations": d.cumulative_registrations,
             "children": d.children, "elderly": d.elderly, "female": d.female, "male": d.male,
             "new_children": d.new.children, "new_elderly": d.new.elderly,
             "new_female": d.new.female, "new_male": d.new.male}
            for d in report.days
        ],
        "site_days": [
            {"site": d.site, "date": d.date.isoformat(), "new_arrivals": d.new_arrivals,
             "cumulative_arrivals": d.cumulative_arrivals, "registrations": d.registrations,
             "cumulative_registrations": d.cumulative_registrations,
             "households": d.cumulative_households, "new_households": d.new_households,
             **{k: v for k, v in _demography(d.cumulative).items() if k != "total"}}
            for d in report.site_days
        ],
        "totals": {
            "arrivals": report.arrivals, "registrations": report.registrations,
            "households": report.households, **_demography(report.demography),
            "deaths": report.deaths, "injured": report.injured, "present": report.present,
        },
        "age_sex": age_sex,
        "vulnerabilities": dict(report.vulnerabilities),
        "occupancy": [
            {"site": o.site, "present": o.present, "capacity": o.capacity,
             "share": round(o.share, 4) if o.share is not None else None}
            for o in report.occupancy
        ],
        "aid": _aid(report),
        "tracing": _tracing(report),
        "not_recorded": list(NOT_RECORDED) if report.tracing is None else [],
        "suppressed_below": None,
    }


def _tracing(report: Sitrep) -> dict[str, int] | None:
    """Tracing cases opened, matched (confirmed), reunified; children being followed."""
    t = report.tracing
    if t is None:
        return None
    return {"cases_opened": t.opened, "cases_matched": t.matched,
            "cases_reunified": t.reunified,
            "children_on_priority_list": t.children_on_priority_list}


def _aid(report: Sitrep) -> dict[str, Any] | None:
    """Aid in US dollars by status on the report date; `delivered`: the value that arrived."""
    aid = report.aid
    if aid is None:
        return None
    return {
        "pledged_usd": float(aid.pledged_usd), "committed_usd": float(aid.committed_usd),
        "paid_usd": float(aid.paid_usd), "delivered": float(aid.delivered_usd),
        "delivered_items": [{"item": item, "unit": unit, "quantity": float(n)}
                            for item, unit, n in aid.delivered_items],
        "contributions": aid.contributions, "in_kind_unvalued": aid.in_kind_unvalued,
        "distributions": aid.distributions, "households_served": aid.households_served,
        "unregistered_served": aid.unregistered_served, "people_served": aid.people_served,
    }


def _site_totals(report: Sitrep, slug: str) -> dict[str, int]:
    last = report.site_totals.get(slug)
    if last is None:
        return {"arrivals": 0, "registrations": 0, "households": 0}
    return {"arrivals": last.cumulative_arrivals,
            "registrations": last.cumulative_registrations,
            "households": last.cumulative_households}


def sitrep_context(report: Sitrep, *,
                   chart_url: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Return what the report templates need: the report, its charts and table rows.

    With `chart_url` (a chart's key to its address) the charts are images the browser
    fetches, and nothing is drawn here; without, they are drawn and inlined (the PDF).
    """
    sites = {s.slug: s for s in report.sites}
    return {
        "report": report,
        "labels": figure_labels(report),
        "series": series_labels(report),
        # Days without arrivals or registrations, more than two in a row, collapse to one row.
        "day_stretches": report.day_stretches(),
        "charts": _chart_images(report, chart_url),
        "pyramid_rows": [
            {"band": band, "female": report.demography.counts.get(("female", band), 0),
             "male": report.demography.counts.get(("male", band), 0),
             "unknown": report.demography.counts.get(("unknown", band), 0)}
            for band in reversed(AGE_BANDS)
        ],
        "occupancy_rows": [{"site": sites[o.site], "present": o.present,
                            "capacity": o.capacity,
                            "percent": round(100 * o.share, 1) if o.share is not None else None}
                           for o in report.occupancy],
        "site_rows": [{"site": s, "totals": report.site_totals.get(s.slug)}
                      for s in report.sites],
        "vulnerability_rows": [(_vulnerability_label(code), n)
                               for code, n in report.vulnerabilities.items()],
        "not_recorded": [_("Tracing cases opened, matched and reunified")]
        if report.tracing is None else [],
    }


def _chart_images(report: Sitrep,
                  chart_url: Callable[[str], str] | None) -> dict[str, ChartImage]:
    if chart_url is not None:
        return {key: ChartImage(key, title, chart_url(key))
                for key, title in chart_titles().items()}
    from haven.reports import charts  # noqa: PLC0415 - matplotlib only when drawing

    return {key: ChartImage(key, c.title, c.data_uri)
            for key, c in charts.sitrep_charts(report).items()}


def _vulnerability_label(code: str) -> str:
    labels = {"injured": _("Injured"), "burns": _("Burns"), "malnourished": _("Malnourished"),
              "disability": _("Disability (any of the six domains)"),
              "unaccompanied_child": _("Unaccompanied children"), "pregnant": _("Pregnant")}
    return labels.get(code, code)


def sitrep_html(report: Sitrep, *, request: HttpRequest | None = None) -> str:
    """Return the printable report as a standalone HTML document (charts inlined)."""
    context = sitrep_context(report) if not report.is_empty else {"report": report}
    return render_to_string("reports/sitrep_document.html",
                            {**context, "stylesheet": STYLESHEET.read_text(encoding="utf-8")},
                            request=request)


def sitrep_pdf(report: Sitrep) -> bytes:
    """Return the printable report as an A4 PDF (WeasyPrint), the charts as vector SVG.

    WeasyPrint takes seconds, so a PDF is kept, like the report it prints, until the next
    audited write (haven.audit's write clock), per language; its "generated" time is then
    when the document was made. The key holds dates, site slugs and an event id.
    """
    key = (get_language() or "", report.date, report.start,
           tuple(s.slug for s in report.sites), report.all_sites, audit_last_event_id())
    kept = _KEPT.get(key)
    if kept is not None:
        return kept
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy, only when printing

    document = bytes(HTML(string=sitrep_html(report), base_url=None).write_pdf())
    _KEPT.put(key, document)
    return document


def pdfs_forget() -> None:
    """Forget the PDFs kept (for tests that change the registry behind the audit)."""
    _KEPT.forget()
