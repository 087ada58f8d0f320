"""The static edition in real Chromium, served by a plain static server, the internet cut off.

`python -m layers publish` runs into a temporary folder, which `http.server` serves from a
thread, the way any static host or CDN would serve it. The page is conftest's `bare_page`: every
request that would leave this machine is aborted and fails the test. Checked: the map draws its
shapes, the search finds a place by a misspelling ("Nakhicevan") and ranks every query as the
app does, a result or a click opens the card with its passages, a permalink reopens it, the
article's place links open the map, a briefing scene shows, and axe-core finds nothing serious.
Screenshots of the explorer at 1400×900 and 390×844 go to tests/artifacts/screens/.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from layers import GEODATA_DIR
from layers.cli import main
from layers.data.catalog import Catalog
from tests.browser.test_browser_a11y import BLOCKING, SCREENS, axe_violations
from tests.test_search import FINDS_NOTHING, FIRST_HIT, FULL_LISTS

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
READY = "body[data-ready=true]"
FEATURE_PATHS = ", ".join(f"{pane} path.leaflet-interactive" for pane in (
    '[class*="leaflet-areas-"]', ".leaflet-lines-pane", ".leaflet-points-pane"))
HOSTILE = "</script><img src=x onerror=alert(1)>"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        """Keep the test output readable."""


def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free local port from a thread; yield its address."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The edition of the repository's data, published and served."""
    out = tmp_path_factory.mktemp("static") / "site"
    assert main(["publish", str(out)]) == 0
    yield from serve(out)


SETTLED = """() => !edition.map._animatingZoom && !(edition.map._panAnim &&
    edition.map._panAnim._inProgress) && edition.labels.idle()"""
"""The map at rest: no zoom or pan running, every label placed for the view."""


def open_explorer(page: Page, address: str, viewport: dict[str, int] = DESKTOP) -> None:
    """A fresh load of the explorer at `address` (another hash on the same page would only
    fly the map there), at rest."""
    page.set_viewport_size(viewport)
    page.goto("about:blank")
    page.goto(address)
    expect(page.locator(READY)).to_have_count(1)
    page.wait_for_function(SETTLED)


def card_title(page: Page):
    return page.locator("#card:not([hidden]) .feature-card h3")


def test_the_map_draws_every_visible_layer_and_its_labels(bare_page: Page, site: str) -> None:
    open_explorer(bare_page, f"{site}/")
    assert bare_page.evaluate("() => L.version") == "1.9.3"
    expect(bare_page.locator(FEATURE_PATHS).nth(30)).to_be_attached()
    expect(bare_page.locator(".leaflet-pane.leaflet-basemap-pane path").first).to_be_attached()
    shown = bare_page.evaluate("() => edition.labels.shown().map(l => l.text)")
    assert {"Armenia", "Azerbaijan", "Georgia", "Caspian Sea"} <= set(shown)
    expect(bare_page.locator("#legend [data-legend=borders]")).to_be_visible()
    expect(bare_page.locator("#legend [data-legend=railways]")).to_be_hidden()
    # a layer switched on draws, its legend rows show, and the address says so
    before = bare_page.locator(FEATURE_PATHS).count()
    bare_page.get_by_label("Railways").check()
    expect(bare_page.locator("#legend [data-legend=railways]")).to_be_visible()
    bare_page.wait_for_function(f"(n) => document.querySelectorAll({json.dumps(FEATURE_PATHS)})"
                                ".length > n", arg=before)
    assert "layers=" in bare_page.url and "railways" in bare_page.url


def test_a_misspelt_search_finds_nakhchivan_and_opens_its_card(bare_page: Page,
                                                               site: str) -> None:
    open_explorer(bare_page, f"{site}/")
    bare_page.get_by_label("Find a place").press_sequentially("Nakhicevan", delay=20)
    first = bare_page.locator("#hits button").first
    expect(first).to_have_text("Nakhchivan Autonomous Republic · Nakhchivan")
    first.click()
    expect(card_title(bare_page)).to_have_text("Nakhchivan Autonomous Republic")
    expect(bare_page.locator("#card blockquote.passage mark").first).to_contain_text("Nakhichevan")
    expect(bare_page.locator("#card h4", has_text="Data sources")).to_be_visible()
    bare_page.wait_for_function("() => location.hash === '#feature=nakhchivan'")
    box = bare_page.evaluate("() => edition.map.getBounds().contains("
                             "edition.features.nakhchivan.bounds)")
    assert box, "the map frames the feature it opened"


