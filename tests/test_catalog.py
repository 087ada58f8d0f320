"""The geodata catalog: loading, lookup, search, and every rule `python -m layers check` enforces.

The fixture directory tests/fixtures/geodata is a valid miniature of geodata/. Each rule is shown
by breaking one thing in a copy of it and asserting the exact problem line the check prints.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import Point

from layers.data.article import load_article
from layers.data.catalog import Catalog, CatalogError, load_catalog
from layers.data.schema import Problem, validate_properties
from layers.data.search import normalise
from layers.data.validate import validate_catalog

Edit = Callable[[dict], None]


@pytest.fixture
def geodata(geodata_copy: Path) -> Path:
    """A writable copy of the fixture geodata directory."""
    return geodata_copy


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def edit_feature(geodata: Path, feature_id: str, edit: Edit, part: str = "properties") -> None:
    """Apply `edit` to one feature's properties (or whole feature, part="feature") on disk."""
    for path in geodata.glob("*.geojson"):
        collection = read(path)
        for feature in collection["features"]:
            if feature["properties"].get("id") == feature_id:
                edit(feature if part == "feature" else feature["properties"])
                write(path, collection)
                return
    raise AssertionError(f"no feature {feature_id} in the fixture")


def problem_lines(geodata: Path) -> list[str]:
    """What `check` would list for this directory, one string per problem."""
    return [str(p) for p in validate_catalog(load_catalog(geodata), load_article(), geodata)]


def setting(key: str, value: object) -> Edit:
    return lambda props: props.__setitem__(key, value)


def dropping(key: str) -> Edit:
    return lambda props: props.pop(key)


# --- loading ---------------------------------------------------------------------------------


def test_the_fixture_is_valid(fixture_geodata: Path) -> None:
    assert problem_lines(fixture_geodata) == []


def test_layers_come_in_registry_order_with_their_styles(catalog: Catalog) -> None:
    assert [layer.id for layer in catalog.layers] == ["borders", "september-2022"]
    borders = catalog.layer("borders")
    assert (borders.title, borders.group, borders.visible) == (
        "Borders", "Borders & territories", True,
    )
    assert borders.style.fill_opacity == 0.08
    # a category style overrides only what it names; the rest comes from the layer's style
    assert borders.style_for("exclave").color == "#0072B2"
    assert borders.style_for("exclave").weight == 1.2
    assert borders.style_for("country") == borders.style


def test_each_layer_holds_its_features_as_a_geodataframe_in_wgs84(catalog: Catalog) -> None:
    events = catalog.layer("september-2022").features
    assert events.crs.to_epsg() == 4326
    assert list(events["id"]) == ["baku", "stepanakert", "seven-regions", "reported-strike"]
    # list-valued properties stay lists (not strings), as the GeoJSON has them
    assert events.set_index("id").loc["stepanakert", "aliases"] == ["Xankəndi"]


def test_a_feature_is_found_by_id_with_its_layer_properties_and_geometry(catalog: Catalog) -> None:
    layer, props, geometry = catalog.feature("baku")
    assert layer.id == "september-2022"
    assert props["name"] == "Baku"
    assert geometry == Point(0.5, 0.5)


def test_features_iterate_layer_by_layer_and_sources_load_by_id(catalog: Catalog) -> None:
    assert [props["id"] for _, props, _ in catalog.features][:5] == [
        "armenia", "azerbaijan", "russia", "nakhchivan", "baku",
    ]
    assert set(catalog.sources) == {"fixture-dataset", "statement:fixture-ministry"}


def test_an_unknown_layer_or_feature_is_a_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError):
        catalog.layer("nope")
    with pytest.raises(KeyError):
        catalog.feature("nope")


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nakhichevan", ["nakhchivan"]),  # an alias, the spelling the article uses
        ("naxcivan", ["nakhchivan"]),  # Naxçıvan, without the ç and the dotless ı
        ("khankendi", ["stepanakert"]),  # the second part of "Stepanakert / Khankendi"
        ("xankendi", ["stepanakert"]),  # Xankəndi, schwa typed as e
        ("STEPAN", ["stepanakert"]),
        ("seven", ["seven-regions"]),
        ("", []),
        ("   ", []),
        ("Tbilisi", []),
    ],
)
def test_search_finds_names_and_aliases_ignoring_case_and_accents(
    query: str, expected: list[str], catalog: Catalog
) -> None:
    assert catalog.search(query) == expected


