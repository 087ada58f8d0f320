"""The workspace: a briefer's own layers, kept in one GeoPackage file.

Why a GeoPackage: it is one file the briefer can copy, mail or open in QGIS, and GDAL reads it
(`pyogrio.list_layers`, `pyogrio.read_dataframe`) with each layer's geometry and columns.
Why written through SQLite here rather than by GDAL: every change is one transaction (a session
killed mid-write leaves the file as it was, and nothing rewrites the whole file), and writers of
two processes wait for each other (a busy timeout) instead of failing.

Why no spatial index: GDAL's R-tree triggers call `ST_IsEmpty`, `ST_MinX` and the like, SQL
functions plain sqlite3 lacks, so a file carrying them could not be written here. A workspace
holds at most a few uploads (20,000 features each, `layers.workspace.upload`) and the app reads it
whole, so it needs none; GDAL reads a GeoPackage without one.

The file:

  gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns   the GeoPackage 1.4 core
  cbm_meta       which application wrote it, and the workspace schema version
  cbm_revision   the workspace revision, bumped by every write: "the workspace as of revision N"
                 is what the app caches
  cbm_layers     one row per user layer: id, title, created, its source entry (JSON), revision
  cbm_features   every feature id with its layer, so ids are unique across the workspace
  "<layer id>"   one feature table per layer: fid, geom, id, name, category, description,
                 precision (readable in QGIS), properties (the whole JSON, the shipped features'
                 schema), revision (for optimistic concurrency: a change names the revision it
                 was made from, and loses to one made since)

A user layer is its own source: its source entry (`user_source`, kind `user`) is registered under
the layer's id, and each of its features lists that id in `sources`. Layer and feature ids start
with `my-`, which no shipped id does, so they never collide with the shipped geodata.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sqlite3
import struct
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyproj
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

import layers
from layers.data.catalog import USER_GROUP, Catalog, catalog_from_documents
from layers.data.schema import Problem, validate_properties
from layers.data.tables import spreadsheet_csv
from layers.data.validate import SOURCE_FIELDS, USER, geometry_problems

WORKSPACE_ENV = "CBM_WORKSPACE"
DEFAULT_PATH = layers.ROOT / "workspace" / "workspace.gpkg"
"""Beside the app, in a folder git ignores; `CBM_WORKSPACE` names another file."""
APPLICATION = "caucasus-briefing-map-workspace"
SCHEMA_VERSION = 1
"""The layout above. A file of a higher version was written by a newer app: it is refused, never
rewritten, so the newer app still finds its data."""
USER_PREFIX = "my-"
USER_STYLE = {"color": "#009E73", "weight": 3.0, "fill": "#009E73", "fillOpacity": 0.25,
              "radius": 7.0}
"""Okabe–Ito bluish green, the one colour of that palette no shipped layer uses
(geodata/layers.json), so a user's feature never looks like ours. Precision still draws its
dashes (layers.map)."""
BUSY_SECONDS = 30.0
"""How long a writer waits for another's transaction before giving up with a message."""

SRS_ID = 4326
_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION = 10400  # GeoPackage 1.4.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
"""GeoPackage binary header: the bytes of the envelope each envelope indicator announces."""
_CARRY_ON = "The map carries on with its own layers."

_CORE_TABLES = (
    """CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
        organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
        definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    "CREATE TABLE cbm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE cbm_revision (
        only INTEGER PRIMARY KEY CHECK (only = 1), revision INTEGER NOT NULL)""",
    """CREATE TABLE cbm_layers (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL, source TEXT NOT NULL,
        revision INTEGER NOT NULL)""",
    "CREATE TABLE cbm_features (id TEXT PRIMARY KEY, layer TEXT NOT NULL)",
)
_LAYERS_TABLE_SAYS = "The workspace's layers: title, when made, where they come from (JSON)."
"""`cbm_layers` is registered as an attributes table: QGIS shows it, and GDAL then lists only the
registered tables (its LIST_ALL_TABLES=AUTO rule), not our bookkeeping beside them."""
_LAYER_TABLE = """CREATE TABLE {table} (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY NOT NULL, id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL, category TEXT NOT NULL, description TEXT NOT NULL,
    precision TEXT NOT NULL, properties TEXT NOT NULL, revision INTEGER NOT NULL)"""


