"""The article as data: sections, paragraphs, sentences, citation markers and references.

Everything the dashboard says about the article is anchored to offsets in the verbatim file, so
the parser never rewrites text: every string it returns is an exact slice of the input. Malformed
input fails loudly with the line number, because a silently mis-parsed citation on a live-conflict
briefing is worse than no briefing.

File shape (one item per line, blank lines ignored):
  body paragraphs, optionally grouped under short heading lines,
  a line reading "References",
  one reference per line: [n] Authors, “Title,” Outlet, Month D, YYYY, URL.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from layers import ARTICLE_PATH

REFERENCES_HEADING = "References"

# A heading is a short line with no sentence-ending punctuation. Twelve words comfortably covers
# section titles while no body paragraph of an essay is that short *and* unpunctuated.
MAX_HEADING_WORDS = 12

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Abbreviations whose final period must not end a sentence even before a capitalised word.
ABBREVIATIONS = ("i.e.", "e.g.")

_MARKER = re.compile(r"\[(\d+)\]")
# Sentence-final punctuation, then closing quotes/brackets, then any citation markers: in
# "CSTO.[4]" the marker belongs to the sentence it follows.
_SENTENCE_END = re.compile(r"[.!?]+[”’\")]*(?:\[\d+\])*")
_OPENERS = '“‘"('
_SENTENCE_PUNCTUATION = re.compile(r"[.!?]")
_REFERENCE_START = re.compile(r"\[(\d+)\]\s+")
_REFERENCE_DATE = re.compile(r",\s+(" + "|".join(MONTHS) + r") (\d{1,2}), (\d{4}),\s+")
_REFERENCE_URL = re.compile(r"(https?://\S+?)\.?")
_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


@dataclass(frozen=True)
class Marker:
    """An inline citation marker "[n]" in a paragraph, located so the UI can link it in place."""

    number: int
    start: int  # offset of "[" in Paragraph.text
    end: int  # offset just after "]"


@dataclass(frozen=True)
class Sentence:
    """One sentence, as a slice of its paragraph, with the references it cites."""

    index: int  # 0-based within its paragraph
    text: str
    start: int
    end: int
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: exactly one line of the file, with a stable id for linking."""

    id: str
    number: int
    section: str | None
    text: str
    sentences: tuple[Sentence, ...]
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading (title None for the untitled opening)."""

    title: str | None
    paragraph_ids: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list, split into fields; `raw` keeps the line as written."""

    number: int
    authors: tuple[str, ...]
    title: str
    outlet: str
    date: datetime.date
    date_text: str
    url: str
    raw: str


@dataclass(frozen=True)
class Article:
    """The parsed article plus its exact text and hash, so callers can prove what they show."""

    text: str
    sha256: str
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    references: tuple[Reference, ...]

    def paragraph(self, pid: str) -> Paragraph:
        """The paragraph with id `pid` ("p1" …); KeyError if there is none."""
        for paragraph in self.paragraphs:
            if paragraph.id == pid:
                return paragraph
        raise KeyError(pid)

    def reference(self, number: int) -> Reference:
        """Reference [number]; KeyError if the list has no such entry."""
        for reference in self.references:
            if reference.number == number:
                return reference
        raise KeyError(number)


def is_heading(line: str) -> bool:
    """A short line without sentence-ending punctuation reads as a title, not as prose."""
    return (
        bool(line)
        and len(line.split()) <= MAX_HEADING_WORDS
        and not _SENTENCE_PUNCTUATION.search(line)
    )


