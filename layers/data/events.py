"""Time: the dated events the article speaks of, and the map as it stood on a date.

`geodata/events.json` (authored, a plain file; `geodata/README.md` documents it) lists each event
with a date written no more precisely than its source, and says where that date comes from: words
of an article paragraph, of a reference's entry (its dateline), or of a registered source page.
A feature whose status held for a period carries `valid_from` / `valid_to` with the same kind of
date source (`date_sources`). The checks here are the ones `python -m layers check` and
`make geodata` run; the functions at the end are the map's clock (which features and events a
date shows), pure, so the pages, the handouts and the tests share them.

Why a date's words are parsed here rather than by dateutil: the rule is about precision ("August
2022" must not become 2022-08-01), and dateutil fills a missing day or month silently.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import layers
from layers.data.article import MONTHS, Article, find_phrase
from layers.data.schema import (
    DATE_FORMS,
    ID_PATTERN,
    Problem,
    article_source_number,
    date_span,
)

EVENTS_FILE = "events.json"
EVENTS_LAYER = "events"
"""The name problems with events are reported under (`Problem.layer`)."""

KINDS = ("war", "fighting", "ceasefire", "agreement", "meeting", "deal", "protest", "handover",
         "statement", "deadline")
"""What an event is, for the timeline's colours and its legend (`layers.map.style.EVENT_COLORS`)."""

REQUIRED_KEYS = ("id", "title", "kind", "date", "date_source", "description", "places",
                 "article", "citations", "sources")
OPTIONAL_KEYS = ("reported_by",)
SOURCE_KINDS = ("paragraph", "reference", "source")
"""Where a date's words stand: an article paragraph (`p12`), a reference's entry (its number),
or a registered source (its id in `sources.json`, whose `words` must hold them)."""

Span = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class DateSource:
    """Where a date comes from: the words that give it, and the text they stand in."""

    kind: str  # one of SOURCE_KINDS
    ref: str | int  # paragraph id, reference number or source id
    words: str

    def describe(self) -> str:
        """"¶12", "reference [9]", "page:lachin-handover", for cards and messages."""
        if self.kind == "paragraph":
            return f"¶{str(self.ref).removeprefix('p')}"
        if self.kind == "reference":
            return f"reference [{self.ref}]"
        return str(self.ref)


@dataclass(frozen=True)
class Event:
    """One dated event, as `events.json` gives it (see the module docstring)."""

    id: str
    title: str
    kind: str
    date: str
    date_source: DateSource
    description: str
    places: tuple[str, ...]
    article: tuple[dict, ...]
    citations: tuple[int, ...]
    sources: tuple[str, ...]
    reported_by: str | None = None

    @property
    def span(self) -> Span:
        span = date_span(self.date)
        assert span is not None, self.date  # load_events refuses a bad date
        return span

    @property
    def precision(self) -> str:
        """`day`, `month`, `year` or `range`, as the date is written."""
        return date_precision(self.date)


class EventsError(Exception):
    """events.json cannot be read at all (missing, not JSON, not a list of events)."""


def date_precision(value: str) -> str:
    """How precisely a schema date is written: `day`, `month`, `year`, or `range`."""
    if "/" in value:
        return "range"
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "range")


# --- reading -------------------------------------------------------------------------------------