class WorkspaceError(Exception):
    """The workspace cannot be opened, or a change cannot be made; the message says why, in
    words for the briefer (the pages show it as it is)."""


class ConflictError(WorkspaceError):
    """Someone else changed or deleted the thing since it was read: their change stands, and
    this one was not made (reload, then make it again)."""


class InvalidFeaturesError(WorkspaceError):
    """Features that break the schema; none of the batch was written. `problems` lists each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


class UserFeature(NamedTuple):
    """One feature as stored: unpacks as `properties, geometry, revision`; the revision is what
    `update_feature` and `delete_feature` are given back."""

    properties: dict
    geometry: BaseGeometry
    revision: int


@dataclass(frozen=True)
class UserLayer:
    """One user layer as read in one transaction."""

    id: str
    title: str
    created: str
    """When it was made, ISO 8601 UTC."""
    source: dict
    """Its source entry (`user_source`), registered under the layer's id."""
    features: tuple[UserFeature, ...]
    revision: int
    """The workspace revision of its last change."""


def workspace_path() -> Path:
    """The workspace file: `CBM_WORKSPACE` when set, else `workspace/workspace.gpkg` beside the
    app. Read here only, so the whole app and its tests agree on one file."""
    return Path(os.environ.get(WORKSPACE_ENV) or DEFAULT_PATH)


DRAWN_BY_USER = "drawn by the user"


def user_source(file_name: str | None = None, said: str = "") -> dict:
    """A user layer's source entry: how it came ("uploaded by the user: villages.kml", or
    "drawn by the user") and, in `said`, what the briefer typed about where it comes from, as
    typed. Nothing in it has been checked by us, and the name says whose it is."""
    name = f"uploaded by the user: {file_name}" if file_name else DRAWN_BY_USER
    entry: dict = {"kind": USER, "name": name}
    if said.strip():
        entry["said"] = said
    return entry


