"""The feature ↔ paragraph ↔ citation index: where the article talks about each place on the map.

Computed from the text every time, never stored, so it cannot drift from the article or the data.
Two kinds of evidence are merged:

- **Names.** The article names a feature when one of its names or aliases occurs as a whole word,
  with the same capitalisation (they are proper nouns: a rule that ignored case would read
  "turkey" or "georgia" in ordinary prose). Each part of a two-name place counts on its own
  ("Stepanakert / Khankendi" matches "Stepanakert" and "Khankendi").
  *Whole word* means no letter or digit directly before or after the name, so:
  "Baku’s" and "Armenia's" are mentions (the possessive follows an apostrophe);
  "Armenia-Azerbaijan border" mentions both countries (a hyphen separates words);
  "Armenian", "Armenians", "Russian" and "Azerbaijani" are NOT mentions of Armenia, Russia or
  Azerbaijan: they describe people, forces or leaders, not the territory on the map.
  Where matches of two different features overlap, the longer one wins (a feature named
  "Caspian Sea" is not also a mention of one named "Caspian").
- **Curated links.** A feature's `article` property lists `{paragraph, phrase}` pairs for places
  the text names only indirectly ("the seven regions"); each occurrence of the phrase in that
  paragraph is a mention.

One `Mention` per feature per sentence: its spans (offsets in `Paragraph.text`, in text order,
a span inside a longer span of the same feature dropped) and the reference markers [n] of that
sentence. Mentions are in text order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from layers.data.article import sentence_at
from layers.data.catalog import name_parts

if TYPE_CHECKING:
    from layers.data.article import Article, Paragraph
    from layers.data.catalog import Catalog

NAME = "name"
ALIAS = "alias"
LINK = "link"
"""How a span was found: a name (or part of one), an alias, or a curated article link."""


@dataclass(frozen=True)
class Span:
    """One stretch of paragraph text that refers to a feature."""

    start: int
    end: int
    text: str
    via: str  # NAME, ALIAS or LINK


@dataclass(frozen=True)
class Mention:
    """A sentence of the article that refers to a feature, with the references it cites."""

    feature_id: str
    paragraph_id: str
    sentence: int  # Sentence.index within the paragraph
    spans: tuple[Span, ...]
    citations: tuple[int, ...]  # the [n] markers of that sentence

    @property
    def phrases(self) -> tuple[str, ...]:
        """The distinct texts of the spans, in text order ("Baku", "Nakhichevan")."""
        return tuple(dict.fromkeys(span.text for span in self.spans))

    @property
    def offsets(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of every span, the form `markup.highlight` takes."""
        return tuple((span.start, span.end) for span in self.spans)


@dataclass(frozen=True)
class MentionIndex:
    """All mentions of all features, in text order, with lookups both ways."""

    mentions: tuple[Mention, ...]

    def for_feature(self, feature_id: str) -> tuple[Mention, ...]:
        """Where the article refers to this feature (empty if it never does)."""
        return tuple(m for m in self.mentions if m.feature_id == feature_id)

    def for_paragraph(self, paragraph_id: str) -> tuple[Mention, ...]:
        """Every feature reference in one paragraph."""
        return tuple(m for m in self.mentions if m.paragraph_id == paragraph_id)

    @property
    def feature_ids(self) -> frozenset[str]:
        """The features the article refers to at least once."""
        return frozenset(m.feature_id for m in self.mentions)


def build_index(article: Article, catalog: Catalog) -> MentionIndex:
    """Index every feature of `catalog` against every paragraph of `article`."""
    order = {}
    terms: list[tuple[str, str, str]] = []  # (feature_id, term, via)
    links: list[tuple[str, str, str]] = []  # (feature_id, paragraph_id, phrase)
    for _, props, _ in catalog.features:
        ident = props.get("id")
        if not isinstance(ident, str) or ident in order:
            continue
        order[ident] = len(order)
        terms.extend((ident, term, via) for term, via in _terms(props))
        for link in props.get("article") or []:
            if isinstance(link, dict):
                pid, phrase = link.get("paragraph"), link.get("phrase")
                if isinstance(pid, str) and isinstance(phrase, str) and phrase:
                    links.append((ident, pid, phrase))
    patterns = [(ident, _word_pattern(term), via) for ident, term, via in terms]

    mentions: list[Mention] = []
    for paragraph in article.paragraphs:
        found = _resolve_overlaps(list(_name_spans(paragraph.text, patterns)))
        found.extend(
            (ident, span)
            for ident, pid, phrase in links
            if pid == paragraph.id
            for span in _phrase_spans(paragraph.text, phrase)
        )
        mentions.extend(_group_by_sentence(paragraph, found, order))
    return MentionIndex(tuple(mentions))


