"""Map labels from our own data: what each label says, where it hangs, from what zoom it shows
and how much it matters when two collide. Pure functions; nothing here draws.

The Map and Briefing pages (`layers.map.label_layer`), the offline HTML handout and the PDF all
place these same labels, so a name never sits in one place on screen and another on paper.

What is labelled:
- countries (the Borders layer's Natural Earth countries; always on) and seas and lakes (always
  on): the Black Sea, the Caspian Sea and Lake Sevan;
- every Point feature of every layer (capitals, towns, the September places, route nodes), shown
  only while its layer is; points of one layer at one place share a label;
- every line (corridors, railways, roads, pipelines), its name written along it;
- in the handouts, a scene's highlighted features, named before all others.

Where, never from a typed coordinate:
- an area's label hangs at its pole of inaccessibility (shapely's polylabel, the point farthest
  from the edge, computed with longitude squeezed by the cosine of the latitude so "farthest" is
  measured on the ground). Where that is out of view or under a control, the engine tries the
  area's next anchor: the pole of its part inside the label frame (the South Caucasus feature's
  box grown by half), then inside the South Caucasus, then around Armenia and Azerbaijan; so
  Russia is named in Siberia on a world map and north of the Caucasus on ours. An anchor outside
  the offline basemap's frame is dropped: nothing is drawn there.
- the Black Sea is the water of the offline basemap (its frame less its Natural Earth land)
  that Georgia's coast touches; the Caspian Sea is the catalog's own feature of that name; Lake
  Sevan is the largest Natural Earth lake inside Armenia.
- a point's label sits beside its marker, right or else left (the engine chooses); a line's
  along its longest part, running west to east so the text reads upright.

Density follows zoom (`MIN_ZOOM`): countries, seas, lakes and the lines' names from the opening
view on; capitals and towns one step in; villages and crossings one more. Which tier a place is
in is what the data says of it (`place_kind`); which of two colliding labels stays, `WEIGHT`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from layers.data.catalog import (
    Bounds,
    Catalog,
    Layer,
    bounds_around,
    geometry_kind,
    name_parts,
)
from layers.map.basemap import BASEMAP_DIR, read_collection

COUNTRY, SEA, LAKE, CAPITAL, TOWN, VILLAGE, LINE, AREA = (
    "country", "sea", "lake", "capital", "town", "village", "line", "area")
KINDS = (COUNTRY, SEA, LAKE, CAPITAL, TOWN, VILLAGE, LINE, AREA)
"""`area` names a highlighted area of a handout's scene (areas are otherwise not named)."""

OPENING_ZOOM = 7
"""About the zoom of the opening view (Armenia and Azerbaijan on a 900-px map frame at 7.25)."""
MIN_ZOOM: dict[str, float] = {
    COUNTRY: 0, SEA: 0, LAKE: OPENING_ZOOM, LINE: 0, AREA: 0,
    CAPITAL: OPENING_ZOOM + 1, TOWN: OPENING_ZOOM + 1,
    VILLAGE: OPENING_ZOOM + 2,
}
"""The zoom from which a kind of label shows: countries and seas at the opening view, capitals
and towns one step in, villages and crossings one more. Lines show whenever their name fits."""
WEIGHT: dict[str, float] = {
    COUNTRY: 100, SEA: 95, CAPITAL: 80, LAKE: 70, TOWN: 60, LINE: 50, VILLAGE: 40, AREA: 60,
}
"""Which of two colliding labels stays: the higher. Within a kind, a place named in more of the
officials' statements (`claims`) goes first (`CLAIM_BONUS` each, fewer than ten counted)."""
CLAIM_BONUS = 0.5
MAX_CLAIM_BONUS = 9 * CLAIM_BONUS
HIGHLIGHT_BONUS = 200.0
"""A handout scene's highlighted features are named first, at every zoom: the scene is about
them."""