def slug(text: str, fallback: str) -> str:
    """Lowercase ASCII words joined by hyphens (`Villages 2022` -> `villages-2022`), for ids made
    from titles and file names; `fallback` when nothing ASCII is left (an Armenian title)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))[:40].strip("-") or fallback


def open_workspace(path: Path | None = None) -> Workspace:
    """The workspace at `path` (default `workspace_path()`), created on first use.

    Raises WorkspaceError, saying which, for a file that is not SQLite or is damaged, for a
    GeoPackage (or SQLite database) that is not a workspace of this app, and for a workspace of
    a newer or unknown schema version. Such a file is never written: the app carries on with its
    own layers and the briefer's file stays as it was.
    """
    path = Path(path) if path is not None else workspace_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _check_file(path, path.name, create=True)
    return Workspace(path)


class Workspace:
    """One workspace file. Each call opens its own SQLite connection, so one Workspace serves
    every thread of a Streamlit server, and every write is one transaction."""

    def __init__(self, path: Path) -> None:
        """Use `open_workspace`, which checks (or creates) the file first."""
        self.path = path

    def revision(self) -> int:
        """The workspace revision: it changes with every write, by any session or process."""
        with self._reading() as db:
            return db.execute("SELECT revision FROM cbm_revision").fetchone()[0]

    def layers(self) -> list[UserLayer]:
        """Every user layer with its features, in the order they were made, as of one moment."""
        with self._reading() as db:
            rows = db.execute("SELECT id, title, created, source, revision FROM cbm_layers "
                              "ORDER BY rowid").fetchall()
            return [UserLayer(ident, title, created, json.loads(source),
                              tuple(_features(db, ident)), revision)
                    for ident, title, created, source, revision in rows]

    def create_layer(self, title: str, source: dict) -> str:
        """A new, empty layer; its id (`my-<title words>`, numbered when taken). `source` is its
        source entry (`user_source`); its features cite the returned id in `sources`."""
        title = _title(title)
        entry = _source_entry(source)
        with self._writing() as (db, revision):
            return _create_layer(db, title, entry, _now(), revision)

    def add_layer(self, title: str, source: dict,
                  features_for: Callable[[str], Iterable[tuple[dict, BaseGeometry]]]
                  ) -> tuple[str, list[str]]:
        """A new layer and its features in one transaction, so an upload lands whole or not at
        all (never an empty layer left by a failure in between). `features_for` is given the
        new layer's id, which its features cite in `sources`; returns the layer's id and the
        features'. InvalidFeaturesError, and nothing written, if any feature breaks a rule."""
        title = _title(title)
        entry = _source_entry(source)
        with self._writing() as (db, revision):
            layer_id = _create_layer(db, title, entry, _now(), revision)
            prepared = _prepared(layer_id, features_for(layer_id))
            ids = [_insert(db, layer_id, props, blob, revision) for props, blob in prepared]
        return layer_id, ids

    def rename_layer(self, layer_id: str, title: str, expected_revision: int | None = None
                     ) -> None:
        """Give a layer a new title (its id, in links, stays); with `expected_revision` (the
        layer's, as read), ConflictError if someone changed the layer since."""
        title = _title(title)
        with self._writing() as (db, revision):
            _require_layer(db, layer_id, expected_revision)
            db.execute("UPDATE cbm_layers SET title = ?, revision = ? WHERE id = ?",
                       (title, revision, layer_id))
            db.execute("UPDATE gpkg_contents SET description = ?, last_change = ? "
                       "WHERE table_name = ?", (title, _now(), layer_id))

    def delete_layer(self, layer_id: str, expected_revision: int | None = None) -> None:
        """Delete a layer and all its features; with `expected_revision` (the layer's, as read),
        ConflictError if someone added, changed or removed any of them since, so a delete never
        takes features its author did not see."""
        with self._writing() as (db, _):
            _require_layer(db, layer_id, expected_revision)
            db.execute(f"DROP TABLE {_quoted(layer_id)}")
            for table, column in (("cbm_features", "layer"), ("cbm_layers", "id"),
                                  ("gpkg_geometry_columns", "table_name"),
                                  ("gpkg_contents", "table_name")):
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (layer_id,))

    def add_features(self, layer_id: str,
                     features: Iterable[tuple[dict, BaseGeometry]]) -> list[str]:
        """Add features to a layer, all or none: InvalidFeaturesError lists every problem and
        nothing is written. Returns each feature's id, which is its own `id` (with `my-` put
        before it if missing) unless that is taken, then numbered (`my-goris-1-2`): two sessions
        adding the same upload at once both keep theirs."""
        prepared = _prepared(layer_id, features)
        with self._writing() as (db, revision):
            _require_layer(db, layer_id)
            ids = [_insert(db, layer_id, props, blob, revision) for props, blob in prepared]
            _touch(db, layer_id, revision)
        return ids

    def update_feature(self, feature_id: str, props: dict, geometry: BaseGeometry,
                       expected_revision: int) -> int:
        """Replace a feature's properties and geometry, if nobody changed it since it was read
        at `expected_revision`; else ConflictError, and the other change stands. Returns the
        feature's new revision."""
        if props.get("id") != feature_id:
            raise InvalidFeaturesError([Problem("workspace", feature_id, "id",
                                                f"must stay {feature_id!r}")])
        with self._writing() as (db, revision):
            layer_id, current = _current(db, feature_id, expected_revision)
            ((props, blob),) = _prepared(layer_id, [(props, geometry)])
            db.execute(f"UPDATE {_quoted(layer_id)} SET geom = ?, name = ?, category = ?, "
                       "description = ?, precision = ?, properties = ?, revision = ? WHERE id = ?",
                       (blob, *_readable(props), json.dumps(props, ensure_ascii=False),
                        revision, feature_id))
            _touch(db, layer_id, revision)
        return revision

    def delete_feature(self, feature_id: str, expected_revision: int) -> None:
        """Delete a feature, if nobody changed it since it was read at `expected_revision`;
        else ConflictError, and it stays as the other session left it."""
        with self._writing() as (db, revision):
            layer_id, _ = _current(db, feature_id, expected_revision)
            db.execute(f"DELETE FROM {_quoted(layer_id)} WHERE id = ?", (feature_id,))
            db.execute("DELETE FROM cbm_features WHERE id = ?", (feature_id,))
            _touch(db, layer_id, revision)

    def export_gpkg(self, dest: Path) -> None:
        """A consistent copy of the workspace at `dest` (SQLite's backup API, so a write in
        progress elsewhere is either wholly in it or not at all), written beside `dest` and
        moved into place, so a half-written copy never stands under its name."""
        dest = Path(dest)
        with tempfile.NamedTemporaryFile(dir=dest.parent, suffix=".gpkg", delete=False) as tmp:
            partial = Path(tmp.name)
        try:
            with closing(self._connect()) as db, closing(sqlite3.connect(partial)) as copy:
                db.backup(copy)
            os.replace(partial, dest)
        finally:
            partial.unlink(missing_ok=True)

    def export_geojson(self) -> bytes:
        """Every user feature as one RFC 7946 FeatureCollection, its properties plus `layer`
        (the layer id); the layers' titles and sources ride in a `cbm_workspace` member, so
        `import_file` can rebuild the layers from it."""
        user_layers = self.layers()
        document = {
            "type": "FeatureCollection",
            "cbm_workspace": {
                "application": APPLICATION, "schema_version": SCHEMA_VERSION,
                "layers": [{"id": layer.id, "title": layer.title, "created": layer.created,
                            "source": layer.source} for layer in user_layers]},
            "features": [{"type": "Feature", "properties": {**props, "layer": layer.id},
                          "geometry": mapping(geometry)}
                         for layer in user_layers for props, geometry, _ in layer.features],
        }
        return json.dumps(document, ensure_ascii=False).encode("utf-8")

    def export_csv(self) -> bytes:
        """Every user feature as a spreadsheet row, its geometry as WKT in a `wkt` column (which
        `layers.workspace.upload` reads back), text that starts like a formula quoted
        (`layers.data.tables.spreadsheet_csv`)."""
        rows = [{"layer": layer.id, "layer_title": layer.title, "id": props["id"],
                 "name": props["name"], "category": props["category"],
                 "precision": props["precision"], "date": props.get("date", ""),
                 "description": props["description"], "sources": "; ".join(props["sources"]),
                 "wkt": geometry.wkt}
                for layer in self.layers() for props, geometry, _ in layer.features]
        columns = ["layer", "layer_title", "id", "name", "category", "precision", "date",
                   "description", "sources", "wkt"]
        return spreadsheet_csv(pd.DataFrame(rows, columns=columns))

    def import_file(self, data: Path | str | bytes, name: str) -> list[str]:
        """Add the layers of a workspace .gpkg or of a GeoJSON `export_geojson` wrote, in one
        transaction; the new layers' ids (numbered where an id is taken, as are feature ids).
        Any other file is refused: a plain GeoJSON or GeoPackage is uploaded as a layer
        (`layers.workspace.upload`), which maps its columns to the schema."""
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()
        suffix = Path(name).suffix.lower()
        if suffix == ".gpkg":
            incoming = _gpkg_layers(raw, name)
        elif suffix in (".geojson", ".json"):
            incoming = _geojson_layers(raw, name)
        else:
            raise WorkspaceError(f"{name}: a workspace is imported from the .gpkg or .geojson "
                                 "file it was exported as")
        prepared = [(layer, _prepared(layer.id, [(f.properties, f.geometry)
                                                 for f in layer.features]))
                    for layer in incoming]
        with self._writing() as (db, revision):
            ids = []
            for layer, features in prepared:
                ident = _create_layer(db, _title(layer.title), _source_entry(layer.source),
                                      layer.created, revision)
                for props, blob in features:
                    sources = [ident if source == layer.id else source
                               for source in props["sources"]]
                    _insert(db, ident, {**props, "sources": sources}, blob, revision)
                ids.append(ident)
        return ids

    def _connect(self) -> sqlite3.Connection:
        """A connection that waits BUSY_SECONDS for another writer, in autocommit mode so the
        transactions are the ones `_reading` and `_writing` open."""
        return sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: everything read inside sees one moment of the file."""
        with closing(self._connect()) as db:
            try:
                db.execute("BEGIN")
                yield db
            except sqlite3.Error as error:
                raise WorkspaceError(f"the workspace could not be read: {error}") from error
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")

    @contextmanager
    def _writing(self) -> Iterator[tuple[sqlite3.Connection, int]]:
        """One write transaction, with the workspace revision it makes: committed whole when the
        block ends, rolled back whole on any exception (or if the process dies)."""
        with closing(self._connect()) as db:
            try:
                db.execute("BEGIN IMMEDIATE")
                revision = db.execute("SELECT revision FROM cbm_revision").fetchone()[0] + 1
                db.execute("UPDATE cbm_revision SET revision = ?", (revision,))
                yield db, revision
                db.execute("COMMIT")
            except sqlite3.Error as error:
                raise WorkspaceError(f"the workspace could not be written: {error}") from error
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")


def user_catalog(workspace_layers: Sequence[UserLayer], workspace_file: Path) -> Catalog:
    """The user's layers as a Catalog, built by `catalog_from_documents` like the shipped one,
    so search, cards and the Data page see the same kind of layers. Every layer's file is the
    workspace; each layer's source entry is registered under the layer's id."""
    documents = {f"{layer.id}.geojson": {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": props, "geometry": mapping(geometry)}
                     for props, geometry, _ in layer.features]} for layer in workspace_layers}
    catalog = catalog_from_documents(
        {"layers": [{"id": layer.id, "file": f"{layer.id}.geojson", "title": layer.title,
                     "group": USER_GROUP, "visible": True,
                     "legend": f"{layer.title} (added by you)",
                     "style": USER_STYLE} for layer in workspace_layers]},
        {"sources": [{**layer.source, "id": layer.id} for layer in workspace_layers]},
        documents.__getitem__, workspace_file.parent)
    return Catalog(layers=catalog.layers, sources=catalog.sources,
                   files={layer.id: workspace_file for layer in catalog.layers},
                   features=catalog.features)


def with_user_layers(catalog: Catalog, workspace_layers: Sequence[UserLayer],
                     workspace_file: Path) -> Catalog:
    """The shipped catalog with the user's layers after its own: layers, features, files and
    sources together, so everything that works on a Catalog works on the user's features."""
    mine = user_catalog(workspace_layers, workspace_file)
    return Catalog(layers=catalog.layers + mine.layers,
                   sources={**catalog.sources, **mine.sources},
                   files={**catalog.files, **mine.files},
                   features=catalog.features + mine.features,
                   search_terms=catalog.search_terms)