def test_search_ranks_whole_then_prefix_then_word_prefix_then_substring(catalog: Catalog) -> None:
    # "kh": the name part "Khankendi" starts with it; "Nakhchivan" only contains it
    assert catalog.search("kh") == ["stepanakert", "nakhchivan"]
    # "stri": a word of "Reported strike" starts with it, which beats "districts" containing it
    assert catalog.search("stri") == ["reported-strike", "seven-regions"]


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("Naxçıvan") == "naxcivan"
    assert normalise("Xankəndi") == "xankendi"
    assert normalise("Nagorno-Karabakh") == "nagorno karabakh"
    assert normalise("  Shusha / Shushi ") == "shusha shushi"


# --- schema rules (one feature's properties) ---------------------------------------------------


SCHEMA_RULES = [
    pytest.param("armenia", dropping("description"),
                 "[borders] armenia.description: is required", id="required"),
    pytest.param("armenia", setting("aliases", "Hayastan"),
                 "[borders] armenia.aliases: must be a list, not a string", id="type"),
    pytest.param("armenia", setting("colour", "red"),
                 "[borders] armenia.colour: is not a schema property (see geodata/README.md)",
                 id="unknown-property"),
    pytest.param("reported-strike", setting("date", None),
                 "[september-2022] reported-strike.date: must be a string, not null",
                 id="optional-null"),
    pytest.param("armenia", setting("id", "Armenia_1"),
                 "[borders] Armenia_1.id: 'Armenia_1' is not lowercase letters, digits and hyphens",
                 id="id-pattern"),
    pytest.param("armenia", setting("name", " "),
                 "[borders] armenia.name: is empty", id="empty-name"),
    pytest.param("armenia", setting("category", "nation"),
                 "[borders] armenia.category: 'nation' is not one of: country, exclave, region, "
                 "district, area, capital, city, town, port, border-crossing, route, rail-line, "
                 "missing-link, road, pipeline, claim-armenia, claim-azerbaijan, "
                 "claim-armenia-origin, claim-azerbaijan-origin, drill-area, place, line",
                 id="category"),
    pytest.param("armenia", setting("precision", "rough"),
                 "[borders] armenia.precision: 'rough' is not one of: exact, approximate, "
                 "schematic", id="precision"),
    pytest.param("armenia", setting("aliases", ["Hayastan", ""]),
                 "[borders] armenia.aliases[1]: must be a non-empty string, not a string",
                 id="alias-empty"),
    pytest.param("armenia", setting("article", [{"paragraph": "p1"}]),
                 '[borders] armenia.article[0]: must be {"paragraph": "p<n>", '
                 '"phrase": "<verbatim text>"}', id="article-link-shape"),
    pytest.param("armenia", setting("article", [{"paragraph": "5", "phrase": "Armenia"}]),
                 "[borders] armenia.article[0].paragraph: '5' is not a paragraph id like 'p5'",
                 id="article-link-paragraph-id"),
    pytest.param("armenia", setting("citations", ["1"]),
                 "[borders] armenia.citations[0]: must be a reference number, not a string",
                 id="citation-type"),
    pytest.param("armenia", setting("sources", []),
                 "[borders] armenia.sources: is empty; every feature names at least one source",
                 id="sources-empty"),
    pytest.param("reported-strike", setting("date", "13 September 2022"),
                 "[september-2022] reported-strike.date: '13 September 2022' is not a date: "
                 "YYYY-MM-DD, YYYY-MM or YYYY, or a range FROM/TO of those", id="date-format"),
    pytest.param("reported-strike", setting("date", "2022-09-31"),
                 "[september-2022] reported-strike.date: '2022-09-31' is not a date: "
                 "YYYY-MM-DD, YYYY-MM or YYYY, or a range FROM/TO of those",
                 id="date-impossible"),
    pytest.param("reported-strike", setting("date", "2022-09-14/2022-09-12"),
                 "[september-2022] reported-strike.date: '2022-09-14/2022-09-12' is not a date: "
                 "YYYY-MM-DD, YYYY-MM or YYYY, or a range FROM/TO of those",
                 id="date-range-backwards"),
    pytest.param("reported-strike", dropping("claims"),
                 "[september-2022] reported-strike.claims: is required for claim-armenia "
                 "features: what was said, when, in which registered statement", id="claims"),
    pytest.param("reported-strike", setting("claims", [{"date": "2022-09-13", "words": "x"}]),
                 '[september-2022] reported-strike.claims[0]: must be {"date": "YYYY-MM-DD", '
                 '"time"?: "…", "words": "<verbatim>", "statement": "<source id>"}',
                 id="claim-shape"),
    pytest.param("baku", setting("counter_claims", ["reported-strike"]),
                 "[september-2022] baku.counter_claims: only claim features (claim-armenia, "
                 "claim-azerbaijan, claim-armenia-origin, claim-azerbaijan-origin) carry it",
                 id="counter-claims-on-a-claim-only"),
    pytest.param("reported-strike", setting("supports", []),
                 "[september-2022] reported-strike.supports: says nothing of cited reference "
                 "[1]: note what supports this", id="supports-every-citation"),
    pytest.param("armenia", setting("supports", [{"reference": 2, "note": "Why."}]),
                 "[borders] armenia.supports[0]: notes [2], which the feature does not cite",
                 id="supports-only-citations"),
    pytest.param("baku", setting("gazetteer", {"name": "Baku"}),
                 '[september-2022] baku.gazetteer: must be {"name": "<as in the gazetteer>", '
                 '"source": "<source id>", "distance_km": <≥ 0>}', id="gazetteer-shape"),
    pytest.param("armenia",
                 lambda p: p.update(valid_from="2022-09-14", valid_to="2022-09-13", date_sources={
                     "valid_from": {"reference": 2, "words": "September 14, 2022"},
                     "valid_to": {"reference": 1, "words": "September 13, 2022"}}),
                 "[borders] armenia.valid_to: 2022-09-13 is before valid_from 2022-09-14",
                 id="validity-order"),
    pytest.param("reported-strike", dropping("reported_by"),
                 "[september-2022] reported-strike.reported_by: is required for "
                 "claim-armenia features (who made the claim)", id="reported-by"),
    pytest.param("nakhchivan", dropping("derivation"),
                 "[borders] nakhchivan.derivation: is required for approximate geometry "
                 "(how it was made)", id="derivation"),
    pytest.param("baku", setting("description", "See https://example.org/baku for more."),
                 "[september-2022] baku.description: holds a URL; properties hold none "
                 "(name a source id)", id="url"),
    pytest.param("baku", setting("aliases", ["www.example.org"]),
                 "[september-2022] baku.aliases[0]: holds a URL; properties hold none "
                 "(name a source id)", id="url-in-list"),
]


