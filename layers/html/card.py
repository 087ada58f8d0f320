"""The feature card: everything the product knows about one place, with where each part comes from.

`build_card` gathers it (pure data); `card_html` renders it as escaped HTML for the sidebar, so
a name or description carrying markup shows as text, never runs.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from dataclasses import dataclass

from layers.data.article import MONTHS, Article, Reference
from layers.data.catalog import Catalog, Feature, is_user_layer
from layers.data.mentions import MentionIndex
from layers.data.schema import CLAIM_SIDES, category_label, date_span
from layers.html import markup
from layers.html.references import map_link, paragraph_link, references_html

_DATE_LABELS = (("date", "Date"), ("valid_from", "From"), ("valid_to", "Until"))
SIDE_OFFICIALS = {"Armenia": "Armenian officials", "Azerbaijan": "Azerbaijani officials"}
"""The claim columns of a card, always in this order whichever side's feature is open."""
log = logging.getLogger(__name__)
PASSAGES_ON_PAPER = 6
"""A printed card quotes the article's first sentences about the place and says how many more
there are, so that the map and the card fit on one page (style.css hides the rest on paper)."""
COUNTER_CLAIMS_SHOWN = 2
"""Of a counter-claim that never names this place, the first claims shown; its own card has
the rest. A counter-claim's words that name the place (or an alias) are always shown."""


@dataclass(frozen=True)
class Claim:
    """One thing someone said, as the card quotes it: when, the very words, and where."""

    date: str  # as people read it: "12–13 September 2022"
    time: str | None
    words: str
    by: str
    statement: str  # the registered statement's name
    pages: tuple[tuple[str, str], ...]  # (url, title) where the statement was read


@dataclass(frozen=True)
class ClaimSet:
    """The claims one feature carries, under the feature they are drawn as."""

    feature_id: str
    name: str
    category: str
    claims: tuple[Claim, ...]


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
    added_by_you: bool = False
    """The briefer's own feature (a layer of their workspace), which the card says first."""
    sides: tuple[tuple[str, tuple[ClaimSet, ...]], ...] = ()
    """For a claim: each side's officials with what they said about this place, this feature's
    own claims and its counter-claims, side by side in SIDE_OFFICIALS order."""


def build_card(feature: Feature, article: Article, index: MentionIndex, catalog: Catalog) -> Card:
    """Collect a feature's card: its properties, passages, references, claims and data sources.

    References are the feature's own `citations` plus every [n] in a sentence that mentions it,
    so the card never quotes a sentence without the reference the article gives for it. A claim
    is shown beside what the other side said about the same place (its `counter_claims`).
    """
    sources = catalog.sources
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
        added_by_you=is_user_layer(feature.layer),
        sides=_sides(props, catalog),
    )


def _sides(props: dict, catalog: Catalog) -> tuple[tuple[str, tuple[ClaimSet, ...]], ...]:
    """Both sides' claims about this place: this feature's and its counter-claims', by side."""
    side = CLAIM_SIDES.get(props.get("category"))
    if side is None:
        return ()
    names = [props["name"], *(props.get("aliases") or [])]
    sets = [_claim_set(props, catalog)]
    seen = {(c.statement, c.words) for c in sets[0].claims}
    for ident in props.get("counter_claims") or []:
        try:
            other = _claim_set(catalog.feature(ident).properties, catalog)
        except KeyError:
            continue  # validate_catalog reports an unknown counter-claim
        naming = [c for c in other.claims if any(n.casefold() in c.words.casefold() for n in names)]
        kept = [c for c in naming or other.claims[:COUNTER_CLAIMS_SHOWN]
                if (c.statement, c.words) not in seen]
        seen.update((c.statement, c.words) for c in kept)
        sets.append(dataclasses.replace(other, claims=tuple(kept)))
    return tuple((side_name, tuple(s for s in sets if CLAIM_SIDES[s.category] == side_name
                                   and (s.claims or s.feature_id == props["id"])))
                 for side_name in SIDE_OFFICIALS)


def _claim_set(props: dict, catalog: Catalog) -> ClaimSet:
    claims = []
    for raw in props.get("claims") or []:
        statement = catalog.sources.get(raw["statement"], {"name": raw["statement"]})
        claims.append(Claim(
            date=readable_date(raw["date"]), time=raw.get("time"), words=raw["words"],
            by=str(statement.get("by", props.get("reported_by", ""))),
            statement=str(statement["name"]),
            pages=tuple((page["url"], page["title"]) for page in statement.get("pages") or []),
        ))
    return ClaimSet(props["id"], props["name"], props["category"], tuple(claims))


def readable_date(value: str) -> str:
    """A schema date as people write it: "13 September 2022", "12–13 September 2022",
    "August 2022", "1991"; as precise as the source and no more."""
    span = date_span(value)
    if span is None:
        return value
    parts = value.split("/")
    if len(parts) == 1 and len(value) == 4:
        return value
    if len(parts) == 1 and len(value) == 7:
        return f"{MONTHS[span[0].month - 1]} {span[0].year}"
    start, end = span
    if start == end:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _source(entry: str, sources: dict[str, dict]) -> dict:
    """A source id resolved to its registry entry; `article [n]` stays as the article's own."""
    if entry in sources:
        return sources[entry]
    return {"name": entry}


