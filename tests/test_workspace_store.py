"""The workspace (`layers/workspace/store.py`): the briefer's own layers in one GeoPackage file.

What these tests promise: GDAL reads every layer back with its geometry and columns; every write
is one transaction (a writer killed inside it leaves the previous state); two processes adding at
once both keep their features, and two sessions changing one feature never overwrite each other;
a damaged, foreign or newer file is refused with a message that says which, and left as it was;
exports come back through import; whatever the briefer typed is stored as typed.

Coordinates here are made up for the tests (around 45° E, 40° N); they are no place's.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from layers.data.catalog import USER_GROUP, Catalog, is_user_layer, load_catalog
from layers.data.schema import CATEGORIES, validate_properties
from layers.workspace.store import (
    DEFAULT_PATH,
    USER_STYLE,
    WORKSPACE_ENV,
    ConflictError,
    InvalidFeaturesError,
    Workspace,
    WorkspaceError,
    open_workspace,
    user_source,
    with_user_layers,
    workspace_path,
)
from layers.workspace.upload import read_upload

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ x }}", "{% x %}")


def props(ident: str, layer_id: str, name: str = "Test place", **extra: object) -> dict:
    """A schema-valid user feature's properties."""
    return {"id": ident, "name": name, "aliases": [], "category": "place",
            "description": "A point made up for a test.", "article": [], "citations": [],
            "sources": [layer_id], "precision": "approximate",
            "derivation": "Made up for a test.", **extra}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return open_workspace(tmp_path / "workspace.gpkg")


@pytest.fixture
def layer(ws: Workspace) -> str:
    return ws.create_layer("Villages", user_source("villages.kml", said="my notes, 2022"))


