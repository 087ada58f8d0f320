"""The sidebar legend: the same styles the map draws with, as escaped HTML with inline SVG."""

from __future__ import annotations

from collections.abc import Iterable

from layers import markup
from layers.layer import Layer, LegendEntry, Style

_PRECISION_KEY = (
    '<div class="legend-row"><svg width="22" height="14" aria-hidden="true"><line x1="1" y1="7" '
    'x2="21" y2="7" stroke="#333" stroke-width="2" stroke-dasharray="8 6"/></svg> '
    "schematic: a diagram through real places, not a surveyed line</div>"
    '<div class="legend-row"><svg width="22" height="14" aria-hidden="true"><rect x="1" y="1" '
    'width="20" height="12" stroke="#333" stroke-width="1.5" stroke-dasharray="2 5" fill="#999" '
    'fill-opacity="0.15"/></svg> approximate: derived from datasets, lighter fill</div>'
)


def entry_html(entry: LegendEntry) -> str:
    """One legend row: swatch and escaped label."""
    return f'<div class="legend-row">{entry.swatch_svg()} {markup.text(entry.label)}</div>'


def legend_html(layers: Iterable[Layer], selection: bool = False) -> str:
    """Legend rows for the visible layers, the selection outline when there is one, then the
    key to how precision is drawn."""
    rows = [entry_html(entry) for layer in layers for entry in layer.legend_entries()]
    if not rows:
        return "<small>No layer is shown.</small>"
    if selection:
        outline = LegendEntry("selected feature", Style(color="#000000", weight=4.0), "line")
        rows.append(entry_html(outline))
    return "".join(rows) + _PRECISION_KEY
