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
    references_html,
    scroll_script,
)
from views.common import article, catalog, mentions

STYLE = """<style>
.para { display: flex; gap: 0.8rem; align-items: baseline; scroll-margin-top: 4rem; }
.para .pnum { flex: 0 0 2.6rem; color: #767676; font-size: 0.8rem; text-decoration: none; }
.para .body { margin: 0 0 0.9rem 0; }
.para.selected { background: #fff4d6; border-left: 4px solid #E69F00; padding: 0.3rem 0.5rem; }
.para a.place { color: inherit; text-decoration: none; }
.para a.place mark { background: #d9ecf7; border-bottom: 2px solid #0072B2; padding: 0 1px; }
.para a.cite { font-size: 0.8em; vertical-align: super; text-decoration: none; }
ul.refs { list-style: none; padding-left: 0; }
ul.refs li { margin-bottom: 0.5rem; scroll-margin-top: 4rem; }
</style>"""

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
st.markdown(STYLE, unsafe_allow_html=True)
if notice:
    st.warning(markup.markdown_literal(notice), icon=":material/link_off:")
if shown is not None:
    st.caption(f"Showing {len(shown)} of {len(text.paragraphs)} paragraphs.")

for section in text.sections:
    visible = [pid for pid in section.paragraph_ids if shown is None or pid in shown]
    if section.title is not None and visible:
        st.subheader(markup.markdown_literal(section.title), anchor=False)
    for pid in visible:
        paragraph = text.paragraph(pid)
        st.markdown(paragraph_html(paragraph, index, known, selected=pid == selected),
                    unsafe_allow_html=True)

st.subheader("References", anchor=False)
st.markdown(references_html(text), unsafe_allow_html=True)

if selected is not None:
    st.html(scroll_script(selected), unsafe_allow_javascript=True)
