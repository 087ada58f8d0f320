"""The Caucasus Briefing Map library: article, geodata catalog, map building.

Importable and testable without Streamlit; the pages only call into it.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
GEODATA_DIR = ROOT / "geodata"
ARTICLE_PATH = CONTENT_DIR / "article.txt"
