"""Uploads (`layers/workspace/upload.py`): a briefer's file read with GDAL into features the map
can show, with a report of everything changed or left out.

Each format's fixture is written here, in the test, so what a test reads is what it made: GDAL
writes GeoJSON, GeoPackage and Shapefile; the KML is written by hand as a briefer's tool would;
CSVs are plain text. Coordinates are made up for the tests (around 45° E, 40° N).
"""

from __future__ import annotations

import contextlib
import datetime
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

from layers.data.schema import validate_properties
from layers.workspace import upload
from layers.workspace.store import open_workspace, user_source
from layers.workspace.upload import (
    Mapping,
    UploadError,
    offline,
    read_upload,
    suggest_mapping,
    to_features,
)

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ x }}", "{% x %}")
BOW_TIE = Polygon([(45, 40), (45.2, 40.2), (45.2, 40), (45, 40.2)])
"""A polygon whose outline crosses itself: invalid, repaired into two triangles."""


def frame(crs: int | None = 4326, **columns: list) -> gpd.GeoDataFrame:
    """Three test features: a point, a line and an area."""
    geometries = [Point(45.1, 40.2), LineString([(45, 40), (45.5, 40.5)]),
                  Polygon([(45, 40), (45.2, 40), (45.2, 40.2)])]
    data = columns or {"name": ["Hill", "Track", "Field"]}
    return gpd.GeoDataFrame(data, geometry=geometries, crs=crs)


def points(crs: int | None = 4326) -> gpd.GeoDataFrame:
    """Two test points, for a Shapefile (one geometry type a file)."""
    return gpd.GeoDataFrame({"name": ["Hill", "Well"]},
                            geometry=[Point(45.1, 40.2), Point(45.3, 40.1)], crs=crs)


def written(gdf: gpd.GeoDataFrame, path: Path, **options: object) -> bytes:
    pyogrio.write_dataframe(gdf, path, **options)
    return path.read_bytes()


def zipped(folder: Path, stem: str, name: str = "upload.zip") -> bytes:
    """A Shapefile's parts zipped, as a briefer sends one."""
    archive = folder / name
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped_file:
        for part in sorted(folder.glob(f"{stem}.*")):
            if part != archive:  # not the archive into itself
                zipped_file.write(part, part.name)
    return archive.read_bytes()


# --- each format ----------------------------------------------------------------------------


def test_geojson_is_read_with_its_columns(tmp_path):
    read = read_upload("places.geojson", written(frame(), tmp_path / "p.geojson"))
    assert (read.columns, read.layers, read.layer, read.notes) == (("name",), ("p",), None, ())
    assert list(read.frame.index) == [1, 2, 3]  # row numbers in the file
    assert list(read.frame["name"]) == ["Hill", "Track", "Field"]
    assert read.frame.crs == "EPSG:4326"


def test_kml_is_read_with_its_names_and_descriptions():
    kml = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Test places</name>
<Placemark><name>Hill</name><description>A made-up hill.</description>
  <Point><coordinates>45.1,40.2,1200</coordinates></Point></Placemark>
<Placemark><name>Track</name>
  <LineString><coordinates>45,40,0 45.5,40.5,0</coordinates></LineString></Placemark>
