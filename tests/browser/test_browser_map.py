"""The Map page in real Chromium, used as a briefer would: look, toggle, click, share a link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from shapely.geometry import shape

from layers.data.article import load_article
from layers.data.catalog import load_catalog
from layers.data.mentions import build_index
from layers.html.card import build_card
from layers.map.mapview import POINT_ZOOM
from tests.browser.conftest import MapView

pytestmark = pytest.mark.browser

TOGGLED_LAYER = "september-2022"  # reported strikes: points, visible by default
QUOTED_LAYER = "context"  # capitals and towns the article quotes with citations, over big areas
CLICKED_AREA = "nakhchivan"  # one area drawn over the borders, visible by default
CARD_APPEARS_MS = 15_000
CENTRE_SLACK_PX = 2  # Leaflet keeps the centre on whole pixels when the iframe is resized


@dataclass(frozen=True)
class QuotedPoint:
    """A point feature and what its card must show."""

    id: str
    lat: float
    lon: float
    passages: int
    references: int


@pytest.fixture(scope="module")
def quoted_point() -> QuotedPoint:
    """The first point of QUOTED_LAYER the article quotes with citations, chosen from the data.

    That layer also holds large areas (the South Caucasus, the Caspian Sea) drawn around such
    points, so clicking the point proves the areas do not swallow its clicks."""
    catalog = load_catalog()
    article = load_article()
    index = build_index(article, catalog)
    for feature in catalog.features:
        if feature.layer.id != QUOTED_LAYER or feature.geometry.geom_type != "Point":
            continue
        built = build_card(feature, article, index, catalog)
        if built.passages and built.references:
            return QuotedPoint(built.id, feature.geometry.y, feature.geometry.x,
                               len(built.passages), len(built.references))
    pytest.fail(f"no point of {QUOTED_LAYER} is quoted with citations: pick another layer")


def card(page: Page, feature_id: str) -> Locator:
    """The card in the sidebar as the server's rerun brings it (on a phone the stylesheet shows
    a copy under the map instead), not the copy the page shows at the click until then."""
    return page.locator(f'[data-testid=stSidebar] .st-key-card-in-sidebar '
                        f'.feature-card[data-feature="{feature_id}"]')


class HeldMessages:
    """The page's websocket to Streamlit, through the test: while `hold` is set the messages
    one way (`upstream`: the page's to the server; else the server's to the page) are kept
    back, and `release` sends them on in order, as a slow machine would deliver them."""

    def __init__(self, page: Page, upstream: bool) -> None:
        self.hold = False
        self.held: list = []
        self.upstream = upstream
        self.onward = None
        page.route_web_socket(re.compile(r"/_stcore/stream"), self._through)

    def _through(self, socket) -> None:
        server = socket.connect_to_server()
        source, self.onward = (socket, server) if self.upstream else (server, socket)
        source.on_message(lambda message: self.held.append(message) if self.hold
                          else self.onward.send(message))

    def release(self) -> None:
        self.hold = False
        for message in self.held:
            self.onward.send(message)
        self.held.clear()


def default_shape_count(geo_layers) -> int:
    return sum(layer.shape_count for layer in geo_layers.values() if layer.visible)


def with_quoted_layer(geo_layers) -> tuple[str, int]:
    """The address showing the default layers plus QUOTED_LAYER, and how many shapes it draws."""
    shown = [lid for lid, layer in geo_layers.items() if layer.visible or lid == QUOTED_LAYER]
    return f"/?layers={','.join(shown)}", sum(geo_layers[lid].shape_count for lid in shown)


def test_the_map_draws_every_default_layer(open_map, geo_layers):
    view = open_map("/")
    expect(view.shapes()).to_have_count(default_shape_count(geo_layers))


def test_a_layer_toggle_hides_and_shows_it_without_moving_or_rebuilding_the_map(
    open_map, page, geo_layers
):
    view = open_map("/")
    everything = default_shape_count(geo_layers)
    expect(view.shapes()).to_have_count(everything)
    toggled = geo_layers[TOGGLED_LAYER]
    view.wait_still()
    before = view.view()
    view.iframe.evaluate("element => { element.dataset.tag = 'original'; }")
    view.frame.evaluate("() => { window.__sameDocument = true; }")

    checkbox = page.get_by_role("checkbox", name=toggled.title, exact=True)
    checkbox.uncheck(force=True)  # Streamlit draws its own box over the real <input>
    expect(view.shapes()).to_have_count(everything - toggled.shape_count)
    checkbox.check(force=True)
    expect(view.shapes()).to_have_count(everything)

    assert view.view() == before
    assert view.iframe.get_attribute("data-tag") == "original"
    assert view.frame.evaluate("() => window.__sameDocument === true")


def switch(page: Page, title: str) -> None:
    """Click a layer's checkbox by its label, as a user does."""
    page.locator("[data-testid=stSidebar] label").filter(has_text=title).first.click()


