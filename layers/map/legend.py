"""The legend: the same styles the map draws with, as escaped HTML with inline SVG swatches.

The Map page's legend box composes it in the browser from pieces written once into the map's
files (`layers.map.geo_files`): each layer's rows in the layer's file, the selection row and
the precision key in the legend file (`legend_parts`). `legend_html` composes the same pieces
on the server, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from layers.data.catalog import Layer, LegendEntry, Style
from layers.html import markup
from layers.map.style import APPROXIMATE_FILL_FACTOR, NEUTRAL, SELECTION, dash_array

PRECISION_KEY = (
    ("schematic", "line", "schematic: a diagram through real places, not a surveyed line"),
    ("approximate", "area", "approximate: derived from datasets, lighter fill"),
)
"""How the legend explains the drawing of precision: (precision, swatch kind, text)."""


def swatch_svg(entry: LegendEntry, precision: str = "exact") -> str:
    """An inline SVG swatch matching what the map draws (no image files, works offline)."""
    color = markup.text(entry.style.color)
    fill = markup.text(entry.style.fill or entry.style.color)
    dash = dash_array(precision)
    dashed = f' stroke-dasharray="{markup.text(dash)}"' if dash else ""
    if entry.kind == "point":
        return (f'<svg width="22" height="14" aria-hidden="true"><circle cx="11" cy="7" r="5" '
                f'stroke="{color}" stroke-width="2" fill="{fill}" fill-opacity="0.6"{dashed}/>'
                "</svg>")
    if entry.kind == "line":
        width = 2 if precision != "exact" else 3
        return (f'<svg width="22" height="14" aria-hidden="true"><line x1="1" y1="7" x2="21" '
                f'y2="7" stroke="{color}" stroke-width="{width}"{dashed}/></svg>')
    opacity = max(entry.style.fill_opacity, 0.25)
    if precision == "approximate":
        opacity = round(opacity * APPROXIMATE_FILL_FACTOR, 3)
    return (f'<svg width="22" height="14" aria-hidden="true"><rect x="1" y="1" width="20" '
            f'height="12" stroke="{color}" stroke-width="1.5" fill="{fill}" '
            f'fill-opacity="{opacity:g}"{dashed}/></svg>')


def entry_html(entry: LegendEntry, precision: str = "exact") -> str:
    """One legend row: swatch and escaped label."""
    return (f'<div class="legend-row">{swatch_svg(entry, precision)} '
            f"{markup.text(entry.label)}</div>")


def precision_key_html() -> str:
    """The key to how precision is drawn, in the dashes `layers.map.style` gives the map."""
    neutral = Style(color=NEUTRAL, fill="#999999", fill_opacity=0.3)
    return "".join(entry_html(LegendEntry(text, neutral, kind), precision)
                   for precision, kind, text in PRECISION_KEY)


def layer_legend_html(layer: Layer) -> str:
    """A layer's legend rows, in the words of the layer."""
    return "".join(entry_html(entry) for entry in layer.legend_entries())


def legend_parts() -> dict[str, str]:
    """What the legend shows whatever the layers: the message when none is on, the selection
    outline's row, the key to how precision is drawn."""
    return {"empty": "<small>No layer is shown.</small>",
            "selection": entry_html(LegendEntry("selected feature", SELECTION, "line")),
            "key": precision_key_html()}


def legend_html(layers: Iterable[Layer], selection: bool = False) -> str:
    """Legend rows for the visible layers, the selection outline when there is one, then the
    key to how precision is drawn (as `templates/legend_control.js` composes them)."""
    parts = legend_parts()
    rows = "".join(layer_legend_html(layer) for layer in layers)
    if not rows:
        return parts["empty"]
    return rows + (parts["selection"] if selection else "") + parts["key"]
