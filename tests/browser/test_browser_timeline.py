"""The timeline strip in real Chromium, offline: a click on an event's mark opens its card,
frames its places on the map and puts the event in the address; a dated link draws the map as
it stood. The test finds a mark by its colour on a screenshot of the strip: the EU gas
deal is the only event of its kind ("deal", `layers.map.style.EVENT_COLORS`). The strip is folded on
the opening view and open when a date or an event is shown."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from layers.data.catalog import load_catalog
from layers.data.events import load_events
from layers.map.style import EVENT_COLORS
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

EVENT = "eu-gas-deal-2022"
CHART = "[data-testid=stVegaLiteChart]"
LEGEND_PX = 90  # the strip's legend (two rows on top) shows each colour too: look below it


def mark_of(page: Page, color: str) -> tuple[float, float]:
    """Where on the page the strip draws a dot of `color` (the middle of its pixels)."""
    chart = page.locator(CHART)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    shot = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    want = tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    scale = shot.width / box["width"]
    found = [(x, y) for y in range(int(LEGEND_PX * scale), shot.height)
             for x in range(shot.width)
             if all(abs(a - b) <= 12 for a, b in zip(shot.getpixel((x, y)), want, strict=True))]
    assert found, f"no mark of colour {color} on the strip"
    x = sum(p[0] for p in found) / len(found) / scale
    y = sum(p[1] for p in found) / len(found) / scale
    return box["x"] + x, box["y"] + y


def test_the_opening_view_folds_the_strip_until_asked(open_map, page):
    open_map("/")
    fold = page.get_by_text(re.compile(r"^Timeline · \d+ events$"))
    expect(fold).to_be_visible()
    expect(page.locator(f"{CHART} svg.marks")).to_have_count(0)  # undrawn: the map comes first
    fold.click()
    expect(page.locator(f"{CHART} svg.marks")).to_have_count(1, timeout=20_000)


def test_clicking_a_mark_opens_the_event_and_frames_its_places(open_map, page):
    view = open_map("/")
    page.get_by_text(re.compile(r"^Timeline · \d+ events$")).click()
    expect(page.locator(f"{CHART} svg.marks")).to_be_visible(timeout=20_000)
    page.wait_for_timeout(500)  # the fold's opening animation: the marks must stand still
    x, y = mark_of(page, EVENT_COLORS["deal"])
    page.mouse.click(x, y)

    card = page.locator(f'[data-testid=stSidebar] .event-card[data-event="{EVENT}"]')
    expect(card).to_be_visible(timeout=20_000)
    expect(card.locator("h3")).not_to_be_empty()
    expect(page).to_have_url(re.compile(rf"[?&]event={EVENT}(&|$)"))
    catalog = load_catalog()
    event = next(e for e in load_events() if e.id == EVENT)
    towns = [catalog.feature(i).geometry for i in event.places
             if catalog.feature(i).geometry.geom_type == "Point"]
    assert towns
    view.frame.wait_for_function(
        """(points) => window.map && points.every(p => window.map.getBounds().contains(p))""",
        arg=[[town.y, town.x] for town in towns], timeout=20_000)
    page.screenshot(path=ARTIFACTS / "timeline-event.png")


DRAWN_IDS = """() => Object.values(window.map._layers).flatMap(layer => {
    const tip = layer.getTooltip && layer.getTooltip();
    const text = tip ? String(tip.getContent()) : "";
    const at = text.indexOf("[[id:");
    return at === -1 ? [] : [text.slice(at + 5, text.indexOf("]]", at))];
})"""
"""Feature ids drawn on the map, read from the id mark each tooltip carries."""


def test_a_dated_link_draws_the_map_as_it_stood_and_marks_the_day(open_map, page):
    view = open_map("/?date=2020-11-15")
    expect(page.locator(CHART)).to_be_visible(timeout=20_000)
    expect(page.get_by_role("spinbutton", name="year, As of")).to_have_text("2020")
    expect(page.get_by_role("spinbutton", name="day, As of")).to_have_text("15")
    view.frame.wait_for_function(f"() => ({DRAWN_IDS})().includes('agdam-district')",
                                 timeout=20_000)
    drawn = set(view.frame.evaluate(DRAWN_IDS))
    # Agdam was handed over on 20 November 2020, Fuzuli taken in October; Goris is a 2022 claim
    assert "agdam-district" in drawn and "russian-peacekeeping-area" in drawn
    assert "fuzuli-district" not in drawn and "goris" not in drawn
    page.locator(CHART).screenshot(path=ARTIFACTS / "timeline-as-of.png")


def test_a_day_chosen_and_left_again_draws_each_feature_once(open_map, page, geo_layers):
    """The Map page keeps its layers drawn across reruns (layers/map/geo_layer.py GeoLoader
    keep): choosing a day swaps each layer's file for that day's, and every date swaps it back,
    with no feature left drawn twice nor one of the other date's left over."""
    view = open_map("/")
    expect(view.shapes()).to_have_count(sum(layer.shape_count for layer in geo_layers.values()
                                            if layer.visible))
    everything = sorted(view.frame.evaluate(DRAWN_IDS))
    assert "goris" in everything and len(everything) == len(set(everything))

    page.get_by_text("As of a day", exact=True).click()
    page.get_by_role("spinbutton", name="year, As of").wait_for(timeout=20_000)
    view.frame.wait_for_function(f"() => ({DRAWN_IDS})().length !== {len(everything)}",
                                 timeout=20_000)
    as_of = view.frame.evaluate(DRAWN_IDS)
    assert len(as_of) == len(set(as_of)), "a feature is drawn twice"

    page.get_by_text("Every date", exact=True).click()
    view.frame.wait_for_function(f"() => ({DRAWN_IDS})().length === {len(everything)}",
                                 timeout=20_000)
    page.wait_for_timeout(500)  # a leftover would come on after the count matched
    assert sorted(view.frame.evaluate(DRAWN_IDS)) == everything


def test_playing_steps_through_the_events_in_order_until_paused(open_map, page):
    open_map("/")
    first, second = (event.id for event in load_events()[:2])
    page.get_by_role("button", name="Play the events").click()
    card = page.locator("[data-testid=stSidebar] .event-card")
    expect(card).to_have_attribute("data-event", first, timeout=20_000)
    expect(card).to_have_attribute("data-event", second, timeout=20_000)  # the map follows
    expect(page).to_have_url(re.compile(r"[?&]date=\d{4}-\d{2}-\d{2}(&|$)"))
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play the events")).to_be_visible(timeout=20_000)
    held = card.get_attribute("data-event")
    page.wait_for_timeout(5_000)  # longer than a step
    expect(card).to_have_attribute("data-event", held or "")
