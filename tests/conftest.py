"""Shared test data: the real article and the small fixture catalog in tests/fixtures/geodata."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from layers.data.article import Article, load_article
from layers.data.catalog import Catalog, Feature, load_catalog

FIXTURE_GEODATA = Path(__file__).parent / "fixtures" / "geodata"


@pytest.fixture(scope="session", autouse=True)
def own_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test, and every server a test starts (they inherit the environment), keeps the
    briefer's layers in a workspace of its own, never in `workspace/` beside the app."""
    path = tmp_path_factory.mktemp("workspace") / "workspace.gpkg"
    before = os.environ.get("CBM_WORKSPACE")
    os.environ["CBM_WORKSPACE"] = str(path)
    yield path
    if before is None:
        del os.environ["CBM_WORKSPACE"]
    else:
        os.environ["CBM_WORKSPACE"] = before


@pytest.fixture(scope="session")
def article() -> Article:
    return load_article()


@pytest.fixture(scope="session")
def fixture_geodata() -> Path:
    """The fixture geodata folder (read-only: copy it with `geodata_copy` to change it)."""
    return FIXTURE_GEODATA


@pytest.fixture
def geodata_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture geodata, for tests that break or change a file."""
    return Path(shutil.copytree(FIXTURE_GEODATA, tmp_path / "geodata"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The fixture catalog (two small layers), independent of the built geodata."""
    return load_catalog(FIXTURE_GEODATA)


@pytest.fixture(scope="session")
def storyboard(real_catalog: Catalog, article: Article):
    """The default briefing as the loader reads it, for the handout and deck tests."""
    from layers.briefing.storyboard import DEFAULT_STORYBOARD, load_storyboard

    loaded, issues = load_storyboard(DEFAULT_STORYBOARD, real_catalog, article)
    assert issues == []
    return loaded


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    """The built geodata in geodata/, for tests about the shipped layers and storyboards.

    A fixture, not a module-level load, so collecting the suite reads no geodata."""
    return load_catalog()


def _with_properties(catalog: Catalog, feature_id: str, **changes: object) -> Catalog:
    features = tuple(
        Feature(layer, {**props, **changes}, geometry) if props["id"] == feature_id
        else Feature(layer, props, geometry)
        for layer, props, geometry in catalog.features
    )
    return Catalog(layers=catalog.layers, sources=catalog.sources, files=catalog.files,
                   features=features)


@pytest.fixture
def with_properties() -> Callable[..., Catalog]:
    """A function giving a copy of a catalog in which one feature's properties are changed."""
    return _with_properties
