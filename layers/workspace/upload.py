"""Files a briefer uploads, read with GDAL (pyogrio) and turned into schema-valid features.

Two steps, so the page can ask in between: `read_upload` reads the file (GeoJSON, KML, a
GeoPackage's layer, a zipped Shapefile, CSV with latitude/longitude or WKT), reprojects it to
WGS84, repairs what `shapely.make_valid` can and leaves out, by row and name, what it cannot;
`suggest_mapping` guesses which columns hold the name, the description and the date, the briefer
confirms or changes it, and `to_features` makes the properties the shipped features have.

What the file does not say is never made up: a feature without a name is "Feature <row>", one
without a description says which file and row it came from, precision is `approximate` with a
derivation saying nobody checked it, and a date the schema cannot read is left out and reported,
never guessed. Every string is kept as given (escaping is each renderer's job); nothing is
evaluated. Web addresses are the one exception: the schema holds none in properties (the only
addresses on the map are the article's references and the datasets' pages, which we checked), so
each is cut out of the text and the report says where.
"""

from __future__ import annotations

import datetime
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import (
    CRSError,
    DataLayerError,
    DataSourceError,
    FeatureError,
    FieldError,
    GeometryError,
)
from pyproj.exceptions import CRSError as PyprojCRSError
from shapely.geometry.base import BaseGeometry

from layers.data.catalog import CRS, geometry_kind
from layers.data.schema import date_span
from layers.workspace.store import USER_PREFIX, slug

MEGABYTE = 1024 * 1024
MAX_BYTES = 20 * MEGABYTE
"""The largest file read (and, for a zip, the most it may unpack to): a briefing's own layer
is a few places and lines, and a larger file would stall the page for everyone."""
MAX_FEATURES = 20_000
"""The most features one upload may hold, for the same reason."""

FORMATS: dict[str, tuple[str, frozenset[str]]] = {
    ".geojson": ("GeoJSON", frozenset({"GeoJSON"})),
    ".json": ("GeoJSON", frozenset({"GeoJSON"})),
    ".kml": ("KML", frozenset({"LIBKML", "KML"})),
    ".gpkg": ("GeoPackage", frozenset({"GPKG"})),
    ".zip": ("zipped Shapefile", frozenset({"ESRI Shapefile"})),
    ".csv": ("CSV", frozenset({"CSV"})),
}
"""Each extension read, what it is called in messages, and the GDAL drivers that may open it: a
file whose content GDAL opens with another driver (a VRT named .geojson, which could read other
files on the server) is refused before any feature is read."""

LATITUDE_COLUMNS = ("lat", "latitude", "y")
LONGITUDE_COLUMNS = ("lon", "lng", "long", "longitude", "x")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
"""CSV headers (compared in lower case) that hold coordinates or a WKT geometry."""
NAME_COLUMNS = ("name", "title", "label")
DESCRIPTION_COLUMNS = ("description", "desc", "notes", "note", "comment", "comments")
DATE_COLUMNS = ("date", "day", "when", "timestamp")
"""Headers `suggest_mapping` takes for the name, the description and the date."""

CATEGORY_BY_KIND = {"point": "place", "line": "line", "area": "area"}
"""A user's feature's category, from its geometry: neutral words, since the file does not say
whether a point is a town or a checkpoint (`layers.data.schema.CATEGORIES`)."""
PRECISION = "approximate"
URL = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
"""A web address to its end (the schema's `URL_PATTERN` finds where one starts)."""
URL_REMOVED = "(web address removed)"


class UploadError(Exception):
    """A file that cannot be read or is too large; the message says so in words for people."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file's features as read: WGS84, valid, each with a geometry."""

    file_name: str
    frame: gpd.GeoDataFrame
    """Kept rows only, indexed by their row number in the file (1 for the first), in EPSG:4326."""
    columns: tuple[str, ...]
    """The file's attribute columns, named as the file names them."""
    layer: str | None
    """The layer read, for files that hold several (a GeoPackage, a KML's folders)."""
    layers: tuple[str, ...]
    """Every layer the file holds, so the page can offer the others."""
    notes: tuple[str, ...]
    """What was repaired or left out, by row and name, for the briefer."""


@dataclass(frozen=True)
class Mapping:
    """Which column holds each property (None: none does, so the fallback is used)."""

    name: str | None = None
    description: str | None = None
    date: str | None = None


