"""Named geometry derivations (`{"op": "<name>"}` in a recipe): areas no dataset draws directly.

Each op builds its geometry only from Natural Earth polygons, GeoNames positions and the
coordinates and figures of registered pages the recipe or the op names, by a rule
stated in its docstring (geodata/README.md repeats them), so the result can be re-derived and
questioned. What a feature using an op is depends on the rule: `nakhchivan-exclave` and
`caspian-sea` pick out the dataset's own outline unchanged (`exact`); `former-nkao`,
`peacekeeping-area-2022`, `kalbajar-outside-nkao`, `lachin-district` and `jabrayil-district`
change what the area is by a rule of ours, so none is a surveyed boundary (`approximate`);
`iran-drill-area` is a drawing choice (`schematic`). `former-nkao` and `lachin-district` take
Lachin town's published coordinate from the recipe (`"lachin": {"published": "<page id>"}`).
`border-sector` and `border-between` take parameters from the recipe (`{"op": "border-sector",
"district": ["AZ-KAL"], "facing": "ARM"}`): a stretch of Natural Earth's own border chosen by a
district or by two places, which stands for a "direction" a statement names (`approximate`);
`border-band` draws such a stretch as a band on one side of the border (`schematic`: the width
is a drawing choice).

Imports only `layers.build.geodata` modules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pyproj
import shapely
from shapely import line_merge
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.ops import substring, unary_union

from layers.build.geodata.countries import country
from layers.build.geodata.datasets import Datasets, Place

NAKHCHIVAN_REGION = "Naxçıvan Autonomous Republic"
"""Natural Earth admin-1 `region` value of the districts that make up the exclave."""

NKAO_WHOLE_DISTRICTS = ("AZE-4838", "AZ-SUS", "AZE-5565", "AZ-XCI", "AZ-XVD")
"""Xankendi/Stepanakert city, Shusha district and municipality, Khojali, Khojavend (adm1 codes):
the four districts Azerbaijan made of the NKAO's Stepanakert, Shusha, Askeran, Martuni and
Hadrut districts in 1991-92, taken whole except where Natural Earth draws them too big."""

SHUSHA = ("AZ-SUS", "AZE-5565")
KHOJAVEND = "AZ-XVD"
KALBAJAR = "AZ-KAL"
LACHIN = "AZE-1735"
"""Lachin district, which Natural Earth labels "Lankaran" (`AZ-LAN`); addressed by adm1 code."""
JABRAYIL = "AZ-CAB"

AGHDARA_SHARES = (("AZ-TAR", "Terter", 851.25), (KALBAJAR, "Kerbakhiar", 735.84))
"""The NKAO's Martakert (Aghdara) district, divided in 1992: for each district that took part of
it, that district's GeoNames seat and the area (km²) Azerbaijan's 2023 bill restoring Aghdara
district takes back from it (Azernews, 27 November 2023). The bill's third share, 73.74 km²
from Aghdam district, is not modelled."""

MARTAKERT = "Martakert"
"""GeoNames' name for Martakert / Aghdara town, the seat the Aghdara cuts are measured from."""

UTM_38N = "EPSG:32638"
EQUAL_AREA = "EPSG:6933"
"""Cuts are made in metres (UTM zone 38N); areas are measured equal-area (EPSG:6933), as the
tests and geodata/README.md measure them."""


def _admin1(data: Datasets, *keys: str) -> shapely.Geometry:
    """Union of Natural Earth admin-1 features by iso_3166_2 or adm1_code."""
    found = [g for key in keys for _, g in data.admin1.select(key)]
    if not found:
        raise KeyError(f"no Natural Earth admin-1 feature for {keys}")
    return unary_union(found)