def _terms(props: dict) -> Iterator[tuple[str, str]]:
    """(term, via) for each distinct name part and alias of a feature."""
    seen: set[str] = set()
    name = props.get("name")
    candidates = [(part, NAME) for part in name_parts(name)] if isinstance(name, str) else []
    aliases = props.get("aliases")
    if isinstance(aliases, list):
        candidates.extend((alias, ALIAS) for alias in aliases if isinstance(alias, str))
    for term, via in candidates:
        if term.strip() and term not in seen:
            seen.add(term)
            yield term, via


def _word_pattern(term: str) -> re.Pattern[str]:
    """`term` as a whole word: no letter or digit (any script) touching it on either side."""
    return re.compile(rf"(?<![^\W_]){re.escape(term)}(?![^\W_])")


def _name_spans(
    text: str, patterns: list[tuple[str, re.Pattern[str], str]]
) -> Iterator[tuple[str, Span]]:
    for ident, pattern, via in patterns:
        for match in pattern.finditer(text):
            yield ident, Span(match.start(), match.end(), match.group(), via)


def _phrase_spans(text: str, phrase: str) -> Iterator[Span]:
    start = text.find(phrase)
    while start >= 0:
        yield Span(start, start + len(phrase), phrase, LINK)
        start = text.find(phrase, start + 1)


def _resolve_overlaps(found: list[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """Drop a name match overlapped by a strictly longer match of a different feature."""
    return [
        (ident, span)
        for ident, span in found
        if not any(
            other != ident
            and longer.start < span.end
            and span.start < longer.end
            and longer.end - longer.start > span.end - span.start
            for other, longer in found
        )
    ]


def _group_by_sentence(
    paragraph: Paragraph, found: list[tuple[str, Span]], order: dict[str, int]
) -> list[Mention]:
    """One Mention per (feature, sentence), spans merged; text order, then registry order."""
    grouped: dict[tuple[str, int], list[Span]] = {}
    for ident, span in found:
        grouped.setdefault((ident, sentence_at(paragraph, span.start).index), []).append(span)
    mentions = []
    for (ident, index), spans in grouped.items():
        kept = _outermost(spans)
        sentence = paragraph.sentences[index]
        mentions.append(Mention(ident, paragraph.id, index, kept, sentence.markers))
    mentions.sort(key=lambda m: (m.sentence, m.spans[0].start, order[m.feature_id]))
    return mentions


def _outermost(spans: list[Span]) -> tuple[Span, ...]:
    """Spans in text order, without duplicates or spans lying inside another of the same set.

    When a name and a curated link cover exactly the same text, the name is kept, being
    the stronger evidence (the text says the name itself).
    """
    rank = {NAME: 0, ALIAS: 1, LINK: 2}
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, rank[s.via]))
    kept: list[Span] = []
    for span in ordered:
        if not any(k.start <= span.start and span.end <= k.end for k in kept):
            kept.append(span)
    return tuple(kept)


INDEX_COLUMNS = ("feature_id", "name", "layer", "paragraph", "sentence", "phrase", "citations")


def index_rows(index: MentionIndex, catalog: Catalog) -> list[dict[str, object]]:
    """The index as flat rows (one per mention) for tables and exports.

    `sentence` is the 0-based `Sentence.index`; `phrase` joins the distinct span texts with "; ";
    `citations` is the list of reference numbers cited in that sentence.
    """
    rows = []
    for mention in index.mentions:
        layer, props, _ = catalog.feature(mention.feature_id)
        rows.append(
            {
                "feature_id": mention.feature_id,
                "name": props.get("name"),
                "layer": layer.id,
                "paragraph": mention.paragraph_id,
                "sentence": mention.sentence,
                "phrase": "; ".join(mention.phrases),
                "citations": list(mention.citations),
            }
        )
    return rows
