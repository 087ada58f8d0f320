"""The library's one stylesheet (`style.css`, beside this file), for pages and handouts alike.

Every class the HTML builders emit is styled there once, so a quote, a reference list or the
speaker notes look the same on the Map, Article, Sources and Briefing pages and in the handout.
"""

from __future__ import annotations

import functools
from pathlib import Path

STYLESHEET = Path(__file__).with_name("style.css")


@functools.cache
def stylesheet() -> str:
    """The CSS text, read once per process (it ships with the code, it does not change)."""
    css = STYLESHEET.read_text(encoding="utf-8")
    if "</" in css:  # it is inlined into <style> blocks; it must not be able to close one
        raise ValueError(f"{STYLESHEET} must not contain '</'")
    return css


def style_tag() -> str:
    """The stylesheet as a `<style>` element, for `st.markdown(..., unsafe_allow_html=True)`."""
    return f"<style>\n{stylesheet()}</style>"
