"""Every check on the loaded geodata, in one place: `python -m layers check` and the geodata build
both run `validate_catalog`, so a rule cannot pass one and fail the other.

Per-feature property rules live beside the schema (`layers.data.schema.validate_properties`);
this module adds the rules that need more than one feature's properties or the article: geometry,
unique ids, cited references that exist, article links that resolve, source ids that resolve,
aliases no two features share (compared as search compares them, so `Naxçıvan` and `Naxcivan`
collide), categories styled in layers.json, files layers.json does not list, claims that quote
the registered statement they rest on, counter-claims that answer each other, points that say
which gazetteer entry placed them, sources that say what they are, and search terms that find
features that exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from layers.data.article import Article
from layers.data.catalog import LAYERS_FILE, SOURCES_FILE, TERMS_FILE, Catalog, name_parts
from layers.data.events import (
    EVENTS_FILE,
    EventsError,
    feature_date_problems,
    read_events,
    validate_events,
)
from layers.data.schema import (
    CATEGORIES,
    CLAIM_SIDES,
    PARAGRAPH_ID_PATTERN,
    Problem,
    article_source_number,
    date_span,
    validate_properties,
)
from layers.data.search import normalise

EXACT_POINT_KM = 2.0
"""How far an `exact` point may lie from the gazetteer position it names (a town's GeoNames
point, a village's published coordinate)."""

DATASET, STATEMENT, PAGE, USER = "dataset", "statement", "page", "user"
SOURCE_FIELDS: dict[str, dict[str, type]] = {
    DATASET: {"name": str},
    STATEMENT: {"name": str, "by": str, "date": str, "words": list},
    PAGE: {"name": str, "pages": list, "words": list},
    USER: {"name": str},
}
"""What each kind of source in sources.json must carry (`kind` defaults to a dataset): a
statement its author, date and the words it used, as found; a page where it was read (address
and title, as opened) and the words read there. A `user` source is a briefer's own layer
(`layers.workspace`): its name says how it came ("uploaded by the user: villages.kml"); it is
never in sources.json, only in a catalog the workspace's layers were added to."""
_KINDS = {str: "a non-empty string", list: "a non-empty list"}


def validate_catalog(
    catalog: Catalog, article: Article, geodata_dir: Path | None = None
) -> list[Problem]:
    """Every problem in the loaded geodata, in registry and file order.

    Covers the schema of each feature, geometry (valid, non-empty, inside WGS84 bounds), ids
    unique across layers, references that exist in the article, article links that resolve,
    source ids that resolve, aliases no two features share, categories styled in layers.json,
    the date sources of features' `valid_from` / `valid_to`, and, given the folder the files sit
    in, GeoJSON files that layers.json does not list and the events of its `events.json`
    (`layers.data.events`; the build validates before it writes, so it has no folder yet).
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
        located = [("geometry", message) for message in geometry_problems(geometry)]
        if ident in first_layer:
            located.append(("id", f"is already used in layer {first_layer[ident]}"))
        elif ident is not None:
            first_layer[ident] = layer.id
        located.extend(_reference_problems(props, article, catalog))
        located.extend(_claim_problems(props, catalog))
        located.extend(_gazetteer_problems(props, geometry, catalog))
        located.extend(feature_date_problems(props, article, catalog.sources))
        problems.extend(Problem(layer.id, ident, field, message) for field, message in located)
    problems.extend(_alias_problems(catalog))
    problems.extend(_source_problems(catalog))
    problems.extend(_term_problems(catalog, article))
    if geodata_dir is not None:
        problems.extend(_event_problems(catalog, article, Path(geodata_dir)))
    return problems


def _event_problems(catalog: Catalog, article: Article, geodata_dir: Path) -> list[Problem]:
    """The checks of `layers.data.events` on `events.json` beside the layers (none if absent)."""
    path = geodata_dir / EVENTS_FILE
    if not path.exists():
        return []
    try:
        entries = read_events(path)
    except EventsError as error:
        return [Problem(EVENTS_FILE, None, None, str(error))]
    ids = (props["id"] for _, props, _ in catalog.features if isinstance(props.get("id"), str))
    return validate_events(entries, article, catalog.sources, ids)


def geometry_problems(geometry: BaseGeometry | None) -> Iterator[str]:
    """What is wrong with a feature's geometry: empty, invalid, or off the WGS84 globe. Public
    because the workspace refuses the same geometries before it writes them."""
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


def _term_problems(catalog: Catalog, article: Article) -> Iterator[Problem]:
    """Each search term finds features that exist, each once; its words are no other entry's,
    and where they are a feature's own name or alias that feature comes first (search lists it
    first anyway); the paragraphs it names use the words, and its sources are registered."""
    owners: dict[str, str] = {}
    for _, props, _ in catalog.features:
        name, aliases = props.get("name"), props.get("aliases")
        texts = [name, *name_parts(name)] if isinstance(name, str) else []
        texts += [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
        for text in texts:
            owners.setdefault(normalise(text), props.get("id"))
    ids = {props.get("id") for _, props, _ in catalog.features}
    paragraphs = {paragraph.id: normalise(paragraph.text) for paragraph in article.paragraphs}
    seen: dict[str, int] = {}
    for i, term in enumerate(catalog.search_terms):
        label = repr(term.words[0])  # the catalog loads no entry without words and finds

        def problem(field: str, message: str, label: str = label) -> Problem:
            return Problem(TERMS_FILE, label, field, message)

        for j, ident in enumerate(term.finds):
            if ident not in ids:
                yield problem(f"finds[{j}]", f"no feature has the id {ident!r}")
            elif ident in term.finds[:j]:
                yield problem(f"finds[{j}]", f"{ident} is listed twice")
        words = [normalise(word) for word in term.words]
        for j, (word, key) in enumerate(zip(term.words, words, strict=True)):
            if not key:
                yield problem(f"words[{j}]", f"{word!r} has no letters or digits")
            elif key in seen:
                yield problem(f"words[{j}]", f"{word!r} is also a word of terms[{seen[key]}]")
            elif owners.get(key) is not None and owners[key] != term.finds[0]:
                yield problem(f"words[{j}]", f"{word!r} is the name or alias of {owners[key]}, "
                                             "which must come first in finds")
            seen.setdefault(key, i)
        for j, pid in enumerate(term.paragraphs):
            if pid not in paragraphs:
                yield problem(f"paragraphs[{j}]", f"{pid} is not a paragraph of the article")
            elif not any(key and key in paragraphs[pid] for key in words):
                yield problem(f"paragraphs[{j}]", f"{pid} uses none of the words")
        for j, source in enumerate(term.sources):
            if source not in catalog.sources:
                yield problem(f"sources[{j}]", f"{source!r} is not an id in {SOURCES_FILE}")


def _claim_problems(props: dict, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """Each claim rests on a registered statement of whoever the feature says made it, quotes
    words that statement holds, and falls within its dates; a counter-claim is a claim of the
    other side that names this one back.

    Why: a briefer must be able to show the room the very words a ministry used, and a claim
    and its answer must be shown together whichever of the two the briefer clicks.
    """
    claims = props.get("claims")
    for i, claim in enumerate(claims if isinstance(claims, list) else []):
        if not isinstance(claim, dict) or not isinstance(claim.get("statement"), str):
            continue  # the shape is validate_properties' to report
        field = f"claims[{i}]"
        statement = catalog.sources.get(claim["statement"])
        if statement is None or statement.get("kind") != STATEMENT:
            yield f"{field}.statement", (f"{claim['statement']!r} is not a statement registered "
                                         f"in {SOURCES_FILE}")
            continue
        if claim["statement"] not in (props.get("sources") or []):
            yield f"{field}.statement", f"{claim['statement']!r} is missing from sources"
        by = props.get("reported_by")
        if isinstance(by, str) and statement.get("by") not in reporters(by):
            yield f"{field}.statement", (f"is a statement by {statement.get('by')!r}, not by "
                                         f"{props.get('reported_by')!r}")
        words = claim.get("words")
        quoted = [_spaced(text) for text in statement.get("words") or [] if isinstance(text, str)]
        if isinstance(words, str) and not any(_spaced(words) in text for text in quoted):
            yield f"{field}.words", f"do not occur in the words registered for {claim['statement']}"
        claimed, stated = (date_span(claim.get("date") or ""),
                           date_span(str(statement.get("date") or "")))
        if claimed and stated and claimed[1] > stated[1]:  # a statement speaks of its past
            yield f"{field}.date", (f"{claim['date']} is after the statement's date "
                                    f"{statement.get('date')}")
    if isinstance(props.get("date"), str) and isinstance(claims, list):
        span = date_span(props["date"])
        claimed = [date_span(c["date"]) for c in claims
                   if isinstance(c, dict) and isinstance(c.get("date"), str)]
        if span and any(c and not (span[0] <= c[0] and c[1] <= span[1]) for c in claimed):
            yield "date", f"{props['date']} does not cover the dates of its claims"

    side = CLAIM_SIDES.get(props.get("category"))
    counter = props.get("counter_claims") if side is not None else None
    for i, ident in enumerate(counter if isinstance(counter, list) else []):
        if not isinstance(ident, str):
            continue
        try:
            _, other, _ = catalog.feature(ident)
        except KeyError:
            yield f"counter_claims[{i}]", f"no feature has the id {ident!r}"
            continue
        other_side = CLAIM_SIDES.get(other.get("category"))
        if other_side is None or other_side == side:
            yield f"counter_claims[{i}]", f"{ident} is not a claim of the other side"
        elif props.get("id") not in (other.get("counter_claims") or []):
            yield f"counter_claims[{i}]", f"{ident} does not name {props.get('id')} back"


def _gazetteer_problems(
    props: dict, geometry: BaseGeometry | None, catalog: Catalog
) -> Iterator[tuple[str, str]]:
    """Every point says which gazetteer entry it was placed by and how far it lies from it; a
    point drawn as `exact` lies within EXACT_POINT_KM of it."""
    if geometry is None or geometry.geom_type != "Point":
        return
    gazetteer = props.get("gazetteer")
    if gazetteer is None:
        yield "gazetteer", "is required for a point: the gazetteer name and the distance to it"
        return
    if not isinstance(gazetteer, dict) or not isinstance(gazetteer.get("source"), str):
        return  # the shape is validate_properties' to report
    if gazetteer["source"] not in catalog.sources:
        yield "gazetteer.source", f"{gazetteer['source']!r} is not an id in {SOURCES_FILE}"
    elif gazetteer["source"] not in (props.get("sources") or []):
        yield "gazetteer.source", f"{gazetteer['source']!r} is missing from sources"
    distance = gazetteer.get("distance_km")
    if (props.get("precision") == "exact" and isinstance(distance, int | float)
            and distance > EXACT_POINT_KM):
        yield "gazetteer.distance_km", (f"{distance:g} km from {gazetteer.get('name')!r}: an "
                                        f"exact point lies within {EXACT_POINT_KM:g} km")


def _source_problems(catalog: Catalog) -> Iterator[Problem]:
    """A statement says who made it, when, and the words it used; a page its address, title and
    the words read there. Why: the map may quote either, and a reader must be able to check."""
    for ident, entry in catalog.sources.items():
        kind = entry.get("kind", DATASET)
        required = SOURCE_FIELDS.get(kind)
        if required is None:
            yield Problem(SOURCES_FILE, ident, "kind",
                          f"{kind!r} is not one of: {', '.join(SOURCE_FIELDS)}")
            continue
        for key, expected in required.items():
            value = entry.get(key)
            if not isinstance(value, expected) or not value:
                yield Problem(SOURCES_FILE, ident, key,
                              f"is required for a {kind} ({_KINDS[expected]})")
        if "date" in entry and date_span(str(entry["date"])) is None:
            yield Problem(SOURCES_FILE, ident, "date", f"{entry['date']!r} is not a date")
        for i, page in enumerate(entry.get("pages") or []):
            if not isinstance(page, dict) or not isinstance(page.get("url"), str) or not (
                    isinstance(page.get("title"), str)):
                yield Problem(SOURCES_FILE, ident, f"pages[{i}]",
                              'must be {"url": "<address as opened>", "title": "<title>"}')
        coordinates = entry.get("coordinates")
        if coordinates is not None and not _is_coordinate(coordinates):
            yield Problem(SOURCES_FILE, ident, "coordinates",
                          'must be {"lat": <-90..90>, "lon": <-180..180>, "as_published": "…"}')


def _is_coordinate(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("as_published"), str):
        return False
    lat, lon = value.get("lat"), value.get("lon")
    return (isinstance(lat, int | float) and isinstance(lon, int | float)
            and -90 <= lat <= 90 and -180 <= lon <= 180)


def reporters(reported_by: str) -> list[str]:
    """Who made a feature's claims: `reported_by` names one, or several joined by "; " (all of
    one side, e.g. a ministry and a town hall about the same village)."""
    return [part.strip() for part in reported_by.split(";") if part.strip()]


def _spaced(text: str) -> str:
    """Text with every run of white space as one space, so a quote may wrap differently."""
    return " ".join(text.split())
