"""Server-side charts of a Sitrep: SVG from matplotlib, with no network and no JavaScript.

Text stays text (`svg.fonttype = none`) in DejaVu Sans, which covers Armenian and
Cyrillic. Pages show each chart as an image of its own (`<img>`): the page's
Content-Security-Policy forbids inline style attributes, which matplotlib's SVG uses, but
an image is a document of its own. WeasyPrint draws the same SVG as vectors in the PDF,
where the charts travel inside the document as `data:` images.

Drawing was most of a report page's first view (docs/benchmarks.md), so the pages do not
draw: each chart has its own URL (haven.reports.views.chart), drawn when the browser asks
for it. A chart is drawn from `ChartFigures` — exactly what it shows, aggregate counts
and site names, nothing about a person — and kept, per process, by those figures, its key
and the language: a repeat view of an unchanged report draws nothing, and any change to
what a chart shows is a new key, so a kept chart cannot go stale. Reports only reach here
for roles with exact figures; the published (suppressed) table of other roles has no
charts, and their chart URLs answer 403.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from haven.reports.sitrep import Sitrep

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from haven.reports.kept import Kept
from haven.reports.labels import CHART_KEYS, chart_titles, series_labels_for
from haven.reports.sitrep import AGE_BANDS

STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "haven-reports",  # stable ids: the same figures give the same file
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
UNIQUE, RAW, FEMALE, MALE, UNKNOWN, CAPACITY = ("#0b5cad", "#b36b00", "#b03a6f", "#2d6a9f",
                                                "#8a929e", "#d5dae1")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


@dataclass(frozen=True)
class Slot:
    """One place on the day axis: a busy day, or a run of quiet days (`days` > 1)."""

    start: dt.date
    days: int
    cumulative_registrations: int
    cumulative_arrivals: int
    new_arrivals: int


@dataclass(frozen=True)
class ChartFigures:
    """Everything the four charts show, and nothing else: the key they are kept by."""

    all_sites: bool  # which legend: "Persons (counted once)" or "Reached these sites"
    slots: tuple[Slot, ...]
    pyramid: tuple[tuple[str, int, int], ...]  # (age band, female, male)
    occupancy: tuple[tuple[str, int, int], ...]  # (site name, present, capacity or 0)

    @classmethod
    def of(cls, report: Sitrep) -> ChartFigures:
        counts = report.demography.counts
        return cls(
            all_sites=report.all_sites,
            slots=tuple(Slot(start=s.start, days=s.days,
                             cumulative_registrations=s.entry.cumulative_registrations,
                             cumulative_arrivals=s.entry.cumulative_arrivals,
                             new_arrivals=s.entry.new_arrivals)
                        for s in report.day_stretches()),
            pyramid=tuple((band, counts.get(("female", band), 0), counts.get(("male", band), 0))
                          for band in AGE_BANDS),
            occupancy=tuple((report.site(o.site).name, o.present, o.capacity or 0)
                            for o in report.occupancy),
        )


_KEEP = 128  # charts kept per process: four for each of a few reports, in three languages
_KEPT: Kept[tuple[str, str, ChartFigures], Chart] = Kept(_KEEP)
# Fixed margins (figure fractions) instead of a constrained layout, which measured every
# tick label twice and took half of the drawing time. Occupancy's left margin grows with
# its longest site name (`_name_margin`).
_MARGINS = {"left": 0.09, "right": 0.98, "top": 0.88, "bottom": 0.12}


def _thousands(value: float, _position: int) -> str:
    from haven.core.formatting import number_text  # noqa: PLC0415

    return number_text(int(value))


def _figure(width: float = 6.4, height: float = 3.0, **margins: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(**{**_MARGINS, **margins})
    axes = figure.add_subplot()
    return figure, axes


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    with mpl.rc_context(STYLE):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "Haven"})
    return out.getvalue()


def cumulative_chart(figures: ChartFigures) -> Chart:
    title = chart_titles()["cumulative"]
    with mpl.rc_context(STYLE):
        figure, axes = _figure()
        slots = list(range(len(figures.slots)))
        labels = series_labels_for(all_sites=figures.all_sites)
        axes.plot(slots, [s.cumulative_registrations for s in figures.slots], color=RAW,
                  linestyle="--", marker="o", markersize=3, label=labels["registrations"])
        axes.plot(slots, [s.cumulative_arrivals for s in figures.slots], color=UNIQUE,
                  marker="o", markersize=3, label=labels["arrivals"])
        _slot_axis(axes, figures.slots)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.set_ylim(bottom=0)
        axes.legend(frameon=False, loc="upper left")
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("cumulative", title, _svg(figure))


def new_arrivals_chart(figures: ChartFigures) -> Chart:
    title = chart_titles()["new"]
    with mpl.rc_context(STYLE):
        figure, axes = _figure()
        axes.bar(list(range(len(figures.slots))),
                 [0 if s.days > 1 else s.new_arrivals for s in figures.slots],
                 color=UNIQUE, width=0.7)
        _slot_axis(axes, figures.slots)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("new", title, _svg(figure))


def pyramid_chart(figures: ChartFigures) -> Chart:
    title = chart_titles()["pyramid"]
    with mpl.rc_context(STYLE):
        figure, axes = _figure(6.4, 2.8, left=0.16, bottom=0.1)
        # The table's words for a band without a birth date (the other bands are numbers).
        bands = [_("not recorded") if band == "unknown" else band
                 for band, _female, _male in figures.pyramid]
        female = [n for _band, n, _male in figures.pyramid]
        male = [n for _band, _female, n in figures.pyramid]
        axes.barh(bands, [-n for n in female], color=FEMALE, label=_("Female"))
        axes.barh(bands, male, color=MALE, label=_("Male"))
        widest = max([*female, *male, 1])
        axes.set_xlim(-widest * 1.15, widest * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(6, integer=True, symmetric=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, p: _thousands(abs(v), p)))
        axes.axvline(0, color="#1d2430", linewidth=0.6)
        axes.set_ylabel(_("Age"))
        axes.legend(frameon=False, loc="lower right")
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("pyramid", title, _svg(figure))


def occupancy_chart(figures: ChartFigures) -> Chart:
    title = chart_titles()["occupancy"]
    rows = max(1, len(figures.occupancy))
    height = 0.9 + 0.45 * rows
    names = [name for name, _present, _capacity in figures.occupancy]
    with mpl.rc_context(STYLE):
        # Title, legend and axis keep their size in inches whatever the number of sites;
        # the title and the legend have lines of their own above the bars, from the
        # figure's left edge (a long title would otherwise run off past the site names).
        figure, axes = _figure(6.4, height, left=_name_margin(names, 6.4),
                               top=1 - 0.6 / height, bottom=0.3 / height)
        figure.text(0.01, 1 - 0.08 / height, title, ha="left", va="top", fontsize=10)
        axes.barh(names, [c for _name, _present, c in figures.occupancy], color=CAPACITY,
                  label=_("Capacity"))
        axes.barh(names, [p for _name, p, _capacity in figures.occupancy], color=UNIQUE,
                  height=0.5, label=_("Present"))
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.legend(frameon=False, loc="upper right", ncols=2, borderaxespad=0,
                    bbox_to_anchor=(0.98, 1 - 0.32 / height), bbox_transform=figure.transFigure)
    return Chart("occupancy", title, _svg(figure))


def _name_margin(names: list[str], width: float) -> float:
    """Return the left margin that fits the longest site name at 9 pt (about 0.075 in a letter)."""
    longest = max([len(n) for n in names] + [4])
    return min(0.5, (0.15 + 0.075 * longest) / width)


def _slot_axis(axes: Axes, slots: tuple[Slot, ...]) -> None:
    """Put one slot per busy day and one per run of quiet days ("…") on the x axis.

    A date axis over two years squashes a ten-day crisis into a sliver; slots keep every
    day with arrivals readable and mark where quiet time was left out. Dates are written
    in the page's language (matplotlib's own "%b" is always English).
    """
    from haven.core.formatting import day_month  # noqa: PLC0415

    def label(position: float, _p: int) -> str:
        index = round(position)
        if index != position or not 0 <= index < len(slots):
            return ""
        slot = slots[index]
        return "…" if slot.days > 1 else day_month(slot.start)

    axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(label))


def sitrep_chart(report: Sitrep, key: str) -> Chart:
    """Return one of the report's charts by key (`CHART_KEYS`), in the active language.

    Kept by what it shows and the language (the module docstring says why that is safe).
    """
    kept_key = (get_language() or "", key, ChartFigures.of(report))
    kept = _KEPT.get(kept_key)
    if kept is not None:
        return kept
    drawn = _DRAW[key](kept_key[2])
    _KEPT.put(kept_key, drawn)
    return drawn


def sitrep_charts(report: Sitrep) -> dict[str, Chart]:
    """Return the report's four charts by key: cumulative, new, pyramid, occupancy."""
    return {key: sitrep_chart(report, key) for key in CHART_KEYS}


_DRAW = {"cumulative": cumulative_chart, "new": new_arrivals_chart, "pyramid": pyramid_chart,
         "occupancy": occupancy_chart}


def charts_forget() -> None:
    """Forget the charts kept (tests that count drawings start from none)."""
    _KEPT.forget()
