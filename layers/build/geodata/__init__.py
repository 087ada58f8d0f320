"""The geodata build: recipes + pinned datasets -> `geodata/<layer>.geojson`, layers.json and
sources.json (`python -m layers.build geodata`)."""