def run_python(code: str, *args: str) -> subprocess.Popen:
    """Another process working on the workspace, as a second app server would."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


PROPS_SOURCE = textwrap.dedent('''
    def props(ident, layer_id):
        return {"id": ident, "name": ident, "aliases": [], "category": "place",
                "description": "A point made up for a test.", "article": [], "citations": [],
                "sources": [layer_id], "precision": "approximate",
                "derivation": "Made up for a test."}
''')


# --- where it lives, what it holds ----------------------------------------------------------


def test_the_workspace_lives_beside_the_app_unless_cbm_workspace_names_another(tmp_path,
                                                                               monkeypatch):
    assert DEFAULT_PATH == ROOT / "workspace" / "workspace.gpkg"
    assert "/workspace/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path / "elsewhere" / "mine.gpkg"))
    assert workspace_path() == tmp_path / "elsewhere" / "mine.gpkg"
    ws = open_workspace()
    assert ws.path.is_file() and ws.revision() == 0 and ws.layers() == []


def test_features_come_back_as_they_went_in_with_revisions(ws, layer):
    shapes = [Point(45.1, 40.2), LineString([(45, 40), (45.5, 40.5)]),
              Polygon([(45, 40), (45.2, 40), (45.2, 40.2)])]
    ids = ws.add_features(layer, [(props(f"my-v-{i}", layer), geometry)
                                  for i, geometry in enumerate(shapes)])
    assert ids == ["my-v-0", "my-v-1", "my-v-2"]
    (only,) = ws.layers()
    assert (only.id, only.title, only.revision) == (layer, "Villages", ws.revision())
    assert only.source == {"kind": "user", "name": "uploaded by the user: villages.kml",
                           "said": "my notes, 2022"}
    assert [f.properties for f in only.features] == [props(i, layer) for i in ids]
    assert [f.geometry.equals(g) for f, g in zip(only.features, shapes, strict=True)] == [True] * 3
    # a feature's revision is the workspace's when it was last written (the add is the 2nd write)
    assert [f.revision for f in only.features] == [ws.revision()] * 3


def test_gdal_reads_every_layer_with_its_geometry_and_columns(ws, layer):
    other = ws.create_layer("Roads", user_source(said="drawn from memory"))
    ws.add_features(layer, [(props("my-a", layer, name="Point A"), Point(45.1, 40.2))])
    ws.add_features(other, [(props("my-r", other), LineString([(45, 40), (45.5, 40.5)]))])

    listed = {str(name): kind for name, kind in pyogrio.list_layers(ws.path)}
    assert listed[layer] == listed[other] == "Unknown"  # any geometry type
    frame = pyogrio.read_dataframe(ws.path, layer=layer)
    assert frame.crs == "EPSG:4326"
    assert list(frame.columns) == ["id", "name", "category", "description", "precision",
                                   "properties", "revision", "geometry"]
    assert frame.iloc[0]["name"] == "Point A" and frame.geometry.iloc[0].equals(Point(45.1, 40.2))
    assert json.loads(frame.iloc[0]["properties"]) == props("my-a", layer, name="Point A")
    assert pyogrio.read_dataframe(ws.path, layer=other).geometry.iloc[0].equals(
        LineString([(45, 40), (45.5, 40.5)]))
    assert pyogrio.read_info(ws.path, layer=other)["layer_metadata"] == {"DESCRIPTION": "Roads"}


def test_every_write_moves_the_workspace_revision_on(ws, layer):
    seen = [ws.revision()]
    (ident,) = ws.add_features(layer, [(props("my-a", layer), Point(45, 40))])
    seen.append(ws.revision())
    ws.update_feature(ident, props(ident, layer, name="Renamed"), Point(45, 40), 2)
    seen.append(ws.revision())
    ws.rename_layer(layer, "Hamlets")
    seen.append(ws.revision())
    assert seen == [1, 2, 3, 4]
    with pytest.raises(ConflictError):
        ws.delete_feature(ident, expected_revision=2)
    assert ws.revision() == 4  # a refused change writes nothing


# --- ids, the schema, all or nothing --------------------------------------------------------


def test_feature_ids_are_unique_across_the_workspace_and_start_with_my(ws, layer):
    other = ws.create_layer("Villages", user_source("villages.kml"))
    assert other == f"{layer}-2"  # a second upload of the same file
    assert ws.add_features(layer, [(props("my-goris-1", layer), Point(45, 40))]) == ["my-goris-1"]
    assert ws.add_features(other, [(props("my-goris-1", other), Point(45, 40)),
                                   (props("goris-2", other), Point(45, 40))]) == [
        "my-goris-1-2", "my-goris-2"]
    ids = [f.properties["id"] for user_layer in ws.layers() for f in user_layer.features]
    assert ids == ["my-goris-1", "my-goris-1-2", "my-goris-2"]


def test_a_batch_with_one_bad_feature_is_refused_whole_with_every_problem(ws, layer):
    before = ws.revision()
    batch = [(props("my-good", layer), Point(45, 40)),
             (props("my-bad", layer, category="nation",
                    description="see www.example.org"), Point(45, 40)),
             (props("my-empty", layer), Polygon()),
             (props("my-stray", "my-other-layer"), Point(45, 40))]
    with pytest.raises(InvalidFeaturesError) as refused:
        ws.add_features(layer, batch)
    assert [str(problem) for problem in refused.value.problems] == [
        f"[{layer}] my-bad.category: 'nation' is not one of: {', '.join(CATEGORIES)}",
        f"[{layer}] my-bad.description: holds a URL; properties hold none (name a source id)",
        f"[{layer}] my-bad.category: is one of place, line, area for a user feature",
        f"[{layer}] my-empty.geometry: is empty",
        f"[{layer}] my-stray.sources: must be its layer's source alone, ['{layer}']"]
    assert ws.revision() == before and ws.layers()[0].features == ()


# --- two sessions, two processes, a killed writer -------------------------------------------


def test_two_sessions_editing_one_feature_never_overwrite_each_other(ws, layer):
    (ident,) = ws.add_features(layer, [(props("my-a", layer), Point(45, 40))])
    mine, theirs = open_workspace(ws.path), open_workspace(ws.path)
    read_at = mine.layers()[0].features[0].revision
    assert theirs.layers()[0].features[0].revision == read_at

    saved = mine.update_feature(ident, props(ident, layer, name="Mine"), Point(45, 40), read_at)
    assert saved == ws.revision() > read_at
    with pytest.raises(ConflictError, match="changed by someone else since you opened it"):
        theirs.update_feature(ident, props(ident, layer, name="Theirs"), Point(46, 41), read_at)
    with pytest.raises(ConflictError):
        theirs.delete_feature(ident, read_at)
    (kept,) = ws.layers()[0].features
    assert (kept.properties["name"], kept.geometry, kept.revision) == ("Mine", Point(45, 40),
                                                                       saved)

    mine.delete_feature(ident, saved)
    with pytest.raises(ConflictError, match="was deleted since you opened it"):
        theirs.update_feature(ident, props(ident, layer), Point(45, 40), saved)
    # made again under the same id, it is a newer feature: the old edit still loses
    ws.add_features(layer, [(props("my-a", layer, name="Again"), Point(44, 40))])
    with pytest.raises(ConflictError):
        theirs.update_feature(ident, props(ident, layer, name="Theirs"), Point(46, 41), saved)


def test_a_layer_changed_since_it_was_read_is_not_deleted_or_renamed(ws, layer):
    read_at = ws.layers()[0].revision
    ws.add_features(layer, [(props("my-late", layer), Point(45, 40))])  # another session's
    with pytest.raises(ConflictError, match="changed by someone else"):
        ws.delete_layer(layer, expected_revision=read_at)
    with pytest.raises(ConflictError):
        ws.rename_layer(layer, "Hamlets", expected_revision=read_at)
    assert [f.properties["id"] for f in ws.layers()[0].features] == ["my-late"]


def test_two_processes_adding_at_once_both_keep_their_features(ws, layer):
    adder = PROPS_SOURCE + textwrap.dedent('''
        import sys, time
        from pathlib import Path
        from shapely.geometry import Point
        from layers.workspace.store import open_workspace
        ws = open_workspace(Path(sys.argv[1]))
        time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # start together
        for batch in range(40):
            ws.add_features(sys.argv[2], [(props(f"my-p-{batch}-{i}", sys.argv[2]),
                                          Point(45 + i / 10, 40)) for i in range(5)])
    ''')
    start = str(time.time() + 4)
    writers = [run_python(adder, str(ws.path), layer, start) for _ in range(2)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    ids = [f.properties["id"] for f in ws.layers()[0].features]
    assert len(ids) == len(set(ids)) == 2 * 40 * 5
    assert ws.revision() == 1 + 2 * 40  # the layer, then one revision per transaction


def test_a_writer_killed_inside_its_transaction_leaves_the_previous_state(ws, layer):
    ws.add_features(layer, [(props("my-before", layer), Point(45, 40))])
    before, revision = ws.layers(), ws.revision()
    killed = run_python(PROPS_SOURCE + textwrap.dedent('''
        import sys, time
        from pathlib import Path
        from shapely.geometry import Point
        import layers.workspace.store as store
        ws = store.open_workspace(Path(sys.argv[1]))
        insert, calls = store._insert, []
        def insert_then_stall(*args):
            calls.append(1)
            if len(calls) == 500:  # half the batch written, not committed
                print("inside the transaction", flush=True)
                time.sleep(600)
            return insert(*args)
        store._insert = insert_then_stall
        ws.add_features(sys.argv[2], [(props(f"my-k-{i}", sys.argv[2]), Point(45, 40))
                                      for i in range(1000)])
    '''), str(ws.path), layer)
    assert killed.stdout.readline() == "inside the transaction\n"
    assert ws.path.with_name(ws.path.name + "-journal").exists()  # the hot journal
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)

    reopened = open_workspace(ws.path)
    assert reopened.layers() == before and reopened.revision() == revision
    assert len(pyogrio.read_dataframe(ws.path, layer=layer)) == 1


# --- files that are not ours ----------------------------------------------------------------


def refused(path: Path) -> str:
    """open_workspace's message for a file it refuses; the file must be left as it was."""
    content = path.read_bytes()
    with pytest.raises(WorkspaceError) as error:
        open_workspace(path)
    assert path.read_bytes() == content
    return str(error.value)