LABEL_FRAME_FEATURE = "south-caucasus"
LABEL_FRAME_GROWTH = 0.5
"""Countries and seas are named inside the South Caucasus feature's box grown by half its size
on each side: where the map is looked at."""
CORE_FEATURES = ("armenia", "azerbaijan")
"""The last box a country or sea is named in: around these two, the opening view's subject."""
FRAME_COUNTRY_LAYER = "borders"
"""The layer of the reference countries, named whatever layers are on."""
CASPIAN_FEATURE = "caspian-sea"
BLACK_SEA, BLACK_SEA_COAST = "Black Sea", "georgia"
"""The Black Sea is the basemap water on this country's coast (Georgia has no other sea)."""
LAKE_SEVAN, LAKE_SEVAN_COUNTRY = "Lake Sevan", "armenia"
"""Lake Sevan is the largest basemap lake inside this country."""
CITIES1000 = "geonames-cities1000"
"""A point placed from this gazetteer is a populated place of 1,000 or more people."""
POLE_TOLERANCE_KM = 1.0
ANCHOR_APART_KM = 50.0
"""An area's fallback anchors closer than this to an earlier one are dropped."""
KM_PER_DEGREE = 111.32
LINE_SIMPLIFY_DEG = 0.01
"""A line's label path is simplified to about 1 km: the text follows the line, not its wiggles."""
COORD_DECIMALS = 4

_PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,9}")


@dataclass(frozen=True)
class Label:
    """One label: its texts (preferred first, shorter fallbacks after), where it hangs, from what
    zoom it shows, its weight in a collision and whose visibility it follows."""

    id: str
    texts: tuple[str, ...]
    kind: str
    lat: float
    lon: float
    """The anchor: the pole of an area, the point itself, the middle of a line's path."""
    min_zoom: float
    weight: float
    layer: str | None = None
    """The layer whose visibility the label follows; None: always on (countries, seas)."""
    anchors: tuple[tuple[float, float], ...] = ()
    """An area's other places to hang, (lat, lon), tried in order where the first is out of
    view or under the map's controls: a country's pole in the label frame, then in the South
    Caucasus, so its name stays on screen as the map zooms in."""
    feature: str | None = None
    radius: float = 0.0
    """A point label: the pixel radius of the marker it names, which the label keeps clear of."""
    path: tuple[tuple[float, float], ...] = ()
    """A line label: the (lat, lon) path its text follows, west to east."""

    def all_anchors(self) -> tuple[tuple[float, float], ...]:
        """(lat, lon) of every place the label may hang, preferred first."""
        return ((self.lat, self.lon), *self.anchors)

    def shown_at(self, zoom: float) -> bool:
        """Whether the label may show at this zoom (before decluttering)."""
        return zoom >= self.min_zoom

    def as_json(self) -> dict[str, object]:
        """The label as the map's script reads it."""
        data = asdict(self)
        data["path"] = [list(point) for point in self.path]
        data["anchors"] = [list(point) for point in self.all_anchors()]
        data["texts"] = list(self.texts)
        return data


# --- texts ---------------------------------------------------------------------------------


def place_texts(name: str) -> tuple[str, ...]:
    """What a place's label may say, preferred first: the name without its remarks in
    parentheses ("Sisian (Garakilsa in the statement)" is "Sisian" on the map; the card says the
    rest), both names of a two-name place where there is room ("Stepanakert / Khankendi"),
    then the first name alone ("Stepanakert")."""
    plain = _without_remarks(name)
    parts = name_parts(plain)
    return _unique([plain, parts[0] if parts else plain])


def line_texts(name: str) -> tuple[str, ...]:
    """What a line's label may say, preferred first: the name without remarks in parentheses
    ("Middle Corridor"), then an acronym given in them ("TANAP")."""
    acronyms = [inner.strip() for inner in _PARENTHETICAL.findall(name)
                if _ACRONYM.fullmatch(inner.strip())]
    return _unique([_without_remarks(name), *acronyms])