def read_events(path: Path) -> list[dict]:
    """The raw entries of an events file; EventsError naming the file when it is unreadable."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise EventsError(f"{path.name}: no such file") from error
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise EventsError(f"{path.name}: not valid JSON ({error})") from error
    entries = document.get("events") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise EventsError(f'{path.name}: must be {{"events": [{{...}}, ...]}}')
    return entries


def load_events(geodata_dir: Path = layers.GEODATA_DIR) -> tuple[Event, ...]:
    """The events of `geodata/events.json`, in date order (ties in file order). Entries with a
    schema problem are left out (`validate_events` names them); no file means no events."""
    path = Path(geodata_dir) / EVENTS_FILE
    if not path.exists():
        return ()
    events = [event for raw in read_events(path)
              if not list(_shape_problems(raw)) and (event := event_from(raw)) is not None]
    return tuple(sorted(events, key=lambda event: event.span))


def event_from(raw: Mapping) -> Event | None:
    """An Event from one well-shaped entry (None when its date source is malformed)."""
    source = date_source_from(raw["date_source"])
    if source is None:
        return None
    return Event(
        id=raw["id"], title=raw["title"], kind=raw["kind"], date=raw["date"], date_source=source,
        description=raw["description"], places=tuple(raw["places"]),
        article=tuple(raw["article"]), citations=tuple(raw["citations"]),
        sources=tuple(raw["sources"]), reported_by=raw.get("reported_by"))


def date_source_from(raw: object) -> DateSource | None:
    """`{"paragraph": "p12", "words": "February 2022"}` (or `reference`: n, or `source`: id)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("words"), str):
        return None
    kinds = [kind for kind in SOURCE_KINDS if kind in raw]
    if len(kinds) != 1 or set(raw) != {kinds[0], "words"}:
        return None
    ref = raw[kinds[0]]
    if kinds[0] == "reference" and (not isinstance(ref, int) or isinstance(ref, bool)):
        return None
    if kinds[0] != "reference" and not isinstance(ref, str):
        return None
    return DateSource(kinds[0], ref, raw["words"])


# --- what words say about a date -----------------------------------------------------------------

_MONTH = "|".join(MONTHS)
_DASH = r"\s*[–-]\s*"
_WORD_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), form) for pattern, form in (
        (rf"(?P<m>{_MONTH}) (?P<d>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}}), (?P<y>\d{{4}})", "days"),
        (rf"(?P<d>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}}) (?P<m>{_MONTH}),? (?P<y>\d{{4}})", "days"),
        (rf"(?P<m>{_MONTH}) (?P<d>\d{{1,2}}),? (?P<y>\d{{4}})", "day"),
        (rf"(?P<d>\d{{1,2}}) (?P<m>{_MONTH}),? (?P<y>\d{{4}})", "day"),
        (rf"(?P<m>{_MONTH}),? (?P<y>\d{{4}})", "month"),
        (r"(?P<y>\d{4}-\d{2}-\d{2})", "iso"),
        (rf"(?P<y>\d{{4}}){_DASH}(?P<y2>\d{{4}})", "years"),
        (r"(?P<y>\d{4})", "year"),
    ))


def words_span(words: str) -> Span | None:
    """The days the first date in `words` covers, as precisely as the words give it: "September
    13, 2022" and "13 September 2022" a day, "12–14 September 2022" three days, "February 2022"
    a month, "1988–1994" six years, "2025" a year; None when the words hold no date."""
    for pattern, form in _WORD_FORMS:
        match = pattern.search(words)
        if match is None:
            continue
        g = match.groupdict()
        try:
            if form in ("day", "days"):
                month = MONTHS.index(g["m"]) + 1
                first = datetime.date(int(g["y"]), month, int(g["d"]))
                last = datetime.date(int(g["y"]), month, int(g.get("d2") or g["d"]))
                return (first, last) if first <= last else None
            if form == "month":
                return date_span(f"{g['y']}-{MONTHS.index(g['m']) + 1:02d}")
            if form == "iso":
                return date_span(g["y"])
            if form == "years":
                return date_span(f"{g['y']}/{g['y2']}")
            return date_span(g["y"])
        except ValueError:
            return None
    return None


def source_text(source: DateSource, article: Article, sources: Mapping[str, dict]) -> str | None:
    """The text a date source's words must stand in; None when the source does not exist."""
    try:
        if source.kind == "paragraph":
            return article.paragraph(str(source.ref)).text
        if source.kind == "reference":
            return article.reference(int(source.ref)).raw
    except KeyError:
        return None
    entry = sources.get(str(source.ref))
    if entry is None:
        return None
    return str(entry.get("words", "")) + " " + " ".join(
        str(page.get("title", "")) for page in entry.get("pages") or [])


