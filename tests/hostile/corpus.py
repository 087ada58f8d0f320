"""What an attacker or a careless user types, uploads or saves: the corpus every hostile test
draws from, so a payload added here is tried on every input path at once."""

from __future__ import annotations

import json
from pathlib import Path

XSS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)">',
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    "&lt;img src=x onerror=alert(1)&gt;",
    "![x](http://evil.example/p.png)",
    "[link](javascript:alert(1))",
    "<a href=//evil.example>x</a>",
    "{{ 7*7 }}",
)
"""Markup, script, Markdown and entity payloads: each must come back as the text it is."""

TEMPLATE_SYNTAX = ("{{ x", "{% if %}", "{# comment", "{{ config }}", "}}{{", "{%- raw %}")
"""Jinja syntax in a feature name: folium and branca compile templates, data must not be one."""

MARKDOWN_IMAGE = "![x](http://evil.example/p.png)"
"""A name that Markdown would turn into an `<img>` fetching from outside (the offline promise)."""

BACKTICKS = "Name with `code` and ``more``"

HUGE_NUMBER = "9" * 5000
"""Past Python's 4,300-digit limit on `int(str)`: a ValueError, not a big number."""

NUMBERS = (HUGE_NUMBER, "1" + "0" * 4299, "-1", "0", "1e3", "٣", "²", " 2 ", "+2", "0x10", "nan",
           "inf", "1" * 4301 + ".5")
"""Malformed `?scene=` / `?paragraph=` / `?zoom=` values: each is refused with a notice."""

CSV_FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-1+1", "@SUM(A1)",
                "\t=1", "\r=1", "=cmd|' /C calc'!A0")
"""Cells a spreadsheet would run (OWASP's CSV injection list): written with a leading quote."""


def nested_json(depth: int) -> bytes:
    """A storyboard whose notes nest `depth` lists deep: RecursionError in `json.loads`."""
    return ('{"title": "t", "scenes": [{"notes": ' + "[" * depth + "]" * depth + "}]}").encode()


MALFORMED_STORYBOARDS = {
    "nested lists": nested_json(100_000),
    "nested objects": ('{"a":' * 50_000 + "1" + "}" * 50_000).encode(),
    "BOM and no scenes": "\ufeff{}".encode(),
    "UTF-16": '{"title": "t"}'.encode("utf-16"),
    "NUL": b'{"title": "\x00"}',
    "lone surrogate": b'{"title": "\\ud800", "scenes": []}',
    "huge number": ('{"title": "t", "scenes": [{"title": "s", "frame": {"bounds": [' + HUGE_NUMBER
                    + ", 1, 2, 3]}}]}").encode(),
    "huge exponent": b'{"title": "t", "scenes": [{"title": "s", "frame": {"bounds": [1e999, 1, '
                     b'2, 3]}}]}',
    "not JSON": b"\x89PNG\r\n\x1a\n",
    "empty": b"",
}
"""Storyboard uploads that must each give a message, never a traceback."""


def poison_feature(geodata: Path, name: str, feature_id: str = "seven-regions") -> None:
    """Rename one feature of the fixture geodata copy in `geodata`, as a hostile build would."""
    path = geodata / "september-2022.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["id"] == feature_id:
            feature["properties"]["name"] = name
    path.write_text(json.dumps(collection), encoding="utf-8")