# --- opening ---------------------------------------------------------------------------------


def _check_file(path: Path, shown: str, create: bool) -> None:
    """Raise WorkspaceError unless `path` is a workspace this app reads; with `create`, make a
    missing or empty file one. `shown` names the file in messages."""
    size = path.stat().st_size if path.exists() else 0
    if size == 0 and not create:
        raise WorkspaceError(f"{shown} is empty")
    if size:
        with path.open("rb") as file:
            if file.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                raise WorkspaceError(f"{shown} is not a workspace: it is not a GeoPackage nor any "
                                     f"SQLite database (damaged, or another kind of file). "
                                     f"{_CARRY_ON}")
    try:
        with closing(sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(verdict)
            tables = _tables(db)
            if not tables and create:
                _create_workspace(db)
            else:
                _check_ours(db, tables, shown)
    except sqlite3.DatabaseError as error:
        raise WorkspaceError(f"{shown} is damaged (SQLite says: {error}). {_CARRY_ON} A copy "
                             "exported earlier can be imported into a new workspace.") from None


def _tables(db: sqlite3.Connection) -> set[str]:
    return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _check_ours(db: sqlite3.Connection, tables: set[str], shown: str) -> None:
    if "gpkg_contents" not in tables:
        raise WorkspaceError(f"{shown} is an SQLite database but not a GeoPackage, so not a "
                             f"workspace; it is left as it is. {_CARRY_ON}")
    meta = dict(db.execute("SELECT key, value FROM cbm_meta").fetchall()
                ) if "cbm_meta" in tables else {}
    if meta.get("application") != APPLICATION:
        raise WorkspaceError(f"{shown} is a GeoPackage, but not a workspace of this app (another "
                             f"program wrote it); it is left as it is. {_CARRY_ON} Upload it "
                             "to add its layers.")
    version = meta.get("schema_version", "")
    if not version.isdigit():
        raise WorkspaceError(f"{shown} has a workspace schema version this app does not know "
                             f"({version!r}); it is left as it is. {_CARRY_ON}")
    if int(version) > SCHEMA_VERSION:
        raise WorkspaceError(f"{shown} was written by a newer version of the app (workspace "
                             f"schema {version}; this one reads up to {SCHEMA_VERSION}); it is "
                             f"left as it is. {_CARRY_ON}")


def _create_workspace(db: sqlite3.Connection) -> None:
    """The GeoPackage core and our tables, in one transaction; a second process creating the
    same file at the same moment waits, then finds it made."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if _tables(db):
            return
        db.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
        for statement in _CORE_TABLES:
            db.execute(statement)
        wgs84 = pyproj.CRS.from_epsg(SRS_ID).to_wkt("WKT1_GDAL")
        db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", [
            ("WGS 84 geodetic", SRS_ID, "EPSG", SRS_ID, wgs84,
             "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined",
             "undefined cartesian coordinate reference system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined",
             "undefined geographic coordinate reference system")])
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
                   "VALUES ('cbm_layers', 'attributes', 'cbm_layers', ?)", (_LAYERS_TABLE_SAYS,))
        db.executemany("INSERT INTO cbm_meta VALUES (?, ?)",
                       [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION))])
        db.execute("INSERT INTO cbm_revision VALUES (1, 0)")
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")


# --- writing ---------------------------------------------------------------------------------


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _quoted(table: str) -> str:
    """A layer id as an SQL identifier; ids are `[a-z0-9-]+`, so quoting is all it needs."""
    return f'"{table}"'


def _title(title: object) -> str:
    if not isinstance(title, str) or not title.strip():
        raise WorkspaceError("a layer needs a title")
    return title


USER_CATEGORIES = ("place", "line", "area")
"""What a briefer's feature may be: a point, a line or an area, never one of our kinds (a
town, a claim by one side), which would borrow the shipped data's authority."""
OURS_ONLY = ("claims", "counter_claims", "supports", "gazetteer")
USER_SOURCE_KEYS = ("kind", "name", "said")
"""All a user source holds: how it came, and what the briefer typed about it."""


