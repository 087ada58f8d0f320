"""Set-up and build tools, run by `make assets`, `make basemap` and `make geodata`
(`python -m layers.build assets|basemap|geodata`): one npm fetcher with one pin manifest, one
TopoJSON decoder, the antimeridian fix, the offline basemap, the map assets and the geodata build.

Imports `layers.data` only (the build validates with the same checks `python -m layers check`
runs); nothing outside `build/` imports it, so the app never loads a build tool.
"""
