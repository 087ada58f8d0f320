"""Storyboards: an ordered list of scenes that walks an audience through the article on the map.

A storyboard is a plain JSON file in `content/briefings/` (schema: `content/briefings/README.md`)
that a user can edit by hand, so every part of it is checked against the article and the catalog
when it loads. Loading never raises on bad content: a briefer five minutes before a meeting needs
the scenes that are fine plus a list of what is wrong, not a traceback. Each problem becomes a
`StoryboardIssue` naming the scene and the field; the bad value is dropped or defaulted, and a scene
is skipped only when it has no usable map frame.

Passages are references (paragraph id + 0-based sentence index), never retyped text, so a scene
always quotes the article exactly as `layers/article.py` parses it.

A scene may carry a `date` (a schema date: a day, a month, a year or a range, as
`layers.data.schema.date_span` reads it). Its map then shows the features as they stood on the
last day that date covers (`scene_day`), and `scene_features` is what it draws: the one rule
the Briefing page and both handouts share.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from layers import CONTENT_DIR
from layers.data.article import Article
from layers.data.catalog import Catalog, Layer, bounds_around
from layers.data.events import valid_on
from layers.data.schema import DATE_FORMS, date_span
from layers.html.card import readable_date

BRIEFINGS_DIR = CONTENT_DIR / "briefings"
DEFAULT_STORYBOARD: Path = BRIEFINGS_DIR / "default.json"
UNTITLED = "Untitled briefing"

Bounds = tuple[float, float, float, float]

_TOP_KEYS = ("title", "description", "scenes")
_SCENE_KEYS = ("title", "date", "frame", "layers", "highlight", "passages", "citations",
               "notes")
_FRAME_KEYS = ("features", "bounds")
_PASSAGE_KEYS = ("paragraph", "sentence")


@dataclass(frozen=True)
class PassageRef:
    """One quoted sentence: which paragraph, which sentence of it (0-based `Sentence.index`)."""

    paragraph: str
    sentence: int


@dataclass(frozen=True)
class Scene:
    """One step of a briefing: where the map looks, what it shows, what the article says there."""

    title: str
    bounds: Bounds  # (minx, miny, maxx, maxy) lon/lat, resolved from the frame
    frame_features: tuple[str, ...]  # () when the file gave numeric bounds
    layers: tuple[str, ...]
    highlight: tuple[str, ...]
    passages: tuple[PassageRef, ...]
    citations: tuple[int, ...]  # extra references as written; passage markers are added on top
    notes: str
    date: str | None = None
    """A schema date (`2022-09-13`, `2020-11`, `2021`, `2022-09-12/2022-09-14`) as written, or
    None: an undated scene draws every feature of every date."""


@dataclass(frozen=True)
class Storyboard:
    """A titled, ordered list of scenes."""

    title: str
    description: str
    scenes: tuple[Scene, ...]


@dataclass(frozen=True)
class StoryboardIssue:
    """One problem found while loading: where (scene, field), what, and what was done about it."""

    scene: int | None  # 1-based scene number; None for the file or its top-level fields
    scene_title: str | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.scene is None:
            where = "Storyboard"
        elif self.scene_title:
            where = f"Scene {self.scene} “{self.scene_title}”"
        else:
            where = f"Scene {self.scene}"
        return f"{where} · {self.field}: {self.message}"


MAX_SCENES = 200
"""Scenes one storyboard may hold: a day's briefing has a dozen; a file of thousands (made by a
script gone wrong) would make every step of the page and every handout crawl, so the first
MAX_SCENES load and the issues say how many were left out."""
MAX_LISTED = 50
"""Problems listed one by one; a file with more gets a count of the rest (a storyboard with
90,000 misspelt keys once listed 90,000 lines and took minutes to show)."""


def listed(issues: Sequence[StoryboardIssue], limit: int = MAX_LISTED) -> tuple[str, ...]:
    """The issues as lines for a person: the first `limit`, then how many more there are."""
    lines = [str(issue) for issue in issues[:limit]]
    if len(issues) > limit:
        rest = len(issues) - limit
        lines.append(f"… and {rest:,} more problem{'s' if rest > 1 else ''}, not listed")
    return tuple(lines)


class _Issues:
    """Collects issues for one scene (or the top level) so checks need not repeat the location."""

    def __init__(self, sink: list[StoryboardIssue], scene: int | None, title: str | None) -> None:
        self.sink, self.scene, self.title = sink, scene, title

    def add(self, field: str, message: str) -> None:
        self.sink.append(StoryboardIssue(self.scene, self.title, field, message))


def parse_storyboard(
    raw: str | bytes | dict, catalog: Catalog, article: Article
) -> tuple[Storyboard, list[StoryboardIssue]]:
    """Check a storyboard against the catalog and article; keep every valid part.

    Never raises on bad content: invalid JSON or a non-object gives an empty storyboard and one
    issue; a bad field is dropped or defaulted with an issue; a scene without a usable frame is
    skipped with an issue.
    """
    issues: list[StoryboardIssue] = []
    top = _Issues(issues, None, None)
    data = _decode(raw, top)
    if data is None:
        return Storyboard(UNTITLED, "", ()), issues
    if not isinstance(data, dict):
        top.add("file", 'must be a JSON object {"title", "description", "scenes"}; nothing loaded')
        return Storyboard(UNTITLED, "", ()), issues
    _unknown_keys(data, _TOP_KEYS, "", "a storyboard field", top)

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        top.add("title", f"must be a non-empty string; “{UNTITLED}” used")
        title = UNTITLED
    description = data.get("description", "")
    if not isinstance(description, str):
        top.add("description", "must be a string; left empty")
        description = ""

    raw_scenes = data.get("scenes")
    scenes: list[Scene] = []
    if not isinstance(raw_scenes, list):
        top.add("scenes", "must be a list of scene objects; no scenes loaded")
    else:
        if len(raw_scenes) > MAX_SCENES:
            left_out = (f"scene {MAX_SCENES + 1:,} was" if len(raw_scenes) == MAX_SCENES + 1
                        else f"scenes {MAX_SCENES + 1:,}–{len(raw_scenes):,} were")
            top.add("scenes", f"lists {len(raw_scenes):,} scenes; a storyboard holds at most "
                    f"{MAX_SCENES}, so {left_out} not loaded (split the file into several "
                    "briefings)")
            raw_scenes = raw_scenes[:MAX_SCENES]
        for number, raw_scene in enumerate(raw_scenes, start=1):
            scene = _parse_scene(number, raw_scene, catalog, article, issues)
            if scene is not None:
                scenes.append(scene)
    return Storyboard(title, description, tuple(scenes)), issues


def load_storyboard(
    path: Path, catalog: Catalog, article: Article
) -> tuple[Storyboard, list[StoryboardIssue]]:
    """Read and parse a storyboard file; a file that cannot be read is an issue, not an error."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        issue = StoryboardIssue(None, None, "file", f"cannot be read ({error.strerror}); "
                                "nothing loaded")
        return Storyboard(UNTITLED, "", ()), [issue]
    return parse_storyboard(raw, catalog, article)