def test_random_bytes_are_named_as_no_geopackage_at_all(tmp_path):
    path = tmp_path / "workspace.gpkg"
    path.write_bytes(os.urandom(4096))
    message = refused(path)
    assert "is not a GeoPackage nor any SQLite database" in message
    assert "The map carries on with its own layers." in message


def test_a_truncated_workspace_is_named_as_damaged(ws, layer):
    ws.add_features(layer, [(props(f"my-{i}", layer, description="x" * 200), Point(45, 40))
                            for i in range(400)])
    content = ws.path.read_bytes()
    ws.path.write_bytes(content[: len(content) // 2])
    message = refused(ws.path)
    assert message.startswith("workspace.gpkg is damaged (SQLite says:")


def test_a_foreign_geopackage_is_named_and_left_alone(tmp_path):
    import geopandas as gpd

    path = tmp_path / "roads.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(45, 40)],
                                             crs=4326), path, layer="roads")
    message = refused(path)
    assert "is a GeoPackage, but not a workspace of this app" in message
    assert "The map carries on with its own layers." in message


def test_a_plain_sqlite_database_is_not_taken_for_a_workspace(tmp_path):
    path = tmp_path / "notes.gpkg"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    assert "is an SQLite database but not a GeoPackage" in refused(path)


@pytest.mark.parametrize(("version", "said"), [
    ("2", "was written by a newer version of the app (workspace schema 2; this one reads up "
          "to 1)"),
    ("one", "has a workspace schema version this app does not know ('one')")])
