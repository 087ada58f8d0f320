"""The one npm fetcher: every package in `layers/build/packages.json`, fetched once, hash-checked.

Why npm: it is the registry this project may use, and it carries both the map's browser files
(Leaflet & co.) and Natural Earth as TopoJSON/GeoJSON. The manifest lists each package once,
with the tarball's sha512 integrity as the registry publishes it and every file's sha256, and
says who reads each file (`assets`, `basemap`, `geodata`, `tests`). A tarball is fetched with the
registry's own client (`npm pack`) into a temporary folder, checked, and only then moved into
the gitignored cache `.cache/npm/`, so `make geodata` and `make basemap` download nothing the
second time. Files read out of it are checked again and kept beside it (the admin-1 GeoJSON is
34 MB, two seconds to decompress), re-checked on every read.

Any hash that differs stops the run with `Mismatch`, naming the file and both hashes: a silently
different Leaflet breaks a briefing, a silently different Natural Earth moves borders. `pin`
re-records the hashes from the registry's bytes, for a deliberate version bump only
(`python -m layers.build assets --pin`).

Imports nothing from the project but `layers.ROOT`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layers import ROOT

MANIFEST_PATH = ROOT / "layers" / "build" / "packages.json"
CACHE_DIR = ROOT / ".cache" / "npm"
USERS = ("assets", "basemap", "geodata", "tests")
"""Who may read a file: the map assets, the offline basemap, the geodata build, and the browser
tests (axe-core, read from the cache and injected by the tests, never served to users)."""


class FetchError(RuntimeError):
    """A pinned file that cannot be had: npm missing or failing, or a file not in its tarball."""


class Mismatch(FetchError):
    """A tarball or a file whose bytes are not the ones the manifest pins."""


@dataclass(frozen=True)
class PackageFile:
    """One file of a pinned package: where it is in the tarball, who reads it, its sha256."""

    path: str  # inside the tarball, e.g. "package/dist/leaflet.js"
    used_by: tuple[str, ...]
    sha256: str
    local: str | None = None  # under static/vendor/ (the map assets only)


@dataclass(frozen=True)
class Package:
    """One pinned npm package version and the files of it the project reads."""

    name: str
    version: str
    licence: str
    why: str
    integrity: str  # sha512 SRI, as `npm view <name>@<version> dist.integrity` reports it
    files: tuple[PackageFile, ...]

    @property
    def spec(self) -> str:
        """The npm spec naming exactly this version, e.g. `world-atlas@2.0.2`."""
        return f"{self.name}@{self.version}"

    @property
    def stem(self) -> str:
        """The spec as `npm pack` names its tarball: `fortawesome-fontawesome-free-6.2.0`."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}"

    def file(self, path: str) -> PackageFile:
        """The manifest entry of one file; KeyError if the manifest does not list it."""
        for entry in self.files:
            if entry.path == path:
                return entry
        raise KeyError(f"{self.spec}: the manifest lists no file {path}")


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Package]:
    """Every package of the manifest by name, in manifest order."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    packages: dict[str, Package] = {}
    for entry in raw["packages"]:
        files = tuple(
            PackageFile(f["path"], tuple(f["used_by"]), f["sha256"], f.get("local"))
            for f in entry["files"]
        )
        package = Package(
            name=entry["name"],
            version=entry["version"],
            licence=entry["licence"],
            why=entry["why"],
            integrity=entry["integrity"],
            files=files,
        )
        if package.name in packages:
            raise ValueError(f"{path.name}: {package.name} is listed twice")
        packages[package.name] = package
    return packages


def sri_sha512(data: bytes) -> str:
    """The Subresource-Integrity form of a sha512 digest, as npm publishes it."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def sha256_of(data: bytes) -> str:
    """Hex sha256, the form the manifest records for files."""
    return hashlib.sha256(data).hexdigest()


def check_tarball(package: Package, data: bytes, where: str) -> None:
    """Raise Mismatch if `data` is not the tarball the registry published for `package`."""
    digest = sri_sha512(data)
    if digest != package.integrity:
        raise Mismatch(
            f"{where} ({package.spec}): integrity is {digest}, the manifest pins "
            f"{package.integrity}. Delete the file to fetch it again; if the registry serves the "
            "same bytes, review the package before re-pinning with "
            "`python -m layers.build assets --pin`."
        )


def check_file(package: Package, entry: PackageFile, data: bytes) -> None:
    """Raise Mismatch if one file's bytes are not the ones the manifest pins."""
    digest = sha256_of(data)
    if digest != entry.sha256:
        raise Mismatch(
            f"{package.spec} {entry.path}: sha256 is {digest}, the manifest pins {entry.sha256}. "
            "Do not use it: review the package, and only for a deliberate version bump re-pin "
            "with `python -m layers.build assets --pin`."
        )


