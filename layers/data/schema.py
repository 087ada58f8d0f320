"""The feature property schema, in one place: what every GeoJSON feature in `geodata/` must carry.

`geodata/README.md` documents these rules for people; this module enforces them for the loader,
the geodata build and `python -m layers check`. Rules that need more than one feature's
properties (unique ids, cited references that exist, source ids that resolve) live in
`layers.data.validate.validate_catalog`, which calls `validate_properties` for each feature.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

REQUIRED: dict[str, type] = {
    "id": str,
    "name": str,
    "aliases": list,
    "category": str,
    "description": str,
    "article": list,
    "citations": list,
    "sources": list,
    "precision": str,
}
"""Keys every feature carries, with their JSON types (lists may be empty unless said otherwise)."""

OPTIONAL: dict[str, type] = {
    "date": str,
    "valid_from": str,
    "valid_to": str,
    "reported_by": str,
    "derivation": str,
}
"""Keys a feature carries only where they apply; when present they must be valid, never null."""

DATE_KEYS = ("date", "valid_from", "valid_to")

PRECISIONS = ("exact", "approximate", "schematic")
"""How sure a feature's geometry is: a dataset's own (`exact`), derived by a stated rule
(`approximate`), or a diagram through real places (`schematic`). The map draws each its own way."""

CATEGORIES = (
    "country",
    "exclave",
    "region",
    "district",
    "area",
    "capital",
    "city",
    "town",
    "port",
    "border-crossing",
    "route",
    "rail-line",
    "missing-link",
    "road",
    "pipeline",
    "reported-shelling",
    "reported-claim",
    "drill-area",
)
"""The categories in use (geodata/README.md); a new kind of thing is added here first."""

CONTESTED_CATEGORIES = ("reported-shelling", "reported-claim")
"""Categories whose features are claims by one side, so they must say who made the claim."""

DERIVED_PRECISIONS = ("approximate", "schematic")
"""Precisions whose geometry is not a dataset's own, so they must say how it was made."""

ID_PATTERN = re.compile(r"[a-z0-9-]+")
"""Feature ids go into URLs (`?feature=jermuk`), hence lowercase ASCII, digits and hyphens."""

PARAGRAPH_ID_PATTERN = re.compile(r"p[1-9][0-9]*")
ISO_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
URL_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)
"""Properties hold no URLs: the only URLs are the article's references and datasets' home pages,
which live in the article and `sources.json`."""

