"""The Sources page: the references with the features resting on each, and the datasets."""

from __future__ import annotations

import streamlit as st

from layers.html.provenance import (
    cited_reference_html,
    cited_references,
    datasets_frame,
    pages_frame,
    statements_html,
    user_sources_frame,
)
from views.common import article, catalog, mentions, use_stylesheet

st.title("Sources", anchor=False)
use_stylesheet()

st.header("The article's references", anchor=False)
st.caption(
    "Each reference with the map features that rest on it: those that cite it, and those named "
    "in a sentence that carries its marker. Click a feature to see it on the map."
)
for cited in cited_references(article(), catalog(), mentions()):
    st.markdown(cited_reference_html(cited), unsafe_allow_html=True)

st.header("Datasets", anchor=False)
st.caption(
    "Every position and outline on the map comes from these datasets, or from a documented "
    "derivation of them; `features` counts the features that list each one as a source."
)
st.dataframe(
    datasets_frame(catalog()),
    hide_index=True,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn("Dataset", width="medium"),
        "version": st.column_config.TextColumn("Version"),
        "licence": st.column_config.TextColumn("Licence"),
        "home": st.column_config.LinkColumn("Home page"),
        "via": st.column_config.TextColumn("Obtained via"),
        "derived": st.column_config.TextColumn("What we derived", width="large"),
        "features": st.column_config.NumberColumn("Features"),
    },
)

st.header("Statements", anchor=False)
st.caption(
    "Every statement a claim on the map quotes, by who made it: the words as read, and the pages "
    "they were read on. A claim is what its author said, not a finding of ours."
)
st.markdown(statements_html(catalog()), unsafe_allow_html=True)

st.header("Pages", anchor=False)
st.caption(
    "Pages a position, an area or a date was read on, for what the datasets lack: the value as "
    "published and the address opened."
)
st.dataframe(
    pages_frame(catalog()),
    hide_index=True,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn("Page", width="medium"),
        "place": st.column_config.TextColumn("Place"),
        "as_published": st.column_config.TextColumn("As published"),
        "address": st.column_config.LinkColumn("Address"),
        "via": st.column_config.TextColumn("How it was read", width="large"),
        "features": st.column_config.NumberColumn("Features"),
    },
)

mine = user_sources_frame(catalog())
if len(mine):
    st.header("Your sources", anchor=False)
    st.caption("The sources of your own layers (My layers), as you gave them: not checked by "
               "this app, and marked “added by you” wherever their features appear.")
    st.dataframe(mine, hide_index=True, width="stretch", column_config={
        "layer": st.column_config.TextColumn("Layer"),
        "how": st.column_config.TextColumn("How it came"),
        "said": st.column_config.TextColumn("Where it comes from, as you typed it",
                                            width="large"),
        "features": st.column_config.NumberColumn("Features"),
    })