def test_a_layer_switched_on_is_drawn_in_the_browser_and_its_features_answer_clicks(
    open_map, page, geo_layers, quoted_point
):
    """A checkbox's click draws its layer at once from the file the page already holds: the
    component is not sent the map again (its groups are the same objects), only the sidebar's
    checkbox reruns; the legend gains the layer's rows, the address its id, and a click on one
    of its points opens that point's card, as after a full rerun."""
    view = open_map("/")
    expect(view.shapes()).to_have_count(default_shape_count(geo_layers))
    view.frame.evaluate("() => { window.feature_group.forEach(g => { g.__before = true; }); }")
    quoted = geo_layers[QUOTED_LAYER]
    words = load_catalog().layer(QUOTED_LAYER).legend_entries()[0].label
    legend = view.inside.locator(".map-legend")
    expect(legend).not_to_contain_text(words)

    switch(page, quoted.title)
    expect(view.shapes()).to_have_count(with_quoted_layer(geo_layers)[1])
    expect(legend).to_contain_text(words)
    expect(page).to_have_url(re.compile(rf"layers=[^&]*{QUOTED_LAYER}"))
    page.wait_for_function("() => window.__cbmLayerSwitches === 1")
    assert view.frame.evaluate("() => window.feature_group.every(g => g.__before === true)"), \
        "the map's groups were sent again: the switch was a full rerun"

    switch(page, quoted.title)  # and off again, in the browser too
    expect(view.shapes()).to_have_count(default_shape_count(geo_layers))
    expect(legend).not_to_contain_text(words)
    page.wait_for_function("() => window.__cbmLayerSwitches === 2")
    assert view.frame.evaluate("() => window.feature_group.every(g => g.__before === true)")

    switch(page, quoted.title)
    view.click_at(quoted_point.lat, quoted_point.lon)
    expect(card(page, quoted_point.id)).to_be_visible(timeout=CARD_APPEARS_MS)
    expect(view.shapes()).to_have_count(with_quoted_layer(geo_layers)[1])


def test_a_selection_draws_no_layer_again(open_map, page, geo_layers, quoted_point):
    """The Map page's layers stay drawn across reruns: selecting a feature (a full rerun, the
    component's groups all new) leaves every shape where it was, the same SVG paths."""
    address, shapes = with_quoted_layer(geo_layers)
    view = open_map(address)
    expect(view.shapes()).to_have_count(shapes)
    view.frame.evaluate("() => { window.__paths = [...document.querySelectorAll("
                        "'path.leaflet-interactive')]; }")
    view.click_at(quoted_point.lat, quoted_point.lon)
    expect(card(page, quoted_point.id)).to_be_visible(timeout=CARD_APPEARS_MS)
    view.wait_still()
    assert view.frame.evaluate("() => window.__paths.every(path => path.isConnected)"), \
        "a rerun took the layers off the map and drew them again"


def test_a_tap_on_a_phone_shows_its_card_under_the_map_before_the_server_answers(
        phone_page):
    """On a phone the card stands under the map: so does the copy shown at the tap, in view,
    with the sidebar's copy hidden, until the rerun's card takes its place."""
    relay = HeldMessages(phone_page, upstream=True)
    phone_page.goto("/")
    view = MapView(phone_page)
    view.wait_drawn()
    view.wait_still()
    goris = load_catalog().feature("goris").geometry
    x, y = view.frame.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [goris.y, goris.x])
    frame = view.iframe.bounding_box()
    relay.hold = True
    phone_page.touchscreen.tap(frame["x"] + x, frame["y"] + y)
    under = phone_page.locator(".cbm-card-preview-under .feature-card")
    expect(under.locator("h3")).to_be_visible(timeout=5_000)  # Goris, or a place beside it
    expect(under.locator("h3")).to_be_in_viewport()
    expect(phone_page.locator(".cbm-card-preview-side")).to_be_hidden()
    tapped = under.get_attribute("data-feature")
    relay.release()
    real = phone_page.locator(f'.st-key-card-under-map .feature-card[data-feature="{tapped}"] h3')
    expect(real).to_be_visible(timeout=CARD_APPEARS_MS)
    expect(phone_page.locator("[data-testid=cbmCardPreview]")).to_have_count(0)