def storyboard_to_json(storyboard: Storyboard) -> str:
    """The storyboard as the JSON a file holds: stable key order, so saved files diff cleanly.

    A scene framed by features is written with those feature ids (its bounds are recomputed on
    load); a scene framed by numeric bounds keeps them. `parse_storyboard` of the result gives
    back an equal Storyboard.
    """
    scenes = []
    for scene in storyboard.scenes:
        frame = (
            {"features": list(scene.frame_features)}
            if scene.frame_features
            else {"bounds": list(scene.bounds)}
        )
        written: dict[str, object] = {"title": scene.title}
        if scene.date is not None:
            written["date"] = scene.date
        scenes.append({
            **written,
            "frame": frame,
            "layers": list(scene.layers),
            "highlight": list(scene.highlight),
            "passages": [{"paragraph": p.paragraph, "sentence": p.sentence}
                         for p in scene.passages],
            "citations": list(scene.citations),
            "notes": scene.notes,
        })
    document = {"title": storyboard.title, "description": storyboard.description,
                "scenes": scenes}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def date_problem(value: object) -> str | None:
    """What is wrong with a scene date, phrased to follow the field's name; None when it is a
    schema date. One wording for a file's date and a date typed into the builder."""
    if isinstance(value, str) and date_span(value) is not None:
        return None
    shown = f"“{value}”" if isinstance(value, str) else _describe(value)
    return f"{shown} is not a date: write {DATE_FORMS}"


def scene_day(scene: Scene) -> datetime.date | None:
    """The day a scene's map shows: the last day its date covers ("2020-11" → 30 November 2020,
    "2022-09-12/2022-09-14" → 14 September 2022, "2021" → 31 December 2021), so the map shows
    what the scene's moment had led to; None for an undated scene (every feature drawn)."""
    span = date_span(scene.date) if scene.date is not None else None
    return span[1] if span is not None else None


