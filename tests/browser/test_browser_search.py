"""The sidebar's place search in real Chromium: results as one types, no Enter, and a result on a
hidden layer switches the layer on. Screenshots of the sidebar while typing go to the artifacts.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PLACEHOLDER = "e.g. Nakhichevan, Karabakh, Jermuk"
RESULTS_APPEAR_MS = 15_000
CARD_APPEARS_MS = 15_000
HIDDEN_LAYER = "railways"  # off when the page opens; Meghri is one of its points


def search_box(page: Page):
    return page.get_by_placeholder(PLACEHOLDER)


def result(page: Page, feature_id: str):
    """A result button (Streamlit keys its element container by the button's key)."""
    return page.locator(f".st-key-hit-{feature_id} button")


def test_typing_shows_results_without_enter(open_map, page):
    open_map("/")
    search_box(page).press_sequentially("Nakhicevan", delay=60)  # a typo, and never Enter
    first = page.locator("[class*='st-key-hit-'] button").first
    expect(first).to_have_text("Nakhchivan Autonomous Republic · Nakhchivan",
                               timeout=RESULTS_APPEAR_MS)
    page.locator("[data-testid=stSidebar]").screenshot(path=ARTIFACTS / "search-typing.png")


def test_choosing_a_result_on_a_hidden_layer_switches_it_on_and_opens_its_card(
    open_map, page, geo_layers
):
    view = open_map("/")
    default = sum(layer.shape_count for layer in geo_layers.values() if layer.visible)
    expect(view.shapes()).to_have_count(default)
    title = geo_layers[HIDDEN_LAYER].title
    checkbox = page.get_by_role("checkbox", name=title, exact=True)
    expect(checkbox).not_to_be_checked()

    search_box(page).press_sequentially("Meghry", delay=60)
    meghri = result(page, "meghri")
    expect(meghri).to_have_text(f"Meghri · {title} · layer off", timeout=RESULTS_APPEAR_MS)
    meghri.click()

    # The card stands twice in the page (sidebar, and under the map for phones); at desktop size
    # the stylesheet shows the sidebar's.
    card = page.locator('[data-testid=stSidebar] .feature-card[data-feature="meghri"]')
    expect(card).to_be_visible(timeout=CARD_APPEARS_MS)
    expect(checkbox).to_be_checked()
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text(
        f"Switched on the {title} layer to show Meghri.")
    expect(meghri).to_have_text(f"Meghri · {title}")
    expect(view.shapes()).to_have_count(default + geo_layers[HIDDEN_LAYER].shape_count)
    expect(page).to_have_url(re.compile(r"[?&]feature=meghri(&|$)"))


def test_a_result_says_its_layer_is_on_once_its_checkbox_switches_it_on(open_map, page,
                                                                         geo_layers):
    """The checkbox's rerun is its own fragment's, not the search's: the result on that layer
    must not go on saying "layer off" (nor, switched off again, stop saying it)."""
    view = open_map("/")
    title = geo_layers[HIDDEN_LAYER].title
    search_box(page).press_sequentially("Meghry", delay=60)
    meghri = result(page, "meghri")
    expect(meghri).to_have_text(f"Meghri · {title} · layer off", timeout=RESULTS_APPEAR_MS)
    checkbox = page.get_by_role("checkbox", name=title, exact=True)
    checkbox.locator("xpath=ancestor::label").click()
    expect(checkbox).to_be_checked()
    expect(meghri).to_have_text(f"Meghri · {title}", timeout=RESULTS_APPEAR_MS)
    default = sum(layer.shape_count for layer in geo_layers.values() if layer.visible)
    expect(view.shapes()).to_have_count(default + geo_layers[HIDDEN_LAYER].shape_count)
    checkbox.locator("xpath=ancestor::label").click()
    expect(meghri).to_have_text(f"Meghri · {title} · layer off", timeout=RESULTS_APPEAR_MS)
    expect(view.shapes()).to_have_count(default)
