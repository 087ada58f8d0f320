"""The Caucasus Briefing Map library: article, geodata catalog, map building.

Importable and testable without Streamlit; the pages only call into it.
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