def date_source_problems(date: str, raw_source: object, article: Article,
                         sources: Mapping[str, dict]) -> Iterator[str]:
    """What is wrong with a date and its source: a malformed source, one that does not exist,
    words not found in it, words that hold no date, or a date that is not what the words say
    (more precise than them, or another date altogether). A coarser date that contains the words'
    date is fine ("2022" from "September 13, 2022")."""
    span = date_span(date) if isinstance(date, str) else None
    if span is None:
        yield f"{date!r} is not a date: {DATE_FORMS}"
        return
    source = date_source_from(raw_source)
    if source is None:
        yield ('needs a date source: {"paragraph": "p12" | "reference": 9 | "source": "<id>", '
               '"words": "<the words that give the date, verbatim>"}')
        return
    text = source_text(source, article, sources)
    if text is None:
        yield f"date source {source.describe()} does not exist"
        return
    if _squash(source.words) not in _squash(text):
        yield f"date source words {source.words!r} are not in {source.describe()}"
        return
    said = words_span(source.words)
    if said is None:
        yield f"date source words {source.words!r} hold no date"
    elif not (span[0] <= said[0] and said[1] <= span[1]):
        what = "more precise than" if said[0] <= span[0] and span[1] <= said[1] else "not"
        yield f"date {date} is {what} what {source.describe()} says: {source.words!r}"


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- checks ----------------------------------------------------------------------------------