def read_upload(file_name: str, data: bytes, layer: str | None = None) -> Upload:
    """Read an uploaded file: `layer` picks one of a multi-layer file's `layers` (default the
    first). UploadError for an unknown extension, an empty or oversized file, too many
    features, a zip without a Shapefile, unreadable bytes, coordinates that are not
    longitude/latitude and cannot be made so, or no usable geometry at all."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise UploadError(f"{file_name}: files ending {suffix or 'without an extension'} cannot "
                          f"be read; upload one of {known} (a Shapefile as a .zip)")
    kind, drivers = FORMATS[suffix]
    if not data:
        raise UploadError(f"{file_name} is empty")
    if len(data) > MAX_BYTES:
        raise UploadError(f"{file_name} is {len(data) / MEGABYTE:.1f} MB; files up to "
                          f"{MAX_BYTES / MEGABYTE:g} MB can be uploaded")
    _check_content(file_name, suffix, data)
    offline()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        dataset = _shapefile_in_zip(path, file_name) if suffix == ".zip" else str(path)
        try:
            names = tuple(str(name) for name, _ in pyogrio.list_layers(dataset))
            chosen = layer if layer is not None else (names[0] if names else None)
            if chosen is None:
                raise UploadError(f"{file_name} holds no features")
            if chosen not in names:
                raise UploadError(f"{file_name} has no layer {chosen!r}; it has "
                                  f"{', '.join(names)}")
            info = pyogrio.read_info(dataset, layer=chosen)
            if info["driver"] not in drivers:
                raise UploadError(f"{file_name} is not {kind} inside (GDAL reads it as "
                                  f"{info['driver']})")
            _check_count(file_name, info["features"])
            if suffix == ".csv":
                frame = _csv_frame(dataset, chosen, file_name)
            else:
                frame = pyogrio.read_dataframe(dataset, layer=chosen, force_2d=True,
                                               on_invalid="ignore")
        except (DataSourceError, DataLayerError, FieldError, FeatureError, GeometryError,
                UnicodeDecodeError, NotImplementedError, ValueError):
            raise UploadError(f"{file_name} could not be read as {kind} (damaged, or another "
                              "kind of file)") from None
    _check_count(file_name, len(frame))
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    try:
        frame = _in_wgs84(frame, file_name)
    except (CRSError, PyprojCRSError, ValueError):
        raise UploadError(f"{file_name} declares a coordinate system that cannot be turned "
                          "into longitude/latitude") from None
    columns = tuple(str(column) for column in frame.columns if column != frame.geometry.name)
    frame, notes = _usable(frame, suggest_mapping(columns).name, file_name)
    return Upload(file_name, frame, columns, chosen if len(names) > 1 else None, names,
                  tuple(notes))


def suggest_mapping(columns: Sequence[str]) -> Mapping:
    """Which columns look like the name, the description and the date (`Name`, `title`,
    `Description`, `notes`, `date`…, compared in lower case); failing a name column, the first
    whose header contains "name". A guess for the page to show, never applied unasked."""
    def first(candidates: Sequence[str]) -> str | None:
        return next((column for column in columns if column.strip().lower() in candidates), None)

    name = first(NAME_COLUMNS) or next(
        (column for column in columns if "name" in column.lower()), None)
    return Mapping(name=name, description=first(DESCRIPTION_COLUMNS), date=first(DATE_COLUMNS))


def to_features(upload: Upload, mapping: Mapping, source_id: str
                ) -> tuple[list[tuple[dict, BaseGeometry]], list[str]]:
    """The upload's features with schema-valid properties, citing `source_id` (the layer they
    go into, `layers.workspace.store`), and the report for the briefer: the upload's notes, then
    every date left out, web address removed and column not kept.

    Ids are `my-<file name words>-<row>`; the workspace numbers any that are taken.
    """
    for column in (mapping.name, mapping.description, mapping.date):
        if column is not None and column not in upload.columns:
            raise UploadError(f"{upload.file_name} has no column {column!r}")
    file_name = upload.file_name
    stem = slug(Path(file_name).stem, "upload")
    report = list(upload.notes)
    features = []
    for row, record in upload.frame.iterrows():
        geometry = record[upload.frame.geometry.name]
        name = _text(record, mapping.name) or f"Feature {row}"
        props = {
            "id": f"{USER_PREFIX}{stem}-{row}",
            "name": name,
            "aliases": [],
            "category": CATEGORY_BY_KIND[geometry_kind(geometry)],
            "description": _text(record, mapping.description) or f"From {file_name}, row {row}.",
            "article": [],
            "citations": [],
            "sources": [source_id],
            "precision": PRECISION,
            "derivation": f"As uploaded by the user in {file_name}; not checked.",
        }
        removed = [key for key in ("name", "description", "derivation")
                   if URL.search(props[key])]
        for key in removed:
            props[key] = URL.sub(URL_REMOVED, props[key])
        where = f"row {row} ({props['name']})"  # as kept: a report never repeats an address
        for key in removed:
            report.append(f"{where}: a web address was taken out of its {key}; features on "
                          "this map hold none")
        date = _date(record, mapping.date)
        if date is not None and date_span(date) is None:
            report.append(f"{where}: the date {date!r} was left out: dates are written "
                          "YYYY-MM-DD, YYYY-MM or YYYY (or FROM/TO), and others are not guessed")
        elif date is not None:
            props["date"] = date
        features.append((props, geometry))
    used = {mapping.name, mapping.description, mapping.date}
    dropped = [column for column in upload.columns
               if column not in used and _has_values(upload.frame[column])]
    if dropped:
        report.append(f"Columns not kept (a feature here has no place for them): "
                      f"{', '.join(dropped)}")
    return features, report


NO_NETWORK = {"CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".cbm-no-network",
              "GDAL_HTTP_PROXY": "127.0.0.1:9", "GDAL_HTTP_TIMEOUT": "1",
              "GDAL_HTTP_MAX_RETRY": "0", "OGR_XLSX_HEADERS": "FORCE"}
"""GDAL options under which no file can make it fetch anything: no URL GDAL could be pointed
at by a dataset (a VRT's source, a WFS, `/vsicurl/`) has an extension it may fetch, and any
request would go to a closed local port. Set before every read."""
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml",
                   ".qmd")
"""What a zipped Shapefile may hold: its own parts and their side files, nothing GDAL would
open as another dataset (a .vrt pointing at other files)."""


def offline() -> None:
    """Keep GDAL off the network for the reads that follow (`NO_NETWORK`)."""
    pyogrio.set_gdal_config_options(NO_NETWORK)


def _check_content(file_name: str, suffix: str, data: bytes) -> None:
    """Refuse bytes that are not what their name says before GDAL opens them: GDAL picks a
    driver by content, and some drivers open other files or fetch URLs while they list layers
    (a VRT renamed .geojson names a file on the server; a WFS document an address)."""
    head = data[:4096].lstrip()
    start = head[:1]
    if suffix in (".geojson", ".json"):
        if start not in (b"{", b"["):
            raise UploadError(f"{file_name} is not GeoJSON (it does not start as JSON does)")
    elif suffix == ".kml":
        if not (head.startswith(b"<?xml") or head.startswith(b"<kml")) or b"<kml" not in head:
            raise UploadError(f"{file_name} is not KML (no <kml> element at its start)")
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UploadError(f"{file_name} declares a document type or entities, which KML "
                              "never needs; it is refused")
    elif suffix == ".gpkg":
        if not data.startswith(b"SQLite format 3\x00"):
            raise UploadError(f"{file_name} is not a GeoPackage (not an SQLite file)")
    elif suffix == ".csv" and start == b"<":
        raise UploadError(f"{file_name} is not CSV (it starts as markup does)")


def _shapefile_in_zip(path: Path, file_name: str) -> str:
    """The GDAL path of the Shapefile inside a zip, read in place (`/vsizip/`, nothing
    unpacked); UploadError for a zip that is not one, unpacks too large or has no .shp."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadError(f"{file_name} is not a zip archive") from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_BYTES:
        raise UploadError(f"{file_name} unpacks to {unpacked / MEGABYTE:.1f} MB; up to "
                          f"{MAX_BYTES / MEGABYTE:g} MB can be uploaded")
    foreign = [member.filename for member in members if not member.is_dir()
               and not member.filename.startswith("__MACOSX/")
               and Path(member.filename).suffix.lower() not in SHAPEFILE_PARTS]
    if foreign:
        raise UploadError(f"{file_name} holds more than a Shapefile ({', '.join(foreign[:3])}): "
                          "zip only the .shp with its .shx, .dbf and .prj")
    shapefiles = sorted(member.filename for member in members
                        if member.filename.lower().endswith(".shp")
                        and not member.filename.startswith("__MACOSX/"))
    if not shapefiles:
        raise UploadError(f"{file_name} holds no Shapefile (.shp): zip the .shp with its .shx, "
                          ".dbf and .prj")
    return f"/vsizip/{path}/{shapefiles[0]}"


def _check_count(file_name: str, count: int) -> None:
    if count == 0:
        raise UploadError(f"{file_name} holds no features")
    if count > MAX_FEATURES:
        raise UploadError(f"{file_name} holds {count:,} features; up to {MAX_FEATURES:,} can be "
                          "uploaded at once")


def _csv_frame(dataset: str, layer: str, file_name: str) -> gpd.GeoDataFrame:
    """A CSV's rows with points from its latitude and longitude columns, or geometries from its
    WKT column; every cell read as text, so no value is reinterpreted. A cell that is not a
    number (or not WKT) gives no geometry, reported by row like any missing geometry."""
    table = pyogrio.read_dataframe(dataset, layer=layer, read_geometry=False)

    def column(candidates: Sequence[str]) -> str | None:
        return next((c for c in table.columns if c.strip().lower() in candidates), None)

    latitude, longitude, wkt = (column(LATITUDE_COLUMNS), column(LONGITUDE_COLUMNS),
                                column(WKT_COLUMNS))
    if latitude and longitude:
        geometries = [_point(lon, lat) for lon, lat in zip(table[longitude], table[latitude],
                                                           strict=True)]
        used = [latitude, longitude]
    elif wkt:
        geometries = list(shapely.from_wkt(table[wkt].fillna("").str.strip(), on_invalid="ignore"))
        used = [wkt]
    else:
        raise UploadError(f"{file_name} has no coordinates: a CSV needs latitude and longitude "
                          f"columns ({'/'.join(LATITUDE_COLUMNS)} and "
                          f"{'/'.join(LONGITUDE_COLUMNS)}) or a WKT column "
                          f"({'/'.join(WKT_COLUMNS)}); its columns are "
                          f"{', '.join(map(str, table.columns))}")
    return gpd.GeoDataFrame(table.drop(columns=used), geometry=geometries, crs=None)


def _point(lon: object, lat: object) -> BaseGeometry | None:
    try:
        return shapely.Point(float(str(lon)), float(str(lat)))
    except ValueError:
        return None


def _in_wgs84(frame: gpd.GeoDataFrame, file_name: str) -> gpd.GeoDataFrame:
    """The frame in longitude/latitude: reprojected from the CRS the file declares, or taken as
    WGS84 when it declares none and every coordinate lies within longitude/latitude ranges."""
    if frame.crs is not None:
        frame = frame.to_crs(CRS)
    west, south, east, north = frame.geometry.dropna().total_bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        said = ("declares no coordinate system" if frame.crs is None
                else "has coordinates its coordinate system cannot hold")
        raise UploadError(f"{file_name} {said}, and its coordinates are not longitude/latitude "
                          "in degrees; save it with its coordinate system (for a Shapefile, "
                          "the .prj beside the .shp)")
    return frame.set_crs(CRS, allow_override=True)


def _usable(frame: gpd.GeoDataFrame, name_column: str | None, file_name: str
            ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The rows with a usable geometry, invalid ones repaired, and a note for each repair and
    each row left out (no geometry, or nothing left after repair)."""
    notes, keep, geometries = [], [], []
    for row, geometry in frame.geometry.items():
        label = _text(frame.loc[row], name_column) if name_column else ""
        where = f"row {row} ({label})" if label else f"row {row}"
        if geometry is None or geometry.is_empty:
            notes.append(f"{where}: left out: it has no geometry")
            continue
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
            if geometry.is_empty:
                notes.append(f"{where}: left out: its geometry is not valid ({reason}) and "
                             "nothing is left when it is repaired")
                continue
            notes.append(f"{where}: its geometry was not valid ({reason}) and was repaired")
        keep.append(row)
        geometries.append(geometry)
    if not keep:
        raise UploadError(f"{file_name}: none of its {len(frame):,} features has a usable "
                          "geometry")
    kept = frame.loc[keep].copy()
    kept[frame.geometry.name] = geometries
    return kept, notes


def _text(record: pd.Series, column: str | None) -> str:
    """A cell as text, as given; "" for a missing or blank one."""
    if column is None:
        return ""
    value = record[column]
    if isinstance(value, str):
        return value if value.strip() else ""
    return "" if _missing(value) else str(value)


def _date(record: pd.Series, column: str | None) -> str | None:
    """A date cell as the schema writes dates: a typed date or time (a GeoPackage DATETIME, a
    KML timestamp) gives its day; text is kept as written, stripped, for `date_span` to judge."""
    if column is None:
        return None
    value = record[column]
    if isinstance(value, datetime.date) and not _missing(value):  # a Timestamp is a datetime
        return value.strftime("%Y-%m-%d")
    text = _text(record, column).strip()
    return text or None


def _missing(value: object) -> bool:
    """None, NaN or NaT; False for any other value, a list field's list included."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _has_values(values: pd.Series) -> bool:
    return any(value.strip() if isinstance(value, str) else not _missing(value)
               for value in values)
