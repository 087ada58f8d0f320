"""Broken files and numbers under a running app (issue 15, defects 4 and 6): a missing or
corrupt layer file, a corrupt basemap, a 5,000-digit `?paragraph=`, an error no page catches.
Each gives a message naming the problem and the app goes on; none shows a traceback.

The pages run on the fixture geodata (`use_geodata`, as tests/test_pages.py does).
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config

import layers
import views.common
from hostile.corpus import HUGE_NUMBER, NUMBERS, XSS
from layers.briefing.export_html import MissingAssets, export_html
from layers.briefing.storyboard import Storyboard
from layers.data.article import load_article
from layers.data.catalog import load_catalog
from layers.html.article_view import parse_paragraph_param
from layers.html.styles import (
    CAUGHT_UP_MARK,
    CONNECTION_SCRIPT,
    CONNECTION_STYLE,
    RECONNECT_KEY,
)
from layers.map.assets import local_paths, missing_files, missing_message
from layers.map.basemap import BASEMAP_DIR, BasemapError, basemap_document, read_collection
from layers.map.geo_files import write_map_files
from tests.test_briefing_page import fresh_caches  # noqa: F401 (autouse: caches, map files)
from tests.test_pages import open_page


def use_geodata(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """The pages' shared catalog loads from `directory`, with no stale cache either side."""
    monkeypatch.setattr(views.common, "load_catalog", lambda: load_catalog(directory))
    st.cache_resource.clear()


# --- layer files -------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_a_broken_layer_file_is_named_on_the_page_and_no_traceback_shows(
        geodata_copy, monkeypatch, damage):
    layer_file = geodata_copy / "september-2022.geojson"
    if damage == "delete":
        layer_file.unlink()
    else:
        layer_file.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    use_geodata(monkeypatch, geodata_copy)
    for page in ("views/article.py", "views/data.py"):
        app = open_page(page)
        (error,) = app.main.error
        assert "september\\-2022\\.geojson" in error.value
        assert "Traceback" not in error.value and str(geodata_copy) not in error.value


def test_a_layer_file_that_breaks_under_a_running_server_leaves_the_last_good_layers(
        geodata_copy, monkeypatch):
    use_geodata(monkeypatch, geodata_copy)
    assert len(open_page("views/data.py").dataframe[0].value) == 8
    (geodata_copy / "borders.geojson").write_text("not json", encoding="utf-8")
    views.common._shipped.clear()  # as a new geodata version would
    app = open_page("views/data.py")
    (warning,) = app.main.warning
    assert "borders\\.geojson" in warning.value and "last read" in warning.value
    assert len(app.dataframe[0].value) == 8  # the page goes on with the last good data


def test_the_catalog_stamp_changes_when_a_layer_geojson_does(geodata_copy, monkeypatch):
    monkeypatch.setattr(layers, "GEODATA_DIR", geodata_copy)
    assert geodata_copy / "borders.geojson" in views.common.geodata_files()
    before = views.common.geodata_stamp()
    later = before + 60
    os.utime(geodata_copy / "borders.geojson", (later, later))
    assert views.common.geodata_stamp() == later


# --- the basemap -------------------------------------------------------------------------------

def corrupt_basemap(tmp_path: Path) -> Path:
    """A copy of the basemap whose land file is cut short."""
    directory = tmp_path / "basemap"
    directory.mkdir()
    for path in BASEMAP_DIR.glob("*.geojson"):
        (directory / path.name).write_bytes(path.read_bytes())
    (directory / "land.geojson").write_text('{"type": "FeatureCollection", "feat',
                                            encoding="utf-8")
    return directory


def test_a_corrupt_basemap_file_is_a_basemap_error_naming_it(tmp_path):
    directory = corrupt_basemap(tmp_path)
    with pytest.raises(BasemapError, match=r"^land\.geojson: is not valid JSON"):
        basemap_document(directory)
    with pytest.raises(BasemapError, match=r"^nowhere\.geojson: file does not exist$"):
        read_collection(directory / "nowhere.geojson")


