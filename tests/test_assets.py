"""The map must draw with no internet: every script, stylesheet and font is local and pinned."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import folium
import folium.plugins
import pytest
from branca.colormap import LinearColormap

from layers.build import assets as build_assets
from layers.build import npm
from layers.map.assets import (
    DROPPED_MAP_LINKS,
    NotOffline,
    external_urls,
    local_paths,
    localize,
    offline_map,
)
from layers.map.basemap import add_offline_basemap
from layers.map.geo_layer import GeoLoader, MapScripts


def full_offline_map(basemap_url: str = "/app/static/geo/basemap.0123456789abcdef.json",
                     scripts: tuple[str, ...] = ("/app/static/geo/geo-draw.0123456789abcdef.js",
                                                 "/app/static/geo/geo-loader.0123456789abcdef.js"),
                     ) -> folium.Map:
    """The map as the dashboard builds it: its own scripts (the feature drawer and the loader,
    served beside the geometry), the basemap (fetched from `basemap_url`), plugins (the draw
    toolbar too), markers, layer control."""
    m = offline_map(location=[40.0, 45.0], zoom_start=6)
    MapScripts(scripts, []).add_to(m)
    GeoLoader().add_to(m)
    add_offline_basemap(m, basemap_url)
    folium.plugins.MeasureControl().add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.Draw().add_to(m)
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
    """st_folium 0.27.4 drops header links and injects default_js/default_css of every element:
    the vendored libraries and the map's own scripts, all from this server."""
    links = []
    m = full_offline_map()
    stack = [m]
    while stack:
        node = stack.pop()
        links += [u for _, u in getattr(node, "default_js", [])]
        links += [u for _, u in getattr(node, "default_css", [])]
        stack.extend(node._children.values())
    assert links and all(u.startswith(("/app/static/vendor/", "/app/static/geo/")) for u in links)


def test_the_maps_own_scripts_may_be_served_but_another_host_is_refused():
    m = offline_map()
    MapScripts(["/app/static/geo/labels.0123456789abcdef.js"], []).add_to(m)
    localize(m)
    MapScripts(["https://cdn.example.org/labels.js"], []).add_to(m)
    with pytest.raises(NotOffline, match="MapScripts"):
        localize(m)


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


def asset_files() -> list[npm.PackageFile]:
    """The manifest's files marked `used_by: assets`."""
    return [entry for _, entry in build_assets.vendor_files(npm.load_manifest())]


def test_every_linked_file_is_in_the_manifest():
    manifest = {entry.local for entry in asset_files()}
    assert local_paths() <= manifest


def test_every_asset_has_one_place_under_static_vendor():
    locals_ = [entry.local for entry in asset_files()]
    assert all(locals_) and len(locals_) == len(set(locals_))


def test_every_manifest_file_is_on_disk_with_its_sha256():
    """Needs `make assets` (which `make test` runs first)."""
    for entry in asset_files():
        target = build_assets.VENDOR_DIR / entry.local
        assert target.is_file(), f"{entry.local} missing: run `make assets`"
        assert npm.sha256_of(target.read_bytes()) == entry.sha256, entry.local


def test_css_urls_resolve_to_files_we_serve():
    """Leaflet's layer icons, the measure tool's images and the icon fonts load locally too."""
    served = {entry.local for entry in asset_files()}
    for local in (p for p in served if p.endswith(".css")):
        css = (build_assets.VENDOR_DIR / local).read_text(encoding="utf-8")
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
    """The tarball npm hands over is checked before any file of it reaches static/vendor."""
    def npm_pack(spec, destination):
        fake = destination / "leaflet-1.9.3.tgz"
        fake.write_bytes(b"not leaflet")
        return fake

    monkeypatch.setattr(npm, "npm_pack", npm_pack)
    manifest = {"leaflet": npm.load_manifest()["leaflet"]}
    with pytest.raises(npm.Mismatch, match=r"npm pack leaflet@1\.9\.3.*integrity is sha512-"):
        build_assets.fetch(manifest, vendor_dir=tmp_path / "vendor", cache=tmp_path / "cache")
    assert not (tmp_path / "vendor").exists()
    assert not list((tmp_path / "cache").glob("*.tgz"))


def test_current_files_are_not_fetched_again(tmp_path, monkeypatch):
    leaflet = npm.load_manifest()["leaflet"]
    for entry in leaflet.files:
        (tmp_path / entry.local).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / entry.local).write_bytes((build_assets.VENDOR_DIR / entry.local).read_bytes())

    def no_network(spec, destination):
        raise AssertionError("fetched although the files matched")

    monkeypatch.setattr(npm, "npm_pack", no_network)
    fetched = build_assets.fetch({"leaflet": leaflet}, vendor_dir=tmp_path, cache=tmp_path / "c")
    assert fetched == []


def test_a_map_loads_only_the_libraries_its_elements_use():
    """jQuery and Bootstrap are never linked (nothing uses them; 360 kB per map frame), Font
    Awesome and awesome-markers only when a folium.Icon is on the map."""
    plain = offline_map()
    folium.CircleMarker([40.0, 45.0], radius=6).add_to(plain)
    names = {name for name, _ in localize(plain).default_js + plain.default_css}
    assert names == {"leaflet", "leaflet_css"}

    with_icon = offline_map()
    folium.Marker([40.0, 45.0], icon=folium.Icon(prefix="fa", icon="info")).add_to(with_icon)
    names = {name for name, _ in localize(with_icon).default_js + with_icon.default_css}
    assert names == {"leaflet", "leaflet_css", "awesome_markers", "awesome_markers_font_css",
                     "awesome_markers_css"}
    assert "jquery" not in with_icon.get_root().render()
