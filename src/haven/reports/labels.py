"""What each figure of a report counts, said the same way on the page, the PDF and the charts.

A report over some sites counts two different things: persons who *reached* those sites
(wherever they registered) and records *registered* there. Labelled alike ("arrived",
"registrations") they contradict each other (67 arrived, 7 registrations at Goris); every
renderer takes its labels from `figure_labels` instead of writing its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from haven.reports.sitrep import Sitrep


def figure_labels(report: Sitrep) -> dict[str, str]:
    """Return the label of each headline figure, by what it counts for this report's sites."""
    if report.all_sites:
        return {
            "arrivals": _("Persons arrived (counted once)"),
            "registrations": _("Registrations (every record, before de-duplication)"),
            "new": _("Persons arrived on the last day"),
            "households": _("Households registered"),
        }
    return {
        "arrivals": _("Persons who reached these sites (counted once)"),
        "registrations": _("Registered here (records made at these sites)"),
        "new": _("Persons who reached these sites on the last day"),
        "households": _("Households registered here"),
    }


def series_labels(report: Sitrep) -> dict[str, str]:
    """Return the short labels of the two cumulative curves (chart legends, table heads)."""
    return series_labels_for(all_sites=report.all_sites)


def series_labels_for(*, all_sites: bool) -> dict[str, str]:
    """Return the curves' labels for a report over every site, or over some."""
    if all_sites:
        return {"arrivals": _("Persons (counted once)"), "registrations": _("Registrations")}
    return {"arrivals": _("Reached these sites (counted once)"),
            "registrations": _("Registered here")}


CHART_KEYS = ("cumulative", "new", "pyramid", "occupancy")


def chart_titles() -> dict[str, str]:
    """Return each chart's title by key, in the page's order: its caption and its alt text.

    Kept apart from haven.reports.charts so that a page naming its charts (each drawn at
    its own URL) does not import matplotlib.
    """
    titles = {"cumulative": _("Cumulative arrivals: persons and registrations"),
              "new": _("New arrivals per day"),
              "pyramid": _("Persons by age and sex"),
              "occupancy": _("Shelter occupancy against capacity")}
    return {key: titles[key] for key in CHART_KEYS}