def test_a_result_on_a_hidden_layer_switches_it_on_and_says_so(bare_page: Page,
                                                               site: str) -> None:
    open_explorer(bare_page, f"{site}/")
    bare_page.get_by_label("Find a place").fill("Meghry")
    expect(bare_page.locator("#hits button").first).to_have_text(
        "Meghri · Railways · layer off")
    bare_page.get_by_label("Find a place").press("Enter")
    expect(card_title(bare_page)).to_have_text("Meghri")
    expect(bare_page.locator("#search-note")).to_have_text(
        "Switched on the Railways layer to show Meghri.")
    expect(bare_page.get_by_label("Railways")).to_be_checked()


def test_the_browser_ranks_every_query_as_the_app_does(bare_page: Page, site: str,
                                                       real_catalog: Catalog) -> None:
    """layers/publish/templates/search.js is layers/data/search.py in the browser: the same
    ids in the same order for the search tests' queries and for every name, its first letters
    and a slip in it."""
    open_explorer(bare_page, f"{site}/")
    queries = [q for q, _ in FIRST_HIT] + list(FINDS_NOTHING) + [q for q, _ in FULL_LISTS]
    for _, props, _ in real_catalog.features:
        name = str(props["name"])
        queries += [name, name[:4], name[:-1] + "x", name[1:], name.upper()]
    got = bare_page.evaluate("(qs) => qs.map(q => edition.rank(q))", queries)
    differ = [(q, want[:3], have[:3]) for q, have in zip(queries, got, strict=True)
              if have != (want := real_catalog.search(q))]
    assert differ == []


def test_a_click_opens_the_card_and_the_permalink_reopens_it(bare_page: Page,
                                                             site: str) -> None:
    open_explorer(bare_page, f"{site}/")
    bare_page.evaluate("() => edition.map.setView([39.54, 45.98], 9, {animate: false})")
    bare_page.wait_for_timeout(50)
    bare_page.wait_for_function(SETTLED)
    x, y = bare_page.evaluate("""() => { const p = edition.map.latLngToContainerPoint(
        [edition.features.jermuk.geometry.coordinates[1],
         edition.features.jermuk.geometry.coordinates[0]]);
        const box = edition.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""")
    bare_page.mouse.click(x, y)
    # Jermuk, or the place Azerbaijan's ministry named at the same spot (Istisu): both claims
    expect(card_title(bare_page)).to_have_text(re.compile("^Jermuk"))
    expect(bare_page.locator("#card .claims")).to_be_visible()  # both sides' claims
    opened = bare_page.evaluate("() => edition.selected()")
    bare_page.wait_for_function("(id) => location.hash === '#feature=' + id", arg=opened)
    open_explorer(bare_page, bare_page.url)
    expect(card_title(bare_page)).to_have_text(re.compile("^Jermuk"))
    assert bare_page.evaluate("() => edition.selected()") == opened
    # the app's own form of the link opens it too
    open_explorer(bare_page, f"{site}/?feature=goris")
    expect(card_title(bare_page)).to_have_text(re.compile("^Goris"))


def test_an_unknown_feature_in_the_address_is_named_not_fatal(bare_page: Page,
                                                              site: str) -> None:
    open_explorer(bare_page, f"{site}/#feature=atlantis")
    expect(bare_page.locator("#search-note")).to_have_text("No feature “atlantis” is on this map.")
    expect(bare_page.locator("#card")).to_be_hidden()