def test_a_click_during_a_full_rerun_is_not_taken_back_by_that_rerun(open_map, page, geo_layers):
    """A checkbox clicked while a full rerun is on its way: that run reads the checkboxes as
    they were before the click (the checkbox's own run comes after it), so the map it sends
    lists the layer as off. Here the page's messages are held back over a map click and the
    checkbox click, then go together, as on a slow machine: the layer the click drew stays
    drawn, legend and all, with its checkbox. (Sent that close together, Streamlit runs the
    selection with the checkbox as it was and the address lacks the layer until the next run:
    the server's side of the race, which the page cannot mend.)"""
    relay = HeldMessages(page, upstream=True)
    view = open_map("/")
    expect(view.shapes()).to_have_count(default_shape_count(geo_layers))
    view.wait_still()
    quoted = geo_layers[QUOTED_LAYER]
    words = load_catalog().layer(QUOTED_LAYER).legend_entries()[0].label
    relay.hold = True
    goris = load_catalog().feature("goris").geometry
    view.click_at(goris.y, goris.x)  # a selection: a full rerun, the map's arguments changed
    page.wait_for_timeout(1_000)  # the map reports it 250 ms later: held
    assert relay.held, "the map's click was not held back"
    switch(page, quoted.title)
    with_it = with_quoted_layer(geo_layers)[1]
    expect(view.shapes()).to_have_count(with_it)  # drawn at the click, in the browser

    relay.release()  # the selection's full run (the checkbox as it was), then the checkbox's
    expect(card(page, "goris")).to_be_visible(timeout=CARD_APPEARS_MS)
    view.wait_still()
    page.wait_for_timeout(2_000)
    expect(view.shapes()).to_have_count(with_it)
    expect(view.inside.locator(".map-legend")).to_contain_text(words)
    expect(page.locator("[data-testid=stSidebar] label").filter(has_text=quoted.title).first
           .locator("input")).to_be_checked()


def test_a_map_that_cannot_switch_a_layer_itself_is_redrawn_by_the_server(open_map, page,
                                                                          geo_layers):
    """Should the map not know a checkbox (a layer added since it was drawn, a map not drawn
    yet), the page asks for a full rerun instead: the map never stays behind its checkboxes."""
    view = open_map("/")
    expect(view.shapes()).to_have_count(default_shape_count(geo_layers))
    view.frame.evaluate("() => { window.cbmGeo.sync = () => false; }")
    switch(page, geo_layers[QUOTED_LAYER].title)
    expect(view.shapes()).to_have_count(with_quoted_layer(geo_layers)[1])


def test_clicking_a_point_opens_its_card_with_the_article_passage_and_citations(
    open_map, page, geo_layers, quoted_point
):
    address, shapes = with_quoted_layer(geo_layers)
    view = open_map(address)
    expect(view.shapes()).to_have_count(shapes)
    view.click_at(quoted_point.lat, quoted_point.lon)
    shown = card(page, quoted_point.id)
    expect(shown).to_be_visible(timeout=CARD_APPEARS_MS)
    expect(shown.locator("blockquote")).to_have_count(quoted_point.passages)
    expect(shown.locator("ul.refs a[href^='http']")).to_have_count(quoted_point.references)


def test_a_click_shows_its_card_before_the_server_answers(open_map, page, geo_layers,
                                                          quoted_point):
    """The map reports a click 250 ms late (a double click must zoom without selecting) and the
    rerun bringing the card takes as long again, so the page shows the clicked feature's card
    at once, from the file the server wrote (card_preview.js). With the page's messages to the
    server held back, the card opens all the same and the address names it; once they go,
    the rerun's own card takes its place: one card, with its Clear button."""
    relay = HeldMessages(page, upstream=True)
    address, shapes = with_quoted_layer(geo_layers)
    view = open_map(address)
    expect(view.shapes()).to_have_count(shapes)
    view.wait_still()
    relay.hold = True
    view.click_at(quoted_point.lat, quoted_point.lon)
    shown = page.locator(f'[data-testid=stSidebar] [data-testid=cbmCardPreview] '
                         f'.feature-card[data-feature="{quoted_point.id}"]')
    expect(shown).to_be_visible(timeout=5_000)
    expect(shown.locator("blockquote")).to_have_count(quoted_point.passages)
    assert parse_qs(urlsplit(page.url).query)["feature"] == [quoted_point.id]
    page.wait_for_timeout(1_000)
    assert relay.held, "the click's rerun was not held back: the card above may be the rerun's"
    expect(page.get_by_role("button", name="Clear selection")).to_have_count(0)

    relay.release()
    expect(page.get_by_role("button", name="Clear selection").first).to_be_visible(
        timeout=CARD_APPEARS_MS)
    expect(page.locator("[data-testid=cbmCardPreview]")).to_have_count(0)
    expect(card(page, quoted_point.id)).to_be_visible()
    expect(page.locator("[data-testid=stSidebar] .feature-card")).to_have_count(1)


