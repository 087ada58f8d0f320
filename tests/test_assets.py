"""The map must draw with no internet: every script, stylesheet and font is local and pinned."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

import folium
import folium.plugins
import pytest
from branca.colormap import LinearColormap

from layers.build import assets as assets_fetch
from layers.build.assets import AssetMismatch, load_manifest, sha256_of
from layers.map.assets import (
    DROPPED_MAP_LINKS,
    NotOffline,
    external_urls,
    local_paths,
    localize,
    offline_map,
)
from layers.map.basemap import add_offline_basemap


def full_offline_map() -> folium.Map:
    """The map as the dashboard builds it: basemap, plugins, markers, layer control."""
    m = offline_map(location=[40.0, 45.0], zoom_start=6)
    add_offline_basemap(m)
    folium.plugins.MeasureControl().add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.CircleMarker([40.0, 45.0], radius=6, tooltip="circle").add_to(cluster)
    folium.Marker([40.0, 45.0], icon=folium.Icon(prefix="fa", icon="info")).add_to(m)
    folium.LayerControl().add_to(m)
    return localize(m)


def test_rendered_offline_map_names_no_external_url():
    html = full_offline_map().get_root().render()
    assert external_urls(html) == []
    assert "/app/static/vendor/leaflet/1.9.3/leaflet.js" in html


def test_a_plain_folium_map_would_reach_the_internet():
    """The reason this module exists, and proof that external_urls sees CDN links."""
    urls = external_urls(folium.Map().get_root().render())
    assert any("leaflet" in u for u in urls)
    assert any("tile.openstreetmap.org" in u for u in urls)


def test_localize_sets_instances_and_leaves_folium_classes_alone():
    m = offline_map()
    assert all(url.startswith("/app/static/vendor/") for _, url in m.default_js + m.default_css)
    assert folium.Map.default_js[0][1].startswith("https://")
    names = {name for name, _ in m.default_css}
    assert names.isdisjoint(DROPPED_MAP_LINKS)


def test_streamlit_folium_sees_the_local_links():
    """st_folium 0.27.4 drops header links and injects default_js/default_css of every element."""
    links = []
    m = full_offline_map()
    stack = [m]
    while stack:
        node = stack.pop()
        links += [u for _, u in getattr(node, "default_js", [])]
        links += [u for _, u in getattr(node, "default_css", [])]
        stack.extend(node._children.values())
    assert links and all(u.startswith("/app/static/vendor/") for u in links)


def test_unknown_plugins_and_colormaps_are_refused():
    m = offline_map()
    folium.plugins.MiniMap().add_to(m)
    with pytest.raises(NotOffline, match="MiniMap"):
        localize(m)
    m = offline_map()
    LinearColormap(["red", "blue"]).add_to(m)
    with pytest.raises(NotOffline, match="d3"):
        localize(m)


def test_base_url_is_configurable_for_other_origins():
    m = offline_map(base_url="http://127.0.0.1:9/static/vendor/")
    assert ("leaflet", "http://127.0.0.1:9/static/vendor/leaflet/1.9.3/leaflet.js") in m.default_js


def test_external_urls_ignores_localhost_and_comments_but_not_css():
    html = """
        <script src="http://localhost:8501/app/static/x.js"></script>
        <script>// see https://example.org/issue
        var t = "https://tiles.example.org/{z}/{x}/{y}.png";</script>
        <style>.a { background: url(https://img.example.org/a.png) }</style>
    """
    assert external_urls(html) == [
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "https://img.example.org/a.png",
    ]


def test_every_linked_file_is_in_the_manifest():
    manifest = {a.local for a in load_manifest()}
    assert local_paths() <= manifest


def test_manifest_records_provenance_for_every_file():
    for asset in load_manifest():
        assert asset.registry == "npm"
        assert asset.version[0].isdigit()
        assert asset.licence
        assert asset.path.startswith("package/")
        assert len(asset.sha256) == 64


def test_every_manifest_file_is_on_disk_with_its_sha256():
    """Needs `make assets` (which `make test` runs first)."""
    for asset in load_manifest():
        target = assets_fetch.VENDOR_DIR / asset.local
        assert target.is_file(), f"{asset.local} missing: run `make assets`"
        assert sha256_of(target.read_bytes()) == asset.sha256, asset.local


def test_css_urls_resolve_to_files_we_serve():
    """Leaflet's layer icons, the measure tool's images and the icon fonts load locally too."""
    served = {a.local for a in load_manifest()}
    for local in (p for p in served if p.endswith(".css")):
        css = (assets_fetch.VENDOR_DIR / local).read_text(encoding="utf-8")
        for ref in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", css):
            if ref.startswith(("data:", "#")):
                continue
            resolved = PurePosixPath(local).parent / ref.split("?")[0].split("#")[0]
            parts: list[str] = []
            for part in resolved.parts:
                if part == "..":
                    parts.pop()
                else:
                    parts.append(part)
            assert "/".join(parts) in served, f"{local} needs {ref}"


def test_a_registry_serving_other_bytes_stops_the_fetch(tmp_path, monkeypatch):
    asset = load_manifest()[0]
    monkeypatch.setattr(
        assets_fetch, "npm_pack_members", lambda spec, members: {asset.path: b"not leaflet"}
    )
    with pytest.raises(AssetMismatch, match="sha256"):
        assets_fetch.fetch([asset], vendor_dir=tmp_path)
    assert not (tmp_path / asset.local).exists()


def test_current_files_are_not_fetched_again(tmp_path, monkeypatch):
    asset = load_manifest()[0]
    (tmp_path / asset.local).parent.mkdir(parents=True)
    (tmp_path / asset.local).write_bytes((assets_fetch.VENDOR_DIR / asset.local).read_bytes())

    def no_network(spec, members):
        raise AssertionError("fetched although the file matched")

    monkeypatch.setattr(assets_fetch, "npm_pack_members", no_network)
    assert assets_fetch.fetch([asset], vendor_dir=tmp_path) == {}


def test_manifest_is_plain_json_with_one_entry_per_package():
    raw = json.loads(assets_fetch.MANIFEST_PATH.read_text(encoding="utf-8"))
    names = [p["package"] for p in raw["packages"]]
    assert len(names) == len(set(names))
