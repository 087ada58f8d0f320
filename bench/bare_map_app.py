"""The stack's own floor for a map page: a title and a streamlit-folium map with one line on it,
Leaflet served from this server (the app's own `localize`), nothing else.

`make bench` serves it beside the floor page and the Map page and times its first content the
same way (the first Leaflet shape in the map's frame). Why: the floor page has no map, so the
Map page's ratio to it holds what Streamlit's component frame and Leaflet cost on their own
as well as what the Map page adds; this page's ratio to the floor is that first part alone, the
least any Map page built on streamlit-folium can take.

Served from a folder of the bench's (`bench.__main__.bare_map_dir`) beside a link to the
measured checkout's `static/`, with that checkout as the working directory, so its Leaflet and
its `layers.map.assets` are the measured ones (a checkout from before `localize` existed has
no bare map page: its repetitions are reported as lost).
"""

import os
import sys

import folium
import streamlit as st
from streamlit_folium import st_folium

if os.getcwd() not in sys.path:  # the measured checkout (bench/__main__.py serves from there)
    sys.path.insert(0, os.getcwd())
from layers.map.assets import localize  # noqa: E402 (after the path it is found on)

st.title("A bare map")
bare = folium.Map(location=[39.5, 46.3], zoom_start=8, tiles=None)
folium.PolyLine([(39.4, 46.2), (39.6, 46.4)]).add_to(bare)
st_folium(localize(bare), key="map", height=600, use_container_width=True, returned_objects=[])