def test_the_map_page_names_a_corrupt_basemap_instead_of_a_traceback(tmp_path, monkeypatch,
                                                                      fixture_geodata):
    use_geodata(monkeypatch, fixture_geodata)
    monkeypatch.setattr(views.common, "write_map_files",
                        functools.partial(write_map_files, basemap_dir=corrupt_basemap(tmp_path)))
    app = open_page("views/map.py")
    (error,) = app.main.error
    assert "land\\.geojson" in error.value and "make basemap" in error.value


# --- numbers in the address --------------------------------------------------------------------

@pytest.mark.parametrize("raw", [*NUMBERS, *XSS])
def test_a_paragraph_parameter_that_names_no_paragraph_marks_none_and_says_so(raw):
    chosen, notice = parse_paragraph_param(raw, load_article())
    if raw.strip() == "2":  # " 2 " is paragraph 2 typed with spaces, and is taken as such
        assert chosen == "p2" and notice is None
    else:
        assert chosen is None and notice


def test_the_article_page_survives_a_5000_digit_paragraph(fixture_geodata, monkeypatch):
    use_geodata(monkeypatch, fixture_geodata)
    (warning,) = open_page("views/article.py", paragraph=HUGE_NUMBER).main.warning
    assert "There is no paragraph" in warning.value


# --- errors no page catches --------------------------------------------------------------------

def test_uncaught_errors_show_their_type_only():
    """`"type"`: Streamlit's generic sentence and the exception's type; no message, no frames
    (which hold absolute paths). Streamlit 1.67 reads the legacy `false` as "stacktrace"."""
    with (layers.ROOT / ".streamlit" / "config.toml").open("rb") as file:
        value = tomllib.load(file)["client"]["showErrorDetails"]
    assert value == config.ShowErrorDetailsConfigOptions.TYPE


# --- the map's libraries -----------------------------------------------------------------------

def test_missing_libraries_are_listed_and_none_when_make_assets_has_run(tmp_path):
    assert missing_files(tmp_path) == tuple(sorted(local_paths()))
    assert missing_files(layers.VENDOR_DIR) == ()  # make test runs make assets first
    assert missing_message(()) is None
    message = missing_message(missing_files(tmp_path))
    assert message.startswith("The map's libraries are missing from static/vendor/ "
                              f"({sorted(local_paths())[0]} and {len(local_paths()) - 1} more)")
    assert missing_message(("leaflet/1.9.3/leaflet.js",)).startswith(
        "The map's library static/vendor/leaflet/1.9.3/leaflet.js is missing, so the map")
    assert "make assets" in message


@pytest.mark.parametrize("page", ["views/map.py", "views/briefing.py", "views/article.py",
                                  "views/workspace.py"])
def test_every_page_says_the_libraries_are_missing_and_how_to_fetch_them(
        page, tmp_path, monkeypatch, fixture_geodata):
    use_geodata(monkeypatch, fixture_geodata)
    fetched = layers.VENDOR_DIR
    monkeypatch.setattr(layers, "VENDOR_DIR", tmp_path / "vendor")
    app = open_page(page)
    (error,) = [e for e in app.error if "static/vendor" in e.value]
    assert "make assets" in error.value
    monkeypatch.setattr(layers, "VENDOR_DIR", fetched)  # fetched: the page says nothing of it
    assert not [e for e in open_page(page).error if "static/vendor" in e.value]


def test_the_offline_html_names_the_missing_library_without_the_servers_paths(tmp_path):
    board = Storyboard("Empty", "", ())
    with pytest.raises(MissingAssets) as raised:
        export_html(board, load_catalog(), load_article(), vendor_dir=tmp_path)
    assert str(raised.value).startswith("static/vendor/leaflet/1.9.3/leaflet.js is missing: "
                                        "run `make assets` first")
    assert str(tmp_path) not in str(raised.value)


def test_the_catch_up_button_has_one_name_in_the_page_its_script_and_its_style():
    """connection.js clicks, and connection.css hides, the button every_page draws: renamed in
    one place only, the page would quietly stop catching up after a restart."""
    selector = f".st-key-{RECONNECT_KEY}"
    assert selector in CONNECTION_SCRIPT.read_text(encoding="utf-8")
    assert selector in CONNECTION_STYLE.read_text(encoding="utf-8")
    assert 'class="cbm-caught-up"' in CAUGHT_UP_MARK
    assert ".cbm-caught-up" in CONNECTION_SCRIPT.read_text(encoding="utf-8")