@pytest.mark.parametrize(("feature_id", "edit", "expected"), SCHEMA_RULES)
def test_each_schema_rule_reports_exactly_its_problem(
    geodata: Path, feature_id: str, edit: Edit, expected: str
) -> None:
    edit_feature(geodata, feature_id, edit)
    assert problem_lines(geodata) == [expected]


def test_validate_properties_is_a_pure_function_of_the_properties() -> None:
    claims = [{"date": "2022-09-13", "words": "Quoted.", "statement": "s"}]
    props = {"id": "x", "name": "X", "aliases": [], "category": "claim-azerbaijan",
             "description": "A claim.", "article": [], "citations": [], "sources": ["s"],
             "precision": "exact", "claims": claims}
    assert validate_properties(props, "context") == [
        Problem("context", "x", "reported_by",
                "is required for claim-azerbaijan features (who made the claim)"),
    ]
    assert validate_properties({**props, "reported_by": "Someone"}, "context") == []


# --- rules across features, files and the article ---------------------------------------------


CROSS_RULES = [
    pytest.param("armenia", lambda p: p.update(
                     citations=[12], supports=[{"reference": 12, "note": "Why."}]),
                 "[borders] armenia.citations[0]: [12] is not one of the article's references "
                 "[1]–[11]", id="citation-exists"),
    pytest.param("armenia", setting("article", [{"paragraph": "p30", "phrase": "Armenia"}]),
                 "[borders] armenia.article[0].paragraph: p30 is not a paragraph of the article "
                 "(p1–p29)", id="link-paragraph-exists"),
    pytest.param("seven-regions",
                 setting("article", [{"paragraph": "p5", "phrase": "the 7 regions"}]),
                 "[september-2022] seven-regions.article[0].phrase: 'the 7 regions' does not occur "
                 "verbatim in p5", id="link-phrase-verbatim"),
    pytest.param("armenia", setting("sources", ["natural-earth"]),
                 "[borders] armenia.sources[0]: 'natural-earth' is not an id in sources.json nor "
                 "'article [n]'", id="source-exists"),
    pytest.param("armenia", setting("sources", ["article [0]"]),
                 "[borders] armenia.sources[0]: 'article [0]' is not one of the article's "
                 "references [1]–[11]", id="article-source-exists"),
    pytest.param("reported-strike", lambda p: p.update(sources=["fixture-dataset"], claims=[
                     {"date": "2022-09-13", "words": "w", "statement": "statement:unregistered"}]),
                 "[september-2022] reported-strike.claims[0].statement: 'statement:unregistered' "
                 "is not a statement registered in sources.json", id="statement-registered"),
    pytest.param("reported-strike", setting("sources", ["fixture-dataset"]),
                 "[september-2022] reported-strike.claims[0].statement: "
                 "'statement:fixture-ministry' is missing from sources", id="statement-cited"),
    pytest.param("reported-strike", setting("reported_by", "Another ministry"),
                 "[september-2022] reported-strike.claims[0].statement: is a statement by "
                 "'A fixture ministry', not by 'Another ministry'", id="statement-by-the-claimant"),
    pytest.param("reported-strike", lambda p: p["claims"][0].update(words="positions were hit"),
                 "[september-2022] reported-strike.claims[0].words: do not occur in the words "
                 "registered for statement:fixture-ministry", id="claim-words-verbatim"),
    pytest.param("reported-strike", lambda p: p["claims"][0].update(
                     words="positions in the direction\n  of the fixture"),
                 None, id="claim-words-may-wrap"),
    pytest.param("reported-strike", lambda p: (p.update(date="2022-09-13/2022-09-14"),
                                               p["claims"][0].update(date="2022-09-14")),
                 "[september-2022] reported-strike.claims[0].date: 2022-09-14 is after the "
                 "statement's date 2022-09-13", id="claim-not-after-its-statement"),
    pytest.param("reported-strike", setting("date", "2022-09-14"),
                 "[september-2022] reported-strike.date: 2022-09-14 does not cover the dates of "
                 "its claims", id="date-covers-the-claims"),
    pytest.param("reported-strike", setting("counter_claims", ["baku"]),
                 "[september-2022] reported-strike.counter_claims[0]: baku is not a claim of the "
                 "other side", id="counter-claim-other-side"),
    pytest.param("reported-strike", setting("counter_claims", ["atlantis"]),
                 "[september-2022] reported-strike.counter_claims[0]: no feature has the id "
                 "'atlantis'", id="counter-claim-exists"),
    pytest.param("baku", dropping("gazetteer"),
                 "[september-2022] baku.gazetteer: is required for a point: the gazetteer name "
                 "and the distance to it", id="gazetteer-for-every-point"),
    pytest.param("baku", setting("gazetteer", {"name": "Baku", "source": "fixture-dataset",
                                               "distance_km": 4.7}),
                 "[september-2022] baku.gazetteer.distance_km: 4.7 km from 'Baku': an exact "
                 "point lies within 2 km", id="exact-point-near-its-gazetteer"),
    pytest.param("baku", setting("gazetteer", {
                     "name": "Baku", "source": "statement:fixture-ministry", "distance_km": 0}),
                 "[september-2022] baku.gazetteer.source: 'statement:fixture-ministry' is missing "
                 "from sources", id="gazetteer-source-cited"),
    pytest.param("baku", setting("aliases", ["Naxcivan"]),
                 "[september-2022] baku.aliases[0]: 'Naxcivan' is also an alias of nakhchivan",
                 id="alias-shared"),
    pytest.param("baku", setting("aliases", ["KHANKENDI"]),
                 "[september-2022] baku.aliases[0]: 'KHANKENDI' is also the name of stepanakert",
                 id="alias-is-another-name"),
    pytest.param("baku", setting("id", "armenia"),
                 "[september-2022] armenia.id: is already used in layer borders",
                 id="id-unique"),
]