ARTICLE_LINK_KEYS = frozenset({"paragraph", "phrase"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as the rule allows.

    `feature` and `field` are None for problems with a whole file or layer.
    """

    layer: str
    feature: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ".".join(part for part in (self.feature, self.field) if part)
        prefix = f"[{self.layer}] {where}: " if where else f"[{self.layer}] "
        return prefix + self.message


def validate_properties(props: dict, layer: str) -> list[Problem]:
    """Every schema problem in one feature's properties (empty when the feature is valid).

    All rules are checked, not just up to the first failure, so one `check` run lists everything
    that needs fixing.
    """
    feature = props.get("id") if isinstance(props.get("id"), str) else None

    def problem(field: str | None, message: str) -> Problem:
        return Problem(layer, feature, field, message)

    problems = [problem(key, "is required") for key in REQUIRED if key not in props]
    for key, kind in (REQUIRED | OPTIONAL).items():
        if key in props and not isinstance(props[key], kind):
            message = f"must be a {_JSON_TYPES[kind]}, not {_describe(props[key])}"
            problems.append(problem(key, message))
    for key in sorted(set(props) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(problem(key, "is not a schema property (see geodata/README.md)"))

    problems.extend(problem(field, message) for field, message in _value_problems(props))
    for path, value in _strings(props):
        if URL_PATTERN.search(value):
            problems.append(problem(path, "holds a URL; properties hold none (name a source id)"))
    return problems


def _value_problems(props: dict) -> Iterator[tuple[str, str]]:
    """(field, message) for values of the right type that break a rule."""
    ident = props.get("id")
    if isinstance(ident, str) and not ID_PATTERN.fullmatch(ident):
        yield "id", f"{ident!r} is not lowercase letters, digits and hyphens"
    for key in ("name", "description"):
        if isinstance(props.get(key), str) and not props[key].strip():
            yield key, "is empty"
    category = props.get("category")
    if isinstance(category, str) and category not in CATEGORIES:
        yield "category", f"{category!r} is not one of: {', '.join(CATEGORIES)}"
    precision = props.get("precision")
    if isinstance(precision, str) and precision not in PRECISIONS:
        yield "precision", f"{precision!r} is not one of: {', '.join(PRECISIONS)}"

    aliases = props.get("aliases")
    if isinstance(aliases, list):
        for i, alias in enumerate(aliases):
            if not isinstance(alias, str) or not alias.strip():
                yield f"aliases[{i}]", f"must be a non-empty string, not {_describe(alias)}"
    yield from _article_link_problems(props.get("article"))
    citations = props.get("citations")
    if isinstance(citations, list):
        for i, number in enumerate(citations):
            if not isinstance(number, int) or isinstance(number, bool):
                yield f"citations[{i}]", f"must be a reference number, not {_describe(number)}"
    sources = props.get("sources")
    if isinstance(sources, list):
        if not sources:
            yield "sources", "is empty; every feature names at least one source"
        for i, source in enumerate(sources):
            if not isinstance(source, str) or not source.strip():
                yield f"sources[{i}]", f"must be a non-empty string, not {_describe(source)}"

    dates: dict[str, datetime.date] = {}
    for key in DATE_KEYS:
        value = props.get(key)
        if isinstance(value, str):
            parsed = parse_iso_date(value)
            if parsed is None:
                yield key, f"{value!r} is not an ISO date (YYYY-MM-DD)"
            else:
                dates[key] = parsed
    if "valid_from" in dates and "valid_to" in dates and dates["valid_from"] > dates["valid_to"]:
        yield "valid_to", f"{props['valid_to']} is before valid_from {props['valid_from']}"

    if category in CONTESTED_CATEGORIES and not _filled(props.get("reported_by")):
        yield "reported_by", f"is required for {category} features (who made the claim)"
    if precision in DERIVED_PRECISIONS and not _filled(props.get("derivation")):
        yield "derivation", f"is required for {precision} geometry (how it was made)"


def _article_link_problems(links: object) -> Iterator[tuple[str, str]]:
    """Shape of the curated article links; whether they resolve is checked against the article."""
    if not isinstance(links, list):
        return
    for i, link in enumerate(links):
        field = f"article[{i}]"
        if not isinstance(link, dict) or set(link) != ARTICLE_LINK_KEYS:
            yield field, 'must be {"paragraph": "p<n>", "phrase": "<verbatim text>"}'
            continue
        paragraph, phrase = link["paragraph"], link["phrase"]
        if not isinstance(paragraph, str) or not PARAGRAPH_ID_PATTERN.fullmatch(paragraph):
            yield f"{field}.paragraph", f"{paragraph!r} is not a paragraph id like 'p5'"
        if not isinstance(phrase, str) or not phrase.strip():
            yield f"{field}.phrase", "must be a non-empty string"


def parse_iso_date(value: str) -> datetime.date | None:
    """The date `YYYY-MM-DD` names, or None; stricter than `date.fromisoformat`, which takes
    other ISO forms (`20220913`) that the schema does not allow."""
    if not ISO_DATE_PATTERN.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def article_source_number(source: str) -> int | None:
    """n for a source written `article [n]` (a claim resting on the article's reference n)."""
    match = re.fullmatch(r"article \[([0-9]+)\]", source)
    return int(match.group(1)) if match else None


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a JSON value, with a path naming where it sits (`article[0].phrase`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


_JSON_TYPES = {str: "string", list: "list"}
_JSON_VALUES = {
    type(None): "null",
    bool: "a boolean",
    str: "a string",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "an object",
}


def _describe(value: object) -> str:
    """A JSON-flavoured description of a wrong value, for problem messages."""
    return _JSON_VALUES.get(type(value), type(value).__name__)
