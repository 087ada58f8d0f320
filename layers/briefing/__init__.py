"""Briefings: storyboards (`storyboard`), editing them (`edit`), the Briefing page's state
machine (`session`) and what it shows (`page`), and the handouts: one offline HTML file
(`export_html`, its page in `templates/`) and a PDF (`export_pdf`).

Imports `layers.data`, `layers.html` and `layers.map`; never streamlit, so every rule of the
page is tested without a browser.
"""
