"""The event card: one dated event (`layers.data.events`) with where its date comes from, the
article's sentences about it, its citations and the places it concerns.

Built like the feature card (`layers.html.card`): `build_event_card` gathers (pure data),
`event_card_html` renders escaped HTML, so no text from the data ever runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.data.article import Article, Reference, find_phrase, sentence_at
from layers.data.catalog import Catalog
from layers.data.events import Event
from layers.html import markup
from layers.html.card import Passage, readable_date
from layers.html.references import map_link, paragraph_link, references_html

PRECISION_WORDS = {"day": "to the day", "month": "to the month", "year": "to the year",
                   "range": "a span of days"}
"""How precisely the card says a date is known, in words."""


@dataclass(frozen=True)
class EventCard:
    """What the page shows for a selected event."""

    id: str
    title: str
    kind: str
    date: str  # as people read it: "September 2022"
    precision: str
    date_source: str  # "¶12: “February 2022”"
    description: str
    reported_by: str | None
    passages: tuple[Passage, ...]
    references: tuple[Reference, ...]
    places: tuple[tuple[str, str], ...]  # (feature id, name)
    sources: tuple[str, ...]


def build_event_card(event: Event, article: Article, catalog: Catalog) -> EventCard:
    """Collect an event's card: every sentence its article links point at (the phrase marked),
    the references those sentences and the event cite, its places by name."""
    passages = []
    cited = list(event.citations)
    for link in event.article:
        paragraph = article.paragraph(link["paragraph"])
        for start, end in find_phrase(paragraph, link["phrase"])[:1]:
            sentence = sentence_at(paragraph, start)
            spans = [(start - sentence.start, min(end, sentence.end) - sentence.start)]
            passages.append(Passage(paragraph.id, paragraph.number,
                                    markup.highlight(sentence.text, spans), sentence.markers))
            cited.extend(sentence.markers)
    places = []
    for ident in event.places:
        try:
            places.append((ident, str(catalog.feature(ident).properties["name"])))
        except KeyError:
            continue  # validate_events reports an unknown place
    source_names = tuple(str(catalog.sources.get(s, {"name": s})["name"]) for s in event.sources)
    said = event.date_source
    where = said.describe()
    if said.kind == "source":  # a registered page or statement: by its name, not its id
        where = str(catalog.sources.get(str(said.ref), {"name": where})["name"])
    return EventCard(
        id=event.id, title=event.title, kind=event.kind, date=readable_date(event.date),
        precision=event.precision, date_source=f"{where}: “{said.words}”",
        description=event.description, reported_by=event.reported_by,
        passages=tuple(passages),
        references=tuple(article.reference(n) for n in sorted(set(cited))),
        places=tuple(places), sources=source_names)


def event_card_html(card: EventCard) -> str:
    """The event card as one escaped HTML block (the feature card's classes and look)."""
    t = markup.text
    parts = [f'<div class="feature-card event-card" data-event="{t(card.id)}">',
             f"<h3>{t(card.title)}</h3>",
             f'<p><span class="badge">{t(card.kind)}</span> <b>{t(card.date)}</b> '
             f"<small>· dated {t(PRECISION_WORDS.get(card.precision, card.precision))}, from "
             f"{t(card.date_source)}</small></p>"]
    if card.reported_by:
        parts.append(f"<p><b>Reported by:</b> {t(card.reported_by)}</p>")
    parts.append(f"<p>{t(card.description)}</p>")
    if card.places:
        links = ", ".join(f'<a href="{t(map_link(ident))}" target="_self">{t(name)}</a>'
                          for ident, name in card.places)
        parts.append(f"<p><small><b>Places:</b> {links}</small></p>")
    parts.append("<h4>In the article</h4>")
    if not card.passages:
        parts.append("<p><small>The article does not speak of this event in a sentence of its "
                     "own; the date comes from the source above.</small></p>")
    for passage in card.passages:
        marks = "".join(f"[{n}]" for n in passage.citations)
        parts.append(
            f'<blockquote class="passage">{passage.sentence_html} <small>{t(marks)}</small><br>'
            f'<small><a href="{t(paragraph_link(passage.paragraph_id))}" target="_self">'
            f"¶ {passage.paragraph_number}</a></small></blockquote>")
    if card.references:
        parts.append(f"<h4>Citations</h4>{references_html(card.references)}")
    parts.append("<h4>Sources</h4><ul>")
    parts.extend(f"<li>{t(name)}</li>" for name in card.sources)
    parts.append("</ul></div>")
    return "".join(parts)
