"""The folium map: how things are drawn (`style`, the one source of colours, dashes, fills and
highlights), a layer's rendering (`layer`), the assembled map (`mapview`), the offline and
online backgrounds (`basemap`), locally served Leaflet (`assets`), the legend (`legend`), the
draw toolbar and the checked drawings it sends back (`draw`) and the view's round trip through
the URL (`state`).

Imports `layers.data` and `layers.html` (escaping, and the legend's HTML); never streamlit.
"""