def parse_article(text: str) -> Article:
    """Parse the whole file; ValueError naming the line and the problem on malformed input."""
    numbered = enumerate(text.split("\n"), start=1)
    lines = [(number, line) for number, line in numbered if line.strip()]
    split = next((i for i, (_, line) in enumerate(lines) if line == REFERENCES_HEADING), None)
    if split is None:
        last = len(text.split("\n"))
        raise ValueError(f"line {last}: reached the end without a {REFERENCES_HEADING!r} heading")
    if split + 1 == len(lines):
        raise ValueError(f"line {lines[split][0]}: {REFERENCES_HEADING!r} has no reference lines")

    sections, paragraphs = _parse_body(lines[:split])
    if not paragraphs:
        raise ValueError(f"line {lines[split][0]}: no body paragraphs before the reference list")
    references = _parse_references(lines[split + 1 :])
    _check_markers_resolve(lines[:split], {reference.number for reference in references})
    return Article(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sections=sections,
        paragraphs=paragraphs,
        references=references,
    )


def load_article(path: Path = ARTICLE_PATH) -> Article:
    """The parsed article at `path`, parsed once per file however the path is spelled."""
    return _load_resolved(path.resolve())


@functools.cache
def _load_resolved(path: Path) -> Article:
    """Read bytes, not text, so no newline translation can alter what gets hashed and parsed."""
    return parse_article(path.read_bytes().decode("utf-8"))


def find_phrase(paragraph: Paragraph, phrase: str) -> list[tuple[int, int]]:
    """Spans of `phrase` in the paragraph: case-insensitive, whole words, possessive included.

    "Azerbaijan" matches "Azerbaijan’s" (span covers the ’s, so a highlight covers the whole
    word) but not "Azerbaijani". Hyphens separate words, so "Karabakh" is found inside
    "Nagorno-Karabakh". Runs of whitespace in the phrase match any whitespace.
    """
    words = phrase.split()
    if not words:
        raise ValueError("find_phrase needs a non-empty phrase")
    body = r"\s+".join(re.escape(word) for word in words)
    pattern = re.compile(rf"(?<!\w){body}(?:[’']s)?(?!\w)", re.IGNORECASE)
    return [match.span() for match in pattern.finditer(paragraph.text)]


def sentence_at(paragraph: Paragraph, offset: int) -> Sentence:
    """The sentence containing `offset`; whitespace between sentences belongs to the one before."""
    if not 0 <= offset < len(paragraph.text):
        raise IndexError(f"offset {offset} outside paragraph {paragraph.id}")
    containing = [s for s in paragraph.sentences if s.start <= offset]
    return containing[-1] if containing else paragraph.sentences[0]


def _parse_body(lines: list[tuple[int, str]]) -> tuple[tuple[Section, ...], tuple[Paragraph, ...]]:
    """Group body lines into sections; a heading must be followed by at least one paragraph."""
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    title: str | None = None
    heading_line = 0
    ids: list[str] = []

    def close_section() -> None:
        if title is not None and not ids:
            raise ValueError(f"line {heading_line}: heading {title!r} has no paragraphs under it")
        if ids:
            sections.append(Section(title=title, paragraph_ids=tuple(ids)))

    for line_number, line in lines:
        if is_heading(line):
            close_section()
            title, heading_line, ids = line, line_number, []
            continue
        number = len(paragraphs) + 1
        paragraph = _parse_paragraph(f"p{number}", number, title, line)
        paragraphs.append(paragraph)
        ids.append(paragraph.id)
    close_section()
    return tuple(sections), tuple(paragraphs)


