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
    "date_sources": dict,
    "reported_by": str,
    "claims": list,
    "counter_claims": list,
    "derivation": str,
    "supports": list,
    "gazetteer": dict,
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
    "claim-armenia",
    "claim-azerbaijan",
    "claim-armenia-origin",
    "claim-azerbaijan-origin",
    "drill-area",
    "place",
    "line",
)
"""The categories in use (geodata/README.md); a new kind of thing is added here first. `place`
and `line` (with `area`) are the neutral kinds a user's uploaded or drawn feature gets from its
geometry (`layers.workspace.upload`): calling a user's point a `town` would say more than they
did, and the map would label it as one."""

CLAIM_SIDES: dict[str, str] = {
    "claim-armenia": "Armenia",
    "claim-azerbaijan": "Azerbaijan",
    "claim-armenia-origin": "Armenia",
    "claim-azerbaijan-origin": "Azerbaijan",
}
"""Claim categories by the side whose officials made the claim: a place they said was fired on,
or (`-origin`) one they said fire came from. Both sides are drawn, labelled and checked alike: a
claim is what someone said about a place on a date, never a finding of ours."""

CATEGORY_LABELS: dict[str, str] = {
    "claim-armenia": "claim by Armenian officials",
    "claim-azerbaijan": "claim by Azerbaijani officials",
    "claim-armenia-origin": "claimed origin of fire, by Armenian officials",
    "claim-azerbaijan-origin": "claimed origin of fire, by Azerbaijani officials",
}
"""How a category reads in a tooltip or badge, where its id would not do."""


def category_label(category: str) -> str:
    """A category as people read it: "claim by Armenian officials", "rail line"."""
    return CATEGORY_LABELS.get(category, category.replace("-", " "))


def attributed_name(props: dict) -> str:
    """A feature's name as a list or a label shows it: a claim always says whose claim it is
    ("Goris (claim by Armenian officials)"), wherever it appears without its card."""
    name = str(props.get("name", props.get("id", "")))
    category = props.get("category")
    return f"{name} ({category_label(category)})" if category in CONTESTED_CATEGORIES else name

CONTESTED_CATEGORIES = tuple(CLAIM_SIDES)
"""Categories whose features are claims by one side, so they must say who made the claim."""

DERIVED_PRECISIONS = ("approximate", "schematic")
"""Precisions whose geometry is not a dataset's own, so they must say how it was made."""

ID_PATTERN = re.compile(r"[a-z0-9-]+")
"""Feature ids go into URLs (`?feature=jermuk`), hence lowercase ASCII, digits and hyphens."""

PARAGRAPH_ID_PATTERN = re.compile(r"p[1-9][0-9]*")
URL_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)
"""Properties hold no URLs: the only URLs are the article's references and datasets' home pages,
which live in the article and `sources.json`."""

ARTICLE_LINK_KEYS = frozenset({"paragraph", "phrase"})
CLAIM_KEYS = frozenset({"date", "time", "words", "statement"})
CLAIM_REQUIRED = ("date", "words", "statement")
SUPPORT_KEYS = frozenset({"reference", "note"})
GAZETTEER_KEYS = frozenset({"name", "source", "distance_km"})


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

    dates: dict[str, tuple[datetime.date, datetime.date]] = {}
    for key in DATE_KEYS:
        value = props.get(key)
        if isinstance(value, str):
            span = date_span(value)
            if span is None:
                yield key, f"{value!r} is not a date: {DATE_FORMS}"
            else:
                dates[key] = span
    if ("valid_from" in dates and "valid_to" in dates
            and dates["valid_from"][0] > dates["valid_to"][1]):
        yield "valid_to", f"{props['valid_to']} is before valid_from {props['valid_from']}"
    yield from _claim_problems(props.get("claims"))
    counter = props.get("counter_claims")
    if isinstance(counter, list):
        for i, ident in enumerate(counter):
            if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
                yield f"counter_claims[{i}]", f"must be a feature id, not {_describe(ident)}"
    yield from _support_problems(props.get("supports"), props.get("citations"))
    yield from _gazetteer_problems(props.get("gazetteer"))

    if category in CONTESTED_CATEGORIES and not _filled(props.get("reported_by")):
        yield "reported_by", f"is required for {category} features (who made the claim)"
    if category in CONTESTED_CATEGORIES and not props.get("claims"):
        yield "claims", (f"is required for {category} features: what was said, when, in which "
                         "registered statement")
    claim_keys = [key for key in ("claims", "counter_claims") if props.get(key)]
    if category not in CONTESTED_CATEGORIES and claim_keys:
        yield claim_keys[0], f"only claim features ({', '.join(CLAIM_SIDES)}) carry it"
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


