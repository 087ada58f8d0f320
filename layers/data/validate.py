"""Every check on the loaded geodata, in one place: `python -m layers check` and the geodata build
both run `validate_catalog`, so a rule cannot pass one and fail the other.

Per-feature property rules live beside the schema (`layers.data.schema.validate_properties`);
this module adds the rules that need more than one feature's properties or the article: geometry,
unique ids, cited references that exist, article links that resolve, source ids that resolve,
aliases no two features share (compared as search compares them, so `Naxçıvan` and `Naxcivan`
collide), categories styled in layers.json, and files layers.json does not list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from layers.data.article import Article
from layers.data.catalog import LAYERS_FILE, SOURCES_FILE, Catalog, name_parts, normalise
from layers.data.schema import (
    CATEGORIES,
    PARAGRAPH_ID_PATTERN,
    Problem,
    article_source_number,
    validate_properties,
)


def validate_catalog(
    catalog: Catalog, article: Article, geodata_dir: Path | None = None
) -> list[Problem]:
    """Every problem in the loaded geodata, in registry and file order.

    Covers the schema of each feature, geometry (valid, non-empty, inside WGS84 bounds), ids
    unique across layers, references that exist in the article, article links that resolve,
    source ids that resolve, aliases no two features share, categories styled in layers.json,
    and, given the folder the files sit in, GeoJSON files that layers.json does not list (the
    build validates before it writes, so it has no folder to look in yet).
    """
    problems: list[Problem] = []
    listed = {path.name for path in catalog.files.values()}
    for path in sorted(Path(geodata_dir).glob("*.geojson")) if geodata_dir else ():
        if path.name not in listed:
            problems.append(Problem(path.name, None, None, f"is not listed in {LAYERS_FILE}"))
    for layer in catalog.layers:
        for category in layer.category_styles:
            if category not in CATEGORIES:
                problems.append(
                    Problem(layer.id, None, None, f"styles unknown category {category!r}")
                )

    first_layer: dict[str, str] = {}
    for layer, props, geometry in catalog.features:
        problems.extend(validate_properties(props, layer.id))
        ident = props.get("id") if isinstance(props.get("id"), str) else None
        located = [("geometry", message) for message in _geometry_problems(geometry)]
        if ident in first_layer:
            located.append(("id", f"is already used in layer {first_layer[ident]}"))
        elif ident is not None:
            first_layer[ident] = layer.id
        located.extend(_reference_problems(props, article, catalog))
        problems.extend(Problem(layer.id, ident, field, message) for field, message in located)
    problems.extend(_alias_problems(catalog))
    return problems


def _geometry_problems(geometry: BaseGeometry | None) -> Iterator[str]:
    if geometry is None or geometry.is_empty:
        yield "is empty"
        return
    if not geometry.is_valid:
        yield f"is not valid: {shapely.is_valid_reason(geometry)}"
    west, south, east, north = geometry.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        yield (
            f"lies outside WGS84 longitude/latitude bounds "
            f"({west:g}, {south:g}, {east:g}, {north:g})"
        )


def _reference_problems(
    props: dict, article: Article, catalog: Catalog
) -> Iterator[tuple[str, str]]:
    """(field, message) for citations, article links and sources that do not resolve."""
    numbers = {reference.number for reference in article.references}
    span = f"[{min(numbers)}]–[{max(numbers)}]"
    citations = props.get("citations")
    for i, number in enumerate(citations if isinstance(citations, list) else []):
        if isinstance(number, int) and not isinstance(number, bool) and number not in numbers:
            yield f"citations[{i}]", f"[{number}] is not one of the article's references {span}"

    paragraphs = {paragraph.id: paragraph for paragraph in article.paragraphs}
    links = props.get("article")
    for i, link in enumerate(links if isinstance(links, list) else []):
        if not isinstance(link, dict):
            continue
        pid, phrase = link.get("paragraph"), link.get("phrase")
        if not isinstance(pid, str) or not isinstance(phrase, str):
            continue  # a malformed link is validate_properties' to report
        if not PARAGRAPH_ID_PATTERN.fullmatch(pid):
            continue
        if pid not in paragraphs:
            last = article.paragraphs[-1].id
            yield f"article[{i}].paragraph", f"{pid} is not a paragraph of the article (p1–{last})"
        elif phrase not in paragraphs[pid].text:
            yield f"article[{i}].phrase", f"{phrase!r} does not occur verbatim in {pid}"

    sources = props.get("sources")
    for i, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, str) or source in catalog.sources:
            continue
        number = article_source_number(source)
        if number is None:
            yield f"sources[{i}]", f"{source!r} is not an id in {SOURCES_FILE} nor 'article [n]'"
        elif number not in numbers:
            yield f"sources[{i}]", f"{source!r} is not one of the article's references {span}"


def _alias_problems(catalog: Catalog) -> Iterator[Problem]:
    """Aliases must point at one feature only: not another's alias, name or name part."""
    names: dict[str, str] = {}
    for _, props, _ in catalog.features:
        name = props.get("name")
        if isinstance(name, str) and isinstance(props.get("id"), str):
            for term in [name, *name_parts(name)]:
                names.setdefault(normalise(term), props["id"])
    alias_owner: dict[str, str] = {}
    for layer, props, _ in catalog.features:
        ident, aliases = props.get("id"), props.get("aliases")
        if not isinstance(ident, str) or not isinstance(aliases, list):
            continue
        for i, alias in enumerate(aliases):
            if not isinstance(alias, str):
                continue
            key = normalise(alias)
            owner = alias_owner.setdefault(key, ident)
            if owner != ident:
                message = f"{alias!r} is also an alias of {owner}"
            elif names.get(key, ident) != ident:
                message = f"{alias!r} is also the name of {names[key]}"
            else:
                continue
            yield Problem(layer.id, ident, f"aliases[{i}]", message)