def _source_entry(source: object) -> dict:
    """A layer's source entry, checked as `layers.data.validate` checks a `user` source and
    reduced to `USER_SOURCE_KEYS` (an imported file cannot pass itself off as a statement or a
    dataset of ours)."""
    if not isinstance(source, dict) or source.get("kind") != USER:
        raise WorkspaceError(f'a user layer\'s source is {{"kind": "{USER}", ...}} '
                             "(layers.workspace.store.user_source)")
    for key, kind in SOURCE_FIELDS[USER].items():
        if not isinstance(source.get(key), kind) or not source[key]:
            raise WorkspaceError(f"a user layer's source needs {key!r}")
    if "said" in source and not isinstance(source["said"], str):
        raise WorkspaceError("a user layer's source says where it comes from in words (text)")
    return {key: source[key] for key in USER_SOURCE_KEYS if key in source}


def _free_id(wanted: str, taken: Callable[[str], bool]) -> str:
    """`wanted` if free, else the first free `wanted-2`, `wanted-3`, …"""
    ident, n = wanted, 1
    while taken(ident):
        n += 1
        ident = f"{wanted}-{n}"
    return ident


def _create_layer(db: sqlite3.Connection, title: str, source: dict, created: str,
                  revision: int) -> str:
    def taken(ident: str) -> bool:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name = ? UNION "
                          "SELECT 1 FROM cbm_layers WHERE id = ?", (ident, ident)).fetchone() \
            is not None

    ident = _free_id(USER_PREFIX + slug(title, "layer"), taken)
    db.execute(_LAYER_TABLE.format(table=_quoted(ident)))
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
               "last_change, srs_id) VALUES (?, 'features', ?, ?, ?, ?)",
               (ident, ident, title, _now(), SRS_ID))
    db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)",
               (ident, SRS_ID))
    db.execute("INSERT INTO cbm_layers VALUES (?, ?, ?, ?, ?)",
               (ident, title, created, json.dumps(source, ensure_ascii=False), revision))
    return ident


