"""The Article page: the full text with its places linked to the map and its citations listed."""

from __future__ import annotations

import streamlit as st

from layers.html import markup
from layers.html.article_view import (
    mentioned_places,
    paragraph_html,
    paragraphs_mentioning,
    parse_paragraph_param,
    places,
    scroll_script,
)
from layers.html.references import references_html
from views.common import article, catalog, mentions, use_stylesheet

text = article()
index = mentions()
known = places(catalog())
selected, notice = parse_paragraph_param(st.query_params.get("paragraph"), text)

with st.sidebar:
    choices = mentioned_places(index, known)
    chosen = st.multiselect(
        "Show only paragraphs that mention",
        options=[place.id for place in choices],
        format_func=lambda ident: known[ident].name,
        placeholder="any place",
        key="article-filter",
    )
    st.caption("Highlighted words are places on the map: click one to see it there.")

shown = paragraphs_mentioning(index, chosen) if chosen else None
if selected is not None and shown is not None:
    shown = shown | {selected}

st.title("The article", anchor=False)
use_stylesheet()
if notice:
    st.warning(markup.markdown_literal(notice), icon=":material/link_off:")
if shown is not None:
    st.caption(f"Showing {len(shown)} of {len(text.paragraphs)} paragraphs.")

for section in text.sections:
    visible = [pid for pid in section.paragraph_ids if shown is None or pid in shown]
    if section.title is not None and visible:
        st.header(markup.markdown_literal(section.title), anchor=False)
    for pid in visible:
        paragraph = text.paragraph(pid)
        st.markdown(paragraph_html(paragraph, index, known, selected=pid == selected),
                    unsafe_allow_html=True)

st.header("References", anchor=False)
st.markdown(references_html(text.references, anchored=True), unsafe_allow_html=True)

if selected is not None:
    st.html(scroll_script(selected), unsafe_allow_javascript=True)
