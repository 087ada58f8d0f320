"""The Caucasus Briefing Map library: everything the dashboard knows and draws, with no Streamlit.

Seven packages, imported one way only (`tests/test_architecture.py` reads the imports and fails
on an arrow that runs backwards):

  data/      the article, the geodata catalog, its schema and every check on it, the mention
             index and the feature table. Imports nothing of ours outside data/, and never
             folium, matplotlib or streamlit.
  html/      escaped HTML fragments (card, article text, references, provenance) and the one
             stylesheet for every class they emit. Imports data/.
  map/       the folium map: one style source, layer rendering, base map, legend, URL state.
             Imports data/ and html/ (for escaping and the legend's HTML).
  briefing/  storyboards, their editing, the Briefing page's state machine, the HTML and PDF
             handouts, the PowerPoint deck and the picture of a map view (the paper maps,
             matplotlib). Imports data/, html/ and map/.
  publish/   the static edition (`python -m layers publish OUT/`): the explorer, the article,
             the briefing and the sources as plain files for any static server or CDN.
             Imports data/, html/, map/ and briefing/.
  build/     set-up and build tools: one npm fetcher and pin manifest, TopoJSON, the offline
             basemap, the map assets and the geodata build (`python -m layers.build …`).
             Imports data/ only, so a build never pulls in the renderers.
  workspace/ the briefer's own layers: the workspace GeoPackage (store, revisions, exports,
             the user's layers as catalog layers) and the readers of uploaded files.
             Imports data/ only, and never Streamlit: the pages call it.

`cli.py` (`python -m layers …`) may import any of them; nothing imports it.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
GEODATA_DIR = Path(os.environ.get("CBM_GEODATA_DIR") or ROOT / "geodata")
"""Where the layers (and `basemap/`) are read from. `CBM_GEODATA_DIR` points the whole app at
another built geodata directory, read here and nowhere else; `bench/map_payload.py` uses it to
run the real app against geometry built without simplification."""
ARTICLE_PATH = CONTENT_DIR / "article.txt"
VENDOR_DIR = ROOT / "static" / "vendor"
"""The pinned JS/CSS libraries `make assets` fetches (gitignored); Streamlit serves them at
/app/static/vendor/ and the handouts inline them."""