def _require_layer(db: sqlite3.Connection, layer_id: str,
                   expected_revision: int | None = None) -> None:
    row = db.execute("SELECT title, revision FROM cbm_layers WHERE id = ?", (layer_id,)).fetchone()
    if row is None:
        raise ConflictError(f"layer {layer_id} is not in the workspace (deleted since?)")
    if expected_revision is not None and row[1] != expected_revision:
        raise ConflictError(f"the layer {row[0]} ({layer_id}) was changed by someone else since "
                            "you opened it; nothing was done: reload it and try again")


def _touch(db: sqlite3.Connection, layer_id: str, revision: int) -> None:
    """Mark a layer changed at this revision, for the app and for GDAL's `last_change`."""
    db.execute("UPDATE cbm_layers SET revision = ? WHERE id = ?", (revision, layer_id))
    db.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?",
               (_now(), layer_id))


def _current(db: sqlite3.Connection, feature_id: str, expected: int) -> tuple[str, int]:
    """The feature's layer and revision, which must be `expected`; else ConflictError."""
    row = db.execute("SELECT layer FROM cbm_features WHERE id = ?", (feature_id,)).fetchone()
    if row is None:
        raise ConflictError(f"{feature_id} was deleted since you opened it")
    layer_id = row[0]
    name, current = db.execute(f"SELECT name, revision FROM {_quoted(layer_id)} WHERE id = ?",
                               (feature_id,)).fetchone()
    if current != expected:
        raise ConflictError(f"{name} ({feature_id}) was changed by someone else since you opened "
                            f"it (revision {expected}, now {current}); their change stands: "
                            "reload it and make yours again")
    return layer_id, current


