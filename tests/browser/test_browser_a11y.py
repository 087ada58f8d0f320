"""Every page, every screen, both themes, and paper: axe-core finds no serious or critical
violation in Streamlit's light or dark theme, a phone shows the map first and the card of a
tapped feature under it, and the Map page prints the map and its card on one page.

axe-core is npm `axe-core`, pinned in layers/build/packages.json (`used_by: tests`) and read from
the fetcher's cache (layers/build/npm.py), never from the internet and never served by the app:
the tests inject it into the page and into every frame (the map's iframe too).

Counts are printed for each page, every impact included, so a run shows what axe still reports
below `serious`. Today that is one `minor` rule, on a Streamlit widget we do not draw: the Briefing
page's file uploader puts `role="presentation"` on its focusable drop zone
(presentation-role-conflict). Nothing is excluded: no serious or critical rule fires.

Screenshots land in tests/artifacts/screens/: each page at 1400×900 in both themes, each page at
390×844, the phone after a tap, and the Map page as printed (a PNG of print media and the PDF).
"""

from __future__ import annotations

import io
from collections import Counter

import pypdf
import pytest
from playwright.sync_api import Page, expect

from layers.html.styles import stylesheet
from tests.browser.conftest import ARTIFACTS, PHONE, MapView

pytestmark = pytest.mark.browser

SCREENS = ARTIFACTS / "screens"
DESKTOP = {"width": 1400, "height": 900}
LOADS_MS = 30_000
BLOCKING = ("serious", "critical")
TALLEST_PX = 16_000

PAGES = {  # name: address, in a state that shows what our stylesheet draws
    "map-claim": "/?feature=goris",  # a claim: both sides' statements, the approximate badge
    "map-exact": "/?feature=armenia",  # quoted passages with marks, the exact badge
    "map-schematic": "/?feature=lachin-corridor",  # the schematic badge
    "briefing": "/briefing?scene=1",  # the presenter view opened below: the speaker notes
    "article": "/article?paragraph=p5",  # a selected paragraph, place marks, ¶ numbers
    "sources": "/sources",
    "data": "/data",
}
PHONE_PAGES = ("map-claim", "briefing", "article", "sources", "data")
PHONE_AIMS = {"article": "#p5"}  # a page whose address names a place on it: that place, not h1
PRINTED = ("goris", "russia")  # a claim's card, and the longest card there is
PAPER_MAP_PX = (186 / 25.4 * 96, 100 / 25.4 * 96)  # style.css: 186 mm × 100 mm, at 96 px/inch


def open_page(page: Page, address: str, presenter: bool = True) -> None:
    """Go to `address` and wait until Streamlit has finished its run (and the map is drawn);
    on the Briefing page, open the presenter view (its button is in the sidebar)."""
    page.goto(address)
    expect(page.locator("h1").first).to_be_visible(timeout=LOADS_MS)
    # Markdown holding HTML renders after plain elements: wait for the stylesheet to be in
    page.wait_for_function(
        "(start) => [...document.querySelectorAll('style')].some(s => s.textContent.includes("
        "start))", arg=stylesheet()[:80], timeout=LOADS_MS)
    if address.startswith("/?"):
        view = MapView(page)
        view.wait_drawn()
        view.wait_still()
    if address.startswith("/briefing") and presenter:
        page.get_by_role("button", name="Open presenter view").click()
        expect(page.locator(".notes")).to_be_visible(timeout=LOADS_MS)
    settle(page)


def settle(page: Page) -> None:
    expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0, timeout=LOADS_MS)


def shoot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def axe_violations(page: Page, source: str) -> list[dict]:
    """axe-core's violations for the whole page, its frames included.

    axe checks the contrast of text it can see on screen only, and Streamlit scrolls the main
    column and the sidebar inside boxes of their own: the window is first made as tall as the
    tallest of them, so every line of both is on screen.
    """
    tallest = page.evaluate("""() => Math.max(window.innerHeight, ...[...document.querySelectorAll(
        '*')].filter(e => /auto|scroll/.test(getComputedStyle(e).overflowY))
        .map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": DESKTOP["width"], "height": min(tallest + 100, TALLEST_PX)})
    page.wait_for_timeout(500)
    settle(page)
    for frame in page.frames:
        frame.add_script_tag(content=source)
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => ({
            target: n.target.join(' '), summary: n.failureSummary}))}))""")


def check_with_axe(page: Page, source: str, title: str, capsys) -> None:
    """Print axe's counts by impact and rule, then fail on any serious or critical node."""
    violations = axe_violations(page, source)
    counts = Counter()
    for violation in violations:
        counts[(violation["impact"], violation["id"])] += len(violation["nodes"])
    by_rule = ", ".join(f"{impact} {rule} ×{n}" for (impact, rule), n in sorted(counts.items()))
    blocking = [f"{v['impact']} {v['id']}: {node['target']}: {node['summary']}"
                for v in violations if v["impact"] in BLOCKING for node in v["nodes"]]
    with capsys.disabled():
        print(f"\naxe {title}: {len(blocking)} serious or critical; {by_rule or 'no violation'}")
        print("".join(f"  {line}\n" for line in blocking), end="")
    assert blocking == []


def is_dark(page: Page) -> bool:
    """Whether the app's background is dark (relative luminance under 0.2)."""
    return page.evaluate("""() => {
        const [r, g, b] = getComputedStyle(document.querySelector('[data-testid=stApp]'))
            .backgroundColor.match(/\\d+/g).map(Number).map(c => c / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.2;
    }""")