def test_a_newer_or_unknown_schema_version_is_refused(ws, version, said):
    with sqlite3.connect(ws.path) as db:
        db.execute("UPDATE cbm_meta SET value = ? WHERE key = 'schema_version'", (version,))
    assert said in refused(ws.path)


# --- exports and imports --------------------------------------------------------------------


@pytest.fixture
def filled(ws: Workspace, layer: str) -> Workspace:
    ws.add_features(layer, [(props("my-a", layer, name="Point A", date="2022-09"),
                             Point(45.1, 40.2)),
                            (props("my-b", layer, name="Area B", category="area"),
                             Polygon([(45, 40), (45.2, 40), (45.2, 40.2)]))])
    return ws


def same_content(one: Workspace, other: Workspace) -> bool:
    """Titles, sources and features alike (ids and revisions may differ)."""
    def content(ws: Workspace) -> list:
        return [(layer.title, layer.source,
                 [({k: v for k, v in f.properties.items() if k not in ("id", "sources")},
                   f.geometry.wkb) for f in layer.features]) for layer in ws.layers()]
    return content(one) == content(other)


def test_a_gpkg_export_is_a_workspace_copy_that_imports_back(filled, tmp_path):
    copy = tmp_path / "exported.gpkg"
    filled.export_gpkg(copy)
    assert same_content(open_workspace(copy), filled)
    fresh = open_workspace(tmp_path / "fresh.gpkg")
    assert fresh.import_file(copy, "exported.gpkg") == ["my-villages"]
    assert same_content(fresh, filled)


def test_a_geojson_export_imports_back_with_new_ids_where_taken(filled):
    exported = filled.export_geojson()
    document = json.loads(exported)
    assert [f["properties"]["layer"] for f in document["features"]] == ["my-villages"] * 2
    assert filled.import_file(exported, "workspace.geojson") == ["my-villages-2"]
    first, second = filled.layers()
    assert [f.properties["id"] for f in second.features] == ["my-a-2", "my-b-2"]
    assert [f.properties["sources"] for f in second.features] == [["my-villages-2"]] * 2
    assert second.source == first.source and second.created == first.created


def test_a_csv_export_reads_back_as_an_upload_with_its_geometry(filled):
    upload = read_upload("workspace.csv", filled.export_csv())
    assert list(upload.frame["name"]) == ["Point A", "Area B"]
    assert list(upload.frame["date"]) == ["2022-09", ""]
    assert upload.frame.geometry.iloc[1].equals(Polygon([(45, 40), (45.2, 40), (45.2, 40.2)]))


