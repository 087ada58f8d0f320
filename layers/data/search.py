"""Place search: which features a query finds, best first. Pure functions over plain data.

`SearchIndex` is built once from each feature's names and aliases and from the search terms of
`geodata/search_terms.json` (words users and the article use for things the map draws, each
finding several features in a set order, so none of them can be an alias: an alias belongs to
one feature). `SearchIndex.rank(query)` answers every keystroke of the Map page's search box and
the Data page's text filter, through `Catalog.search`.

Text is compared as `normalise` leaves it: lowercase, accents folded, punctuation as spaces, so
"naxcivan" finds Naxçıvan and "nagorno karabakh" finds Nagorno-Karabakh. A feature is ranked by
its best match, in this order:

1. its name, a part of a two-name place (`Khankendi` of `Stepanakert / Khankendi`) or an alias
   is the whole query;
2. a search term is the whole query: the term's features, in the order the file gives them
   ("Karabakh": the former NKAO, the peacekeeping area, Stepanakert, the Lachin corridor);
3. a name or alias starts with the query, then one of its words does, then every word of the
   query starts one of its words ("sotk goris"), then it contains the query;
4. a search term does, on the same ladder, its features in the file's order;
5. a typo: rapidfuzz's `fuzz.ratio` (the Indel similarity, 0–100) of the query against the whole
   name, alias or term, or against the stretch of it as long as the query (or one letter longer)
   that starts at one of its words, so a half-typed word with a slip ("stepanakre") counts too.
   Only a score of at least `FUZZY_CUTOFF`, and only for queries of `FUZZY_MIN_CHARS` or more,
   so "qwxz" finds nothing; higher scores first, then a match of the whole text before one of
   its start, before one of a later word.

Ties go to a name before an alias before a term, then the shorter text, then registry order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

FUZZY_CUTOFF = 82.0
"""The least rapidfuzz similarity (0–100) a typo match needs. A slip in a long name scores well
above it: two letters swapped in eleven ("stepanakret") 91, one changed in nine ("khankendy")
89, one left out ("nakhchivn") 95. A letter changed in a word of five scores 80 and is not
enough: "sevan" (Lake Sevan, not drawn) must not find "seven regions"; in six it scores 83
("tehren"). Random letters almost never reach it (tests/test_search.py measures it)."""

FUZZY_MIN_CHARS = 4
"""Shorter queries find by exact letters only: three letters with one wrong is most of the word."""

NAME, ALIAS, TERM = 0, 1, 2
"""What a text of a feature is, in the order ties are broken."""


def normalise(text: str) -> str:
    """Text as search and alias comparison see it: lowercase ASCII-ish words, single spaces.

    NFKD strips accents (ç → c, ş → s); dotless ı and schwa ə, common in Azerbaijani names,
    do not decompose and are mapped by hand; every run of punctuation becomes one space.
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i").replace("ə", "e"))
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return " ".join(re.split(r"[\W_]+", plain)).strip()


@dataclass(frozen=True)
class Searchable:
    """What search knows of a feature: its id, its names (a two-name place's parts included)
    and its aliases, as written."""

    id: str
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchTerm:
    """One entry of `search_terms.json`: words that find several features, best first."""

    words: tuple[str, ...]
    """The words, as a user would type them ("Zangezur corridor", "Zangezur")."""
    finds: tuple[str, ...]
    """Feature ids, in the order search lists them."""
    why: str
    """Who uses the words for what, in a sentence: the reason the entry exists."""
    paragraphs: tuple[str, ...] = ()
    """Article paragraphs (`p5`) the words occur in, where the article uses them."""
    sources: tuple[str, ...] = ()
    """Registered source ids whose words use them, where the article does not."""


@dataclass(frozen=True)
class _Text:
    """One searchable text, normalised, with what it finds and how it ranks there."""

    text: str
    words: tuple[str, ...]
    starts: tuple[int, ...]  # where each word begins in `text`
    kind: int  # NAME, ALIAS or TERM
    finds: tuple[str, ...]  # one id for a name or alias; a term's ids in order
    entry: int  # for a term, its entry's place in the file; 0 otherwise


