"""HTML fragments the pages and handouts show: escaping (`markup`), references and links
(`references`), the feature card (`card`), the article text (`article_view`), provenance
(`provenance`) and `style.css`, the one stylesheet for every class these fragments emit.

Imports `layers.data` only. Every string from data or users is escaped here, for HTML and for
the JavaScript template literals folium pastes tooltips into.
"""