def _prepared(layer_id: str, features: Iterable[tuple[dict, BaseGeometry]]
              ) -> list[tuple[dict, bytes]]:
    """Each feature checked (the schema, the geometry, its layer's source) and its geometry
    encoded, before any transaction begins; InvalidFeaturesError with every problem found."""
    prepared, problems = [], []
    for props, geometry in features:
        found = validate_properties(props, layer_id)
        ident = props.get("id") if isinstance(props.get("id"), str) else None
        found.extend(Problem(layer_id, ident, "geometry", message)
                     for message in geometry_problems(geometry))
        if props.get("sources") != [layer_id]:
            found.append(Problem(layer_id, ident, "sources",
                                 f"must be its layer's source alone, [{layer_id!r}]"))
        if props.get("category") not in USER_CATEGORIES:
            found.append(Problem(layer_id, ident, "category",
                                 f"is one of {', '.join(USER_CATEGORIES)} for a user feature"))
        found.extend(Problem(layer_id, ident, key, "is for the shipped data's registered "
                             "statements and gazetteers, not a user feature")
                     for key in OURS_ONLY if key in props)
        problems.extend(found)
        if not found:
            prepared.append((props, _encode_geometry(geometry)))
    if problems:
        raise InvalidFeaturesError(problems)
    return prepared


def _readable(props: dict) -> tuple[str, str, str, str]:
    """The columns QGIS shows beside the JSON: name, category, description, precision."""
    return props["name"], props["category"], props["description"], props["precision"]