def _text(raw: str, kind: int, finds: tuple[str, ...], entry: int = 0) -> _Text | None:
    text = normalise(raw)
    if not text:
        return None
    starts = (0, *(i + 1 for i, char in enumerate(text) if char == " "))
    return _Text(text, tuple(text.split()), starts, kind, finds, entry)


def _exact_rank(query: str, words: list[str], text: _Text) -> int | None:
    """0 whole, 1 prefix, 2 a word's prefix, 3 every query word a word's prefix, 4 anywhere."""
    if text.text == query:
        return 0
    if text.text.startswith(query):
        return 1
    if any(word.startswith(query) for word in text.words):
        return 2
    if len(words) > 1 and all(any(w.startswith(q) for w in text.words) for q in words):
        return 3
    if query in text.text:
        return 4
    return None


def fuzzy_score(query: str, text: str) -> tuple[float, int]:
    """(similarity 0–100, where) of two normalised texts: the best of rapidfuzz's `fuzz.ratio`
    against the whole text (where 0) and against each stretch as long as the query, or one
    letter longer, that starts the text (1) or one of its later words (2)."""
    best, where = fuzz.ratio(query, text), 0
    for start in (0, *(i + 1 for i, char in enumerate(text) if char == " ")):
        for length in (len(query), len(query) + 1):
            score = fuzz.ratio(query, text[start:start + length])
            if score > best:
                best, where = score, 1 if start == 0 else 2
    return best, where


class SearchIndex:
    """Every feature's names and aliases and every search term, normalised once."""

    def __init__(self, features: Iterable[Searchable], terms: Sequence[SearchTerm] = ()) -> None:
        self._order: dict[str, int] = {}
        self._texts: list[_Text] = []
        for feature in features:
            self._order.setdefault(feature.id, len(self._order))
            for kind, texts in ((NAME, feature.names), (ALIAS, feature.aliases)):
                self._texts.extend(filter(None, (_text(t, kind, (feature.id,)) for t in texts)))
        for entry, term in enumerate(terms):
            known = tuple(ident for ident in term.finds if ident in self._order)
            self._texts.extend(filter(None, (_text(t, TERM, known, entry) for t in term.words)))

    def as_json(self) -> dict[str, object]:
        """The index as plain JSON, for a browser that ranks without this module: the static
        edition's `search.js` (`layers.publish`) runs `rank` over it, line for line, with the
        same cut-offs, so a reader of the published files and a user of the app get the same
        results. `texts` are (normalised text, kind, indexes into `ids` it finds, term entry)."""
        return {
            "cutoff": FUZZY_CUTOFF,
            "minChars": FUZZY_MIN_CHARS,
            "ids": list(self._order),
            "texts": [[text.text, text.kind, [self._order[i] for i in text.finds], text.entry]
                      for text in self._texts],
        }

    def rank(self, query: str) -> list[str]:
        """Feature ids `query` finds, best first (the order the module docstring gives)."""
        wanted = normalise(query)
        if not wanted:
            return []
        words = wanted.split()
        best: dict[str, tuple] = {}

        def offer(ident: str, key: tuple) -> None:
            if ident not in best or key < best[ident]:
                best[ident] = key

        fuzzy = len(wanted.replace(" ", "")) >= FUZZY_MIN_CHARS
        for text in self._texts:
            rank = _exact_rank(wanted, words, text)
            if rank is not None:
                tier = (0 if rank == 0 else 2) + (text.kind == TERM)
                for position, ident in enumerate(text.finds):
                    if text.kind == TERM:
                        key = (tier, rank, text.entry, position, self._order[ident])
                    else:
                        key = (tier, rank, text.kind, len(text.text), self._order[ident])
                    offer(ident, key)
                continue
            if not fuzzy:
                continue
            score, anchor = fuzzy_score(wanted, text.text)
            if score < FUZZY_CUTOFF:
                continue
            for position, ident in enumerate(text.finds):
                offer(ident, (4, -round(score), anchor, text.kind, text.entry, position,
                              len(text.text), self._order[ident]))
        return sorted(best, key=best.__getitem__)