def test_only_a_workspace_export_is_imported(ws, tmp_path):
    with pytest.raises(WorkspaceError, match="is not a workspace export; upload it"):
        ws.import_file(b'{"type": "FeatureCollection", "features": []}', "other.geojson")
    with pytest.raises(WorkspaceError, match="is a GeoPackage, but not a workspace"):
        import geopandas as gpd

        path = tmp_path / "roads.gpkg"
        pyogrio.write_dataframe(gpd.GeoDataFrame(geometry=[Point(45, 40)], crs=4326), path)
        ws.import_file(path, "roads.gpkg")
    with pytest.raises(WorkspaceError, match="imported from the .gpkg or .geojson"):
        ws.import_file(b"a,b\n", "table.csv")
    assert ws.revision() == 0


# --- what the briefer typed, and the catalog ------------------------------------------------


def test_script_payloads_are_stored_as_typed(ws):
    payload_layer = ws.create_layer(PAYLOADS[0], user_source(PAYLOADS[1], said=PAYLOADS[2]))
    ws.add_features(payload_layer, [
        (props(f"my-{i}", payload_layer, name=text, description=text), Point(45, 40))
        for i, text in enumerate(PAYLOADS)])
    (stored,) = ws.layers()
    assert stored.title == PAYLOADS[0]
    assert stored.source["name"].endswith(PAYLOADS[1]) and stored.source["said"] == PAYLOADS[2]
    assert [f.properties["name"] for f in stored.features] == list(PAYLOADS)
    frame = pyogrio.read_dataframe(ws.path, layer=payload_layer)
    assert list(frame["description"]) == list(PAYLOADS)


def test_the_users_layers_join_the_catalog_as_my_layers(filled, layer, catalog: Catalog):
    merged = with_user_layers(catalog, filled.layers(), filled.path)
    assert merged.layers[:len(catalog.layers)] == catalog.layers
    mine = merged.layer(layer)
    assert (mine.group, mine.title, is_user_layer(mine)) == (USER_GROUP, "Villages", True)
    assert not any(is_user_layer(shipped) for shipped in catalog.layers)
    assert merged.feature("my-a").properties["name"] == "Point A"
    assert merged.search("Point A")[0] == "my-a"
    assert merged.sources[layer]["kind"] == "user" and merged.files[layer] == filled.path
    assert [validate_properties(p, layer.id) for layer, p, _ in merged.features
            if is_user_layer(layer)] == [[], []]


def test_user_ids_and_colour_are_none_of_the_shipped_ones():
    shipped = load_catalog()
    ids = [p["id"] for _, p, _ in shipped.features] + [layer.id for layer in shipped.layers]
    assert not [ident for ident in [*ids, *shipped.sources] if ident.startswith("my-")]
    registry = json.loads((ROOT / "geodata" / "layers.json").read_text(encoding="utf-8"))
    colours = {style.get(key, "").lower() for entry in registry["layers"]
               for style in [entry["style"], *entry.get("categories", {}).values()]
               for key in ("color", "fill")}
    assert USER_STYLE["color"].lower() not in colours


def test_an_upload_lands_as_one_layer_with_its_features_or_not_at_all(ws):
    """`add_layer` makes the layer and its features in one transaction: a bad feature leaves
    no empty layer behind."""
    layer_id, ids = ws.add_layer("Checkpoints", user_source("checkpoints.csv"),
                                 lambda lid: [(props("my-c", lid), Point(45, 40))])
    assert layer_id == "my-checkpoints" and ids == ["my-c"]
    before = ws.revision()
    with pytest.raises(InvalidFeaturesError):
        ws.add_layer("Broken", user_source("broken.csv"),
                     lambda lid: [(props("my-d", lid, category="nation"), Point(45, 40))])
    assert ws.revision() == before and [lay.id for lay in ws.layers()] == ["my-checkpoints"]


def test_a_user_feature_cannot_borrow_the_shipped_datas_authority(ws, layer):
    """Not a town or one side's claim, no registered statement, no second source of ours: what
    a briefer adds is a point, a line or an area resting on their own source."""
    for bad in (props("my-t", layer, category="town"),
                props("my-c", layer, claims=[{"date": "2022-09-13", "words": "x",
                                              "statement": "armenia-mod-2022-09-13"}]),
                props("my-s", layer, sources=[layer, "naturalearth-admin0"])):
        with pytest.raises(InvalidFeaturesError):
            ws.add_features(layer, [(bad, Point(45, 40))])
    assert ws.layers()[0].features == ()
