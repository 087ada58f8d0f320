"""The briefer's own layers: the workspace they are kept in and the readers of uploaded files.

  store.py   the workspace: one GeoPackage file (`workspace/workspace.gpkg`, or `CBM_WORKSPACE`)
             that QGIS and GDAL open, written through SQLite one transaction per change, with a
             revision counter for caching and per-feature revisions so that two sessions never
             overwrite each other; exports, imports, and the user's layers as catalog layers.
  upload.py  GeoJSON, KML, GeoPackage, zipped Shapefile and CSV files read with GDAL (pyogrio),
             reprojected to WGS84, repaired or refused, and mapped to schema-valid properties.

Imports data/ only, and never Streamlit: the pages (views/) call it, so a test or a script can
fill and read a workspace without a browser.
"""
