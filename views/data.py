"""The Data page: every feature in one searchable table, downloadable as GeoJSON or CSV."""

from __future__ import annotations

import datetime

import streamlit as st

from layers.data.tables import Filters, csv_bytes, features_frame, filter_features, geojson_bytes
from layers.html.references import map_link
from views.common import catalog, mentions, use_stylesheet

cat = catalog()
index = mentions()
layer_titles = {layer.id: layer.title for layer in cat.layers}
categories = sorted({str(props.get("category")) for _, props, _ in cat.features})
precisions = sorted({str(props.get("precision")) for _, props, _ in cat.features})

st.title("Data", anchor=False)
use_stylesheet()
st.caption(
    "Every feature on the map with its attributes. Download the rows shown as GeoJSON (all "
    "properties, RFC 7946) or as CSV (geometry as WKT)."
)

query = st.text_input("Filter by name or alias", placeholder="e.g. Naxcivan, Khankendi",
                      key="data-query")
left, middle, right = st.columns(3)
chosen_layers = left.multiselect("Layer", options=list(layer_titles),
                                 format_func=layer_titles.__getitem__, key="data-layers")
chosen_categories = middle.multiselect(
    "Category", options=categories, format_func=lambda c: c.replace("-", " "),
    key="data-categories")
chosen_precisions = right.multiselect("Precision", options=precisions, key="data-precisions")
dated = st.toggle("Only what stood on a day", key="data-dated",
                  help="Features with no dates always stand; those with dates (a district's "
                       "handover, a claim's day) only from and until them.")
as_of = None
if dated:  # shown only when it applies (a disabled picker's grey text fails contrast)
    as_of = st.date_input("On", key="data-as-of", value=datetime.date(2022, 9, 13),
                          min_value=datetime.date(1900, 1, 1),
                          max_value=datetime.date(2035, 12, 31), format="YYYY-MM-DD")

rows = filter_features(cat, Filters(query, chosen_layers, chosen_categories, chosen_precisions,
                                    as_of))
frame = features_frame(rows, index)
frame.insert(1, "map", [map_link(ident) for ident in frame["id"]])
st.caption(f"{len(rows)} of {len(cat.features)} features.")
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={
        "map": st.column_config.LinkColumn("Map", display_text="show", width="small",
                                           help="Open the Map page with this feature selected"),
        "mentions": st.column_config.NumberColumn(
            "Mentions", help="Sentences of the article that refer to this feature"),
        "added_by_you": st.column_config.CheckboxColumn(
            "Added by you", help="A feature of My layers: your own, with the source you gave"),
    },
)

left, right = st.columns(2)
left.download_button(
    "Download GeoJSON", data=geojson_bytes(rows), file_name="caucasus-features.geojson",
    mime="application/geo+json", icon=":material/download:", disabled=not rows,
    on_click="ignore", key="download-geojson",
)
right.download_button(
    "Download CSV", data=csv_bytes(rows, index), file_name="caucasus-features.csv",
    mime="text/csv", icon=":material/download:", disabled=not rows,
    on_click="ignore", key="download-csv",
)