def scene_date_line(scene: Scene) -> str | None:
    """A scene's date in words, as precise as it is written and no more, and the day its map
    shows when that is not the same thing: "November 2020 · map as of 30 November 2020",
    "13 September 2022"; None for an undated scene."""
    day = scene_day(scene)
    if day is None or scene.date is None:
        return None
    words = readable_date(scene.date)
    if scene.date == day.isoformat():
        return words
    return f"{words} · map as of {readable_date(day.isoformat())}"


@dataclass(frozen=True)
class SceneFeatures:
    """What a scene's map draws, as of its day (`scene_features`)."""

    day: datetime.date | None
    layers: tuple[tuple[Layer, gpd.GeoDataFrame], ...]
    """Each of the scene's layers, in registry order, with its features that stood on the day."""
    hidden: tuple[str, ...]
    """The features of those layers that did not stand on the day, in layer order."""
    highlight: tuple[str, ...]
    """The scene's highlighted features that stood on the day, in the scene's order."""

    @property
    def shown(self) -> frozenset[str]:
        """The ids of every feature drawn in the scene's layers."""
        return frozenset(ident for _, rows in self.layers for ident in rows["id"])


def scene_features(scene: Scene, catalog: Catalog) -> SceneFeatures:
    """The features a scene draws as of its day (`scene_day`): those of its layers and its
    highlights for which `layers.data.events.valid_on` holds; a feature without dates always
    stands, and an undated scene draws everything. The Briefing page, the HTML handout and the
    PDF all draw from this, so the three cannot disagree about a scene's map."""
    return features_on(catalog, scene.layers, scene.highlight, scene_day(scene))


def features_on(catalog: Catalog, layer_ids: Collection[str], highlight: Sequence[str],
                day: datetime.date | None) -> SceneFeatures:
    """What a map of these layers and highlighted features draws as of `day` (None: every
    feature of every date): the rule of `scene_features`, for any view and not only a scene's,
    so a picture of the Map page hides exactly what the page hides."""
    layers = []
    hidden: list[str] = []
    for layer in catalog.layers:
        if layer.id not in layer_ids:
            continue
        rows = layer.features
        if day is not None:
            stood = [valid_on(row._asdict(), day) for row in rows.itertuples(index=False)]
            hidden.extend(ident for ident, kept in zip(rows["id"], stood, strict=True)
                          if not kept)
            rows = rows[stood]
        layers.append((layer, rows))
    shown = tuple(fid for fid in highlight
                  if day is None or valid_on(catalog.feature(fid).properties, day))
    return SceneFeatures(day, tuple(layers), tuple(hidden), shown)


def passage_text(ref: PassageRef, article: Article) -> str:
    """The exact sentence a passage points at, as sliced from the verbatim article."""
    return article.paragraph(ref.paragraph).sentences[ref.sentence].text


def scene_citations(scene: Scene, article: Article) -> tuple[int, ...]:
    """Every reference a scene cites: its extras plus each quoted sentence's own [n] markers.

    The markers are always included so a handout never quotes a sentence without the source
    the article gives for it.
    """
    numbers = set(scene.citations)
    for ref in scene.passages:
        numbers.update(article.paragraph(ref.paragraph).sentences[ref.sentence].markers)
    return tuple(sorted(numbers))


def used_feature_ids(storyboard: Storyboard) -> tuple[str, ...]:
    """Highlighted features across all scenes, first use first: the exports draw these."""
    return tuple(dict.fromkeys(fid for scene in storyboard.scenes for fid in scene.highlight))


def used_layer_ids(storyboard: Storyboard, catalog: Catalog) -> tuple[str, ...]:
    """Layers shown in any scene, in registry order (the order they are drawn in)."""
    used = {layer_id for scene in storyboard.scenes for layer_id in scene.layers}
    return tuple(layer.id for layer in catalog.layers if layer.id in used)


def _decode(raw: str | bytes | object, top: _Issues) -> object | None:
    """The JSON value of `raw`, or None after recording why it cannot be read.

    Already-decoded JSON (a dict, or a list someone loaded) passes through for the caller's
    "must be an object" check rather than failing here."""
    if not isinstance(raw, str | bytes):
        return raw
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            top.add("file", f"is not UTF-8 text ({error.reason}); nothing loaded")
            return None
    raw = raw.removeprefix("\ufeff")  # the byte-order mark some editors save UTF-8 with
    try:
        data = json.loads(raw)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # no text the page cannot send
        return data
    except UnicodeEncodeError:
        top.add("file", "holds an unpaired surrogate escape (such as \\ud800), which is no "
                "character; nothing loaded")
    except json.JSONDecodeError as error:
        top.add("file", f"is not valid JSON: {error.msg} at line {error.lineno} column "
                f"{error.colno}; nothing loaded")
    except RecursionError:
        top.add("file", "nests lists or objects too deeply to be a storyboard; nothing loaded")
    except ValueError:  # a number past Python's 4,300-digit limit on int(str)
        top.add("file", "holds a number thousands of digits long; nothing loaded")
    return None