def _parse_paragraph(pid: str, number: int, section: str | None, text: str) -> Paragraph:
    markers = tuple(
        Marker(number=int(m.group(1)), start=m.start(), end=m.end()) for m in _MARKER.finditer(text)
    )
    sentences = tuple(
        Sentence(
            index=index,
            text=text[start:end],
            start=start,
            end=end,
            markers=tuple(m.number for m in markers if start <= m.start < end),
        )
        for index, (start, end) in enumerate(_sentence_spans(text))
    )
    return Paragraph(
        id=pid, number=number, section=section, text=text, sentences=sentences, markers=markers
    )


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; whitespace between sentences is in none of them."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, match):
            spans.append((start, match.end()))
            start = _skip_space(text, match.end())
    tail_end = len(text.rstrip())
    if start < tail_end:
        spans.append((start, tail_end))
    return spans


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Punctuation ends a sentence only before whitespace and a capital/digit, or at the end."""
    after = text[match.end() :]
    if not after.strip():
        return True
    if not after[0].isspace():
        return False  # "2.5", "i.e" mid-token, "[5])," and the like
    before = text[: match.start() + 1].lower()
    if any(
        before.endswith(abbreviation) and not before[: -len(abbreviation)][-1:].isalnum()
        for abbreviation in ABBREVIATIONS
    ):
        return False
    following = after.lstrip().lstrip(_OPENERS)
    return bool(following) and (following[0].isupper() or following[0].isdigit())


def _skip_space(text: str, offset: int) -> int:
    while offset < len(text) and text[offset].isspace():
        offset += 1
    return offset


def _parse_references(lines: list[tuple[int, str]]) -> tuple[Reference, ...]:
    """Parse every reference line; numbering must run 1, 2, 3 … so markers resolve unambiguously."""
    references: list[Reference] = []
    for line_number, line in lines:
        reference = _parse_reference(line, line_number)
        expected = len(references) + 1
        if reference.number != expected:
            raise ValueError(
                f"line {line_number}: reference [{reference.number}] out of sequence, "
                f"expected [{expected}]"
            )
        references.append(reference)
    return tuple(references)


def _parse_reference(line: str, line_number: int) -> Reference:
    """Split `[n] Authors, “Title,” Outlet, Month D, YYYY, URL.` into fields.

    Tolerant where citation style commonly slips (a missing comma after the authors, a missing
    final period) and strict about the parts the dashboard shows: number, quoted title, outlet,
    date and URL. Authors are split on commas and "and", so an institutional author containing
    "and" would be split too; none in this article does.
    """

    def fail(problem: str) -> ValueError:
        return ValueError(f"line {line_number}: reference {problem}: {line!r}")

    start = _REFERENCE_START.match(line)
    if start is None:
        raise fail("must start with '[n] '")
    open_quote = line.find("“", start.end())
    close_quote = line.find("”", open_quote + 1)
    if open_quote < 0 or close_quote < 0:
        raise fail("has no title in curly quotes “…”")
    title = line[open_quote + 1 : close_quote].rstrip().removesuffix(",").rstrip()
    if not title:
        raise fail("has an empty title")
    author_text = line[start.end() : open_quote].strip().removesuffix(",").strip()
    authors = tuple(a for a in _AUTHOR_SEPARATOR.split(author_text) if a) if author_text else ()

    rest = line[close_quote + 1 :]
    date = _REFERENCE_DATE.search(rest)
    if date is None:
        raise fail("has no ', Month D, YYYY, ' date after the title")
    outlet = rest[: date.start()].strip().removeprefix(",").strip()
    if not outlet:
        raise fail("has no outlet between the title and the date")
    url = _REFERENCE_URL.fullmatch(rest[date.end() :].strip())
    if url is None:
        raise fail("does not end with an http(s) URL after the date")
    month, day, year = date.group(1), int(date.group(2)), int(date.group(3))
    try:
        when = datetime.date(year, MONTHS.index(month) + 1, day)
    except ValueError as error:
        raise fail(f"has an impossible date ({error})") from None
    return Reference(
        number=int(start.group(1)),
        authors=authors,
        title=title,
        outlet=outlet,
        date=when,
        date_text=rest[date.start(1) : date.end(3)],
        url=url.group(1),
        raw=line,
    )


def _check_markers_resolve(lines: list[tuple[int, str]], numbers: set[int]) -> None:
    """Every body marker must point at a reference, or a citation link would dangle."""
    for line_number, line in lines:
        for match in _MARKER.finditer(line):
            if int(match.group(1)) not in numbers:
                raise ValueError(
                    f"line {line_number}: marker {match.group(0)} has no matching reference"
                )
