"""12–14 September 2022 as both sides' officials stated it: every place they named, the same
treatment for both, each claim in the words of a registered statement.

Read from the built layer (geodata/september-2022.geojson) and the registered sources, so these
tests hold the shipped data to what a fact-checker would check.
"""

from __future__ import annotations

import math

import pytest
import shapely

from layers.data.catalog import Catalog
from layers.data.schema import CLAIM_SIDES, date_span
from layers.html.card import build_card, card_html

LAYER = "september-2022"
ARMENIAN_MOD_PLACES = ("Goris", "Sotk", "Jermuk", "Vardenis", "Kapan", "Artanish", "Ishkhanasar",
                       "Verin Shorzha", "Nerkin Hand")
"""Every place or direction Armenia's Ministry of Defence named on 13–14 September 2022."""
AZERBAIJANI_MOD_PLACES = ("Dashkasan", "Kalbajar", "Lachin", "Zangilan", "Basarkechar", "Istisu",
                          "Garakilsa", "Gorus", "Ahmadli", "Vağudi", "Zeyli")
"""Every direction or settlement Azerbaijan's Ministry of Defence named in those days."""
LOCAL_REPORTS = ("Kut", "Norabak", "Geghamasar", "Tegh")
"""Villages local authorities or the Human Rights Defender reported hit in those days."""
NAMED_BY_BOTH = (("goris", "gorus-direction"), ("jermuk", "istisu-direction"),
                 ("vardenis", "basarkechar-direction"))


@pytest.fixture(scope="module")
def claims(real_catalog: Catalog) -> list[tuple[dict, shapely.Geometry]]:
    return [(props, geometry) for layer, props, geometry in real_catalog.features
            if layer.id == LAYER]


def words_of(claims: list[tuple[dict, shapely.Geometry]]) -> str:
    return " ".join(c["words"] for props, _ in claims for c in props["claims"])


def test_every_feature_of_the_layer_is_a_claim_of_one_side(claims):
    assert claims and all(props["category"] in CLAIM_SIDES for props, _ in claims)
    sides = {CLAIM_SIDES[props["category"]] for props, _ in claims}
    assert sides == {"Armenia", "Azerbaijan"}


@pytest.mark.parametrize("place", ARMENIAN_MOD_PLACES + AZERBAIJANI_MOD_PLACES + LOCAL_REPORTS)
def test_every_place_the_statements_name_is_quoted_on_the_map(claims, place):
    """Nothing the record names is left out: each name occurs in a drawn claim's quoted words
    (`Vağudi` and `Ahmadli` in the Azerbaijani original, Zeyli in the Russian report)."""
    quoted = words_of(claims)
    assert place in quoted or {"Ahmadli": "Əhmədli", "Zeyli": "Зейли"}.get(place, "-") in quoted


def test_the_dates_run_from_the_night_of_12_13_to_14_september(claims):
    spans = [date_span(c["date"]) for props, _ in claims for c in props["claims"]]
    assert min(s[0] for s in spans).isoformat() == "2022-09-12"  # the night of 12–13
    assert max(s[1] for s in spans).isoformat() == "2022-09-14"
    assert any(s[0].isoformat() == "2022-09-14" for s in spans)  # 14 September entries exist


def test_each_claim_rests_on_a_statement_of_whoever_made_it(claims, real_catalog):
    for props, _ in claims:
        for claim in props["claims"]:
            statement = real_catalog.sources[claim["statement"]]
            assert statement["kind"] == "statement"
            assert statement["by"] in props["reported_by"], props["id"]
            assert statement["pages"], claim["statement"]  # where it was read
            assert statement["by"].split("'")[0] in props["description"], props["id"]


def test_towns_keep_their_geonames_point_and_villages_a_published_one(claims, real_catalog):
    for props, geometry in claims:
        if geometry.geom_type != "Point":
            continue
        gazetteer = props["gazetteer"]
        assert gazetteer["distance_km"] <= 2.0, props["id"]
        if gazetteer["source"] != "geonames-cities1000":
            page = real_catalog.sources[gazetteer["source"]]
            assert page["kind"] == "page" and page["pages"], props["id"]
            assert props["precision"] == "approximate", props["id"]
            lat, lon = page["coordinates"]["lat"], page["coordinates"]["lon"]
            assert math.isclose(geometry.y, lat, abs_tol=1e-5)
            assert math.isclose(geometry.x, lon, abs_tol=1e-5)