def _unknown_keys(data: dict, known: tuple[str, ...], prefix: str, what: str,
                  issues: _Issues) -> None:
    """A misspelt key ("highlights") would otherwise vanish silently; name it instead. Past a
    few, one issue counts the rest (an object of thousands of keys is no misspelling)."""
    unknown = [key for key in data if key not in known]
    for key in unknown[:_NAMED_KEYS]:
        issues.add(f"{prefix}{key}", f"is not {what}; ignored")
    if len(unknown) > _NAMED_KEYS:
        more = len(unknown) - _NAMED_KEYS
        issues.add(prefix.rstrip(".") or "keys",
                   f"{more:,} more key{'s are' if more > 1 else ' is'} not {what} either; "
                   "ignored")


_NAMED_KEYS = 10


def _parse_scene(
    number: int, raw: object, catalog: Catalog, article: Article, sink: list[StoryboardIssue]
) -> Scene | None:
    if not isinstance(raw, dict):
        _Issues(sink, number, None).add("scene", "must be an object; scene skipped")
        return None
    given_title = raw.get("title")
    issues = _Issues(sink, number, given_title if isinstance(given_title, str) else None)
    _unknown_keys(raw, _SCENE_KEYS, "", "a scene field", issues)

    title = given_title
    if not isinstance(title, str) or not title.strip():
        title = f"Scene {number}"
        problem = "is missing" if given_title is None else "must be a non-empty string"
        issues.add("title", f"{problem}; “{title}” used")

    date = raw.get("date")
    if date is not None and (problem := date_problem(date)) is not None:
        issues.add("date", f"{problem}; the scene is left undated")
        date = None

    frame = _parse_frame(raw.get("frame"), catalog, issues)
    layer_ids = _id_list(raw, "layers", "layer", lambda i: _has_layer(catalog, i), issues)
    highlight = _id_list(raw, "highlight", "feature", lambda i: _has_feature(catalog, i), issues)
    passages = _parse_passages(raw.get("passages", []), article, issues)
    citations = _parse_citations(raw.get("citations", []), article, issues)
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        issues.add("notes", "must be a string; left empty")
        notes = ""
    if frame is None:
        return None
    bounds, frame_features = frame
    scene = Scene(title, bounds, frame_features, layer_ids, highlight, passages, citations, notes,
                  date)
    day = scene_day(scene)
    for fid in highlight:
        if day is not None and not valid_on(catalog.feature(fid).properties, day):
            issues.add("highlight", f'"{fid}" did not stand on {readable_date(day.isoformat())}, '
                       "the day the scene's map shows; kept, but not drawn")
    return scene


def _parse_frame(
    raw: object, catalog: Catalog, issues: _Issues
) -> tuple[Bounds, tuple[str, ...]] | None:
    """(bounds, frame feature ids) or None after recording why the scene cannot be framed."""
    usage = 'must be {"features": [feature ids]} or {"bounds": [minx, miny, maxx, maxy]}'
    if not isinstance(raw, dict):
        problem = "is missing" if raw is None else usage
        issues.add("frame", f"{problem}; scene skipped")
        return None
    _unknown_keys(raw, _FRAME_KEYS, "frame.", "a frame field", issues)
    if ("features" in raw) == ("bounds" in raw):
        issues.add("frame", f"{usage}, exactly one of them; scene skipped")
        return None
    if "bounds" in raw:
        bounds = _check_bounds(raw["bounds"], issues)
        return None if bounds is None else (bounds, ())

    features = raw["features"]
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        issues.add("frame.features", "must be a list of feature ids; scene skipped")
        return None
    known: list[str] = []
    for ident in features:
        if not _has_feature(catalog, ident):
            issues.add("frame.features", f'no feature has the id "{ident}"; dropped')
        elif ident not in known:
            known.append(ident)
    geometries = [catalog.feature(ident).geometry for ident in known]
    usable = [g for g in geometries if g is not None and not g.is_empty]
    if not usable:
        issues.add("frame.features", "no usable feature is left to frame; scene skipped")
        return None
    return bounds_around(usable), tuple(known)


