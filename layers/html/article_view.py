"""The Article page as HTML: the text exactly as written, with its places and citations linked.

Only markup is ever added: strip the tags from a rendered paragraph and unescape it, and you get
`Paragraph.text` back character for character. A briefer quoting from this page quotes the
article, not our rendering of it.

Places (every span of the mention index) link to the Map page with that feature selected; `[n]`
markers link to the reference list at the foot of the page. Where spans of two features overlap
(a curated phrase "the seven regions captured by Armenia" around the name "Armenia"), each stretch
of text links to the most specific feature covering it — the one whose span is shortest — since
HTML links cannot nest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layers.data.article import Article, Paragraph
from layers.data.catalog import Catalog
from layers.data.mentions import MentionIndex
from layers.html import markup
from layers.html.references import map_link, reference_anchor


@dataclass(frozen=True)
class Place:
    """What a place link needs to say about its feature."""

    id: str
    name: str
    description: str


def places(catalog: Catalog) -> dict[str, Place]:
    """Every feature's id, name and description, for link targets and their hover text."""
    found: dict[str, Place] = {}
    for _, props, _ in catalog.features:
        ident = props.get("id")
        if isinstance(ident, str) and ident not in found:
            found[ident] = Place(ident, str(props.get("name", ident)),
                                 str(props.get("description", "")))
    return found


def paragraph_body_html(
    paragraph: Paragraph, index: MentionIndex, known: dict[str, Place]
) -> str:
    """The paragraph's text, escaped, with place links and citation links inserted.

    Markers are atomic and take precedence: a place span never splits or swallows a `[n]`.
    """
    text = paragraph.text
    marker_at = {marker.start: marker for marker in paragraph.markers}
    inside_marker = {
        offset for marker in paragraph.markers for offset in range(marker.start + 1, marker.end)
    }
    spans = [
        (span.start, span.end, mention.feature_id)
        for mention in index.for_paragraph(paragraph.id)
        if mention.feature_id in known
        for span in mention.spans
    ]
    cuts = {0, len(text)}
    cuts.update(offset for start, end, _ in spans for offset in (start, end))
    cuts.update(offset for marker in paragraph.markers for offset in (marker.start, marker.end))
    bounds = sorted(cuts - inside_marker)

    pieces: list[tuple[str, int, int]] = []  # (label, start, end), label "" for plain text
    for start, end in zip(bounds, bounds[1:], strict=False):
        if start in marker_at:
            label = f"ref:{marker_at[start].number}"
        else:
            label = _feature_covering(start, end, spans)
        if pieces and pieces[-1][0] == label and not label.startswith("ref:"):
            pieces[-1] = (label, pieces[-1][1], end)
        else:
            pieces.append((label, start, end))

    out: list[str] = []
    for label, start, end in pieces:
        chunk = markup.text(text[start:end])
        if label.startswith("ref:"):
            number = int(label.removeprefix("ref:"))
            out.append(f'<a class="cite" href="#{reference_anchor(number)}" '
                       f'title="Reference {number}">{chunk}</a>')
        elif label:
            place = known[label]
            hover = f"{place.name} — {place.description}" if place.description else place.name
            out.append(
                f'<a class="place" href="{markup.text(map_link(place.id))}" target="_self" '
                f'data-feature="{markup.text(place.id)}" title="{markup.text(hover)}">'
                f"<mark>{chunk}</mark></a>"
            )
        else:
            out.append(chunk)
    return "".join(out)


def _feature_covering(start: int, end: int, spans: list[tuple[int, int, str]]) -> str:
    """The feature of the shortest span covering [start, end), or "" if none covers it."""
    covering = [(s_end - s_start, s_start, ident) for s_start, s_end, ident in spans
                if s_start <= start and end <= s_end]
    return min(covering)[2] if covering else ""


def paragraph_html(
    paragraph: Paragraph, index: MentionIndex, known: dict[str, Place], selected: bool = False
) -> str:
    """One paragraph block: its number (a link to itself, for sharing) and its body.

    The block's HTML id is the paragraph id (`p5`), the same value `?paragraph=` takes.
    """
    anchor = paragraph.id
    css = "para selected" if selected else "para"
    return (
        f'<div class="{css}" id="{markup.text(anchor)}">'
        f'<a class="pnum" href="#{markup.text(anchor)}" title="Link to this paragraph">'
        f"¶ {paragraph.number}</a>"
        f'<p class="body">{paragraph_body_html(paragraph, index, known)}</p></div>'
    )


def paragraphs_mentioning(index: MentionIndex, feature_ids: Iterable[str]) -> frozenset[str]:
    """Ids of the paragraphs that refer to at least one of these features."""
    wanted = set(feature_ids)
    return frozenset(m.paragraph_id for m in index.mentions if m.feature_id in wanted)


def mentioned_places(index: MentionIndex, known: dict[str, Place]) -> list[Place]:
    """The places the article refers to, by name, for the page's filter."""
    return sorted((known[i] for i in index.feature_ids if i in known),
                  key=lambda place: (place.name.casefold(), place.id))


def parse_paragraph_param(value: str | None, article: Article) -> tuple[str | None, str | None]:
    """The paragraph id a `?paragraph=` value names, and a notice when it names none.

    Accepts `p5` and `5`; anything else (a typo, a stale link, an injection attempt) selects
    nothing, and the notice names the value (shortened, still to be escaped by the page) so the
    reader knows the link was wrong rather than wondering why no paragraph is marked.
    """
    candidate = (value or "").strip()
    if not candidate:
        return None, None
    if candidate.isascii() and candidate.isdecimal():  # "5" or "05": p5, with no `int` that a
        candidate = f"p{candidate.lstrip('0') or '0'}"  # 5,000-digit value would make raise
    known = {paragraph.id for paragraph in article.paragraphs}
    if candidate in known:
        return candidate, None
    shown = markup.quoted_input(value)
    return None, (f"There is no paragraph “{shown}”: paragraphs run from 1 to "
                  f"{len(article.paragraphs)}, so none is marked.")


SCROLL_SCRIPT = Path(__file__).with_name("templates") / "scroll_to.js"


def scroll_script(anchor: str) -> str:
    """A script that scrolls the page to the element with this id once it exists.

    Streamlit renders elements as they stream in, so the script (`templates/scroll_to.js`)
    retries for a few seconds rather than assuming the paragraph is already in the DOM. It
    holds no `<` at all: the sanitiser `st.html` runs (DOMPurify) drops a script whose text
    looks like it opens a tag (`tries<50` did). `anchor` must be a known paragraph id
    (`parse_paragraph_param` guarantees it); it is still JSON-quoted with `<` escaped, so it
    could never close the script element.
    """
    source = SCROLL_SCRIPT.read_text(encoding="utf-8").strip()
    if "<" in source:
        raise ValueError(f"{SCROLL_SCRIPT} must hold no '<' (DOMPurify would drop it)")
    target = json.dumps(anchor).replace("<", "\\u003c")
    return f"<script>{source.replace('TARGET', target, 1)}</script>"
