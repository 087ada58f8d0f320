"""The static edition (`python -m layers publish OUT/`): the explorer as plain files that any
static web server or CDN serves to any number of readers, where one Streamlit server would not.

`edition` assembles it from what the app itself shows (the card of `layers.html.card`, the
article of `layers.html.article_view`, the provenance of `layers.html.provenance`, the labels
and styles of `layers.map`, the handout of `layers.briefing.export_html`); `files` writes it,
naming geometry, data and scripts by a hash of their bytes so a browser or CDN may keep them
for ever, and lists every file in `index.json`. The pages are `templates/` (Jinja2 with
autoescaping, CSS and JS in files of their own). Nothing it writes asks anything of another
origin: Leaflet, the label libraries and fuzzball are copied from `static/vendor/`.

Imports `layers.data`, `layers.html`, `layers.map` and `layers.briefing`; nothing imports it
but the command line, and it never imports streamlit or folium.
"""
