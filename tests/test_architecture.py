"""The library's imports run one way: data <- html <- map <- briefing <- publish, and build and
workspace import only data.

Read from the source (ast), not by importing, so an arrow that runs backwards fails here even in
a module no other test imports. The table below is the rule; `layers/__init__.py` says the same
in words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"

MAY_IMPORT: dict[str, set[str]] = {
    "data": {"data"},
    "html": {"data", "html"},
    "map": {"data", "html", "map"},
    "briefing": {"data", "html", "map", "briefing"},
    "publish": {"data", "html", "map", "briefing", "publish"},
    "build": {"data", "build"},
    "workspace": {"data", "workspace"},
}
"""For each package of `layers`, the packages of `layers` it may import (the root module
`layers`, which only names paths, is open to all)."""

NEVER: dict[str, set[str]] = {
    "data": {"folium", "branca", "matplotlib", "streamlit", "streamlit_folium", "jinja2"},
    "html": {"folium", "branca", "matplotlib", "streamlit", "streamlit_folium"},
    "map": {"matplotlib", "streamlit", "streamlit_folium"},
    "briefing": {"streamlit", "streamlit_folium"},
    "publish": {"folium", "branca", "matplotlib", "streamlit", "streamlit_folium"},
    "build": {"folium", "branca", "matplotlib", "streamlit", "streamlit_folium"},
    "workspace": {"folium", "branca", "matplotlib", "streamlit", "streamlit_folium"},
}
"""Third-party packages a package must not import: nothing in data/ draws, nothing in the
library runs Streamlit (that is views/), and the static edition writes its own Leaflet page
rather than folium's."""


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_of(module: str) -> str | None:
    """`layers.map.style` -> `map`; the root `layers` (and `layers.ROOT` & co.) -> None."""
    parts = module.split(".")
    if parts[0] != "layers" or len(parts) < 2 or parts[1] not in MAY_IMPORT | {"cli": set()}:
        return None
    return parts[1]


def library_files(package: str) -> list[Path]:
    return sorted((LAYERS / package).rglob("*.py"))


def wrong_arrows(package: str, paths: list[Path]) -> list[str]:
    """`file imports module` for every import in `paths` the rule forbids `package`."""
    wrong = []
    for path in paths:
        for module in sorted(imported_modules(path)):
            target = package_of(module)
            if (target is not None and target not in MAY_IMPORT[package]) or (
                    module.split(".")[0] in NEVER[package]):
                wrong.append(f"{path.name} imports {module}")
    return wrong


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_package_imports_only_what_lies_below_it(package):
    assert wrong_arrows(package, library_files(package)) == []


def test_a_wrong_arrow_is_caught_even_inside_a_function(tmp_path):
    module = tmp_path / "schema.py"
    module.write_text("import folium\n\ndef f():\n    from layers.map.style import DASH_PX\n")
    assert wrong_arrows("data", [module]) == [
        "schema.py imports folium", "schema.py imports layers.map.style",
        "schema.py imports layers.map.style.DASH_PX"]
    assert wrong_arrows("briefing", [module]) == []


def test_nothing_in_the_library_imports_the_pages_or_the_cli():
    wrong = [f"{path.relative_to(ROOT)} imports {module}"
             for path in sorted(LAYERS.rglob("*.py")) if path.name != "__main__.py"
             for module in imported_modules(path)
             if module.split(".")[0] == "views" or module.startswith("layers.cli")]
    assert wrong == []


def test_the_pages_never_import_a_build_tool():
    wrong = [f"{path.relative_to(ROOT)} imports {module}"
             for path in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]
             for module in imported_modules(path) if package_of(module) == "build"]
    assert wrong == []


def says_what_lives_there(folder: Path) -> bool:
    """A README, or a module docstring in the folder's `__init__.py` or `conftest.py`."""
    if (folder / "README.md").is_file():
        return True
    for name in ("__init__.py", "conftest.py"):
        path = folder / name
        if path.is_file() and ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))):
            return True
    return False


def test_every_folder_says_what_lives_there():
    folders = [path.parent for path in ROOT.glob("**/*.py")
               if not {".venv", "static", ".cache", "node_modules"} & set(path.parts)]
    folders += [ROOT / "geodata", ROOT / "geodata" / "basemap", ROOT / "content",
                ROOT / "content" / "briefings"]
    silent = sorted({str(f.relative_to(ROOT)) for f in folders
                     if f != ROOT and not says_what_lives_there(f)})
    assert silent == []


PAGES = [ROOT / "app.py", *(ROOT / path for path in re.findall(
    r'st\.Page\("([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8")))]
"""The scripts Streamlit runs (the router and the pages it lists); modules they import are
not run as scripts, so Streamlit's magic leaves them alone."""


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_no_page_holds_a_bare_string_streamlit_would_write_on_it(page):
    """Streamlit's "magic" writes every bare expression of the script it runs, strings
    included: a docstring under a constant in a page file turns up on the page (it did, twice).
    Only the module's own docstring is exempt."""
    body = ast.parse(page.read_text(encoding="utf-8")).body
    bare = [node.lineno for node in body[1:] if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)]
    assert bare == [], f"{page.name}: bare strings on lines {bare}"