def _shape_problems(raw: Mapping) -> Iterator[tuple[str, str]]:
    for key in REQUIRED_KEYS:
        if key not in raw:
            yield key, "is missing"
    for key in raw:
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
            yield key, "is not an event key"
    ident = raw.get("id")
    if "id" in raw and (not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident)):
        yield "id", f"must match {ID_PATTERN.pattern}"
    for key in ("title", "description"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            yield key, "must be a non-empty string"
    if "kind" in raw and raw["kind"] not in KINDS:
        yield "kind", f"{raw['kind']!r} is not one of {', '.join(KINDS)}"
    if "date" in raw and (not isinstance(raw["date"], str) or date_span(raw["date"]) is None):
        yield "date", f"{raw['date']!r} is not a date: {DATE_FORMS}"
    for key in ("places", "article", "citations", "sources"):
        if key in raw and not isinstance(raw[key], list):
            yield key, "must be a list"
    if isinstance(raw.get("places"), list) and not all(isinstance(p, str) for p in raw["places"]):
        yield "places", "must list feature ids"
    if isinstance(raw.get("citations"), list) and not all(
            isinstance(n, int) and not isinstance(n, bool) for n in raw["citations"]):
        yield "citations", "must list reference numbers"
    if isinstance(raw.get("sources"), list) and not raw["sources"]:
        yield "sources", "is empty; every event names at least one source"
    if isinstance(raw.get("article"), list) and not all(
            isinstance(link, dict) and set(link) == {"paragraph", "phrase"}
            for link in raw["article"]):
        yield "article", 'must list {"paragraph": "p5", "phrase": "…"}'
    if "reported_by" in raw and (not isinstance(raw["reported_by"], str)
                                 or not raw["reported_by"].strip()):
        yield "reported_by", "must be a non-empty string"


def validate_events(entries: Iterable[Mapping], article: Article, sources: Mapping[str, dict],
                    feature_ids: Iterable[str]) -> list[Problem]:
    """Every problem in the raw entries of events.json, in file order: the shape, ids unique,
    the date and its source, places that are features, article phrases that occur verbatim in
    their paragraph, citations the article has, sources registered (or `article [n]` of a
    cited n)."""
    known = set(feature_ids)
    numbers = {reference.number for reference in article.references}
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        ident = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"
        located = list(_shape_problems(raw))
        if not located:
            if ident in seen:
                located.append(("id", "is already used by another event"))
            seen.add(ident)
            located.extend(("date_source", message) for message in date_source_problems(
                raw["date"], raw["date_source"], article, sources))
            located.extend(_link_problems(raw, article, sources, known, numbers))
        problems.extend(Problem(EVENTS_LAYER, ident, field, message)
                        for field, message in located)
    return problems


def _link_problems(raw: Mapping, article: Article, sources: Mapping[str, dict], known: set[str],
                   numbers: set[int]) -> Iterator[tuple[str, str]]:
    for i, place in enumerate(raw["places"]):
        if place not in known:
            yield f"places[{i}]", f"{place!r} is not a feature id"
    for i, link in enumerate(raw["article"]):
        try:
            paragraph = article.paragraph(str(link["paragraph"]))
        except KeyError:
            yield f"article[{i}].paragraph", f"{link['paragraph']!r} is not a paragraph"
            continue
        if not find_phrase(paragraph, str(link["phrase"])):
            yield f"article[{i}].phrase", f"not found verbatim in {paragraph.id}"
    for i, number in enumerate(raw["citations"]):
        if number not in numbers:
            yield f"citations[{i}]", f"[{number}] is not among the article's references"
    for i, source in enumerate(raw["sources"]):
        cited = article_source_number(source) if isinstance(source, str) else None
        if cited is not None:
            if cited not in raw["citations"]:
                yield f"sources[{i}]", f"{source} rests on a reference the event does not cite"
        elif source not in sources:
            yield f"sources[{i}]", f"{source!r} is not a registered source"


def feature_date_problems(props: Mapping, article: Article,
                          sources: Mapping[str, dict]) -> Iterator[tuple[str, str]]:
    """A feature's `valid_from` / `valid_to` each need a date source in `date_sources`, whose
    words give that date (the same rule as an event's)."""
    given = props.get("date_sources")
    for key in ("valid_from", "valid_to"):
        if key not in props:
            continue
        raw = given.get(key) if isinstance(given, dict) else None
        for message in date_source_problems(props[key], raw, article, sources):
            yield f"date_sources.{key}", message
    if isinstance(given, dict):
        for key in given:
            if key not in ("valid_from", "valid_to") or key not in props:
                yield f"date_sources.{key}", "dates nothing: no such date on the feature"


# --- the map's clock -----------------------------------------------------------------------------


def _standing(props: Mapping) -> tuple[datetime.date | None, datetime.date | None]:
    """A feature's first and last day: the first day its `valid_from` covers (for a feature
    that records something dated, a claim's `date`, with no `valid_from`: the first day of that
    date) and the last day its `valid_to` covers (a month-precise "2020-11" holds all of
    November); None where it has no such bound."""
    begun = props.get("valid_from") if isinstance(props.get("valid_from"), str) else props.get(
        "date")
    start = date_span(begun) if isinstance(begun, str) else None
    end = date_span(props["valid_to"]) if isinstance(props.get("valid_to"), str) else None
    return (start[0] if start else None), (end[1] if end else None)


def valid_on(props: Mapping, day: datetime.date) -> bool:
    """Whether a feature stood on `day`, from its first day to its last (`_standing`); a
    feature with no dates always stands."""
    first, last = _standing(props)
    return not (first is not None and day < first) and not (last is not None and day > last)


def changes(props: Mapping) -> tuple[datetime.date, ...]:
    """The days on which `valid_on` turns for this feature: its first day, the day after its
    last (none for a feature that always stands)."""
    first, last = _standing(props)
    return tuple(day for day in (first, last and last + datetime.timedelta(days=1))
                 if day is not None)


def events_until(events: Iterable[Event], day: datetime.date) -> list[Event]:
    """The events that had begun by `day`, in date order."""
    return [event for event in events if event.span[0] <= day]


def events_between(events: Iterable[Event], first: datetime.date,
                   last: datetime.date) -> list[Event]:
    """The events any day of which falls between `first` and `last` (inclusive)."""
    return [event for event in events if event.span[0] <= last and event.span[1] >= first]


def parse_day(text: str) -> datetime.date | None:
    """A `YYYY-MM-DD` day from a URL or a form, or None (no other forms: a link stays exact)."""
    span = date_span(text) if isinstance(text, str) and len(text) == 10 else None
    return span[0] if span is not None else None
