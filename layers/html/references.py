"""Links every page shares: a reference in full with its working URL, the anchor a `[n]` marker
lands on, and the Map page with a feature selected.

One home for them so the card, the Article and Sources pages, the briefing and the handouts
write a reference the same way and link to the same places.
"""

from __future__ import annotations

from collections.abc import Iterable

from layers.data.article import Reference
from layers.html import markup

MAP_URL = "./"
"""The Map page, relative to any other page: it is the app root, and the other pages sit one
level below it (`/article`, `/sources`, `/data`), so `./` resolves to the root even when the app
is served under a base path."""


def map_link(feature_id: str) -> str:
    """The URL (relative to a page of this app) of the Map page with this feature selected."""
    return f"{MAP_URL}?feature={feature_id}"


def paragraph_link(paragraph_id: str) -> str:
    """The URL (relative to a page of this app) of the Article page opened at a paragraph."""
    return f"article?paragraph={paragraph_id}"


def reference_anchor(number: int) -> str:
    """The HTML id of a reference in a list of references (`[n]` links land on it)."""
    return f"ref-{number}"


def reference_html(reference: Reference) -> str:
    """A full reference line with a working link (opens in a new tab, no referrer)."""
    authors = ", ".join(reference.authors)
    lead = f"{markup.text(authors)}, " if authors else ""
    url = markup.text(reference.url)
    return (
        f"[{reference.number}] {lead}“{markup.text(reference.title)}”, "
        f"<i>{markup.text(reference.outlet)}</i>, {markup.text(reference.date_text)}, "
        f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>'
    )


def references_html(references: Iterable[Reference], anchored: bool = False) -> str:
    """A `ul.refs` list of references in full; `anchored` gives each item its `ref-n` id, for a
    page's own reference list that `[n]` links land on. Empty when there are none."""
    items = "".join(
        (f'<li id="{reference_anchor(ref.number)}">' if anchored else "<li>")
        + f"{reference_html(ref)}</li>"
        for ref in references
    )
    return f'<ul class="refs">{items}</ul>' if items else ""
