"""A picture of any map view (`layers.briefing.picture.view_png`): drawn on the server by the
PDF's own `draw_map`, exactly the size asked for, showing what the view shows and nothing else.

Drawn from the fixture geodata (two small layers near 0°, 0°) on the real Natural Earth
basemap, so each picture takes a fraction of a second.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from layers.briefing.export_pdf import ATTRIBUTION, draw_map, load_basemap
from layers.briefing.picture import MAX_SIDE_PX, view_png
from layers.briefing.storyboard import features_on
from layers.data.catalog import Catalog

FRAME = (-0.5, -0.5, 5.5, 1.5)
LAYERS = ("borders", "september-2022")
BEFORE, ON = datetime.date(2022, 9, 1), datetime.date(2022, 9, 13)


def pixels(png: bytes) -> np.ndarray:
    """The picture as an RGB array (height, width, 3)."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("size", [(1600, 900), (333, 1111), (1001, 577)])
def test_the_picture_has_exactly_the_size_asked_for_and_is_not_blank(catalog, size):
    png = view_png(catalog, LAYERS, "baku", FRAME, size_px=size, dpi=150)
    assert png.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).size == size
    image = pixels(png)
    assert image.std() > 10
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20


def test_the_picture_shows_the_selection(catalog):
    plain = pixels(view_png(catalog, LAYERS, None, FRAME, size_px=(800, 450)))
    selected = pixels(view_png(catalog, LAYERS, "baku", FRAME, size_px=(800, 450)))
    def ink(image: np.ndarray) -> int:
        return int((image < 60).all(axis=2).sum())

    assert np.any(plain != selected)
    assert ink(selected) > ink(plain) + 500  # the black ring, its name, its legend row


def test_the_picture_shows_only_its_layers(catalog):
    both = view_png(catalog, LAYERS, None, FRAME, size_px=(800, 450))
    borders = view_png(catalog, ("borders",), None, FRAME, size_px=(800, 450))
    assert np.any(pixels(both) != pixels(borders))


def test_the_picture_shows_the_map_as_it_stood_on_its_day(catalog):
    """The fixture's reported strike is dated 13 September 2022: before it, neither the point
    nor its selection outline is drawn, as the Map page shows that day."""
    before = view_png(catalog, LAYERS, "reported-strike", FRAME, BEFORE, size_px=(800, 450))
    nothing = view_png(catalog, LAYERS, None, FRAME, BEFORE, size_px=(800, 450))
    assert before == nothing
    on = view_png(catalog, LAYERS, "reported-strike", FRAME, ON, size_px=(800, 450))
    assert on != before


def test_the_map_carries_its_legend_with_the_selection_and_the_attribution(catalog):
    """The one map drawing that the PDF, the deck and the picture share."""
    figure = Figure(figsize=(8, 4.5))
    axes = draw_map(figure, (0, 0, 1, 1), FRAME, features_on(catalog, LAYERS, (), None),
                    catalog, load_basemap(), selected="baku", padding=0.0)
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert catalog.layer("borders").title in legend
    assert legend[-1] == "selected feature"
    assert ATTRIBUTION in [text.get_text() for text in axes.texts]
    minx, maxx = axes.get_xlim()
    assert minx <= FRAME[0] and FRAME[2] <= maxx  # the frame is widened, never cut


def test_hostile_feature_names_are_drawn_as_plain_text(catalog,
                                                       with_properties: Callable[..., Catalog]):
    hostile = with_properties(catalog, "baku", name="$\\foo$ <b>&</b> {{x}} \x1b\ud800")
    png = view_png(hostile, LAYERS, "baku", FRAME, size_px=(640, 360))
    assert Image.open(io.BytesIO(png)).size == (640, 360)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"layer_ids": ("nope",)}, "no layer has the id 'nope'"),
    ({"selected": "nope"}, "no feature has the id 'nope'"),
    ({"bounds": (5.0, 0.0, 0.0, 1.0)}, "bounds must be minx < maxx"),
    ({"size_px": (MAX_SIDE_PX + 1, 10)}, "a picture is 1 to"),
    ({"dpi": 5}, "dpi must lie within"),
])
def test_what_cannot_be_drawn_is_refused_with_a_reason(catalog, arguments, message):
    given = {"layer_ids": LAYERS, "selected": None, "bounds": FRAME, **arguments}
    with pytest.raises(ValueError, match=message):
        view_png(catalog, **given)


def test_cli_writes_the_picture(tmp_path, capsys, fixture_geodata):
    from layers.cli import main

    out = tmp_path / "view.png"
    assert main(["picture", str(out), "--bounds=-0.5,-0.5,5.5,1.5", "--layers",
                 "borders,september-2022", "--feature", "baku", "--date", "2022-09-13",
                 "--size", "640x360", "--geodata", str(fixture_geodata)]) == 0
    assert Image.open(out).size == (640, 360)
    assert f"wrote {out}: 640×360 px, {out.stat().st_size:,} bytes in " in capsys.readouterr().out
    assert main(["picture", str(tmp_path / "x.png"), "--bounds", "0,0,1,1", "--feature", "nope",
                 "--geodata", str(fixture_geodata)]) == 1
    assert "no feature has the id 'nope'" in capsys.readouterr().err
