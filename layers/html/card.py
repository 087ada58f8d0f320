"""The feature card: everything the product knows about one place, with where each part comes from.

`build_card` gathers it (pure data); `card_html` renders it as escaped HTML for the sidebar, so
a name or description carrying markup shows as text, never runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.data.article import Article, Reference
from layers.data.catalog import Feature
from layers.data.mentions import MentionIndex
from layers.html import markup
from layers.html.references import paragraph_link, references_html

_DATE_LABELS = (("date", "Date"), ("valid_from", "From"), ("valid_to", "Until"))


@dataclass(frozen=True)
class Passage:
    """One sentence of the article that refers to the feature."""

    paragraph_id: str
    paragraph_number: int
    sentence_html: str  # escaped, the feature's words in <mark>
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Card:
    """What the sidebar shows for a selected feature."""

    id: str
    name: str
    aliases: tuple[str, ...]
    category: str
    precision: str
    layer_title: str
    description: str
    derivation: str | None
    reported_by: str | None
    dates: tuple[tuple[str, str], ...]
    passages: tuple[Passage, ...]
    references: tuple[Reference, ...]
    sources: tuple[dict, ...]


def build_card(
    feature: Feature, article: Article, index: MentionIndex, sources: dict[str, dict]
) -> Card:
    """Collect a feature's card: its properties, passages, references and data sources.

    References are the feature's own `citations` plus every [n] in a sentence that mentions it,
    so the card never quotes a sentence without the reference the article gives for it.
    """
    props = feature.properties
    passages = []
    cited = list(props.get("citations") or [])
    for mention in index.for_feature(props["id"]):
        paragraph = article.paragraph(mention.paragraph_id)
        sentence = paragraph.sentences[mention.sentence]
        spans = [(s.start - sentence.start, s.end - sentence.start) for s in mention.spans]
        passages.append(
            Passage(
                paragraph_id=paragraph.id,
                paragraph_number=paragraph.number,
                sentence_html=markup.highlight(sentence.text, spans),
                citations=mention.citations,
            )
        )
        cited.extend(mention.citations)
    references = tuple(article.reference(n) for n in sorted(set(cited)))
    card_sources = tuple(_source(entry, sources) for entry in props.get("sources") or [])
    return Card(
        id=props["id"],
        name=props["name"],
        aliases=tuple(props.get("aliases") or ()),
        category=props["category"],
        precision=props["precision"],
        layer_title=feature.layer.title,
        description=props["description"],
        derivation=props.get("derivation"),
        reported_by=props.get("reported_by"),
        dates=tuple((label, props[key]) for key, label in _DATE_LABELS if props.get(key)),
        passages=tuple(passages),
        references=references,
        sources=card_sources,
    )


def _source(entry: str, sources: dict[str, dict]) -> dict:
    """A source id resolved to its registry entry; `article [n]` stays as the article's own."""
    if entry in sources:
        return sources[entry]
    return {"name": entry}


def card_html(card: Card) -> str:
    """The card as one escaped HTML block for `st.markdown(..., unsafe_allow_html=True)`."""
    t = markup.text
    parts = [f'<div class="feature-card" data-feature="{t(card.id)}">',
             f"<h3>{t(card.name)}</h3>"]
    if card.aliases:
        parts.append(f"<p><small>Also: {t(', '.join(card.aliases))}</small></p>")
    parts.append(
        f'<p><span class="badge">{t(card.category.replace("-", " "))}</span> '
        f'<span class="badge precision-{t(card.precision)}">{t(card.precision)}</span> '
        f"<small>· {t(card.layer_title)}</small></p>"
    )
    for label, value in card.dates:
        parts.append(f"<p><small>{t(label)}: {t(value)}</small></p>")
    if card.reported_by:
        parts.append(f"<p><b>Reported by:</b> {t(card.reported_by)}</p>")
    parts.append(f"<p>{t(card.description)}</p>")
    if card.derivation:
        parts.append(f"<p><small><b>Geometry:</b> {t(card.derivation)}</small></p>")

    parts.append("<h4>In the article</h4>")
    if not card.passages:
        parts.append("<p><small>The article does not name this place.</small></p>")
    for passage in card.passages:
        marks = "".join(f"[{n}]" for n in passage.citations)
        link = t(paragraph_link(passage.paragraph_id))
        parts.append(
            f'<blockquote class="passage">{passage.sentence_html} <small>{t(marks)}</small><br>'
            f'<small><a href="{link}" target="_self">¶ {passage.paragraph_number}</a></small>'
            "</blockquote>"
        )
    if card.references:
        parts.append(f"<h4>Citations</h4>{references_html(card.references)}")
    parts.append("<h4>Data sources</h4><ul>")
    for source in card.sources:
        detail = ", ".join(
            t(source[key]) for key in ("version", "licence") if source.get(key)
        )
        parts.append(f"<li>{t(source['name'])}{' (' + detail + ')' if detail else ''}</li>")
    parts.append("</ul></div>")
    return "".join(parts)
