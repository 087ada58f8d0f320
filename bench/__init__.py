"""Measurements, not assertions: `make bench` (`python -m bench`) serves the Map page and a bare
Streamlit floor page (`floor_app.py`) side by side to headless Chromium and reports each Map
figure as a ratio against the floor's, measured in the same run, next to issue 11's targets.
Nothing here passes or fails on a threshold; results go to `bench/results.md`.

`browser_traffic.py` drives servers and browsers, `report.py` turns samples into the table
(pure, tested by `tests/test_bench.py`), `__main__.py` runs the whole. Run from the repository
root; imports nothing of `layers` (it reads built geodata files only), never imported by it.

`pdf_words.py` (`python -m bench.pdf_words`, also run by `make bench`) is the one exception: the
PDF handout's cost for hostile text against a normal scene's, a library call with no server.
"""