def _without_remarks(name: str) -> str:
    plain = " ".join(_PARENTHETICAL.sub("", name).split())
    return plain or name.strip()


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for text in texts:
        if text and text not in seen:
            seen.append(text)
    return tuple(seen)


# --- tiers ---------------------------------------------------------------------------------


def place_kind(props: dict) -> str:
    """A point's tier, from what the data says of it: a capital; a town (a city, port or town,
    or a place of the officials' claims that GeoNames lists among places of 1,000 people or
    more); else a village or crossing (a place placed from a published page because
    cities1000 lacks it, a border crossing)."""
    category = str(props.get("category", ""))
    if category == "capital":
        return CAPITAL
    if category in ("city", "port", "town"):
        return TOWN
    gazetteer = props.get("gazetteer") or {}
    if category.startswith("claim-") and gazetteer.get("source") == CITIES1000:
        return TOWN
    return VILLAGE


def claim_bonus(props: dict) -> float:
    """A place named in more statements wins a tie within its tier."""
    claims = props.get("claims")
    count = len(claims) if isinstance(claims, list) else 0
    return min(count * CLAIM_BONUS, MAX_CLAIM_BONUS)


# --- geometry ------------------------------------------------------------------------------


def pole(geometry: BaseGeometry, frame: Bounds | None = None) -> Point | None:
    """The pole of inaccessibility of an area's largest part (inside `frame`, if given), measured
    on the ground: longitude is squeezed by the cosine of the middle latitude first."""
    if frame is not None:
        geometry = shapely.clip_by_rect(geometry, *frame)
    polygons = [part for part in shapely.get_parts(geometry) if isinstance(part, Polygon)
                and not part.is_empty]
    if not polygons:
        return None
    minx, miny, maxx, maxy = unary_union(polygons).bounds
    squeeze = math.cos(math.radians((miny + maxy) / 2))
    ground = [affinity.scale(p, xfact=squeeze, yfact=1.0, origin=(0, 0)) for p in polygons]
    largest = max(ground, key=lambda p: p.area)
    if not largest.is_valid:
        largest = largest.buffer(0)
        if isinstance(largest, MultiPolygon):
            largest = max(largest.geoms, key=lambda p: p.area)
    found = polylabel(largest, tolerance=POLE_TOLERANCE_KM / KM_PER_DEGREE)
    return Point(found.x / squeeze, found.y)


