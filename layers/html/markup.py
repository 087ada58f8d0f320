"""Escaping for every string that travels from data into HTML or Leaflet's JS templates.

Data (feature names, descriptions, article text, uploaded files, URL parameters) is never trusted:
folium pastes tooltip text into a JavaScript template literal, so HTML escaping alone is not
enough there — a backtick or `${` would end the literal and run as code.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

_JS_TEMPLATE_UNSAFE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}


def text(value: object) -> str:
    """Escape a value for HTML text or a quoted attribute, and for a JS template literal."""
    escaped = html.escape(str(value), quote=True)
    for char, entity in _JS_TEMPLATE_UNSAFE.items():
        escaped = escaped.replace(char, entity)
    return escaped


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~:$&"


def markdown_literal(value: object) -> str:
    """Backslash-escape Markdown syntax so text from a URL or file shows exactly as typed; `&`
    too, or Markdown decodes an entity (`&lt;img` would show as `<img`)."""
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(value))


def quoted_input(raw: str, limit: int = 40) -> str:
    """A bad value from a URL or file as a notice quotes it: cut short after `limit` characters.

    Still to be escaped by whoever shows it (`markdown_literal`, `text`)."""
    return raw if len(raw) <= limit else raw[:limit] + "…"


def highlight(source: str, spans: Iterable[tuple[int, int]], tag: str = "mark") -> str:
    """Escape `source`, wrapping each (start, end) span in `<tag>`; overlapping spans merge."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    cursor = 0
    for start, end in merged:
        out.append(text(source[cursor:start]))
        out.append(f"<{tag}>{text(source[start:end])}</{tag}>")
        cursor = end
    out.append(text(source[cursor:]))
    return "".join(out)