def npm_pack(spec: str, destination: Path) -> Path:
    """Run `npm pack spec` into `destination` and return the tarball it wrote."""
    try:
        result = subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", str(destination), spec],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise FetchError(f"fetching {spec} needs npm (Node.js), which is not installed") from None
    if result.returncode != 0:
        raise FetchError(f"`npm pack {spec}` failed:\n{result.stderr.strip()}")
    (tarball,) = destination.glob("*.tgz")
    return tarball


def tarball(package: Package, cache: Path = CACHE_DIR) -> Path:
    """The cached tarball of `package`, fetched first if absent; its integrity checked either way.

    A fresh download is checked before it enters the cache, so the cache only ever holds
    tarballs that matched the manifest when they arrived.
    """
    path = cache / f"{package.stem}.tgz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"npm pack {package.spec} (once; cached in {_shown(cache)})")
        with tempfile.TemporaryDirectory(prefix="npm-pack-", dir=cache) as tmp:
            fetched = npm_pack(package.spec, Path(tmp))
            check_tarball(package, fetched.read_bytes(), f"npm pack {package.spec}")
            fetched.replace(path)
    check_tarball(package, path.read_bytes(), _shown(path))
    return path


def members(tarball_path: Path, paths: Iterable[str]) -> dict[str, bytes]:
    """The named members' bytes (Python's tarfile: npm writes pax headers GNU tar warns about)."""
    wanted = set(paths)
    found: dict[str, bytes] = {}
    with tarfile.open(tarball_path, "r:gz") as tar:
        for member in tar:
            if member.name in wanted and member.isfile():
                handle = tar.extractfile(member)
                assert handle is not None  # isfile() members always have a payload
                found[member.name] = handle.read()
                if len(found) == len(wanted):
                    break
    missing = sorted(wanted - found.keys())
    if missing:
        raise FetchError(f"{tarball_path.name} has no {', '.join(missing)}: fix the manifest")
    return found


def read_files(
    package: Package, paths: Iterable[str] | None = None, cache: Path = CACHE_DIR
) -> dict[str, bytes]:
    """The bytes of the named files of `package` (default: all it lists), each sha256-checked.

    A file already extracted into the cache with the pinned sha256 is read from there; the
    others come out of the (integrity-checked) tarball, fetched first if it is not cached.
    Nothing is returned unless every file matches.
    """
    entries = [package.file(p) for p in paths] if paths is not None else list(package.files)
    found: dict[str, bytes] = {}
    for entry in entries:
        extracted = _extracted(package, entry, cache)
        if extracted.is_file():
            data = extracted.read_bytes()
            if sha256_of(data) == entry.sha256:
                found[entry.path] = data
    missing = [e for e in entries if e.path not in found]
    if missing:
        fresh = members(tarball(package, cache), (e.path for e in missing))
        for entry in missing:
            check_file(package, entry, fresh[entry.path])
        for entry in missing:
            target = _extracted(package, entry, cache)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(fresh[entry.path])
            found[entry.path] = fresh[entry.path]
    return {e.path: found[e.path] for e in entries}


def read_file(name: str, path: str, cache: Path = CACHE_DIR) -> bytes:
    """One checked file of one manifest package, e.g. `read_file("world-atlas", ...)`."""
    return read_files(load_manifest()[name], [path], cache)[path]


def pin(manifest_path: Path = MANIFEST_PATH, cache: Path = CACHE_DIR) -> list[str]:
    """Re-record every package's integrity and file sha256 from the registry's bytes.

    For a deliberate version bump: edit `version` (and the file paths if they moved), run this,
    review the diff. A cached tarball that still matches its recorded integrity is reused; any
    other is fetched afresh and replaces the cached one. Returns the specs whose pins changed.
    """
    raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    changed: list[str] = []
    for entry in raw["packages"]:
        package = Package(entry["name"], entry["version"], entry["licence"], entry["why"],
                          entry.get("integrity", ""), ())
        path = cache / f"{package.stem}.tgz"
        if not (path.exists() and sri_sha512(path.read_bytes()) == package.integrity):
            cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="npm-pack-", dir=cache) as tmp:
                npm_pack(package.spec, Path(tmp)).replace(path)
        before = json.dumps(entry)
        entry["integrity"] = sri_sha512(path.read_bytes())
        contents = members(path, (f["path"] for f in entry["files"]))
        for item in entry["files"]:
            item["sha256"] = sha256_of(contents[item["path"]])
        if json.dumps(entry) != before:
            changed.append(package.spec)
    manifest_path.write_text(dumps_manifest(raw), encoding="utf-8")
    return changed


def dumps_manifest(raw: dict) -> str:
    """The manifest's text: indented JSON with short lists (`used_by`) kept on one line."""
    text = json.dumps(raw, indent=2, ensure_ascii=False) + "\n"
    return re.sub(
        r'\[\s+("[^"\n]*"(?:,\s+"[^"\n]*")*)\s+\]',
        lambda match: "[" + re.sub(r",\s+", ", ", match.group(1)) + "]",
        text,
    )


def _extracted(package: Package, entry: PackageFile, cache: Path) -> Path:
    return cache / package.stem / entry.path.removeprefix("package/")


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it (shorter messages)."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