def grown(bounds: Bounds, share: float) -> Bounds:
    """A box grown by `share` of its width and height on each side."""
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * share, (maxy - miny) * share
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def inside(point: Point, bounds: Bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return minx <= point.x <= maxx and miny <= point.y <= maxy


def label_path(geometry: BaseGeometry) -> LineString | None:
    """The path a line's name follows: its longest part (measured on the ground), simplified,
    running west to east so the text is never upside down."""
    parts = [part for part in shapely.get_parts(geometry) if isinstance(part, LineString)
             and len(part.coords) >= 2]
    if not parts:
        return None

    def ground_length(line: LineString) -> float:
        mid = math.cos(math.radians(line.centroid.y))
        return affinity.scale(line, xfact=mid, yfact=1.0, origin=(0, 0)).length

    longest = max(parts, key=ground_length)
    simple = longest.simplify(LINE_SIMPLIFY_DEG, preserve_topology=False)
    if len(simple.coords) < 2:
        simple = longest
    start, end = simple.coords[0], simple.coords[-1]
    return LineString(simple.coords[::-1]) if end[0] < start[0] else simple


def _round(value: float) -> float:
    return round(value, COORD_DECIMALS)


# --- the labels ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Basemap:
    """What of the offline basemap the sea and lake labels are placed from."""

    frame: Bounds
    """The basemap's frame (its sea rectangle): nothing is drawn outside it."""
    water: BaseGeometry
    """The frame less the land."""
    lakes: tuple[Polygon, ...]


def read_basemap(basemap_dir: Path = BASEMAP_DIR) -> Basemap:
    """The offline basemap's frame, water and lakes, from `geodata/basemap/`."""
    def geometry(stem: str) -> BaseGeometry:
        document = read_collection(basemap_dir / f"{stem}.geojson")
        return unary_union([shape(feature["geometry"]) for feature in document["features"]])

    sea, land = geometry("sea"), geometry("land")
    lakes = tuple(part for part in shapely.get_parts(geometry("lakes"))
                  if isinstance(part, Polygon))
    return Basemap(frame=sea.bounds, water=sea.difference(land), lakes=lakes)


def geometry_of(catalog: Catalog, feature_id: str) -> BaseGeometry | None:
    """A feature's geometry, or None when the catalog has no such feature (a test's)."""
    try:
        return catalog.feature(feature_id).geometry
    except KeyError:
        return None


def south_caucasus(catalog: Catalog) -> Bounds | None:
    """The South Caucasus feature's own box: where a country or sea is named last but one."""
    found = geometry_of(catalog, LABEL_FRAME_FEATURE)
    return None if found is None else found.bounds


def core_frame(catalog: Catalog) -> Bounds | None:
    """The box around Armenia and Azerbaijan (with Nakhchivan): the opening view's subject."""
    found = [g for g in (geometry_of(catalog, fid) for fid in CORE_FEATURES) if g is not None]
    return bounds_around(found) if found else None


def label_frame(catalog: Catalog) -> Bounds | None:
    """Where countries and seas are named when their own pole is out of view: the South
    Caucasus feature's box, grown."""
    box = south_caucasus(catalog)
    return None if box is None else grown(box, LABEL_FRAME_GROWTH)


def fallback_frames(catalog: Catalog) -> tuple[Bounds, ...]:
    """The boxes a country or sea is named inside when its own pole is out of view, widest
    first: the label frame, the South Caucasus, Armenia and Azerbaijan."""
    frames = (label_frame(catalog), south_caucasus(catalog), core_frame(catalog))
    return tuple(frame for frame in frames if frame is not None)


def anchors(geometry: BaseGeometry, frames: Iterable[Bounds | None], keep: Bounds
            ) -> list[Point]:
    """An area's poles, preferred first: of the whole (frame None) and of its part inside each
    frame, each kept if it lies inside `keep` and is not within `ANCHOR_APART_KM` of one
    kept before."""
    kept: list[Point] = []
    for frame in frames:
        found = pole(geometry, frame)
        if found is None or not inside(found, keep):
            continue
        if all(ground_km(found, other) >= ANCHOR_APART_KM for other in kept):
            kept.append(found)
    return kept


def ground_km(a: Point, b: Point) -> float:
    """Distance on the ground, near enough at these scales (equirectangular)."""
    squeeze = math.cos(math.radians((a.y + b.y) / 2))
    return math.hypot((a.x - b.x) * squeeze, a.y - b.y) * KM_PER_DEGREE


def area_km2(geometry: BaseGeometry) -> float:
    """An area's size on the ground, near enough to rank countries by (equirectangular)."""
    squeeze = math.cos(math.radians(geometry.centroid.y))
    return geometry.area * squeeze * KM_PER_DEGREE**2


def area_label(ident: str, text: str, kind: str, places: list[Point], bonus: float = 0.0
               ) -> Label:
    first, *rest = places
    return Label(id=ident, texts=(text,), kind=kind, lat=_round(first.y), lon=_round(first.x),
                 anchors=tuple((_round(p.y), _round(p.x)) for p in rest),
                 min_zoom=MIN_ZOOM[kind], weight=WEIGHT[kind] + bonus)


def size_bonus(geometry: BaseGeometry) -> float:
    """Of two countries' colliding names the larger country's stays (less than one point)."""
    return min(math.log10(max(area_km2(geometry), 1.0)) / 10, 0.9)


def base_labels(catalog: Catalog, basemap: Basemap) -> list[Label]:
    """The labels that are always on: the reference countries, the seas and Lake Sevan."""
    frames = (None, *fallback_frames(catalog))
    labels: list[Label] = []
    countries = [layer for layer in catalog.layers if layer.id == FRAME_COUNTRY_LAYER]
    for row in (row for layer in countries for row in layer.features.itertuples(index=False)):
        if row.category != "country" or geometry_kind(row.geometry) != "area":
            continue
        places = anchors(row.geometry, frames, basemap.frame)
        if places:
            labels.append(area_label(f"country:{row.id}", row.name, COUNTRY, places,
                                     size_bonus(row.geometry)))
    labels.extend(sea_labels(catalog, basemap))
    return labels


def sea_labels(catalog: Catalog, basemap: Basemap) -> list[Label]:
    """The Black Sea, the Caspian Sea and Lake Sevan, placed from the basemap and the catalog.

    The Black Sea's water runs on into the Mediterranean, so it has no pole of its own: it is
    named inside the label frame, or else inside the South Caucasus."""
    frames = fallback_frames(catalog)
    labels: list[Label] = []
    coast = geometry_of(catalog, BLACK_SEA_COAST)
    waters = [part for part in shapely.get_parts(basemap.water) if isinstance(part, Polygon)]
    if waters and coast is not None and frames:
        places = anchors(min(waters, key=coast.distance), frames, basemap.frame)
        if places:
            labels.append(area_label("sea:black-sea", BLACK_SEA, SEA, places))
    caspian = geometry_of(catalog, CASPIAN_FEATURE)
    places = [] if caspian is None else anchors(caspian, (None, *frames), basemap.frame)
    if places:
        name = catalog.feature(CASPIAN_FEATURE).properties["name"]
        labels.append(area_label(f"sea:{CASPIAN_FEATURE}", name, SEA, places))
    country = geometry_of(catalog, LAKE_SEVAN_COUNTRY)
    lakes = [] if country is None else [
        lake for lake in basemap.lakes if country.contains(lake.representative_point())]
    if lakes:
        places = anchors(max(lakes, key=lambda lake: lake.area), (None,), basemap.frame)
        if places:
            labels.append(area_label("lake:sevan", LAKE_SEVAN, LAKE, places))
    return labels


def layer_labels(layer: Layer) -> list[Label]:
    """A layer's labels, which show only while it does: one per point (one per place where
    several of its points coincide: the first of them, kept clear of the largest marker there)
    and one per line."""
    labels: list[Label] = []
    radius: dict[tuple[float, float], float] = {}
    for row in layer.features.itertuples(index=False):
        if row.geometry.geom_type == "Point":
            at = (_round(row.geometry.y), _round(row.geometry.x))
            radius[at] = max(radius.get(at, 0.0), layer.style_for(row.category).radius)
    placed: set[tuple[float, float]] = set()
    for row in layer.features.itertuples(index=False):
        props = row._asdict()
        geometry = row.geometry
        kind = geometry_kind(geometry)
        if kind == "point" and geometry.geom_type == "Point":
            at = (_round(geometry.y), _round(geometry.x))
            if at in placed:
                continue
            placed.add(at)
            tier = place_kind(props)
            labels.append(Label(
                id=f"feature:{row.id}", texts=place_texts(row.name), kind=tier,
                lat=at[0], lon=at[1], min_zoom=MIN_ZOOM[tier],
                weight=WEIGHT[tier] + claim_bonus(props), layer=layer.id, feature=row.id,
                radius=radius[at]))
        elif kind == "line":
            path = label_path(geometry)
            if path is None:
                continue
            middle = path.interpolate(0.5, normalized=True)
            labels.append(Label(
                id=f"feature:{row.id}", texts=line_texts(row.name), kind=LINE,
                lat=_round(middle.y), lon=_round(middle.x), min_zoom=MIN_ZOOM[LINE],
                weight=WEIGHT[LINE], layer=layer.id, feature=row.id,
                path=tuple((_round(y), _round(x)) for x, y in path.coords)))
    return labels


def highlight_label(layer: Layer, props: dict, geometry: BaseGeometry) -> Label | None:
    """The label of a feature a handout's scene highlights: named before anything else and at
    every zoom; an area at its pole, a point or line as its layer names it."""
    kind = geometry_kind(geometry)
    if kind == "area":
        found = pole(geometry)
        if found is None:
            return None
        label = Label(id=f"feature:{props['id']}", texts=place_texts(str(props["name"])),
                      kind=AREA, lat=_round(found.y), lon=_round(found.x),
                      min_zoom=MIN_ZOOM[AREA], weight=WEIGHT[AREA], layer=layer.id,
                      feature=props["id"])
    else:
        matches = [label for label in cached_layer_labels(layer)
                   if label.feature == props["id"]]
        if matches:
            label = matches[0]
        elif geometry.geom_type == "Point":  # a point that shares its place with another
            tier = place_kind(props)
            label = Label(id=f"feature:{props['id']}", texts=place_texts(str(props["name"])),
                          kind=tier, lat=_round(geometry.y), lon=_round(geometry.x),
                          min_zoom=MIN_ZOOM[tier], weight=WEIGHT[tier], layer=layer.id,
                          feature=props["id"],
                          radius=layer.style_for(str(props.get("category"))).radius)
        else:
            return None
    return replace(label, min_zoom=0.0, weight=label.weight + HIGHLIGHT_BONUS)


def catalog_labels(catalog: Catalog, basemap: Basemap) -> list[Label]:
    """Every label the catalog gives: the base labels, then each layer's, in registry order."""
    labels = base_labels(catalog, basemap)
    for layer in catalog.layers:
        labels.extend(layer_labels(layer))
    return labels


def by_layer(labels: Iterable[Label]) -> dict[str | None, list[Label]]:
    """Labels grouped by the layer they follow (None: always on)."""
    grouped: dict[str | None, list[Label]] = {}
    for label in labels:
        grouped.setdefault(label.layer, []).append(label)
    return grouped


# --- cached for the pages ------------------------------------------------------------------


def iter_texts(labels: Iterable[Label]) -> Iterator[str]:
    """Every text any of the labels may show."""
    for label in labels:
        yield from label.texts


_LAYER_LABELS: dict[int, tuple[Layer, tuple[Label, ...]]] = {}
_LAYER_LABELS_KEPT = 64


def cached_layer_labels(layer: Layer) -> tuple[Label, ...]:
    """`layer_labels`, once per loaded layer object: the pages rebuild their groups on every
    rerun from the same cached catalog, and a reloaded catalog brings new layer objects."""
    kept = _LAYER_LABELS.get(id(layer))
    if kept is not None and kept[0] is layer:
        return kept[1]
    if len(_LAYER_LABELS) >= _LAYER_LABELS_KEPT:
        _LAYER_LABELS.clear()
    labels = tuple(layer_labels(layer))
    _LAYER_LABELS[id(layer)] = (layer, labels)
    return labels


_BASE_LABELS: dict[int, tuple[Catalog, tuple[Label, ...]]] = {}


def cached_base_labels(catalog: Catalog, basemap_dir: Path = BASEMAP_DIR) -> tuple[Label, ...]:
    """`base_labels` of a loaded catalog and the offline basemap, once per catalog object."""
    kept = _BASE_LABELS.get(id(catalog))
    if kept is not None and kept[0] is catalog:
        return kept[1]
    if len(_BASE_LABELS) >= 4:
        _BASE_LABELS.clear()
    labels = tuple(base_labels(catalog, read_basemap(basemap_dir)))
    _BASE_LABELS[id(catalog)] = (catalog, labels)
    return labels