def _insert(db: sqlite3.Connection, layer_id: str, props: dict, blob: bytes,
            revision: int) -> str:
    """Insert one feature under a free id (its own, `my-` first, numbered when taken), at the
    workspace revision of its transaction: a feature deleted and made again under the same id
    has a newer revision, so an edit of the old one is refused, not applied to the new."""
    def taken(ident: str) -> bool:
        return db.execute("SELECT 1 FROM cbm_features WHERE id = ?", (ident,)).fetchone() \
            is not None

    wanted = props["id"] if props["id"].startswith(USER_PREFIX) else USER_PREFIX + props["id"]
    ident = _free_id(wanted, taken)
    props = {**props, "id": ident}
    db.execute("INSERT INTO cbm_features VALUES (?, ?)", (ident, layer_id))
    db.execute(f"INSERT INTO {_quoted(layer_id)} (geom, id, name, category, description, "
               "precision, properties, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (blob, ident, *_readable(props), json.dumps(props, ensure_ascii=False),
                revision))
    return ident


def _features(db: sqlite3.Connection, layer_id: str) -> Iterator[UserFeature]:
    for props, blob, revision in db.execute(
            f"SELECT properties, geom, revision FROM {_quoted(layer_id)} ORDER BY fid"):
        yield UserFeature(json.loads(props), _decode_geometry(blob), revision)


def _encode_geometry(geometry: BaseGeometry) -> bytes:
    """A GeoPackage geometry blob: the `GP` header (version 0, little-endian, SRS 4326, an xy
    envelope except for points) and ISO WKB, in two dimensions as the map draws."""
    flat = shapely.force_2d(geometry)
    if flat.geom_type == "Point":
        header = struct.pack("<2sBBi", b"GP", 0, 0b001, SRS_ID)
    else:
        west, south, east, north = flat.bounds
        header = struct.pack("<2sBBi4d", b"GP", 0, 0b011, SRS_ID, west, east, south, north)
    return header + shapely.to_wkb(flat, byte_order=1, flavor="iso")


def _decode_geometry(blob: bytes) -> BaseGeometry:
    """The shapely geometry of a GeoPackage blob (any envelope, either byte order)."""
    envelope = _ENVELOPE_BYTES.get((blob[3] >> 1) & 0b111) if blob[:2] == b"GP" else None
    if envelope is None:
        raise WorkspaceError("the workspace holds a geometry that is not a GeoPackage blob")
    return shapely.from_wkb(bytes(blob[8 + envelope:]))


# --- importing -------------------------------------------------------------------------------


def _gpkg_layers(raw: bytes, name: str) -> list[UserLayer]:
    """The layers of a workspace file someone exported, checked as `open_workspace` checks."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.gpkg"
        path.write_bytes(raw)
        _check_file(path, name, create=False)
        return Workspace(path).layers()


def _geojson_layers(raw: bytes, name: str) -> list[UserLayer]:
    """The layers of a GeoJSON `export_geojson` wrote; WorkspaceError for any other."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WorkspaceError(f"{name} is not GeoJSON (not UTF-8 JSON text)") from None
    header = document.get("cbm_workspace") if isinstance(document, dict) else None
    if not isinstance(header, dict) or header.get("application") != APPLICATION:
        raise WorkspaceError(f"{name} is not a workspace export; upload it to add it as a layer")
    if not isinstance(header.get("schema_version"), int) or (
            header["schema_version"] > SCHEMA_VERSION):
        raise WorkspaceError(f"{name} was exported by a newer version of the app")
    grouped: dict[str, list[UserFeature]] = {}
    try:
        listed = [(entry["id"], entry["title"], entry["created"], entry["source"])
                  for entry in header["layers"]]
        grouped = {ident: [] for ident, *_ in listed}
        for feature in document["features"]:
            props = dict(feature["properties"])
            grouped[props.pop("layer")].append(UserFeature(props, shape(feature["geometry"]), 1))
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.ShapelyError) as error:
        raise WorkspaceError(f"{name} is a damaged workspace export ({error!r})") from None
    return [UserLayer(ident, title, created, _source_entry(source), tuple(grouped[ident]), 0)
            for ident, title, created, source in listed]