@pytest.mark.parametrize(("feature_id", "edit", "expected"), CROSS_RULES)
def test_each_cross_rule_reports_exactly_its_problem(
    geodata: Path, feature_id: str, edit: Edit, expected: str | None
) -> None:
    edit_feature(geodata, feature_id, edit)
    assert problem_lines(geodata) == ([] if expected is None else [expected])


def test_counter_claims_answer_each_other(geodata: Path) -> None:
    """A claim of one side and the other side's claim about the same place name each other."""
    path = geodata / "september-2022.geojson"
    collection = read(path)
    strike = next(f for f in collection["features"] if f["properties"]["id"] == "reported-strike")
    answer = json.loads(json.dumps(strike))
    answer["properties"].update(id="reported-answer", name="Reported answer",
                                category="claim-azerbaijan", counter_claims=["reported-strike"])
    collection["features"].append(answer)
    write(path, collection)
    lines = problem_lines(geodata)
    assert "[september-2022] reported-answer.counter_claims[0]: reported-strike does not name " \
        "reported-answer back" in lines
    edit_feature(geodata, "reported-strike", setting("counter_claims", ["reported-answer"]))
    assert not [line for line in problem_lines(geodata) if "counter_claims" in line]


def test_a_source_says_what_kind_it_is_and_carries_what_that_kind_needs(geodata: Path) -> None:
    path = geodata / "sources.json"
    registry = read(path)
    statement = next(s for s in registry["sources"] if s["id"] == "statement:fixture-ministry")
    del statement["words"]
    registry["sources"].append({"id": "page:x", "name": "A page", "kind": "page", "pages": [{}],
                                "words": ["Read there."],
                                "coordinates": {"lat": 95, "lon": 45, "as_published": "x"}})
    registry["sources"].append({"id": "rumour", "name": "A rumour", "kind": "rumour"})
    write(path, registry)
    lines = problem_lines(geodata)
    assert "[sources.json] statement:fixture-ministry.words: is required for a statement (a " \
        "non-empty list)" in lines
    assert '[sources.json] page:x.pages[0]: must be {"url": "<address as opened>", "title": ' \
        '"<title>"}' in lines
    assert '[sources.json] page:x.coordinates: must be {"lat": <-90..90>, "lon": <-180..180>, ' \
        '"as_published": "…"}' in lines
    assert ("[sources.json] rumour.kind: 'rumour' is not one of: dataset, statement, page, "
            "user") in lines


