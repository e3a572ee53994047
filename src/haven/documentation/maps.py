"""An offline map: heritage sites and homes of origin over country outlines, as plain SVG.

No tiles and no network: the outlines (Natural Earth, public domain; see data/outline.json
for where they came from) ship with Haven, and the points are drawn on the server. The
SVG uses presentation attributes only, which the pages' Content-Security-Policy allows.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from haven.documentation.selectors import MapPoint

OUTLINE = Path(__file__).resolve().parent / "data" / "outline.json"
# Where the map opens when there is nothing to show: Syunik and Nagorno-Karabakh.
DEFAULT_BOUNDS = (45.3, 38.8, 47.3, 40.4)  # west, south, east, north
WIDTH = 800


@cache
def _outlines() -> dict[str, list[list[list[float]]]]:
    data = json.loads(OUTLINE.read_text(encoding="utf-8"))
    return data["countries"]


def _bounds(points: list[MapPoint]) -> tuple[float, float, float, float]:
    if not points:
        return DEFAULT_BOUNDS
    lons = [float(p.longitude) for p in points]
    lats = [float(p.latitude) for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    pad_x = max(0.25, (east - west) * 0.15)
    pad_y = max(0.2, (north - south) * 0.15)
    return west - pad_x, south - pad_y, east + pad_x, north + pad_y


def map_svg(points: list[MapPoint], *, link_for: dict[str, str] | None = None) -> str:
    """Return an SVG map of the points over the country outlines (an equirectangular view).

    `link_for` maps a point's kind to a URL template with `{}` for its link.
    """
    west, south, east, north = _bounds(points)
    # Scale longitude by cos(latitude) so that the region keeps its shape.
    x_scale = math.cos(math.radians((north + south) / 2))
    width_deg = (east - west) * x_scale
    height = max(200, round(WIDTH * (north - south) / width_deg))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - west) * x_scale / width_deg * WIDTH, 1),
                round((north - lat) / (north - south) * height, 1))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'class="outline-map" role="img" '
             f'aria-label="{escape(_("Map of heritage sites and homes of origin"))}">',
             f'<rect width="{WIDTH}" height="{height}" fill="#eef3f7"/>']
    for name, rings in sorted(_outlines().items()):
        fill = "#ffffff" if name == "Armenia" else "#f4f1ea"
        for ring in rings:
            path = " ".join(f"{x},{y}" for x, y in (xy(lon, lat) for lon, lat in ring))
            parts.append(f'<polygon points="{path}" fill="{fill}" stroke="#8a8f98" '
                         f'stroke-width="1"><title>{escape(name)}</title></polygon>')
    for point in points:
        x, y = xy(float(point.longitude), float(point.latitude))
        colour = "#9b2226" if point.kind == "heritage" else "#005f73"
        marker = (f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}" stroke="#fff" '
                  f'stroke-width="2"><title>{escape(point.label)}</title></circle>'
                  f'<text x="{x + 9}" y="{y + 4}" font-size="13" fill="#222">'
                  f'{escape(point.label)}</text>')
        template = (link_for or {}).get(point.kind)
        if template:
            marker = f'<a href="{escape(template.format(point.link))}">{marker}</a>'
        parts.append(marker)
    parts.append("</svg>")
    return "".join(parts)
