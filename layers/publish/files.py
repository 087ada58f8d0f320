"""Writing an edition to disk: content-hashed names, a record of every file, no stale leftovers.

Why hashed names: a CDN or a browser may then keep geometry, data and scripts for ever (their
address changes exactly when their bytes do), while the few pages that name them stay small and
are fetched fresh. `Edition` collects every file in memory first and writes them all at the end,
so a failure half-way (a missing asset) leaves the previous edition as it was.

Publishing again into the same folder replaces the edition: the files the old `index.json`
listed and the new one does not are removed. A folder that holds anything else is refused, so
a mistyped path never has its contents mixed with, or deleted for, an edition.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

HASH_CHARS = 16
"""Hex digits of sha256 in a hashed name: 64 bits, no collision among a few hundred files."""
MANIFEST = "index.json"
GENERATOR = "python -m layers publish"
"""Written into the manifest; a folder whose index.json says so is an edition we may replace."""


class NotAnEdition(FileExistsError):
    """The output folder holds files that no edition of ours wrote."""


def content_hash(data: bytes) -> str:
    """The first HASH_CHARS hex digits of the bytes' sha256."""
    return hashlib.sha256(data).hexdigest()[:HASH_CHARS]


def hashed_name(stem: str, suffix: str, data: bytes) -> str:
    """`geo/borders` + `.geojson` → `geo/borders.<hash>.geojson`."""
    return f"{stem}.{content_hash(data)}{suffix}"


@dataclass
class Edition:
    """The files of one edition by path (relative, `/`-separated), before and after writing."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> str:
        """Add a file under a fixed name (a page, `article.txt`); returns its path."""
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts or str(clean) != path:
            raise ValueError(f"not a plain relative path: {path!r}")
        if path in self.files and self.files[path] != data:
            raise ValueError(f"{path} added twice with different bytes")
        self.files[path] = data
        return path

    def add_hashed(self, stem: str, suffix: str, data: bytes) -> str:
        """Add a file named by its content (`stem.<hash>suffix`); returns its path."""
        return self.add(hashed_name(stem, suffix, data), data)

    def listing(self) -> list[dict[str, object]]:
        """Every file with its size and full sha256, by path: the manifest's `files`."""
        return [{"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for path, data in sorted(self.files.items())]

    def summary(self) -> list[tuple[str, int, int]]:
        """(folder, files, bytes) for each top-level folder (`.` for the pages), largest first,
        then the whole edition as `total`: what `python -m layers publish` reports."""
        sizes: dict[str, list[int]] = {}
        for path, data in self.files.items():
            folder = path.split("/", 1)[0] if "/" in path else "."
            count = sizes.setdefault(folder, [0, 0])
            count[0] += 1
            count[1] += len(data)
        rows = sorted(((f, n, b) for f, (n, b) in sizes.items()), key=lambda row: -row[2])
        return [*rows, ("total", len(self.files), sum(len(d) for d in self.files.values()))]

    def write(self, out: Path) -> None:
        """Write every file under `out`, then remove what the previous edition there had and
        this one has not. Raises NotAnEdition if `out` holds files of anything else."""
        out = Path(out)
        previous = _previous_files(out)
        for path, data in self.files.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if not (target.is_file() and target.read_bytes() == data):
                target.write_bytes(data)
        for path in previous - set(self.files):
            (out / path).unlink(missing_ok=True)
        for folder in sorted({(out / p).parent for p in previous}, key=lambda f: -len(f.parts)):
            if folder != out and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _previous_files(out: Path) -> set[str]:
    """The files the edition already in `out` lists (none for a missing or empty folder)."""
    if not out.exists() or not any(out.iterdir()):
        return set()
    manifest = out / MANIFEST
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        listed = None
    if not isinstance(listed, dict) or listed.get("generator") != GENERATOR:
        raise NotAnEdition(f"{out} is not empty and holds no edition of ours ({MANIFEST} from "
                           f"`{GENERATOR}`): choose an empty or new folder")
    paths = {str(entry.get("path")) for entry in listed.get("files", [])
             if isinstance(entry, dict)}
    return {p for p in paths if p and not PurePosixPath(p).is_absolute()
            and ".." not in PurePosixPath(p).parts} | {MANIFEST}
