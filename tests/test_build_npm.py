"""One npm fetcher, one manifest: every package listed once, every byte checked, fetched once.

The fetch tests run against a made-up package `demo@1.0.0` whose tarball is built here, with
`npm pack` replaced by a copy, so they need no network and show exactly what each check refuses.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from layers import ROOT
from layers.build import basemap, npm
from layers.build.__main__ import main as build_main
from layers.build.geodata import datasets

FILES = {"package/a.json": b'{"a": 1}\n', "package/dist/b.css": b"b {}\n"}


def tarball_of(files: dict[str, bytes]) -> bytes:
    """A gzipped tarball holding `files`, as npm publishes packages."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def demo(tarball: bytes, files: dict[str, bytes] = FILES) -> npm.Package:
    """The manifest entry that pins exactly `tarball` and `files`."""
    return npm.Package(
        name="demo", version="1.0.0", licence="MIT", why="a test",
        integrity=npm.sri_sha512(tarball),
        files=tuple(npm.PackageFile(path, ("geodata",), npm.sha256_of(data))
                    for path, data in files.items()),
    )  # fmt: skip


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`npm pack` serving the demo tarball; returns the specs it was asked for."""
    served = tarball_of(FILES)
    asked: list[str] = []

    def npm_pack(spec: str, destination: Path) -> Path:
        asked.append(spec)
        path = destination / "demo-1.0.0.tgz"
        path.write_bytes(served)
        return path

    monkeypatch.setattr(npm, "npm_pack", npm_pack)
    return asked


def test_a_package_is_fetched_once_and_then_read_from_the_cache(
    registry: list[str], tmp_path: Path
) -> None:
    package = demo(tarball_of(FILES))
    assert npm.read_files(package, cache=tmp_path) == FILES
    assert npm.read_files(package, ["package/a.json"], cache=tmp_path) == {
        "package/a.json": FILES["package/a.json"]}
    (tmp_path / "demo-1.0.0.tgz").unlink()  # the extracted, checked copies are enough
    assert npm.read_files(package, cache=tmp_path) == FILES
    assert registry == ["demo@1.0.0"]


def test_a_tarball_other_than_the_pinned_one_is_refused_and_not_cached(
    registry: list[str], tmp_path: Path
) -> None:
    package = demo(tarball_of({"package/a.json": b"other"}))
    with pytest.raises(npm.Mismatch) as caught:
        npm.read_files(package, cache=tmp_path)
    message = str(caught.value)
    assert "npm pack demo@1.0.0" in message
    assert npm.sri_sha512(tarball_of(FILES)) in message and package.integrity in message
    assert not list(tmp_path.rglob("*.tgz")) and not (tmp_path / "demo-1.0.0").exists()


def test_a_cached_tarball_that_changed_is_refused_naming_the_file(
    registry: list[str], tmp_path: Path
) -> None:
    package = demo(tarball_of(FILES))
    npm.tarball(package, tmp_path)
    (tmp_path / "demo-1.0.0.tgz").write_bytes(b"corrupted")
    with pytest.raises(npm.Mismatch, match=r"demo-1\.0\.0\.tgz \(demo@1\.0\.0\): integrity is "
                                           + re.escape(npm.sri_sha512(b"corrupted"))):
        npm.read_files(package, cache=tmp_path)


def test_a_file_other_than_the_pinned_one_is_refused_naming_it_and_both_hashes(
    registry: list[str], tmp_path: Path
) -> None:
    package = demo(tarball_of(FILES), {**FILES, "package/a.json": b"what the manifest expects"})
    with pytest.raises(npm.Mismatch) as caught:
        npm.read_files(package, cache=tmp_path)
    message = str(caught.value)
    assert message.startswith("demo@1.0.0 package/a.json: sha256 is ")
    assert npm.sha256_of(FILES["package/a.json"]) in message
    assert npm.sha256_of(b"what the manifest expects") in message
    assert not (tmp_path / "demo-1.0.0").exists()  # nothing of the package was extracted


def test_an_extracted_copy_that_changed_is_replaced_from_the_tarball(
    registry: list[str], tmp_path: Path
) -> None:
    package = demo(tarball_of(FILES))
    npm.read_files(package, cache=tmp_path)
    (tmp_path / "demo-1.0.0" / "a.json").write_bytes(b"edited by hand")
    assert npm.read_files(package, ["package/a.json"], cache=tmp_path)["package/a.json"] == (
        FILES["package/a.json"])
    assert (tmp_path / "demo-1.0.0" / "a.json").read_bytes() == FILES["package/a.json"]


def test_a_file_the_manifest_does_not_list_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="lists no file package/c.js"):
        npm.read_files(demo(tarball_of(FILES)), ["package/c.js"], cache=tmp_path)


def test_pin_records_the_registry_bytes_after_a_version_bump(
    registry: list[str], tmp_path: Path
) -> None:
    manifest = tmp_path / "packages.json"
    stale = {"name": "demo", "version": "1.0.0", "licence": "MIT", "why": "a test",
             "integrity": "sha512-of-0.9.0", "files": [
                 {"path": "package/a.json", "used_by": ["geodata"], "sha256": "of-0.9.0"}]}
    manifest.write_text(npm.dumps_manifest({"packages": [stale]}), encoding="utf-8")
    assert npm.pin(manifest, tmp_path / "cache") == ["demo@1.0.0"]
    pinned = npm.load_manifest(manifest)["demo"]
    assert pinned.integrity == npm.sri_sha512(tarball_of(FILES))
    assert pinned.file("package/a.json").sha256 == npm.sha256_of(FILES["package/a.json"])
    assert npm.pin(manifest, tmp_path / "cache") == []  # pins that hold are left alone
    assert registry == ["demo@1.0.0"]


# --- The manifest itself ------------------------------------------------------------------


def test_the_manifest_is_in_the_layout_pin_writes() -> None:
    """So `--pin` after a bump changes only hashes in the diff, not the whole file."""
    text = npm.MANIFEST_PATH.read_text(encoding="utf-8")
    assert npm.dumps_manifest(json.loads(text)) == text


def test_each_package_is_listed_once_with_its_provenance() -> None:
    raw = json.loads(npm.MANIFEST_PATH.read_text(encoding="utf-8"))
    names = [package["name"] for package in raw["packages"]]
    assert len(names) == len(set(names))
    for package in npm.load_manifest().values():
        assert re.fullmatch(r"\d+\.\d+\.\d+", package.version), package.spec
        assert package.licence and package.why, package.spec
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", package.integrity), package.spec
        for entry in package.files:
            assert entry.path.startswith("package/"), entry.path
            assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256), entry.path
            assert entry.used_by and set(entry.used_by) <= set(npm.USERS), entry.path
            assert (entry.local is not None) == ("assets" in entry.used_by), entry.path


def used_by(user: str) -> set[tuple[str, str]]:
    return {(package.name, entry.path) for package in npm.load_manifest().values()
            for entry in package.files if user in entry.used_by}  # fmt: skip


def test_used_by_names_exactly_the_files_each_build_reads() -> None:
    assert used_by("basemap") == set(basemap.SOURCES)
    assert used_by("geodata") == set(datasets.SOURCES)
    # tests/browser/test_browser_a11y.py reads this one file, and nothing is served from it
    assert used_by("tests") == {("axe-core", "package/axe.min.js")}
    assert not any("tests" in entry.used_by and entry.local
                   for package in npm.load_manifest().values() for entry in package.files)


def test_world_atlas_is_pinned_once_for_the_basemap_and_the_geodata_build() -> None:
    atlas = npm.load_manifest()["world-atlas"]
    assert atlas.file("package/countries-10m.json").used_by == ("basemap", "geodata")


def test_a_step_that_cannot_get_its_pinned_bytes_exits_1_saying_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise npm.Mismatch("world-atlas@2.0.2 package/land-10m.json: sha256 is 1, pinned 2")

    monkeypatch.setattr(basemap, "load_sources", refuse)
    assert build_main(["basemap"]) == 1
    err = capsys.readouterr().err
    assert "basemap: world-atlas@2.0.2 package/land-10m.json: sha256 is 1, pinned 2" in err


@pytest.mark.parametrize("readme", ["geodata/README.md", "geodata/basemap/README.md"])
def test_the_readmes_name_the_pinned_versions(readme: str) -> None:
    manifest = npm.load_manifest()
    named = re.findall(r"`(?:npm )?([a-z][\w.-]*)@(\d+\.\d+\.\d+)`", (ROOT / readme).read_text())
    assert named
    for name, version in named:
        assert manifest[name].version == version, f"{readme}: {name}@{version}"
