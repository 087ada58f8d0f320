"""The data model: the article (`article`), the geodata catalog (`catalog`: load, search, the
layer model), place search's ranking (`search`), its schema (`schema`) and every check on it
(`validate`), the feature ↔ paragraph ↔ citation index (`mentions`) and the feature table with
its exports (`tables`).

Plain Python, pandas, GeoPandas, Shapely and rapidfuzz only: nothing here imports folium,
matplotlib, streamlit, or any other package of `layers`, so the build and the tests can load the
data alone.
"""