@cache
def _transformer(source: str, target: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def _reproject(geometry: shapely.Geometry, source: str, target: str) -> shapely.Geometry:
    transform = _transformer(source, target).transform
    return shapely.transform(geometry, lambda xy: np.column_stack(transform(*xy.T)))


def area_km2(geometry: shapely.Geometry) -> float:
    """Area on the ground in km², equal-area (EPSG:6933)."""
    return _reproject(geometry, "EPSG:4326", EQUAL_AREA).area / 1e6


def _point(place: Place | Point) -> Point:
    return place if isinstance(place, Point) else Point(place.lon, place.lat)


CUT_REACH_M = 300_000.0
"""How far the half-plane of a cut reaches, in metres: beyond any district it cuts."""


def cut_towards(area: shapely.Geometry, near: Place | Point, far: Place | Point,
                fraction: float = 0.5) -> shapely.Geometry:
    """The part of `area` on `near`'s side of the line perpendicular to the segment from `near`
    to `far` that crosses it `fraction` of the way along (0.5: the perpendicular bisector, i.e.
    the part nearer `near` than `far`), the line drawn in metres (UTM zone 38N). The half-plane
    is carried back to longitude/latitude, so `area` keeps its own vertices."""
    a, b = (_reproject(_point(p), "EPSG:4326", UTM_38N) for p in (near, far))
    length = a.distance(b)
    ux, uy = (b.x - a.x) / length, (b.y - a.y) / length
    cx, cy = a.x + ux * length * fraction, a.y + uy * length * fraction
    reach = CUT_REACH_M
    half_plane = Polygon([
        (cx - uy * reach, cy + ux * reach),
        (cx + uy * reach, cy - ux * reach),
        (cx + uy * reach - ux * reach, cy - ux * reach - uy * reach),
        (cx - uy * reach - ux * reach, cy + ux * reach - uy * reach),
    ]).segmentize(1_000.0)
    return area.intersection(_reproject(half_plane, UTM_38N, "EPSG:4326"))


def cut_to_area(area: shapely.Geometry, near: Place | Point, far: Place | Point,
                km2: float) -> shapely.Geometry:
    """`cut_towards` with the cut moved along the segment from `near` to `far` until the part on
    `near`'s side measures `km2` (bisection, 40 steps: to well under 0.1 km²)."""
    low, high = 0.0, 1.0
    if not area_km2(cut_towards(area, near, far, low)) <= km2 <= area_km2(
            cut_towards(area, near, far, high)):
        raise ValueError(f"no cut between the two places leaves {km2} km²")
    for _ in range(40):
        middle = (low + high) / 2
        if area_km2(cut_towards(area, near, far, middle)) < km2:
            low = middle
        else:
            high = middle
    return cut_towards(area, near, far, (low + high) / 2)


def aghdara_parts(data: Datasets) -> dict[str, shapely.Geometry]:
    """Per district (adm1 code), the part of it counted as the NKAO's Martakert / Aghdara
    district: cut perpendicular to the line from Martakert to the district's seat, at the place
    that leaves the area the 2023 bill gives (AGHDARA_SHARES) on Martakert's side."""
    martakert = data.gazetteer.lookup(MARTAKERT, "AZ")
    return {district: cut_to_area(_admin1(data, district), martakert,
                                  data.gazetteer.lookup(seat, "AZ"), km2)
            for district, seat, km2 in AGHDARA_SHARES}


def lachin_part(data: Datasets, lachin: Point) -> shapely.Geometry:
    """The part of Natural Earth's Shusha district that belongs to Lachin district: nearer to
    Lachin town (`lachin`, a published coordinate; Natural Earth's Shusha holds it) than to
    Shusha (GeoNames `Shushi`)."""
    return cut_towards(_admin1(data, *SHUSHA), lachin, data.gazetteer.lookup("Shushi", "AZ"))


def jabrayil_part(data: Datasets) -> shapely.Geometry:
    """The part of Natural Earth's Khojavend district that belongs to Jabrayil district: nearer
    to Jabrayil town (GeoNames `Jebrail`; Natural Earth's Khojavend holds it) than to Hadrut."""
    gazetteer = data.gazetteer
    return cut_towards(_admin1(data, KHOJAVEND), gazetteer.lookup("Jebrail", "AZ"),
                       gazetteer.lookup("Hadrut", "AZ"))


def nakhchivan_exclave(data: Datasets) -> shapely.Geometry:
    """The polygon parts of Azerbaijan's admin-0 outline that overlap the Natural Earth admin-1
    districts of the Naxçıvan Autonomous Republic (the exclave west of Armenia)."""
    districts = unary_union([g for _, g in data.admin1.where(region=NAKHCHIVAN_REGION)])
    azerbaijan = country(data.admin0, "AZE")
    parts = [
        p for p in getattr(azerbaijan, "geoms", [azerbaijan]) if p.intersection(districts).area > 0
    ]
    return unary_union(parts)


def former_nkao(data: Datasets, lachin: Point) -> shapely.Geometry:
    """The former Nagorno-Karabakh Autonomous Oblast, approximated from today's districts.

    1. Xankendi (Stepanakert), Shusha, Khojali and Khojavend districts, whole, except where
       Natural Earth draws them over a neighbour's town: the part of Shusha district nearer to
       Lachin town (`lachin`, a published coordinate) than to Shusha, and the part of Khojavend
       nearer to Jabrayil than to Hadrut, go back to Lachin and Jabrayil districts
       (`lachin_part`, `jabrayil_part`: perpendicular bisectors, in metres).
    2. The NKAO's Martakert / Aghdara district, which Azerbaijan divided in 1992: of Tartar and
       Kalbajar districts, the part on Martakert's side of a cut perpendicular to the line from
       Martakert to the district's seat, placed so that the part measures what Azerbaijan's 2023
       bill restoring Aghdara takes back from that district (851.25 and 735.84 km²).

    Known error: step 2's areas are fitted to the bill, so the total (about 4,100 km² against
    the published 4,388) tests only step 1, which is about 10% short: the bisectors cut more
    than Natural Earth's excess; the cuts are straight lines, not the oblast's boundary; the
    bill's 73.74 km² from Aghdam are left out.
    """
    misdrawn = unary_union([lachin_part(data, lachin), jabrayil_part(data)])
    whole = _admin1(data, *NKAO_WHOLE_DISTRICTS).difference(misdrawn)
    return unary_union([whole, *aghdara_parts(data).values()])


def peacekeeping_area_2022(data: Datasets) -> shapely.Geometry:
    """The area of the Russian peacekeeping mission as of September 2022, approximated as the
    former NKAO minus Shusha district and minus the part of Khojavend district south of the
    southernmost point of Shusha district (the Hadrut area, taken by Azerbaijan in 2020). Both
    parts `former_nkao` gives back to Lachin and Jabrayil lie in what is taken away, so this
    needs no Lachin position."""
    shusha = _admin1(data, *SHUSHA)
    khojavend = _admin1(data, KHOJAVEND)
    south = shusha.bounds[1]
    minx, miny, maxx, _ = khojavend.bounds
    hadrut_area = khojavend.intersection(shapely.box(minx, miny, maxx, south))
    whole = _admin1(data, *NKAO_WHOLE_DISTRICTS).difference(shusha).difference(hadrut_area)
    return unary_union([whole, *aghdara_parts(data).values()])


def kalbajar_outside_nkao(data: Datasets) -> shapely.Geometry:
    """Natural Earth's Kalbajar district minus the part `former_nkao` counts as the NKAO's
    Martakert / Aghdara district. Kalbajar took over that part in 1992, but it stayed within the
    Russian peacekeeping area after 2020; drawing the whole district would put it in both."""
    return _admin1(data, KALBAJAR).difference(aghdara_parts(data)[KALBAJAR])


def lachin_district(data: Datasets, lachin: Point) -> shapely.Geometry:
    """Natural Earth's Lachin district plus the part of its Shusha district that `former_nkao`
    gives back to Lachin (the part nearer Lachin town than Shusha), so the district holds its
    own town and no ground is drawn in neither."""
    return unary_union([_admin1(data, LACHIN), lachin_part(data, lachin)])


def jabrayil_district(data: Datasets) -> shapely.Geometry:
    """Natural Earth's Jabrayil district plus the part of its Khojavend district that
    `former_nkao` gives back to Jabrayil (`jabrayil_part`), so the district holds its own town."""
    return unary_union([_admin1(data, JABRAYIL), jabrayil_part(data)])


DRILL_BAND_M = 50_000
"""Width of the band standing for "near Azerbaijan's borders": a drawing choice, not a report."""


def iran_drill_area(data: Datasets) -> shapely.Geometry:
    """Iranian territory within DRILL_BAND_M of Azerbaijan (Nakhchivan included), for the
    article's "massive military drills near Azerbaijan's borders", which it does not locate.
    Buffered in UTM zone 38N (EPSG:32638) so the band is metres wide, not degrees; schematic."""
    import geopandas as gpd

    shapes = gpd.GeoSeries([country(data.admin0, "IRN"), country(data.admin0, "AZE")],
                           crs="EPSG:4326").to_crs("EPSG:32638")
    iran, azerbaijan = shapes.iloc[0], shapes.iloc[1]
    band = iran.intersection(azerbaijan.boundary.buffer(DRILL_BAND_M))
    return gpd.GeoSeries([band], crs="EPSG:32638").to_crs("EPSG:4326").iloc[0]


CASPIAN_LITTORAL = ("AZE", "IRN", "KAZ", "RUS", "TKM")


def caspian_sea(data: Datasets) -> shapely.Geometry:
    """The Caspian Sea as Natural Earth draws it: the largest hole in the union of the five
    littoral states' admin-0 outlines (Natural Earth has no water bodies in these files, but
    its coastlines enclose the sea exactly)."""
    shore = unary_union([country(data.admin0, iso) for iso in CASPIAN_LITTORAL])
    holes = [Polygon(ring) for part in getattr(shore, "geoms", [shore]) for ring in part.interiors]
    return max(holes, key=lambda hole: hole.area)


SECTOR_REACH_DEG = 0.02
"""How far (about 2 km) a district's admin-1 outline may lie from the admin-0 border and still
count as meeting it: the two Natural Earth layers are drawn separately and do not coincide."""


def shared_border(data: Datasets, country_a: str, country_b: str) -> shapely.Geometry:
    """The land border of two countries exactly as Natural Earth draws it: the admin-0 arcs both
    outlines use (unsimplified), merged into lines."""
    shared = data.admin0.arc_ids(country_a) & data.admin0.arc_ids(country_b)
    if not shared:
        raise ValueError(f"{country_a} and {country_b} share no border in Natural Earth admin-0")
    return line_merge(MultiLineString([data.admin0.arcs[i] for i in sorted(shared)]))


def border_sector(data: Datasets, district: list[str], facing: str,
                  country: str = "AZE") -> shapely.Geometry:
    """The stretch of `country`'s border with `facing` that runs along the given admin-1
    district(s): where a claim names a district's "direction" on the state border, this is the
    line it points at. The border is admin-0's own; the district only selects the stretch, taken
    within SECTOR_REACH_DEG of the district's outline."""
    area = _admin1(data, *district).buffer(SECTOR_REACH_DEG)
    sector = shared_border(data, country, facing).intersection(area)
    lines = [part for part in getattr(sector, "geoms", [sector])
             if part.geom_type in ("LineString", "MultiLineString") and not part.is_empty]
    if not lines:
        raise ValueError(f"districts {district} do not meet the {country}–{facing} border")
    return line_merge(unary_union(lines))


def border_between(data: Datasets, start: Point, end: Point, country: str = "ARM",
                   neighbour: str = "AZE") -> shapely.Geometry:
    """The border of `country` with `neighbour` from the point on it nearest `start` to the one
    nearest `end`, along the border: "along the entire border line from Sotk to Goris"."""
    border = shared_border(data, country, neighbour)
    parts = list(getattr(border, "geoms", [border]))
    line = min(parts, key=lambda part: part.distance(start) + part.distance(end))
    a, b = sorted((line.project(start), line.project(end)))
    return substring(line, a, b)


BAND_M = 3_000
"""Width of a border band: a drawing choice, wide enough to see and click at regional zoom."""


def border_band(data: Datasets, side: str, facing: str, district: list[str] | None = None,
                start: Point | None = None, end: Point | None = None) -> shapely.Geometry:
    """A band BAND_M wide on `side`'s side of its border with `facing`, along the stretch a
    district (`border-sector`) or two places (`border-between`) select.

    Why a band and not the line: a claim about positions on one side of the border belongs on
    that side, and both sides' claims about the same stretch then lie side by side instead of
    one hiding the other. Buffered in UTM zone 38N (EPSG:32638) so the width is in metres.
    """
    import geopandas as gpd

    if district is not None:
        stretch = border_sector(data, district, facing, country=side)
    elif start is not None and end is not None:
        stretch = border_between(data, start, end, country=side, neighbour=facing)
    else:
        raise ValueError("border-band needs a district, or a start and an end")
    shapes = gpd.GeoSeries([stretch, country(data.admin0, side)], crs="EPSG:4326").to_crs(
        "EPSG:32638")
    band = shapes.iloc[0].buffer(BAND_M, cap_style="flat").intersection(shapes.iloc[1])
    return gpd.GeoSeries([band], crs="EPSG:32638").to_crs("EPSG:4326").iloc[0]


PARALLEL_SIMPLIFY_M = 200.0
"""How far (metres) `border_parallel` may smooth its line: the offset of a meandering river
border is drawn, not surveyed."""


def border_parallel(data: Datasets, start: Point, end: Point, border: list[str], side: str,
                    offset_m: float) -> shapely.Geometry:
    """A schematic route from `start` to `end` that runs `offset_m` inside `side`, parallel to
    Natural Earth's border between the two countries of `border`: the line at that distance
    from the border on `side`'s side (the edge of a buffer, in UTM zone 38N metres), entered and
    left by straight segments from `start` and to `end`. For a route a source places at a
    distance from a border ("about 5 km south of the Armenian-Iranian border") where no town on
    it gives a node."""
    line = _reproject(shared_border(data, *border), "EPSG:4326", UTM_38N)
    inside = _reproject(country(data.admin0, side), "EPSG:4326", UTM_38N)
    edge = line.buffer(offset_m).boundary.intersection(inside).difference(
        line.buffer(offset_m * 0.9))
    parts = list(getattr(line_merge(edge), "geoms", [line_merge(edge)]))
    parts = [part for part in parts if part.geom_type == "LineString"]
    if not parts:
        raise ValueError(f"no line {offset_m} m inside {side} along the {border} border")
    parallel = max(parts, key=lambda part: part.length)
    a, b = (_reproject(p, "EPSG:4326", UTM_38N) for p in (start, end))
    coords = list(parallel.coords)
    if Point(coords[0]).distance(a) > Point(coords[-1]).distance(a):
        coords.reverse()
    route = LineString([(a.x, a.y), *coords, (b.x, b.y)]).simplify(PARALLEL_SIMPLIFY_M)
    return _reproject(route, UTM_38N, "EPSG:4326")


OPS: dict[str, Callable[..., shapely.Geometry]] = {
    "caspian-sea": caspian_sea,
    "iran-drill-area": iran_drill_area,
    "nakhchivan-exclave": nakhchivan_exclave,
    "former-nkao": former_nkao,
    "kalbajar-outside-nkao": kalbajar_outside_nkao,
    "lachin-district": lachin_district,
    "jabrayil-district": jabrayil_district,
    "peacekeeping-area-2022": peacekeeping_area_2022,
    "border-sector": border_sector,
    "border-between": border_between,
    "border-parallel": border_parallel,
    "border-band": border_band,
}
"""Every op a recipe may name."""
