"""The geodata build (`python -m layers.build geodata`): the registry `geodata/build/registry.json`
and the recipes `geodata/build/recipes/*.json`, resolved against pinned datasets, become
`geodata/<layer>.geojson`, `layers.json` and `sources.json`.

  build.py      the run: registry, recipes, validation with `layers.data.validate`, writing
  recipe.py     one recipe file: its shape, the build-only checks, geometry recipes resolved
  datasets.py   Natural Earth admin-0/admin-1 (through `layers.build.npm`) and GeoNames, loaded
  countries.py  country outlines from shared arcs, simplified outside the detail zone
  geometry.py   arc simplification, islets, rounding, winding, GeoJSON output
  ops.py        named derivations (`{"op": ...}`): areas no dataset draws directly

Imports `layers.data` and `layers.build` only. `geodata/README.md` documents the recipe format.
"""