def test_the_articles_place_links_open_the_map(bare_page: Page, site: str) -> None:
    bare_page.goto(f"{site}/article.html")
    link = bare_page.locator('a.place[data-feature="nakhchivan"]').first
    expect(link).to_have_attribute("href", "index.html#feature=nakhchivan")
    link.click()
    expect(bare_page.locator(READY)).to_have_count(1)
    expect(card_title(bare_page)).to_have_text("Nakhchivan Autonomous Republic")
    # and the card's paragraph link lands on the paragraph
    bare_page.locator("#card blockquote.passage a").first.click()
    bare_page.wait_for_function("() => /article\\.html#p\\d+$/.test(location.href)")
    target = bare_page.evaluate("() => location.hash.slice(1)")
    expect(bare_page.locator(f"#{target}")).to_be_in_viewport()


def test_a_briefing_scene_shows_and_steps(bare_page: Page, site: str) -> None:
    bare_page.goto(f"{site}/index.html")
    bare_page.get_by_role("link", name="Briefing", exact=True).click()
    expect(bare_page.locator(".scene:not([hidden]) h2")).to_have_text(
        re.compile("^12–14 September 2022"))
    expect(bare_page.locator(".leaflet-overlay-pane path.leaflet-interactive").nth(10)
           ).to_be_attached()
    bare_page.keyboard.press("ArrowRight")
    expect(bare_page.locator("#progress")).to_have_text(re.compile("^2 / "))


@pytest.mark.parametrize("address", ["/#feature=goris", "/article.html", "/sources.html"])
def test_axe_finds_nothing_serious(bare_page: Page, site: str, axe_source: str,
                                   address: str) -> None:
    bare_page.set_viewport_size(DESKTOP)
    bare_page.goto(f"{site}{address}")
    if address.startswith("/#"):
        expect(card_title(bare_page)).to_be_visible()
    serious = [(v["id"], v["nodes"][:3]) for v in axe_violations(bare_page, axe_source)
               if v["impact"] in BLOCKING]
    assert serious == []


def test_screenshots_of_the_explorer_on_a_desk_and_a_phone(bare_page: Page, site: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    open_explorer(bare_page, f"{site}/")
    bare_page.screenshot(path=str(SCREENS / "static-map-desktop.png"))
    open_explorer(bare_page, f"{site}/#feature=goris")
    expect(card_title(bare_page)).to_be_visible()
    bare_page.screenshot(path=str(SCREENS / "static-map-goris-desktop.png"))
    open_explorer(bare_page, f"{site}/", PHONE)
    # on a phone the map comes right after the search box, the full width, the toggles below
    box = bare_page.locator("#map").bounding_box()
    assert box is not None and box["width"] == PHONE["width"]
    assert box["y"] < bare_page.locator("#layers").bounding_box()["y"]
    bare_page.screenshot(path=str(SCREENS / "static-map-phone.png"))
    open_explorer(bare_page, f"{site}/#feature=goris", PHONE)
    expect(card_title(bare_page)).to_be_visible()
    bare_page.screenshot(path=str(SCREENS / "static-map-goris-phone.png"))


@pytest.fixture
def hostile_site(tmp_path: Path) -> Iterator[str]:
    """An edition whose Russia is named `</script><img onerror>` (the article still names it,
    by an alias), served."""
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    for path in GEODATA_DIR.glob("*json"):
        shutil.copy(path, geodata / path.name)
    borders = json.loads((geodata / "borders.geojson").read_text(encoding="utf-8"))
    for feature in borders["features"]:
        if feature["properties"]["id"] == "russia":
            feature["properties"]["aliases"] = [*feature["properties"].get("aliases", []),
                                                "Russia"]
            feature["properties"]["name"] = HOSTILE
    (geodata / "borders.geojson").write_text(json.dumps(borders), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["publish", str(out), "--geodata", str(geodata)]) == 0
    yield from serve(out)


def test_a_hostile_name_shows_as_text_everywhere(bare_page: Page, hostile_site: str) -> None:
    open_explorer(bare_page, f"{hostile_site}/#feature=russia")
    expect(card_title(bare_page)).to_have_text(HOSTILE)
    bare_page.get_by_label("Find a place").fill("Russia")
    expect(bare_page.locator("#hits button").first).to_contain_text(HOSTILE)
    assert bare_page.locator("img").count() == 0
    for page in ("article.html", "sources.html", "briefing.html"):
        bare_page.goto(f"{hostile_site}/{page}")
        assert bare_page.locator("img").count() == 0, page
    # conftest fails the test if an alert fired