</Document></kml>"""
    read = read_upload("places.kml", kml)
    mapping = suggest_mapping(read.columns)
    assert (mapping.name, mapping.description) == ("Name", "description")
    assert list(read.frame["Name"]) == ["Hill", "Track"]
    assert read.frame.geometry.iloc[0].equals(Point(45.1, 40.2))  # altitude dropped: a 2D map


def test_a_geopackage_gives_its_first_layer_or_the_one_picked(tmp_path):
    path = tmp_path / "two.gpkg"
    written(frame(), path, layer="places")
    data = written(frame(name=["Other", "Other", "Other"]), path, layer="others")
    first = read_upload("two.gpkg", data)
    assert (first.layers, first.layer) == (("places", "others"), "places")
    picked = read_upload("two.gpkg", data, layer="others")
    assert picked.layer == "others" and set(picked.frame["name"]) == {"Other"}
    with pytest.raises(UploadError, match="two.gpkg has no layer 'roads'; it has places, others"):
        read_upload("two.gpkg", data, layer="roads")


def test_a_zipped_shapefile_in_utm_38n_is_reprojected_to_longitude_latitude(tmp_path):
    to_utm = Transformer.from_crs(4326, 32638, always_xy=True)
    east, north = to_utm.transform(45.1, 40.2)
    written(gpd.GeoDataFrame({"name": ["Hill"]}, geometry=[Point(east, north)], crs=32638),
            tmp_path / "hills.shp")
    read = read_upload("hills.zip", zipped(tmp_path, "hills"))
    point = read.frame.geometry.iloc[0]
    assert read.frame.crs == "EPSG:4326"
    assert (round(point.x, 6), round(point.y, 6)) == (45.1, 40.2)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")  # on purpose, here
def test_a_file_without_a_crs_is_taken_as_wgs84_only_if_its_coordinates_can_be(tmp_path):
    written(points(crs=None), tmp_path / "plain.shp")
    assert read_upload("plain.zip", zipped(tmp_path, "plain")).frame.crs == "EPSG:4326"
    metres = gpd.GeoDataFrame({"name": ["Hill"]}, geometry=[Point(508_500, 4_450_000)])
    written(metres, tmp_path / "metres.shp")
    with pytest.raises(UploadError, match="metres.zip declares no coordinate system, and its "
                                          "coordinates are not longitude/latitude"):
        read_upload("metres.zip", zipped(tmp_path, "metres", "metres.zip"))


def test_csv_with_latitude_and_longitude_columns_in_any_case():
    data = b"Latitude,LNG,Title\n40.2,45.1,Hill\n40.3,abc,Broken\n"
    read = read_upload("points.csv", data)
    assert read.columns == ("Title",)  # the coordinates are the geometry now
    assert read.frame.geometry.iloc[0].equals(Point(45.1, 40.2))
    assert read.notes == ("row 2 (Broken): left out: it has no geometry",)


def test_csv_with_a_wkt_column():
    data = b'name,WKT\nTrack,"LINESTRING (45 40, 45.5 40.5)"\nNothing,not wkt\n'
    read = read_upload("lines.csv", data)
    assert read.frame.geometry.iloc[0].equals(LineString([(45, 40), (45.5, 40.5)]))
    assert read.notes == ("row 2 (Nothing): left out: it has no geometry",)


def test_csv_without_coordinates_names_the_columns_it_looked_for():
    with pytest.raises(UploadError, match=r"has no coordinates: a CSV needs latitude and "
                                          r"longitude columns \(lat/latitude/y and "
                                          r"lon/lng/long/longitude/x\) or a WKT column .* its "
                                          r"columns are place, town"):
        read_upload("table.csv", b"place,town\na,b\n")


# --- geometries repaired or left out --------------------------------------------------------


def test_an_invalid_bow_tie_is_repaired_and_an_empty_or_null_one_left_out_by_name(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["Bow tie", "Nothing", "Fine"]},
                           geometry=[BOW_TIE, None, Point(45, 40)], crs=4326)
    read = read_upload("shapes.gpkg", written(gdf, tmp_path / "shapes.gpkg"))
    assert read.notes == (
        "row 1 (Bow tie): its geometry was not valid (Self-intersection[45.1 40.1]) and was "
        "repaired",
        "row 2 (Nothing): left out: it has no geometry")
    repaired = read.frame.geometry.loc[1]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    assert round(repaired.area, 6) == round(0.2 * 0.1, 6)  # both triangles kept
    assert list(read.frame.index) == [1, 3]


def test_a_polygon_with_no_area_is_left_out_and_a_file_with_nothing_usable_refused(tmp_path):
    flat = Polygon([(45, 40), (45.1, 40.1), (45.2, 40.2)])
    gdf = gpd.GeoDataFrame({"name": ["Flat", "Fine"]}, geometry=[flat, Point(45, 40)], crs=4326)
    read = read_upload("flat.geojson", written(gdf, tmp_path / "flat.geojson"))
    assert read.notes == ("row 1 (Flat): left out: its geometry is not valid (Self-intersection"
                          "[45.1 40.1]) and nothing is left when it is repaired",)
    only_flat = gpd.GeoDataFrame({"name": ["Flat"]}, geometry=[flat], crs=4326)
    with pytest.raises(UploadError, match="none of its 1 features has a usable geometry"):
        read_upload("flat.geojson", written(only_flat, tmp_path / "only.geojson"))


# --- limits and unreadable files ------------------------------------------------------------


def test_too_large_a_file_or_too_many_features_is_refused_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_BYTES", upload.MEGABYTE)
    with pytest.raises(UploadError, match="p.geojson is 1.5 MB; files up to 1 MB can be "
                                          "uploaded"):
        read_upload("p.geojson", b" " * (3 * upload.MEGABYTE // 2))  # refused before reading
    data = written(frame(), tmp_path / "p.geojson")
    monkeypatch.setattr(upload, "MAX_FEATURES", 2)
    with pytest.raises(UploadError, match="p.geojson holds 3 features; up to 2 can be uploaded"):
        read_upload("p.geojson", data)
    with pytest.raises(UploadError, match="p.csv holds 3 features; up to 2"):
        read_upload("p.csv", b"lat,lon\n40,45\n40,45\n40,45\n")


def test_a_zip_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    roomy = points().assign(note=["x" * 250, "y"])  # the .dbf pads every cell to 250
    written(roomy, tmp_path / "big.shp")
    data = zipped(tmp_path, "big")
    monkeypatch.setattr(upload, "MAX_BYTES", len(data) + 1)
    with pytest.raises(UploadError, match="big.zip unpacks to"):
        read_upload("big.zip", data)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.docx", b"PK...", "notes.docx: files ending .docx cannot be read; upload one of "
                             ".csv, .geojson, .gpkg, .json, .kml, .zip (a Shapefile as a .zip)"),
    ("README", b"text", "README: files ending without an extension cannot be read"),
    ("empty.geojson", b"", "empty.geojson is empty"),
    ("noise.geojson", b"\x00\xff not json", "noise.geojson is not GeoJSON (it does not start as "
                                           "JSON does)"),
    ("noise.json", b"{not json", "noise.json could not be read as GeoJSON (damaged, or another "
                                 "kind of file)"),
    ("noise.gpkg", b"\x00\xff" * 100, "noise.gpkg is not a GeoPackage (not an SQLite file)"),
    ("vrt.geojson", b"<OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>/etc/passwd"
                    b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>",
     "vrt.geojson is not GeoJSON"),
    ("wfs.kml", b"<OGRWFSDataSource><URL>http://127.0.0.1:9/wfs</URL></OGRWFSDataSource>",
     "wfs.kml is not KML"),
    ("entities.kml", b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/'
                     b'passwd">]><kml>&x;</kml>', "entities.kml declares a document type"),
    ("markup.csv", b"<OGRVRTDataSource/>", "markup.csv is not CSV"),
    ("broken.zip", b"not a zip", "broken.zip is not a zip archive"),
    ("empty.csv", b"lat,lon\n", "empty.csv holds no features"),
])
def test_unreadable_files_are_refused_in_words_for_people(name, data, message):
    with pytest.raises(UploadError) as refused:
        read_upload(name, data)
    assert str(refused.value).startswith(message)


def test_a_zip_without_a_shapefile_is_refused(tmp_path):
    (tmp_path / "readme.prj").write_text("no map here")
    with pytest.raises(UploadError, match=r"holds no Shapefile \(.shp\): zip the .shp with its "
                                          r".shx, .dbf and .prj"):
        read_upload("maps.zip", zipped(tmp_path, "readme"))


def test_a_zip_holding_more_than_a_shapefile_is_refused_before_gdal_opens_it(tmp_path):
    """A .vrt beside the .shp would be another dataset GDAL could open (other files, a URL)."""
    written(gpd.GeoDataFrame({"name": ["Hill"]}, geometry=[Point(45.1, 40.2)], crs=4326),
            tmp_path / "plain.shp")
    (tmp_path / "plain.vrt").write_text("<OGRVRTDataSource/>")
    with pytest.raises(UploadError, match=r"holds more than a Shapefile \(plain.vrt\)"):
        read_upload("maps.zip", zipped(tmp_path, "plain"))


def test_a_file_gdal_opens_as_another_format_is_refused_before_reading(tmp_path):
    """A GDAL virtual file named .geojson could read other files on the server: refused."""
    (tmp_path / "secret.csv").write_text("lat,lon,secret\n40,45,hidden\n")
    vrt = (f'<OGRVRTDataSource><OGRVRTLayer name="secret"><SrcDataSource>'
           f'{tmp_path / "secret.csv"}</SrcDataSource><GeometryType>wkbPoint</GeometryType>'
           '<GeometryField encoding="PointFromColumns" x="lon" y="lat"/></OGRVRTLayer>'
           '</OGRVRTDataSource>')
    with pytest.raises(UploadError, match=r"innocent.geojson is not GeoJSON \(it does not start "
                                          r"as JSON does\)"):
        read_upload("innocent.geojson", vrt.encode())
    # and should GDAL ever be handed such a file, it could fetch nothing
    offline()
    assert pyogrio.get_gdal_config_option("CPL_VSIL_CURL_ALLOWED_EXTENSIONS") == ".cbm-no-network"


# --- mapping columns to properties ----------------------------------------------------------


@pytest.mark.parametrize(("columns", "expected"), [
    (["Name", "Description", "Date"], Mapping("Name", "Description", "Date")),
    (["TITLE", "notes", "when"], Mapping("TITLE", "notes", "when")),
    (["place_name", "population"], Mapping("place_name", None, None)),
    (["a", "b"], Mapping(None, None, None)),
])
def test_suggest_mapping_finds_the_usual_column_names(columns, expected):
    assert suggest_mapping(columns) == expected


def test_features_carry_the_schema_with_fallbacks_in_our_own_words(tmp_path):
    gdf = frame(name=["Hill", None, "  "], notes=["On the ridge.", None, None])
    read = read_upload("My Places.geojson", written(gdf, tmp_path / "p.geojson"))
    features, report = to_features(read, Mapping(name="name", description="notes"), "my-places")
    assert [validate_properties(props, "my-places") for props, _ in features] == [[], [], []]
    first, second, third = (props for props, _ in features)
    assert first == {"id": "my-my-places-1", "name": "Hill", "aliases": [], "category": "place",
                     "description": "On the ridge.", "article": [], "citations": [],
                     "sources": ["my-places"], "precision": "approximate",
                     "derivation": "As uploaded by the user in My Places.geojson; not checked."}
    assert (second["name"], second["category"]) == ("Feature 2", "line")
    assert (third["name"], third["category"]) == ("Feature 3", "area")
    assert second["description"] == "From My Places.geojson, row 2."
    assert report == []


def test_a_date_is_kept_when_the_schema_reads_it_and_left_out_with_a_note_otherwise(tmp_path):
    gdf = frame(name=["A", "B", "C"], date=["2022-09-13", "13/09/2022", None])
    read = read_upload("dated.geojson", written(gdf, tmp_path / "d.geojson"))
    features, report = to_features(read, suggest_mapping(read.columns), "my-dated")
    assert [props.get("date") for props, _ in features] == ["2022-09-13", None, None]
    assert report == ["row 2 (B): the date '13/09/2022' was left out: dates are written "
                      "YYYY-MM-DD, YYYY-MM or YYYY (or FROM/TO), and others are not guessed"]


def test_a_typed_date_or_time_gives_its_day(tmp_path):
    gdf = frame(name=["A", "B", "C"], when=pd.to_datetime(["2022-09-13 02:30", None, None]),
                day=[datetime.date(2022, 9, 14), None, None])
    read = read_upload("timed.gpkg", written(gdf, tmp_path / "t.gpkg"))
    by_time, _ = to_features(read, Mapping(name="name", date="when"), "my-t")
    by_day, _ = to_features(read, Mapping(name="name", date="day"), "my-t")
    assert [p.get("date") for p, _ in by_time] == ["2022-09-13", None, None]
    assert [p.get("date") for p, _ in by_day] == ["2022-09-14", None, None]


def test_web_addresses_are_cut_from_the_text_and_reported(tmp_path):
    gdf = frame(name=["See www.example.org", "B", "C"],
                notes=["Read https://example.org/a?b=1 first.", "plain", "plain"])
    read = read_upload("links.geojson", written(gdf, tmp_path / "l.geojson"))
    features, report = to_features(read, Mapping(name="name", description="notes"), "my-l")
    props = features[0][0]
    assert props["name"] == "See (web address removed)"
    assert props["description"] == "Read (web address removed) first."
    assert validate_properties(props, "my-l") == []
    assert report == [  # named as kept: the report repeats no address
        "row 1 (See (web address removed)): a web address was taken out of its name; features "
        "on this map hold none",
        "row 1 (See (web address removed)): a web address was taken out of its description; "
        "features on this map hold none"]


def test_columns_with_values_that_are_not_kept_are_reported(tmp_path):
    gdf = frame(name=["A", "B", "C"], population=[100, 200, 300], blank=[None, None, None])
    read = read_upload("p.geojson", written(gdf, tmp_path / "p.geojson"))
    _, report = to_features(read, Mapping(name="name"), "my-p")
    assert report == ["Columns not kept (a feature here has no place for them): population"]
    with pytest.raises(UploadError, match="p.geojson has no column 'title'"):
        to_features(read, Mapping(name="title"), "my-p")


def test_script_payloads_in_cells_and_headers_are_stored_as_given(tmp_path):
    header = ",".join(f'"{text.replace(chr(34), chr(34) * 2)}"' for text in PAYLOADS)
    rows = "\n".join(",".join(['"' + text.replace('"', '""') + '"' for text in PAYLOADS])
                     for _ in range(2))
    data = f"lat,lon,{header}\n" + "\n".join(f"40,45,{row}" for row in rows.split("\n"))
    read = read_upload(f"{PAYLOADS[2]}.csv", data.encode())
    assert read.columns == PAYLOADS
    features, report = to_features(read, Mapping(name=PAYLOADS[0], description=PAYLOADS[1]),
                                   "my-x")
    assert (features[0][0]["name"], features[0][0]["description"]) == PAYLOADS[:2]
    assert report == [f"Columns not kept (a feature here has no place for them): "
                      f"{PAYLOADS[2]}, {PAYLOADS[3]}"]

    ws = open_workspace(tmp_path / "workspace.gpkg")
    layer = ws.create_layer(PAYLOADS[3], user_source(read.file_name))
    ws.add_features(layer, [({**props, "sources": [layer]}, geometry)
                            for props, geometry in features])
    stored = ws.layers()[0]
    assert [f.properties["name"] for f in stored.features] == [PAYLOADS[0]] * 2
    assert stored.source["name"] == f"uploaded by the user: {PAYLOADS[2]}.csv"


def test_an_upload_becomes_a_layer_of_the_workspace(tmp_path):
    read = read_upload("hills.geojson", written(frame(), tmp_path / "h.geojson"))
    ws = open_workspace(tmp_path / "workspace.gpkg")
    layer = ws.create_layer("Hills", user_source(read.file_name, said="from a colleague"))
    features, _ = to_features(read, suggest_mapping(read.columns), layer)
    assert ws.add_features(layer, features) == ["my-hills-1", "my-hills-2", "my-hills-3"]
    assert [f.properties["name"] for f in ws.layers()[0].features] == ["Hill", "Track", "Field"]


def test_gdal_fetches_nothing_once_kept_offline():
    """Belt and braces behind the content checks: told to fetch a URL, GDAL sends no request
    (a listener on this machine counts the connections it gets)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(3)
    port = listener.getsockname()[1]
    connections = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            connections.append(listener.accept())

    waiting = threading.Thread(target=accept)
    waiting.start()
    offline()
    with pytest.raises(Exception):  # noqa: B017 (any refusal will do: what matters is below)
        pyogrio.read_info(f"/vsicurl/http://127.0.0.1:{port}/villages.geojson")
    waiting.join()
    listener.close()
    assert connections == []
