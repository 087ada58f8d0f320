"""A picture of a map as PNG, drawn on the server with no browser: any Map page view
(`view_png`) and each scene of the PowerPoint deck (`map_png`).

Both are `layers.briefing.export_pdf.draw_map` on a figure of exactly the picture's size, so a
picture shows what the PDF shows (basemap, layers in their layers.json style, highlights, the
selection outline, labels, legend, attribution) from the same GeoDataFrames. The size is given
in pixels and the type size in points, so `dpi` decides how large the type reads: at 150 dpi a
1600 × 900 picture shows what a map 1024 CSS pixels wide shows, with labels half as large
again, readable on a slide or in a report where a screenshot's 13 px labels are not.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from layers.briefing.export_pdf import FONT, FRAME_PADDING, draw_map, load_basemap
from layers.briefing.storyboard import Bounds, SceneFeatures, features_on
from layers.data.catalog import Catalog

MAX_SIDE_PX = 8192
"""The largest picture side: a 8192 × 8192 RGBA canvas is 256 MB, as much as a server should
give one download."""
DPI_RANGE = (50, 600)
PALETTE_COLOURS = 256
"""A map is flat colours and their anti-aliased edges: in a 256-colour palette it looks the
same and its PNG is a quarter of the size (90 kB, not 370 kB, for a deck scene)."""


def view_png(catalog: Catalog, layer_ids: Sequence[str], selected: str | None, bounds: Bounds,
             day: datetime.date | None = None, size_px: tuple[int, int] = (1600, 900),
             dpi: float = 150) -> bytes:
    """A Map page view as PNG bytes of exactly `size_px` (width, height) pixels: `layer_ids`
    drawn as they stood on `day` (None: every date, as the page does), the `selected` feature
    outlined (if it stood on that day: the page outlines nothing else), the frame `bounds`
    (minx, miny, maxx, maxy in degrees) widened on one axis to the picture's shape and never
    cut, with labels, legend and attribution.

    Raises ValueError naming what is wrong with an argument (an unknown layer or feature, an
    empty frame, a size or dpi out of range): the callers pass what a page or a command line
    was given, and say so.
    """
    known = {layer.id for layer in catalog.layers}
    unknown = [ident for ident in layer_ids if ident not in known]
    if unknown:
        raise ValueError(f"no layer has the id {', '.join(repr(i) for i in unknown)}")
    if selected is not None:
        try:
            catalog.feature(selected)
        except KeyError:
            raise ValueError(f"no feature has the id {selected!r}") from None
    minx, miny, maxx, maxy = bounds
    if not (minx < maxx and -90 <= miny < maxy <= 90):
        raise ValueError(f"bounds must be minx < maxx and -90 <= miny < maxy <= 90, got "
                         f"{tuple(bounds)}")
    drawn = features_on(catalog, layer_ids, (selected,) if selected else (), day)
    # The selection is drawn as the page's outline, not as a scene's highlight halo.
    plain = SceneFeatures(drawn.day, drawn.layers, drawn.hidden, ())
    return map_png(bounds, plain, catalog, size_px, dpi,
                   selected=drawn.highlight[0] if drawn.highlight else None, padding=0.0)


def map_png(bounds: Bounds, drawn: SceneFeatures, catalog: Catalog, size_px: tuple[int, int],
            dpi: float, selected: str | None = None, padding: float = FRAME_PADDING) -> bytes:
    """`draw_map` filling a picture of exactly `size_px` pixels, as PNG bytes.

    A scene's picture keeps the handouts' padding round its frame; a view's is drawn as framed
    (`padding` 0)."""
    width, height = size_px
    if not (0 < width <= MAX_SIDE_PX and 0 < height <= MAX_SIDE_PX):
        raise ValueError(f"a picture is 1 to {MAX_SIDE_PX} pixels a side, not {width} × {height}")
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ValueError(f"dpi must lie within {DPI_RANGE[0]}–{DPI_RANGE[1]}, not {dpi:g}")
    with matplotlib.rc_context({"font.family": FONT}):
        figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        figure.patch.set_facecolor("white")
        draw_map(figure, (0.0, 0.0, 1.0, 1.0), bounds, drawn, catalog, load_basemap(),
                 selected=selected, padding=padding)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    buffer = io.BytesIO()
    image.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE).save(
        buffer, "PNG", optimize=True)
    return buffer.getvalue()
