"""Named geometry derivations (`{"op": "<name>"}` in a recipe): areas no dataset draws directly.

Each op builds its geometry only from Natural Earth polygons and GeoNames positions, by a rule
stated in its docstring (geodata/README.md repeats them), so the result can be re-derived and
questioned. What a feature using an op is depends on the rule: `nakhchivan-exclave` and
`caspian-sea` pick out the dataset's own outline unchanged (`exact`); `former-nkao`,
`peacekeeping-area-2022` and `kalbajar-outside-nkao` change what the area is by a rule of ours, so
none is a surveyed boundary (`approximate`); `iran-drill-area` is a drawing choice (`schematic`).
`border-sector` and `border-between` take parameters from the recipe (`{"op": "border-sector",
"district": ["AZ-KAL"], "facing": "ARM"}`): a stretch of Natural Earth's own border chosen by a
district or by two places, which stands for a "direction" a statement names (`approximate`);
`border-band` draws such a stretch as a band on one side of the border (`schematic`: the width
is a drawing choice).

Imports only `layers.build.geodata` modules.
"""

from __future__ import annotations

from collections.abc import Callable

import shapely
from shapely import line_merge
from shapely.geometry import MultiLineString, Point, Polygon
from shapely.ops import substring, unary_union

from layers.build.geodata.countries import country
from layers.build.geodata.datasets import Datasets, Place

NAKHCHIVAN_REGION = "Naxçıvan Autonomous Republic"
"""Natural Earth admin-1 `region` value of the districts that make up the exclave."""

NKAO_WHOLE_DISTRICTS = ("AZE-4838", "AZ-SUS", "AZE-5565", "AZ-XCI", "AZ-XVD")
"""Xankendi/Stepanakert city, Shusha district and municipality, Khojali, Khojavend (adm1 codes)."""

SHUSHA = ("AZ-SUS", "AZE-5565")
KHOJAVEND = "AZ-XVD"
KALBAJAR = "AZ-KAL"

MARTAKERT_SPLITS = (("AZ-TAR", "Terter"), (KALBAJAR, "Kerbakhiar"))
"""Districts that took over parts of the NKAO's Martakert district, with their GeoNames seat."""


def _admin1(data: Datasets, *keys: str) -> shapely.Geometry:
    """Union of Natural Earth admin-1 features by iso_3166_2 or adm1_code."""
    found = [g for key in keys for _, g in data.admin1.select(key)]
    if not found:
        raise KeyError(f"no Natural Earth admin-1 feature for {keys}")
    return unary_union(found)


def closer_to(area: shapely.Geometry, near: Place, far: Place) -> shapely.Geometry:
    """The part of `area` nearer (in lon/lat) to `near` than to `far`: a half-plane cut along
    their perpendicular bisector, the simplest rule that splits a district between two seats."""
    mx, my = (near.lon + far.lon) / 2, (near.lat + far.lat) / 2
    dx, dy = far.lon - near.lon, far.lat - near.lat
    reach = 10.0  # degrees; far beyond any district, so the half-plane covers `area`'s side
    ux, uy = -dy * reach, dx * reach
    half_plane = Polygon(
        [
            (mx + ux, my + uy),
            (mx - ux, my - uy),
            (mx - ux - dx * reach, my - uy - dy * reach),
            (mx + ux - dx * reach, my + uy - dy * reach),
        ]
    )
    return area.intersection(half_plane)


def nakhchivan_exclave(data: Datasets) -> shapely.Geometry:
    """The polygon parts of Azerbaijan's admin-0 outline that overlap the Natural Earth admin-1
    districts of the Naxçıvan Autonomous Republic (the exclave west of Armenia)."""
    districts = unary_union([g for _, g in data.admin1.where(region=NAKHCHIVAN_REGION)])
    azerbaijan = country(data.admin0, "AZE")
    parts = [
        p for p in getattr(azerbaijan, "geoms", [azerbaijan]) if p.intersection(districts).area > 0
    ]
    return unary_union(parts)


def former_nkao(data: Datasets) -> shapely.Geometry:
    """The former Nagorno-Karabakh Autonomous Oblast, approximated from today's districts.

    Whole districts: Xankendi (Stepanakert), Shusha, Khojali, Khojavend. The NKAO's Martakert
    district was divided in 1992 between Tartar and Kalbajar; of each, the part closer to
    Martakert than to that district's own seat (Terter, Kalbajar = GeoNames `Kerbakhiar`) is added.
    """
    gazetteer = data.gazetteer
    martakert = gazetteer.lookup("Martakert", "AZ")
    parts = [_admin1(data, *NKAO_WHOLE_DISTRICTS)]
    for district, seat in MARTAKERT_SPLITS:
        parts.append(closer_to(_admin1(data, district), martakert, gazetteer.lookup(seat, "AZ")))
    return unary_union(parts)


def peacekeeping_area_2022(data: Datasets) -> shapely.Geometry:
    """The area of the Russian peacekeeping mission as of September 2022, approximated as the
    former NKAO minus Shusha district and minus the part of Khojavend district south of the
    southernmost point of Shusha district (the Hadrut area, taken by Azerbaijan in 2020)."""
    shusha = _admin1(data, *SHUSHA)
    khojavend = _admin1(data, KHOJAVEND)
    south = shusha.bounds[1]
    minx, miny, maxx, _ = khojavend.bounds
    hadrut_area = khojavend.intersection(shapely.box(minx, miny, maxx, south))
    return former_nkao(data).difference(shusha).difference(hadrut_area)


def kalbajar_outside_nkao(data: Datasets) -> shapely.Geometry:
    """Natural Earth's Kalbajar district minus the part `former_nkao` assigns to the NKAO's
    Martakert / Aghdara district. Kalbajar took over that part in 1992, but it stayed within the
    Russian peacekeeping area after 2020; drawing the whole district would put it in both."""
    return _admin1(data, KALBAJAR).difference(former_nkao(data))


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


OPS: dict[str, Callable[..., shapely.Geometry]] = {
    "caspian-sea": caspian_sea,
    "iran-drill-area": iran_drill_area,
    "nakhchivan-exclave": nakhchivan_exclave,
    "former-nkao": former_nkao,
    "kalbajar-outside-nkao": kalbajar_outside_nkao,
    "peacekeeping-area-2022": peacekeeping_area_2022,
    "border-sector": border_sector,
    "border-between": border_between,
    "border-band": border_band,
}
"""Every op a recipe may name."""