def test_clicking_an_area_after_a_point_selects_the_area(
    open_map, page, geo_layers, quoted_point
):
    """streamlit-folium reads an area's tooltip only from the path itself (see layers/layer.py);
    a tooltip bound to the GeoJson group made this click reselect the point."""
    address, shapes = with_quoted_layer(geo_layers)
    view = open_map(address)
    expect(view.shapes()).to_have_count(shapes)
    view.click_at(quoted_point.lat, quoted_point.lon)
    expect(card(page, quoted_point.id)).to_be_visible(timeout=CARD_APPEARS_MS)

    # The map flew to the point; zoom out with the map's own control until the area is in view.
    (area,) = geo_layers[CLICKED_AREA].features
    inside = shape(area["geometry"]).representative_point()
    view.frame.wait_for_function(f"() => map.getZoom() === {POINT_ZOOM}")
    for _ in range(3):
        view.wait_still()
        view.inside.locator(".leaflet-control-zoom-out").click()
    view.click_at(inside.y, inside.x)
    expect(card(page, area["properties"]["id"])).to_be_visible(timeout=CARD_APPEARS_MS)
    expect(card(page, quoted_point.id)).to_have_count(0)


def test_an_article_place_link_opens_the_map_with_that_place_selected(page):
    page.goto("/article")
    link = page.locator("a.place").first
    expect(link).to_be_visible(timeout=30_000)
    feature_id = parse_qs(urlsplit(link.get_attribute("href") or "").query)["feature"][0]
    link.click()
    expect(page).to_have_url(re.compile(rf"[?&]feature={re.escape(feature_id)}(&|$)"))
    expect(card(page, feature_id)).to_be_visible(timeout=30_000)


def test_a_permalink_restores_selection_layers_and_view(
    open_map, page, geo_layers, quoted_point
):
    shown_layers = ("borders", QUOTED_LAYER)
    view = open_map(f"/?feature={quoted_point.id}&layers={','.join(shown_layers)}"
                    "&center=40.0,45.0&zoom=8")
    expect(card(page, quoted_point.id)).to_be_visible(timeout=CARD_APPEARS_MS)
    # the selection outline is drawn but ignores the mouse, so it is not counted
    expect(view.shapes()).to_have_count(
        sum(geo_layers[lid].shape_count for lid in shown_layers))
    view.wait_still()
    zoom, _, _ = view.view()
    assert zoom == 8
    assert view.pixels_off_centre(40.0, 45.0) <= CENTRE_SLACK_PX


def test_a_permalink_without_a_centre_flies_to_the_feature(open_map, page, quoted_point):
    """views/map.py: a `feature` with no `center` frames the feature (a point: POINT_ZOOM)."""
    view = open_map(f"/?feature={quoted_point.id}")
    expect(card(page, quoted_point.id)).to_be_visible(timeout=CARD_APPEARS_MS)
    view.frame.wait_for_function(f"() => map.getZoom() === {POINT_ZOOM}")
    view.wait_still()
    assert view.pixels_off_centre(quoted_point.lat, quoted_point.lon) <= CENTRE_SLACK_PX


def test_panning_the_map_writes_centre_and_zoom_into_the_address(open_map, page):
    view = open_map("/")
    view.frame.evaluate("() => map.setView([41.5, 44.5], 7, {animate: false})")
    expect(page).to_have_url(re.compile(r"center=41\.5000%2C44\.5000&zoom=7"), timeout=5_000)


def test_a_bad_permalink_shows_a_notice_and_still_draws_the_map(open_map, page, geo_layers):
    hostile = "<script>x</script>"
    view = open_map(f"/?feature={quote(hostile)}&zoom=99&layers=nope")
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_contain_text(f"No feature has the id “{hostile}”")
    expect(sidebar).to_contain_text("Unknown layer ids ignored: “nope”; the default layers")
    expect(sidebar).to_contain_text("The zoom “99” is not a zoom from 2 to 14")
    expect(sidebar.locator("script")).to_have_count(0)
    # `layers=nope` names no known layer, so the default ones are shown rather than none
    expect(view.shapes()).to_have_count(default_shape_count(geo_layers))
    # The autouse check in conftest fails the test if any alert/confirm/prompt fired.


def test_a_dashed_schematic_line_is_clickable_anywhere_along_it(open_map, page, geo_layers):
    """A 3 px dashed line is mostly gaps; the invisible wide stroke over it takes the click."""
    road = next(f for f in geo_layers["nagorno-karabakh"].features
                if f["geometry"]["type"] == "LineString")
    line = shape(road["geometry"])
    view = open_map(f"/?layers=borders,nagorno-karabakh&zoom=9"
                    f"&center={line.centroid.y:.4f},{line.centroid.x:.4f}")
    expect(view.shapes()).to_have_count(geo_layers["borders"].shape_count
                                        + geo_layers["nagorno-karabakh"].shape_count)
    view.wait_still()
    spot = line.interpolate(0.37, normalized=True)
    view.click_at(spot.y, spot.x)
    expect(card(page, road["properties"]["id"])).to_be_visible(timeout=CARD_APPEARS_MS)
