"""Put the map's JavaScript, CSS, images and fonts into `static/vendor/` (`make assets`).

Why: folium and its plugins link Leaflet & co. from CDNs, and briefing rooms have no internet.
`python -m layers.build assets` copies every file the manifest `layers/build/packages.json`
marks `used_by: assets` to `static/vendor/<local>`, which Streamlit serves at
`/app/static/vendor/`; the fetching and hash checks are `layers.build.npm`'s. Nothing
third-party is committed: `static/vendor/` and the tarball cache are gitignored.

Idempotent and quick, because `make run` and `make test` run it every time: a package whose files
are all on disk with their pinned sha256 is not touched, so no npm and no tarball is involved.
`--pin` re-records the manifest's hashes from the registry first, for a deliberate version bump.

Imports only `layers.build.npm` (and `layers.ROOT`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layers import ROOT, VENDOR_DIR
from layers.build import npm

USER = "assets"


def vendor_files(
    manifest: dict[str, npm.Package],
) -> list[tuple[npm.Package, npm.PackageFile]]:
    """Every (package, file) the manifest says the map assets use, in manifest order."""
    return [
        (package, entry)
        for package in manifest.values()
        for entry in package.files
        if USER in entry.used_by
    ]


def is_current(entry: npm.PackageFile, vendor_dir: Path = VENDOR_DIR) -> bool:
    """True when the file is on disk with its pinned sha256 (so it need not be fetched)."""
    assert entry.local is not None, f"{entry.path} is used by assets but has no `local` path"
    target = vendor_dir / entry.local
    return target.is_file() and npm.sha256_of(target.read_bytes()) == entry.sha256


def fetch(
    manifest: dict[str, npm.Package], vendor_dir: Path = VENDOR_DIR, cache: Path = npm.CACHE_DIR
) -> list[str]:
    """Write every asset that is missing or stale; return the specs of the packages written.

    A package's files are written only once all of them have passed their sha256 check.
    """
    written: list[str] = []
    by_package: dict[str, list[npm.PackageFile]] = {}
    for package, entry in vendor_files(manifest):
        by_package.setdefault(package.name, []).append(entry)
    for name, entries in by_package.items():
        if all(is_current(entry, vendor_dir) for entry in entries):
            continue
        package = manifest[name]
        contents = npm.read_files(package, (e.path for e in entries), cache)
        for entry in entries:
            target = vendor_dir / str(entry.local)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[entry.path])
        print(f"assets: {package.spec}: {len(entries)} file(s) written")
        written.append(package.spec)
    return written


def main(argv: list[str] | None = None) -> int:
    """CLI for `make assets`: fetch what is missing, verify everything, report in one line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pin",
        action="store_true",
        help="re-record integrity and sha256 of every package in the manifest (version bumps)",
    )
    args = parser.parse_args(argv)
    if args.pin:
        changed = npm.pin()
        shown = npm.MANIFEST_PATH.relative_to(ROOT)
        print(f"assets: re-pinned {', '.join(changed) or 'nothing (all pins held)'} in {shown}")
    manifest = npm.load_manifest()
    fetch(manifest)  # a hash mismatch raises npm.Mismatch, reported by `python -m layers.build`
    files = vendor_files(manifest)
    stale = [str(entry.local) for _, entry in files if not is_current(entry)]
    if stale:
        print(f"assets: still not matching the manifest: {', '.join(stale)}", file=sys.stderr)
        return 1
    print(f"assets: {len(files)} file(s) in {VENDOR_DIR.relative_to(ROOT)} match the manifest")
    return 0
