"""Fetch the map's JavaScript, CSS, images and fonts from the npm registry into `static/vendor/`.

Why: folium and its plugins link Leaflet & co. from CDNs, and briefing rooms have no internet.
`make assets` runs `python -m layers.build.assets`, which reads the pinned list in
`layers/assets.json` (package, version, licence, path in the package, local path, sha256),
packs each package with `npm pack name@version` (the registry's own client) and copies the listed
files out. Nothing third-party is committed: `static/vendor/` is gitignored.

Idempotent: a package whose files are all on disk with the recorded sha256 is not fetched again.
A file whose bytes differ from the manifest stops the run with a message naming the file, both
hashes and what to do, because a silently different Leaflet is how a map breaks in a briefing.
`--pin` rewrites the sha256 fields from freshly fetched files: for a deliberate version bump only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layers import ROOT

MANIFEST_PATH = ROOT / "layers" / "build" / "assets.json"
VENDOR_DIR = ROOT / "static" / "vendor"


class AssetMismatch(RuntimeError):
    """A fetched or cached file's sha256 is not the one the manifest pins."""


@dataclass(frozen=True)
class AssetFile:
    """One file of one pinned package, and where it is served from."""

    package: str
    version: str
    registry: str
    licence: str
    path: str  # inside the package tarball, e.g. "package/dist/leaflet.js"
    local: str  # under static/vendor/, e.g. "leaflet/1.9.3/leaflet.js"
    sha256: str

    @property
    def spec(self) -> str:
        """The `npm pack` argument that names exactly this pinned version."""
        return f"{self.package}@{self.version}"


def load_manifest(path: Path = MANIFEST_PATH) -> list[AssetFile]:
    """Every file the manifest lists, flattened so each carries its package's pin and licence."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    files: list[AssetFile] = []
    for pkg in raw["packages"]:
        for entry in pkg["files"]:
            files.append(
                AssetFile(
                    package=pkg["package"],
                    version=pkg["version"],
                    registry=pkg["registry"],
                    licence=pkg["licence"],
                    path=entry["path"],
                    local=entry["local"],
                    sha256=entry["sha256"],
                )
            )
    return files


def sha256_of(data: bytes) -> str:
    """Hex sha256, the form the manifest records."""
    return hashlib.sha256(data).hexdigest()


def is_current(asset: AssetFile, vendor_dir: Path = VENDOR_DIR) -> bool:
    """True when the file is on disk with the pinned hash (so it need not be fetched)."""
    target = vendor_dir / asset.local
    return target.is_file() and sha256_of(target.read_bytes()) == asset.sha256


def npm_pack_members(spec: str, members: Iterable[str]) -> dict[str, bytes]:
    """Run `npm pack spec` in a temporary folder and return the named members' bytes.

    The tarball is read with Python's tarfile (npm writes pax headers GNU tar warns about) and
    thrown away afterwards, so no raw download lingers anywhere in the tree.
    """
    wanted = set(members)
    with tempfile.TemporaryDirectory(prefix="assets-npm-") as tmp:
        result = subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", tmp, spec],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"`npm pack {spec}` failed:\n{result.stderr.strip()}")
        (tarball,) = Path(tmp).glob("*.tgz")
        found: dict[str, bytes] = {}
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name in wanted and member.isfile():
                    handle = tar.extractfile(member)
                    assert handle is not None  # isfile() members always have a payload
                    found[member.name] = handle.read()
    missing = sorted(wanted - found.keys())
    if missing:
        raise RuntimeError(f"{spec} has no {', '.join(missing)}: the manifest's paths are wrong")
    return found


def fetch(
    assets: list[AssetFile], vendor_dir: Path = VENDOR_DIR, pin: bool = False
) -> dict[tuple[str, str], str]:
    """Bring every asset onto disk; return {(package, path): sha256} of what was fetched.

    Packages whose files are all current are skipped. Without `pin` a hash mismatch raises
    AssetMismatch before anything of that package is written.
    """
    by_spec: dict[str, list[AssetFile]] = {}
    for asset in assets:
        by_spec.setdefault(asset.spec, []).append(asset)
    fetched: dict[tuple[str, str], str] = {}
    for spec, group in by_spec.items():
        if not pin and all(is_current(a, vendor_dir) for a in group):
            continue
        if group[0].registry != "npm":
            registry = group[0].registry
            raise RuntimeError(f"{spec}: only the npm registry is supported, not {registry}")
        contents = npm_pack_members(spec, (a.path for a in group))
        for asset in group:
            digest = sha256_of(contents[asset.path])
            if not pin and digest != asset.sha256:
                raise AssetMismatch(
                    f"{spec} {asset.path}: sha256 is {digest}, the manifest pins {asset.sha256}.\n"
                    "The registry served different bytes for a pinned version. Do not ship it: "
                    "check the package, and only after review re-pin with "
                    "`python -m layers.build.assets --pin`."
                )
            fetched[(asset.package, asset.path)] = digest
        for asset in group:
            target = vendor_dir / asset.local
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[asset.path])
        print(f"assets: {spec}: {len(group)} file(s) written")
    return fetched


def write_pins(fetched: dict[tuple[str, str], str], path: Path = MANIFEST_PATH) -> None:
    """Record freshly fetched hashes in the manifest (the `--pin` path), keeping its layout."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    for pkg in raw["packages"]:
        for entry in pkg["files"]:
            key = (pkg["package"], entry["path"])
            if key in fetched:
                entry["sha256"] = fetched[key]
    path.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """CLI for `make assets`: fetch what is missing, verify everything, report in one line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pin", action="store_true", help="re-record sha256 from fetched files (version bumps)"
    )
    args = parser.parse_args(argv)
    assets = load_manifest()
    try:
        fetched = fetch(assets, pin=args.pin)
    except AssetMismatch as err:
        print(f"assets: MISMATCH\n{err}", file=sys.stderr)
        return 1
    if args.pin:
        write_pins(fetched)
        print(f"assets: pinned {len(fetched)} file(s) in {MANIFEST_PATH.relative_to(ROOT)}")
        assets = load_manifest()
    stale = [a.local for a in assets if not is_current(a)]
    if stale:
        print(f"assets: still not matching the manifest: {', '.join(stale)}", file=sys.stderr)
        return 1
    print(f"assets: {len(assets)} file(s) in {VENDOR_DIR.relative_to(ROOT)} match the manifest")
    return 0