def test_azerbaijani_directions_are_drawn_on_the_state_border_not_at_district_towns(
        claims, real_catalog):
    armenia = real_catalog.feature("armenia").geometry
    sectors = [(props, g) for props, g in claims if props["category"] == "claim-azerbaijan"]
    assert {props["id"] for props, _ in sectors} >= {
        "dashkasan-direction", "kalbajar-direction", "lachin-direction", "zangilan-direction"}
    azerbaijan = real_catalog.feature("azerbaijan").geometry
    for props, geometry in sectors:
        assert geometry.geom_type in ("Polygon", "MultiPolygon")  # a band along the border
        assert geometry.distance(armenia.boundary) < 1e-3, props["id"]
        assert geometry.intersection(armenia).area < 0.01 * geometry.area  # on Azerbaijan's side
        assert geometry.intersection(azerbaijan).area > 0.95 * geometry.area
        assert "border" in props["derivation"]
    band = real_catalog.feature("sotk-goris-border").geometry  # Armenia's claim, its own side
    assert band.intersection(armenia).area > 0.95 * band.area


@pytest.mark.parametrize(("armenian", "azerbaijani"), NAMED_BY_BOTH)
def test_a_place_both_ministries_named_shows_both_claims_side_by_side(
        armenian, azerbaijani, real_catalog, article):
    from layers.data.mentions import build_index

    index = build_index(article, real_catalog)
    for ident in (armenian, azerbaijani):
        card = build_card(real_catalog.feature(ident), article, index, real_catalog)
        sides = dict(card.sides)
        assert any(s.claims for s in sides["Armenia"]), ident
        assert any(s.claims for s in sides["Azerbaijan"]), ident
        columns = card_html(card).split('<div class="claims">')[1]
        assert columns.index("Armenian officials") < columns.index("Azerbaijani officials")


def test_both_sides_are_drawn_and_told_alike(real_catalog):
    layer = real_catalog.layer(LAYER)
    armenian, azerbaijani = layer.category_styles["claim-armenia"], \
        layer.category_styles["claim-azerbaijan"]
    assert (armenian.radius, armenian.weight, armenian.fill_opacity) == (
        azerbaijani.radius, azerbaijani.weight, azerbaijani.fill_opacity)
    legends = layer.category_legends
    assert legends["claim-armenia"].replace("Armenian", "X") == \
        legends["claim-azerbaijan"].replace("Azerbaijani", "X")
    assert legends["claim-armenia-origin"].replace("Armenian", "X") == \
        legends["claim-azerbaijan-origin"].replace("Azerbaijani", "X")
    assert "12–14 September 2022" in layer.title


def test_the_map_does_not_present_the_towns_as_the_articles_cities(claims):
    """The article's 'several cities deep in Armenia' is the author's wording: no claim links
    it, and every claim says the article names none of the places."""
    for props, _ in claims:
        assert not any("cities deep in Armenia" in link["phrase"] for link in props["article"])
    armenian = [props for props, _ in claims if CLAIM_SIDES[props["category"]] == "Armenia"]
    assert all("author's wording" in props["description"] for props in armenian)


def test_the_handouts_say_whose_claim_a_highlighted_place_is(real_catalog, article):
    """Outside its card a claim still carries its attribution: in the HTML handout's list and
    tooltips and in the PDF's list of outlined places."""
    import io

    from pypdf import PdfReader

    from layers.briefing.export_html import export_html
    from layers.briefing.export_pdf import export_pdf
    from layers.briefing.storyboard import parse_storyboard

    scene = {"title": "Claims", "frame": {"features": ["goris", "lachin-direction"]},
             "layers": ["september-2022"], "highlight": ["goris", "lachin-direction"]}
    board, issues = parse_storyboard({"title": "T", "scenes": [scene]}, real_catalog, article)
    assert not issues
    html = export_html(board, real_catalog, article)
    assert "Goris (claim by Armenian officials)" in html
    assert "Lachin direction (state border) (claim by Azerbaijani officials)" in html
    page = " ".join(PdfReader(io.BytesIO(export_pdf(board, real_catalog, article)))
                    .pages[1].extract_text().split())
    assert "Goris (claim by Armenian officials)" in page