def feature_cards(catalog: Catalog, article: Article, index: MentionIndex,
                  limit: int | None = None) -> dict[str, str]:
    """Every feature's card as `card_html`, by feature id (the first feature of an id wins, as
    `Catalog.feature` finds it), at most `limit` of them: what the Map page's browser shows at a
    click before the server has answered (`layers.map.geo_files`), and the static edition's
    card files. A feature whose card cannot be built is logged and left out, so it costs its
    own early card, not every other feature's (its click still gets the rerun's answer)."""
    found: dict[str, str] = {}
    for feature in catalog.features:
        ident = feature.properties.get("id")
        if not isinstance(ident, str) or ident in found:
            continue
        if limit is not None and len(found) >= limit:
            break
        try:
            found[ident] = card_html(build_card(feature, article, index, catalog))
        except Exception:  # any fault in one feature's data
            log.exception("no card file for feature %r", ident)
    return found


def card_html(card: Card) -> str:
    """The card as one escaped HTML block for `st.markdown(..., unsafe_allow_html=True)`."""
    t = markup.text
    parts = [f'<div class="feature-card" data-feature="{t(card.id)}">',
             f"<h3>{t(card.name)}</h3>"]
    if card.aliases:
        parts.append(f"<p><small>Also: {t(', '.join(card.aliases))}</small></p>")
    mine = '<span class="badge added-by-you">added by you</span> ' if card.added_by_you else ""
    parts.append(
        f'<p>{mine}<span class="badge">{t(category_label(card.category))}</span> '
        f'<span class="badge precision-{t(card.precision)}">{t(card.precision)}</span> '
        f"<small>· {t(card.layer_title)}</small></p>"
    )
    for label, value in card.dates:
        parts.append(f"<p><small>{t(label)}: {t(readable_date(value))}</small></p>")
    if card.reported_by:
        parts.append(f"<p><b>Reported by:</b> {t(card.reported_by)}</p>")
    parts.append(f"<p>{t(card.description)}</p>")
    if card.derivation:
        parts.append(f"<p><small><b>Geometry:</b> {t(card.derivation)}</small></p>")
    if card.sides:
        parts.append(_sides_html(card))

    parts.append("<h4>In the article</h4>")
    if not card.passages:
        parts.append("<p><small>The article does not name this place.</small></p>")
    for at, passage in enumerate(card.passages):
        marks = "".join(f"[{n}]" for n in passage.citations)
        link = t(paragraph_link(passage.paragraph_id))
        css = "passage" if at < PASSAGES_ON_PAPER else "passage screen-only"
        parts.append(
            f'<blockquote class="{css}">{passage.sentence_html} <small>{t(marks)}</small><br>'
            f'<small><a href="{link}" target="_self">¶ {passage.paragraph_number}</a></small>'
            "</blockquote>"
        )
    unprinted = len(card.passages) - PASSAGES_ON_PAPER
    if unprinted > 0:
        parts.append(f'<p class="paper-only"><small>{unprinted} more sentences of the article '
                     "name this place; the card on screen quotes every one.</small></p>")
    if card.references:
        parts.append(f"<h4>Citations</h4>{references_html(card.references)}")
    parts.append("<h4>Data sources</h4><ul>")
    for source in card.sources:
        detail = ", ".join(
            t(source[key]) for key in ("version", "licence") if source.get(key)
        )
        said = f"; their source, as typed: {t(source['said'])}" if source.get("said") else ""
        parts.append(f"<li>{t(source['name'])}{' (' + detail + ')' if detail else ''}{said}</li>")
    parts.append("</ul></div>")
    return "".join(parts)


def _sides_html(card: Card) -> str:
    """Each side's officials and what they said about this place, in two equal columns."""
    t = markup.text
    out = ['<h4>What each side said</h4><div class="claims">']
    for side, sets in card.sides:
        officials = SIDE_OFFICIALS[side]
        out.append(f'<section class="claims-side"><h5>{t(officials)}</h5>')
        if not any(s.claims for s in sets):
            out.append(f"<p><small>No statement by {t(officials)} about this place is "
                       "held here.</small></p>")
        for claim_set in sets:
            if claim_set.feature_id != card.id:
                out.append(f'<p><small>Drawn as <a href="{t(map_link(claim_set.feature_id))}" '
                           f'target="_self">{t(claim_set.name)}</a></small></p>')
            out.append('<ul class="claim-list">')
            for claim in claim_set.claims:
                when = " · ".join(t(part) for part in (claim.date, claim.time) if part)
                links = ", ".join(
                    f'<a href="{t(url)}" target="_blank" rel="noopener noreferrer">{t(title)}</a>'
                    for url, title in claim.pages)
                out.append(
                    f'<li><small class="claim-when">{when}</small>'
                    f'<q class="claim-words">{t(claim.words)}</q>'
                    f"<small>{t(claim.by)}: {t(claim.statement)}"
                    f"{' (' + links + ')' if links else ''}</small></li>")
            out.append("</ul>")
        out.append("</section>")
    out.append("</div>")
    return "".join(out)
