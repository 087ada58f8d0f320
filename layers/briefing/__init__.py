"""Briefings: storyboards (`storyboard`), editing them (`edit`), the Briefing page's state
machine (`session`) and what it shows (`page`), and the handouts: one offline HTML file
(`export_html`, its page in `templates/`), a PDF (`export_pdf`, whose `draw_map` draws every map
on paper), a PowerPoint deck (`export_pptx`) and a PNG of any map view (`picture`).

Imports `layers.data`, `layers.html` and `layers.map`; never streamlit, so every rule of the
page is tested without a browser.
"""