GEOMETRY_RULES = [
    pytest.param({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
                 "[borders] armenia.geometry: is not valid: Self-intersection[0.5 0.5]",
                 id="valid"),
    pytest.param(None, "[borders] armenia.geometry: is empty", id="null"),
    pytest.param({"type": "Polygon", "coordinates": []}, "[borders] armenia.geometry: is empty",
                 id="empty"),
    pytest.param({"type": "LineString", "coordinates": [[200, 40], [201, 41]]},
                 "[borders] armenia.geometry: lies outside WGS84 longitude/latitude bounds "
                 "(200, 40, 201, 41)", id="wgs84-bounds"),
]


@pytest.mark.parametrize(("geometry", "expected"), GEOMETRY_RULES)
def test_each_geometry_rule_reports_exactly_its_problem(
    geodata: Path, geometry: dict | None, expected: str
) -> None:
    edit_feature(geodata, "armenia", setting("geometry", geometry), part="feature")
    assert problem_lines(geodata) == [expected]


def test_a_geojson_file_missing_from_the_registry_is_a_problem(geodata: Path) -> None:
    shutil.copy(geodata / "borders.geojson", geodata / "extra.geojson")
    assert problem_lines(geodata) == ["[extra.geojson] is not listed in layers.json"]


def test_a_category_style_for_an_unknown_category_is_a_problem(geodata: Path) -> None:
    registry = read(geodata / "layers.json")
    registry["layers"][0]["categories"]["enclave"] = {"color": "#000000"}
    write(geodata / "layers.json", registry)
    assert problem_lines(geodata) == ["[borders] styles unknown category 'enclave'"]


# --- files that cannot be loaded at all --------------------------------------------------------


def test_a_registered_layer_without_its_file_cannot_load(geodata: Path) -> None:
    (geodata / "borders.geojson").unlink()
    with pytest.raises(CatalogError, match=r"^borders\.geojson: file does not exist$"):
        load_catalog(geodata)


def test_malformed_json_names_the_file_and_the_place(geodata: Path) -> None:
    (geodata / "sources.json").write_text('{"sources": [\n  {"id": "x",}\n]}', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(geodata)
    message = str(caught.value)  # the middle is Python's own wording, which varies by version
    assert message.startswith("sources.json: is not valid JSON: ")
    assert message.endswith(" at line 2 column 14")


@pytest.mark.parametrize(
    ("file", "content", "expected"),
    [
        ("borders.geojson", {"type": "Feature"},
         "borders.geojson: is not a GeoJSON FeatureCollection"),
        ("borders.geojson", {"type": "FeatureCollection", "features": [{"type": "Feature"}]},
         "borders.geojson: feature 1 has no properties object"),
        ("borders.geojson",
         {"type": "FeatureCollection", "features": [
             {"type": "Feature", "properties": {"id": "a"},
              "geometry": {"type": "Hexagon", "coordinates": []}}]},
         "borders.geojson: a: geometry cannot be read (Unknown geometry type: 'hexagon')"),
        ("layers.json", {"layers": [{"id": "borders", "file": "borders.geojson"}]},
         "layers.json: layer 1 ('borders') needs 'title' (str)"),
        ("layers.json", [], 'layers.json: must be an object {"layers": [...]}'),
        ("sources.json", {"sources": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]},
         "sources.json: source id 'a' appears twice"),
    ],
)
def test_a_structurally_broken_file_raises_a_catalog_error_saying_what_is_wrong(
    geodata: Path, file: str, content: object, expected: str
) -> None:
    (geodata / file).write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(geodata)
    assert str(caught.value) == expected
