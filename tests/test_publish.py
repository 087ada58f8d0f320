"""The static edition (`python -m layers publish`): what it writes, how it names it, and that no
text from the data can turn into markup or script in any of its pages.

The edition is built from the repository's own data once per module (the command line writes
it, as `make publish` does); the tests that change the data build from a copy of geodata/. All
need `make assets` (the edition copies the pinned libraries from static/vendor/).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import layers
from layers.briefing.storyboard import DEFAULT_STORYBOARD, load_storyboard
from layers.build import npm
from layers.build.assets import vendor_files
from layers.cli import main
from layers.data.article import Article
from layers.data.catalog import load_catalog
from layers.map.geo_files import BASEMAP, documents, serialise
from layers.map.geo_layer import draw_source
from layers.publish.edition import PAGES, SEARCH_JS, build_edition, static_links
from layers.publish.files import (
    GENERATOR,
    MANIFEST,
    Edition,
    NotAnEdition,
    content_hash,
    hashed_name,
)

HOSTILE = "</script><img src=x onerror=alert(1)>"
HASHED = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{16})(?P<suffix>\.[a-z]+)$")
TAG = re.compile(r"<[^>]*>")


class Page(HTMLParser):
    """Every element of a page, with its attributes, and the text inside each <script>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def links(self) -> list[str]:
        return [value for _, attrs in self.elements for name, value in attrs.items()
                if name in ("href", "src") and value]

    def ids(self) -> set[str]:
        return {str(attrs["id"]) for _, attrs in self.elements if attrs.get("id")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition of the repository's data, written by the command line."""
    out = tmp_path_factory.mktemp("edition") / "site"
    assert main(["publish", str(out)]) == 0
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def pages(site: Path) -> list[str]:
    """Every HTML file of the edition: the pages and the cards."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def edition_of(geodata: Path, article: Article) -> Edition:
    catalog = load_catalog(geodata)
    storyboard, _ = load_storyboard(DEFAULT_STORYBOARD, catalog, article)
    return build_edition(catalog, article, storyboard)


def geodata_with(tmp_path: Path, layer_file: str, feature_id: str, **changes: object) -> Path:
    """A copy of geodata/ (the layers and registries, not the basemap) with one feature's
    properties changed."""
    copy = tmp_path / "geodata"
    copy.mkdir(parents=True)
    for path in layers.GEODATA_DIR.glob("*json"):
        shutil.copy(path, copy / path.name)
    target = copy / layer_file
    collection = json.loads(target.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["id"] == feature_id:
            feature["properties"].update(changes)
    target.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return copy


# --- what is written ----------------------------------------------------------------------------


def test_the_command_writes_every_page_and_the_article_file(site: Path) -> None:
    for _, path, _ in PAGES:
        assert (site / path).is_file(), path
    assert (site / "article.txt").read_bytes() == layers.ARTICLE_PATH.read_bytes()
    manifest = json.loads(read(site, MANIFEST))
    assert manifest["generator"] == GENERATOR
    assert [layer["id"] for layer in manifest["layers"]] == [
        layer.id for layer in load_catalog().layers]


def test_publishing_again_reports_the_size_and_how_to_serve_it(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    assert main(["publish", str(site)]) == 0  # over the earlier edition: the same files
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    files = [p for p in site.rglob("*") if p.is_file()]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"wrote {site}: {len(files):,} files, "
                               f"{sum(p.stat().st_size for p in files):,} bytes in ")
    assert lines[-1] == f"serve it: python -m http.server -d {site}"


def test_the_manifest_lists_every_file_with_its_size_and_sha256(site: Path) -> None:
    manifest = json.loads(read(site, MANIFEST))
    on_disk = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}
    assert {entry["path"] for entry in manifest["files"]} == on_disk - {MANIFEST}
    for entry in manifest["files"]:
        data = (site / entry["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["bytes"],
                                                                entry["sha256"])


def test_every_hashed_name_is_the_hash_of_its_bytes(site: Path) -> None:
    hashed = [p for p in site.rglob("*") if p.is_file() and HASHED.search(p.name)]
    assert {str(p.relative_to(site)).split("/")[0] for p in hashed} == {
        "geo", "data", "cards", "assets"}
    for path in hashed:
        assert HASHED.search(path.name)["hash"] == content_hash(path.read_bytes()), path


def test_every_file_a_page_or_the_config_names_exists(site: Path) -> None:
    anchors = {name: Page(read(site, name)).ids() for _, name, _ in PAGES}
    for name in pages(site):
        # a card's links resolve against the explorer, which shows it
        here = Path(".") if name.startswith("cards/") else Path(name).parent
        for link in Page(read(site, name)).links():
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "data:")):
                assert parts.scheme in ("https", "http", "data", ""), (name, link)
                continue
            target = (here / parts.path).as_posix()
            assert (site / target).is_file(), (name, link)
            if parts.fragment and target in anchors and not parts.fragment.startswith("feature"):
                assert parts.fragment in anchors[target], (name, link)
    config = json.loads(Page(read(site, "index.html")).scripts[0])
    named = [config["search"], config["basemap"], *config["cards"].values(),
             *(layer["geo"] for layer in config["layers"])]
    for path in named:
        assert (site / path).is_file(), path


def test_the_stylesheets_images_are_there_and_nothing_comes_from_elsewhere(site: Path) -> None:
    for css in site.rglob("*.css"):
        for ref in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", css.read_text(encoding="utf-8")):
            if not ref.startswith(("data:", "#")):  # `#default#VML`: an old IE behaviour
                assert (css.parent / ref).is_file(), (css, ref)
    for name in pages(site):
        for tag, attrs in Page(read(site, name)).elements:
            if tag in ("script", "link", "img", "iframe"):
                address = attrs.get("src") or attrs.get("href") or ""
                assert urlsplit(address).scheme in ("", "data"), (name, address)


def test_the_libraries_are_the_pinned_files(site: Path) -> None:
    pinned = {entry.local: entry.sha256 for _, entry in vendor_files(npm.load_manifest())}
    copied = [p for p in (site / "vendor").rglob("*") if p.is_file()]
    assert copied
    for path in copied:
        local = str(path.relative_to(site / "vendor"))
        assert hashlib.sha256(path.read_bytes()).hexdigest() == pinned[local], local
    assert set(SEARCH_JS) <= pinned.keys()


def test_every_feature_has_its_card_and_every_layer_its_geometry(site: Path) -> None:
    catalog = load_catalog()
    config = json.loads(Page(read(site, "index.html")).scripts[0])
    assert set(config["cards"]) == {props["id"] for _, props, _ in catalog.features}
    for layer, entry in zip(catalog.layers, config["layers"], strict=True):
        drawn = json.loads(read(site, entry["geo"]))
        assert [f["properties"]["id"] for f in drawn["features"]] == list(layer.features["id"])
    card = read(site, config["cards"]["nakhchivan"])
    assert '<blockquote class="passage">' in card and "<h4>Data sources</h4>" in card


def test_the_explorer_draws_the_apps_documents_with_the_apps_drawer(site: Path) -> None:
    """One builder and one drawer for both maps: the geometry files are the documents the
    app's map fetches (`layers.map.geo_files`), byte for byte, and the page loads the app's
    `geo_draw.js` before the explorer that calls it. The files carry the labels too."""
    catalog = load_catalog()
    docs = documents(catalog)
    config = json.loads(Page(read(site, "index.html")).scripts[0])
    for layer, entry in zip(catalog.layers, config["layers"], strict=True):
        assert (site / entry["geo"]).read_bytes() == serialise(docs[layer.id]), layer.id
    assert (site / config["basemap"]).read_bytes() == serialise(docs[BASEMAP])
    assert {label["kind"] for label in docs[BASEMAP]["labels"]} >= {"country", "sea"}
    scripts = [attrs["src"] for tag, attrs in Page(read(site, "index.html")).elements
               if tag == "script" and attrs.get("src")]
    (drawer,) = [src for src in scripts if src.startswith("assets/geo-draw.")]
    assert read(site, drawer) == draw_source()
    assert scripts.index(drawer) < next(i for i, src in enumerate(scripts)
                                        if src.startswith("assets/explorer."))
    explorer = read(site, next(src for src in scripts if src.startswith("assets/explorer.")))
    assert "L.circleMarker" not in explorer and "L.geoJSON(g" not in explorer


def test_links_point_at_the_editions_pages_not_the_apps(site: Path) -> None:
    for name in pages(site):
        text = read(site, name)
        assert 'href="./?feature=' not in text and 'href="article?paragraph=' not in text, name
    config = json.loads(Page(read(site, "index.html")).scripts[0])
    assert 'href="article.html#p' in read(site, config["cards"]["nakhchivan"])
    assert 'href="index.html#feature=nakhchivan"' in read(site, "article.html")


def test_static_links_rewrite_only_our_own_link_prefixes() -> None:
    fragment = ('<a href="./?feature=goris">x</a> <a href="article?paragraph=p5">¶ 5</a> '
                "href=&quot;./?feature=x&quot;")
    assert static_links(fragment) == (
        '<a href="index.html#feature=goris">x</a> <a href="article.html#p5">¶ 5</a> '
        "href=&quot;./?feature=x&quot;")
    assert static_links(fragment, here="map").startswith('<a href="#feature=goris">')


def test_the_article_page_reads_exactly_as_the_article(site: Path, article: Article) -> None:
    text = read(site, "article.html")
    bodies = re.findall(r'<p class="body">(.*?)</p></div>', text)
    assert [html.unescape(TAG.sub("", body)) for body in bodies] == [
        paragraph.text for paragraph in article.paragraphs]
    assert article.sha256 in text


def test_the_search_index_is_the_apps(site: Path) -> None:
    config = json.loads(Page(read(site, "index.html")).scripts[0])
    search = json.loads(read(site, config["search"]))
    catalog = load_catalog()
    assert search["index"] == catalog.search_index.as_json()
    assert search["features"]["meghri"] == {"name": "Meghri", "layer": "railways"}


# --- escaping -----------------------------------------------------------------------------------


def test_a_hostile_name_stays_text_in_every_page(tmp_path: Path, article: Article) -> None:
    # Russia: the article names it (by an alias, now) and reference [1] rests on it
    russia = load_catalog().feature("russia").properties
    geodata = geodata_with(tmp_path, "borders.geojson", "russia", name=HOSTILE,
                           aliases=[*(russia.get("aliases") or []), "Russia"],
                           description=f"Described {HOSTILE}")
    out = tmp_path / "site"
    edition = edition_of(geodata, article)
    edition.write(out)
    escaped = html.escape(HOSTILE, quote=True)
    seen_in = set()
    for name in pages(out):
        text = read(out, name)
        page = Page(text)
        assert not [tag for tag, _ in page.elements if tag == "img"], name
        assert not [(tag, attr) for tag, attrs in page.elements for attr in attrs
                    if attr.startswith("on")], name
        if escaped in text:
            seen_in.add(name.split("/")[0])
    # it reached the card, the article's links and the sources, escaped every time
    assert {"cards", "article.html", "sources.html"} <= seen_in
    config = json.loads(Page(read(out, "index.html")).scripts[0])
    search = json.loads(read(out, config["search"]))
    assert search["features"]["russia"]["name"] == HOSTILE  # data, for text nodes only
    for path in out.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    for path in out.rglob("*.geojson"):
        assert json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_the_config_in_the_page_cannot_close_its_script(tmp_path: Path,
                                                        article: Article) -> None:
    geodata = geodata_with(tmp_path, "railways.geojson", "meghri")
    registry = json.loads((geodata / "layers.json").read_text(encoding="utf-8"))
    registry["layers"][0]["title"] = HOSTILE
    (geodata / "layers.json").write_text(json.dumps(registry), encoding="utf-8")
    text = edition_of(geodata, article).files["index.html"].decode("utf-8")
    page = Page(text)
    assert json.loads(page.scripts[0])["layers"][0]["title"] == HOSTILE
    assert "<" not in page.scripts[0] and not [t for t, _ in page.elements if t == "img"]


# --- hashed names follow the data ---------------------------------------------------------------


def test_changed_data_change_exactly_the_names_of_what_changed(tmp_path: Path,
                                                              article: Article) -> None:
    before = edition_of(geodata_with(tmp_path / "a", "september-2022.geojson", "goris"), article)
    after = edition_of(geodata_with(tmp_path / "b", "september-2022.geojson", "goris",
                                    name="Goris (renamed)"), article)

    def named(edition: Edition, stem: str) -> str:
        (path,) = [p for p in edition.files if p.startswith(f"{stem}.")]
        return path

    assert named(before, "geo/september-2022") != named(after, "geo/september-2022")
    assert named(before, "cards/goris") != named(after, "cards/goris")
    assert named(before, "data/search") != named(after, "data/search")
    for unchanged in ("geo/borders", "geo/railways", "cards/jermuk", "assets/explorer",
                      "geo/basemap"):
        assert named(before, unchanged) == named(after, unchanged), unchanged
    assert before.files["index.html"] != after.files["index.html"]  # it names the new files


# --- writing into a folder -----------------------------------------------------------------------


def small_edition(**files: bytes) -> Edition:
    edition = Edition()
    for path, data in files.items():
        edition.add(path.replace("__", "/"), data)
    edition.add(MANIFEST, json.dumps({"generator": GENERATOR,
                                      "files": edition.listing()}).encode())
    return edition


def test_publishing_again_replaces_the_earlier_edition(tmp_path: Path) -> None:
    out = tmp_path / "site"
    small_edition(**{"index.html": b"one", "geo__a.1.geojson": b"a"}).write(out)
    small_edition(**{"index.html": b"two", "cards__b.2.html": b"b"}).write(out)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "cards", "cards/b.2.html", "index.html", MANIFEST]
    assert (out / "index.html").read_bytes() == b"two"


def test_a_folder_of_something_else_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.txt").write_text("mine")
    with pytest.raises(NotAnEdition):
        small_edition(**{"index.html": b"x"}).write(out)
    assert sorted(p.name for p in out.iterdir()) == ["thesis.txt"]


def test_paths_must_be_plain_and_hashed_names_carry_the_content_hash() -> None:
    edition = Edition()
    for bad in ("/etc/passwd", "../up.html", "a//b", "./a"):
        with pytest.raises(ValueError):
            edition.add(bad, b"")
    assert hashed_name("geo/x", ".geojson", b"abc") == (
        f"geo/x.{hashlib.sha256(b'abc').hexdigest()[:16]}.geojson")
    assert edition.add_hashed("geo/x", ".geojson", b"abc") == hashed_name(
        "geo/x", ".geojson", b"abc")