def _claim_problems(claims: object) -> Iterator[tuple[str, str]]:
    """Shape of each claim; that its statement is registered and says these words is checked
    against sources.json by `layers.data.validate`."""
    if not isinstance(claims, list):
        return
    for i, claim in enumerate(claims):
        field = f"claims[{i}]"
        if not isinstance(claim, dict) or not set(claim) <= CLAIM_KEYS or not all(
                key in claim for key in CLAIM_REQUIRED):
            yield field, ('must be {"date": "YYYY-MM-DD", "time"?: "…", "words": "<verbatim>", '
                          '"statement": "<source id>"}')
            continue
        if not isinstance(claim["date"], str) or date_span(claim["date"]) is None:
            yield f"{field}.date", f"{claim['date']!r} is not a date: {DATE_FORMS}"
        for key in ("words", "statement", "time"):
            if key in claim and (not isinstance(claim[key], str) or not claim[key].strip()):
                yield f"{field}.{key}", "must be a non-empty string"


def _support_problems(supports: object, citations: object) -> Iterator[tuple[str, str]]:
    """Every cited reference says what in it supports the feature, and nothing else is noted.

    Why: a citation on a live-conflict map is a promise that the reference backs the text; the
    note makes the promise checkable by a reader, and its absence visible to `make check`.
    """
    cited = {n for n in citations if isinstance(n, int)} if isinstance(citations, list) else set()
    noted: set[int] = set()
    if isinstance(supports, list):
        for i, entry in enumerate(supports):
            field = f"supports[{i}]"
            if (not isinstance(entry, dict) or set(entry) != SUPPORT_KEYS
                    or not isinstance(entry["reference"], int)
                    or isinstance(entry["reference"], bool)
                    or not isinstance(entry["note"], str) or not entry["note"].strip()):
                yield field, 'must be {"reference": <n>, "note": "what in [n] supports this"}'
                continue
            if entry["reference"] not in cited:
                yield field, f"notes [{entry['reference']}], which the feature does not cite"
            noted.add(entry["reference"])
    for number in sorted(cited - noted):
        yield "supports", f"says nothing of cited reference [{number}]: note what supports this"


def _gazetteer_problems(gazetteer: object) -> Iterator[tuple[str, str]]:
    if gazetteer is None:
        return
    if (not isinstance(gazetteer, dict) or set(gazetteer) != GAZETTEER_KEYS
            or not isinstance(gazetteer["name"], str) or not isinstance(gazetteer["source"], str)
            or not isinstance(gazetteer["distance_km"], int | float)
            or isinstance(gazetteer["distance_km"], bool) or gazetteer["distance_km"] < 0):
        yield "gazetteer", ('must be {"name": "<as in the gazetteer>", "source": "<source id>", '
                            '"distance_km": <≥ 0>}')


DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY, or a range FROM/TO of those"
_DATE_PART = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def date_span(value: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day a date text covers, or None when it is not one.

    A date is written no more precisely than its source: a day `2022-09-13`, a month `2022-08`,
    a year `1991`, or a range `2022-09-12/2022-09-13` (the night of 12–13 September). Stricter
    than `date.fromisoformat`, which takes other ISO forms (`20220913`) the schema does not allow.
    """
    parts = value.split("/")
    if len(parts) > 2:
        return None
    spans = [_part_span(part) for part in parts]
    if any(span is None for span in spans):
        return None
    start, end = spans[0][0], spans[-1][1]  # type: ignore[index]
    return (start, end) if start <= end else None


def _part_span(text: str) -> tuple[datetime.date, datetime.date] | None:
    match = _DATE_PART.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            single = datetime.date(year, month, day)  # type: ignore[arg-type]
            return single, single
        if month is not None:
            first = datetime.date(year, month, 1)  # type: ignore[arg-type]
            following = datetime.date(year + (month == 12), month % 12 + 1, 1)  # type: ignore
            return first, following - datetime.timedelta(days=1)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)  # type: ignore[arg-type]
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


_JSON_TYPES = {str: "string", list: "list", dict: "object"}
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
