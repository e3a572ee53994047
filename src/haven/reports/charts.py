"""Server-side charts of a Sitrep: SVG from matplotlib, with no network and no JavaScript.

Text stays text (`svg.fonttype = none`) in DejaVu Sans, which covers Armenian and
Cyrillic. Pages embed each chart as a `data:` image: the page's Content-Security-Policy
forbids inline style attributes, which matplotlib's SVG uses, but an image is a document
of its own. WeasyPrint draws the same SVG as vectors in the PDF.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")

from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from haven.reports.sitrep import Sitrep

from django.utils.translation import gettext as _

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


def _thousands(value: float, _position: int) -> str:
    return f"{int(value):,}"


def _figure(width: float = 6.4, height: float = 3.0) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    return figure, axes


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    with mpl.rc_context(STYLE):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "Haven"})
    return out.getvalue()


def cumulative_chart(report: Sitrep) -> Chart:
    title = _("Cumulative arrivals: persons and registrations")
    with mpl.rc_context(STYLE):
        figure, axes = _figure()
        days = [float(date2num(d.date)) for d in report.days]
        axes.plot(days, [d.cumulative_registrations for d in report.days], color=RAW,
                  linestyle="--", marker="o", markersize=3, label=_("Registrations"))
        axes.plot(days, [d.cumulative_arrivals for d in report.days], color=UNIQUE,
                  marker="o", markersize=3, label=_("Persons (counted once)"))
        _date_axis(axes, len(days))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.set_ylim(bottom=0)
        axes.legend(frameon=False, loc="upper left")
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("cumulative", title, _svg(figure))


def new_arrivals_chart(report: Sitrep) -> Chart:
    title = _("New arrivals per day")
    with mpl.rc_context(STYLE):
        figure, axes = _figure()
        days = [float(date2num(d.date)) for d in report.days]
        axes.bar(days, [d.new_arrivals for d in report.days], color=UNIQUE, width=0.7)
        _date_axis(axes, len(days))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("new", title, _svg(figure))


def pyramid_chart(report: Sitrep) -> Chart:
    title = _("Persons by age and sex")
    with mpl.rc_context(STYLE):
        figure, axes = _figure(6.4, 2.8)
        bands = list(AGE_BANDS)
        female = [report.demography.counts.get(("female", b), 0) for b in bands]
        male = [report.demography.counts.get(("male", b), 0) for b in bands]
        axes.barh(bands, [-n for n in female], color=FEMALE, label=_("Female"))
        axes.barh(bands, male, color=MALE, label=_("Male"))
        widest = max([*female, *male, 1])
        axes.set_xlim(-widest * 1.15, widest * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(6, integer=True, symmetric=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{abs(int(v)):,}"))
        axes.axvline(0, color="#1d2430", linewidth=0.6)
        axes.set_ylabel(_("Age"))
        axes.legend(frameon=False, loc="lower right")
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("pyramid", title, _svg(figure))


def occupancy_chart(report: Sitrep) -> Chart:
    title = _("Shelter occupancy against capacity")
    with mpl.rc_context(STYLE):
        figure, axes = _figure(6.4, 0.6 + 0.45 * max(1, len(report.occupancy)))
        names = [report.site(o.site).name for o in report.occupancy]
        capacity = [o.capacity or 0 for o in report.occupancy]
        axes.barh(names, capacity, color=CAPACITY, label=_("Capacity"))
        axes.barh(names, [o.present for o in report.occupancy], color=UNIQUE, height=0.5,
                  label=_("Present"))
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.legend(frameon=False, loc="lower right")
        axes.set_title(title, loc="left", fontsize=10)
    return Chart("occupancy", title, _svg(figure))


def _date_axis(axes: Axes, days: int) -> None:
    from matplotlib.dates import DateFormatter, DayLocator  # noqa: PLC0415 - with the axes

    # One tick per day, or per few days over a long period: never a date twice.
    axes.xaxis.set_major_locator(DayLocator(interval=max(1, -(-days // 8))))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))


def sitrep_charts(report: Sitrep) -> dict[str, Chart]:
    """Return the dashboard's four charts by key: cumulative, new, pyramid, occupancy."""
    charts = [cumulative_chart(report), new_arrivals_chart(report), pyramid_chart(report),
              occupancy_chart(report)]
    return {c.key: c for c in charts}