def _check_bounds(raw: object, issues: _Issues) -> Bounds | None:
    field = "frame.bounds"
    if (not isinstance(raw, list) or len(raw) != 4
            or not all(_is_number(v) for v in raw)):
        got = f"{len(raw)} values" if isinstance(raw, list) else type(raw).__name__
        issues.add(field, f"must be 4 numbers [minx, miny, maxx, maxy], got {got}; "
                   "scene skipped")
        return None
    minx, miny, maxx, maxy = (float(v) for v in raw)
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90
            and -90 <= maxy <= 90):
        issues.add(field, "longitudes must lie within -180..180 and latitudes within -90..90; "
                   "scene skipped")
        return None
    if minx > maxx or miny > maxy:
        issues.add(field, f"min must not exceed max (minx {minx:g}, maxx {maxx:g}, miny "
                   f"{miny:g}, maxy {maxy:g}); scene skipped")
        return None
    return minx, miny, maxx, maxy


def _id_list(
    raw: dict, field: str, kind: str, exists: Callable[[str], bool], issues: _Issues
) -> tuple[str, ...]:
    """A list of layer or feature ids: unknown ids and repeats are dropped, each with an issue."""
    values = raw.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        issues.add(field, f"must be a list of {kind} ids; none used")
        return ()
    kept: list[str] = []
    for ident in values:
        if not exists(ident):
            issues.add(field, f'no {kind} has the id "{ident}"; dropped')
        elif ident in kept:
            issues.add(field, f'repeats "{ident}"; dropped')
        else:
            kept.append(ident)
    return tuple(kept)


def _parse_passages(raw: object, article: Article, issues: _Issues) -> tuple[PassageRef, ...]:
    if not isinstance(raw, list):
        issues.add("passages", "must be a list of {paragraph, sentence} objects; none used")
        return ()
    last = article.paragraphs[-1].id
    refs: list[PassageRef] = []
    for i, item in enumerate(raw):
        where = f"passages[{i}]"
        if not isinstance(item, dict):
            issues.add(where, 'must be an object {"paragraph": "p1", "sentence": 0}; dropped')
            continue
        _unknown_keys(item, _PASSAGE_KEYS, f"{where}.", "a passage field", issues)
        pid, index = item.get("paragraph"), item.get("sentence")
        if not isinstance(pid, str):
            issues.add(f"{where}.paragraph", 'must be a paragraph id such as "p1"; '
                       "passage dropped")
            continue
        try:
            paragraph = article.paragraph(pid)
        except KeyError:
            issues.add(f"{where}.paragraph", f'"{pid}" is not a paragraph of the article '
                       f"(p1–{last}); passage dropped")
            continue
        if not isinstance(index, int) or isinstance(index, bool):
            issues.add(f"{where}.sentence", "must be a whole number, the 0-based sentence "
                       "index; passage dropped")
            continue
        count = len(paragraph.sentences)
        if not 0 <= index < count:
            issues.add(f"{where}.sentence", f"{pid} has sentences 0–{count - 1}, not {index}; "
                       "passage dropped")
            continue
        ref = PassageRef(pid, index)
        if ref in refs:
            issues.add(where, f"repeats {pid} sentence {index}; dropped")
            continue
        refs.append(ref)
    return tuple(refs)


def _parse_citations(raw: object, article: Article, issues: _Issues) -> tuple[int, ...]:
    if not isinstance(raw, list) or not all(_is_int(v) for v in raw):
        issues.add("citations", "must be a list of reference numbers; none used")
        return ()
    numbers = [reference.number for reference in article.references]
    kept: list[int] = []
    for number in raw:
        if number not in numbers:
            issues.add("citations", f"[{number}] is not one of the article's references "
                       f"[{min(numbers)}]–[{max(numbers)}]; dropped")
        elif number in kept:
            issues.add("citations", f"repeats [{number}]; dropped")
        else:
            kept.append(number)
    return tuple(kept)


def _has_layer(catalog: Catalog, ident: str) -> bool:
    try:
        catalog.layer(ident)
    except KeyError:
        return False
    return True


def _has_feature(catalog: Catalog, ident: str) -> bool:
    try:
        catalog.feature(ident)
    except KeyError:
        return False
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe(value: object) -> str:
    """A JSON value that should have been a date string, named for a message."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"{value} (a number, not a string in quotes)"
    kind = {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
    return kind