# --- axe on every page, light and dark ------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious_in_the_light_theme(name, page, axe_source, capsys):
    page.set_viewport_size(DESKTOP)
    open_page(page, PAGES[name])
    assert not is_dark(page)
    shoot(page, f"{name}-desktop")
    check_with_axe(page, axe_source, f"light {name}", capsys)


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious_in_the_dark_theme(name, dark_page, axe_source, capsys):
    """Badges, notes, quotes and marks take the theme's text colour over translucent tints."""
    dark_page.set_viewport_size(DESKTOP)
    open_page(dark_page, PAGES[name])
    assert is_dark(dark_page), "the dark server is not dark"
    shoot(dark_page, f"{name}-desktop-dark")
    check_with_axe(dark_page, axe_source, f"dark {name}", capsys)


# --- a phone -----------------------------------------------------------------------------------


def sidebar_folded(page: Page) -> bool:
    box = page.locator("[data-testid=stSidebar]").bounding_box()
    return box is None or box["x"] + box["width"] <= 0


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_each_page_opens_on_a_phone_with_the_sidebar_folded(name, phone_page):
    """The sidebar is folded and the page shows what its address points at: its title, or on
    the Article page the paragraph the link names (the page scrolls to it)."""
    open_page(phone_page, PAGES[name], presenter=False)
    assert sidebar_folded(phone_page)
    aimed_at = PHONE_AIMS.get(name, "h1")
    expect(phone_page.locator(aimed_at).first).to_be_in_viewport(timeout=LOADS_MS)
    shoot(phone_page, f"{name}-phone")


def test_a_phone_shows_the_map_first_and_a_tapped_point_s_card_under_it(phone_page, geo_layers):
    """At 390×844 the map fills most of the first screen, and a tap on a point shows its card,
    name in view, under the map: no sidebar to open."""
    point = next(f for layer in geo_layers.values() for f in layer.features
                 if f["properties"]["id"] == "goris")
    lon, lat = point["geometry"]["coordinates"]
    open_page(phone_page, f"/?center={lat},{lon}&zoom=10")
    assert sidebar_folded(phone_page)
    view = MapView(phone_page)
    frame = view.iframe.bounding_box()
    assert frame is not None
    assert frame["y"] >= 0 and frame["y"] + frame["height"] <= PHONE["height"]
    assert frame["height"] >= PHONE["height"] / 2, "the map is not the first screen's content"
    shoot(phone_page, "map-phone-before-tap")

    x, y = view.frame.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon])
    phone_page.touchscreen.tap(frame["x"] + x, frame["y"] + y)
    name = phone_page.locator('.st-key-card-under-map .feature-card[data-feature="goris"] h3')
    expect(name).to_be_visible(timeout=LOADS_MS)
    expect(name).to_be_in_viewport()
    assert sidebar_folded(phone_page)
    expect(phone_page.locator("[data-testid=stSidebar] .feature-card")).to_be_hidden()
    settle(phone_page)
    shoot(phone_page, "map-phone-after-tap")


# --- paper ---------------------------------------------------------------------------------------


def assert_same_view(now: tuple[float, float, float], then: tuple[float, float, float]) -> None:
    """Same zoom, and a centre within one screen pixel: an odd-sized frame's centre falls
    between pixels, and Leaflet rounds it to one of them."""
    pixel = 360 / (256 * 2 ** then[0])  # degrees of longitude per pixel at that zoom
    assert now[0] == then[0], (now, then)
    assert abs(now[1] - then[1]) <= pixel and abs(now[2] - then[2]) <= pixel, (now, then)


@pytest.mark.parametrize("feature", PRINTED)
def test_printing_the_map_page_gives_the_map_and_the_card_on_one_page(feature, page):
    page.set_viewport_size(DESKTOP)
    open_page(page, f"/?feature={feature}")
    name = page.locator(f'[data-testid=stSidebar] .feature-card[data-feature="{feature}"] h3')
    card_name = name.inner_text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        (SCREENS / f"map-print-{feature}-{paper}.pdf").write_bytes(pdf)
        printed = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(printed.pages) == 1, f"{feature} on {paper}: {len(printed.pages)} pages"
        text = printed.pages[0].extract_text()
        assert card_name in text and "Data sources" in text  # the card, to its last heading
        assert "Find a place" not in text and "Clear selection" not in text  # no sidebar

    # Just before printing the map takes its paper size and keeps the view it had on screen
    # (layers/html/templates/print_map.js); page.pdf() fires the same events.
    view = MapView(page)
    view.wait_still()
    before = view.view()
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    box = view.iframe.bounding_box()
    assert box is not None and abs(box["width"] - PAPER_MAP_PX[0]) <= 2
    assert abs(box["height"] - PAPER_MAP_PX[1]) <= 2
    assert_same_view(view.view(), before)
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert_same_view(view.view(), before)

    page.emulate_media(media="print")
    expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()
    iframe = view.iframe
    card = page.locator(f'.st-key-card-under-map .feature-card[data-feature="{feature}"]')
    expect(iframe).to_be_visible()
    expect(card).to_be_visible()
    frame_box, card_box = iframe.bounding_box(), card.bounding_box()
    assert frame_box and card_box and card_box["y"] >= frame_box["y"] + frame_box["height"]
    page.screenshot(path=str(SCREENS / f"map-print-{feature}.png"), full_page=True)
