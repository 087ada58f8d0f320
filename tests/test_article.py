"""The article parser: what the file contains, and how malformed input is reported.

Long passages are never retyped here: tricky sentences are located through the parser's own
offsets by a short fragment, and checked by how they start and end.
"""

from __future__ import annotations

import datetime
import hashlib

import pytest

import layers
from layers.data.article import (
    Article,
    Paragraph,
    find_phrase,
    is_heading,
    load_article,
    parse_article,
    sentence_at,
)

ARTICLE_SHA256 = "64698497a8d29e7179542102dafb0e4e26ce375edb5cf9b20905b4664a65b47f"
SHARED_SOURCE = layers.ROOT.parent / "shared" / "source" / "article.txt"


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article()


def _line_number(text: str, line: str) -> int:
    """1-based number of `line` in `text`, so error tests do not hard-code positions."""
    return text.split("\n").index(line) + 1


def _minimal(body: str, article: Article) -> Article:
    """Parse `body` followed by a reference list made of the article's own first reference."""
    return parse_article(f"{body}\nReferences\n{article.reference(1).raw}")


# --- the file itself -------------------------------------------------------------------------


def test_file_has_the_expected_sha256(article: Article) -> None:
    assert hashlib.sha256(layers.ARTICLE_PATH.read_bytes()).hexdigest() == ARTICLE_SHA256
    assert article.sha256 == ARTICLE_SHA256


def test_file_is_byte_identical_to_the_shared_source() -> None:
    if not SHARED_SOURCE.exists():
        pytest.skip(f"{SHARED_SOURCE} is absent; only the SHA-256 check applies")
    assert layers.ARTICLE_PATH.read_bytes() == SHARED_SOURCE.read_bytes()


def test_article_text_is_the_whole_file(article: Article) -> None:
    assert article.text == layers.ARTICLE_PATH.read_bytes().decode("utf-8")


def test_load_article_is_cached_per_file_however_the_path_is_spelled() -> None:
    assert load_article() is load_article(layers.ARTICLE_PATH)
    assert load_article() is load_article(layers.CONTENT_DIR / ".." / "content" / "article.txt")


# --- structure -------------------------------------------------------------------------------


def test_parse_loses_nothing(article: Article) -> None:
    """Headings, paragraphs, the References line and reference lines rebuild the file exactly."""
    lines: list[str] = []
    for section in article.sections:
        if section.title is not None:
            lines.append(section.title)
        lines.extend(article.paragraph(pid).text for pid in section.paragraph_ids)
    lines.append("References")
    lines.extend(reference.raw for reference in article.references)
    assert "\n".join(lines) == article.text


def test_twenty_nine_paragraphs_with_stable_ids_each_an_exact_line(article: Article) -> None:
    file_lines = article.text.split("\n")
    assert [p.id for p in article.paragraphs] == [f"p{n}" for n in range(1, 30)]
    assert [p.number for p in article.paragraphs] == list(range(1, 30))
    for paragraph in article.paragraphs:
        assert paragraph.text in file_lines
        assert article.paragraph(paragraph.id) is paragraph


def test_sections_are_the_opening_and_the_two_headings(article: Article) -> None:
    assert [(s.title, s.paragraph_ids[0], s.paragraph_ids[-1]) for s in article.sections] == [
        (None, "p1", "p13"),
        ("Baku-Moscow understanding", "p14", "p25"),
        ("Unraveling peace-building in the South Caucasus", "p26", "p29"),
    ]
    for section in article.sections:
        for pid in section.paragraph_ids:
            assert article.paragraph(pid).section == section.title


def test_unknown_paragraph_or_reference_is_a_key_error(article: Article) -> None:
    with pytest.raises(KeyError):
        article.paragraph("p30")
    with pytest.raises(KeyError):
        article.reference(12)


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Baku-Moscow understanding", True),
        ("Short line ending in a period.", False),  # sentence punctuation makes it prose
        ("Who decides", True),
        ("Who decides?", False),
        (" ".join(["word"] * 13), False),  # too long to be a title
        ("", False),
    ],
)
def test_heading_rule_is_short_and_unpunctuated(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def test_heading_groups_the_paragraphs_that_follow_it(article: Article) -> None:
    parsed = _minimal("Opening sentence.\nA short title\nBody sentence.", article)
    assert [(s.title, s.paragraph_ids) for s in parsed.sections] == [
        (None, ("p1",)),
        ("A short title", ("p2",)),
    ]


def test_blank_lines_and_a_final_newline_are_ignored(article: Article) -> None:
    spaced = parse_article(article.text.replace("\n", "\n\n") + "\n")
    assert spaced.paragraphs == article.paragraphs
    assert spaced.references == article.references


# --- sentences -------------------------------------------------------------------------------


def test_sentences_tile_each_paragraph(article: Article) -> None:
    """Sentences are exact slices, in order, separated only by whitespace, covering the text."""
    for paragraph in article.paragraphs:
        sentences = paragraph.sentences
        assert [s.index for s in sentences] == list(range(len(sentences)))
        assert sentences[0].start == 0
        assert sentences[-1].end == len(paragraph.text)
        for sentence in sentences:
            assert sentence.text == paragraph.text[sentence.start : sentence.end]
        for before, after in zip(sentences, sentences[1:], strict=False):
            assert paragraph.text[before.end : after.start].isspace()


@pytest.mark.parametrize(
    ("pid", "fragment", "starts", "ends", "markers"),
    [
        # a marker after a comma is mid-sentence
        ("p2", "ceasefire,[1]", "While Moscow brokered", "South Caucasus republics.", (1,)),
        # two markers inside one sentence
        ("p2", "Caucasus[2]", "The US Senior Adviser", "to Baku and Yerevan.", (2, 3)),
        # a marker after the final period closes the sentence (and the paragraph)
        ("p3", "CSTO.[4]", "In reality, though,", "from the CSTO.[4]", (4,)),
        # a marker inside parentheses does not split
        ("p5", "Ukraine[5])", "But the war in Ukraine (and", "in the early 1990s).", (5,)),
        # "i.e." is not a sentence end
        ("p10", "i.e.", "From Moscow’s perspective,", "underlines their weakness.", ()),
        # a marker after the final period, mid-paragraph
        ("p14", "states.[11]", "The Shusha Declaration", "between the two states.[11]", (11,)),
        # a thousands separator is not a boundary
        ("p5", "2,000", "With nearly 2,000", "player in the South Caucasus.", ()),
    ],
)
def test_tricky_sentence_boundaries(
    article: Article, pid: str, fragment: str, starts: str, ends: str, markers: tuple[int, ...]
) -> None:
    paragraph = article.paragraph(pid)
    sentence = sentence_at(paragraph, paragraph.text.index(fragment))
    assert sentence.text.startswith(starts)
    assert sentence.text.endswith(ends)
    assert sentence.markers == markers


def test_the_sentence_after_a_closing_marker_starts_cleanly(article: Article) -> None:
    paragraph = article.paragraph("p14")
    closing = sentence_at(paragraph, paragraph.text.index("states.[11]"))
    following = paragraph.sentences[closing.index + 1]
    assert following.text.startswith("Russia’s military presence")
    assert following.markers == ()


def test_paragraph_with_i_e_has_five_sentences(article: Article) -> None:
    assert len(article.paragraph("p10").sentences) == 5


def test_abbreviation_before_a_capital_does_not_split(article: Article) -> None:
    parsed = _minimal("Trade grew, e.g. Turkey bought more. Then it fell.", article)
    assert [s.text for s in parsed.paragraph("p1").sentences] == [
        "Trade grew, e.g. Turkey bought more.",
        "Then it fell.",
    ]


# --- markers ---------------------------------------------------------------------------------


def test_body_markers_are_one_to_eleven_each_once(article: Article) -> None:
    numbers = [m.number for p in article.paragraphs for m in p.markers]
    assert sorted(numbers) == list(range(1, 12))


def test_marker_offsets_point_at_the_bracketed_number(article: Article) -> None:
    for paragraph in article.paragraphs:
        for marker in paragraph.markers:
            assert paragraph.text[marker.start : marker.end] == f"[{marker.number}]"


def test_every_marker_resolves_to_a_reference_and_sits_in_one_sentence(article: Article) -> None:
    for paragraph in article.paragraphs:
        cited = [n for s in paragraph.sentences for n in s.markers]
        assert cited == [m.number for m in paragraph.markers]
        for marker in paragraph.markers:
            assert article.reference(marker.number).number == marker.number


# --- references ------------------------------------------------------------------------------

D = datetime.date
REFERENCES = [
    # number, authors, title, outlet, date, date_text, url
    (1, (), "Russia Tells Armenia and Azerbaijan: Cease Hostilities", "Reuters",
     D(2022, 9, 13), "September 13, 2022",
     "https://www.reuters.com/world/russia-tells-armenia-azerbaijan-cease-hostilities-2022-09-13/"),
    (2, ("Vugar Khalilov",),
     "New US Senior Advisor for Caucasus Negotiations Arrives in Azerbaijan", "Azernews",
     D(2022, 9, 14), "September 14, 2022", "https://www.azernews.az/nation/199295.html"),
    (3, (), "Azerbaijani President Meets EU Special Representative for South Caucasus",
     "Azernews", D(2022, 9, 14), "September 14, 2022",
     "https://www.azernews.az/nation/199347.html"),
    (4, (), "Yerevan Protesters Demand Armenia’s Withdrawal from CSTO", "Hetq",
     D(2022, 9, 17), "September 17, 2022", "https://hetq.am/en/article/148401"),
    (5, (),
     "Baku Claims Russian Peacekeepers Relocated from Karabakh to Ukraine, Moscow Denies Reports",
     "Jamnews", D(2022, 3, 30), "March 30, 2022",
     "https://jam-news.net/baku-claims-russian-peacekeepers-relocated-from-karabakh-to-ukraine-"
     "moscow-denies-reports/"),
    (6, (), "EU Signs Deal to Double Gas Imports from Azerbaijan by 2027", "Euractiv",
     D(2022, 7, 19), "July 19, 2022",
     "https://www.euractiv.com/section/energy/news/eu-signs-deal-to-double-gas-imports-from-"
     "azerbaijan-by-2027/"),
    (7, ("Emil Avdaliani",), "The Rebirth of the Middle Corridor", "Caucasus Watch",
     D(2022, 6, 22), "June 22, 2022", "https://caucasuswatch.de/news/5559.html"),
    # no comma after the author
    (8, ("Gunay Hajiyeva",),
     "Azerbaijan, Russia, Iran Sign Declaration on North-South Transport Corridor",
     "Caspian News", D(2022, 9, 11), "September 11, 2022",
     "https://caspiannews.com/news-detail/azerbaijan-russia-iran-sign-declaration-on-north-"
     "south-transport-corridor-2022-9-11-0/"),
    # two authors; inner single quotes kept
    (9, ("Heydar Isayev", "Joshua Kucera"),
     "Ahead of Ukraine Invasion, Azerbaijan and Russia Cement ‘Alliance’", "Eurasianet",
     D(2022, 2, 24), "February 24, 2022",
     "https://eurasianet.org/ahead-of-ukraine-invasion-azerbaijan-and-russia-cement-alliance"),
    # no period after the URL
    (10, ("Assem Assaniyaz",),
     "Tokayev, Aliyev Sign Key Agreements to Boost Kazakhstan-Azerbaijan Strategic Cooperation",
     "Astana Times", D(2022, 8, 24), "August 24, 2022",
     "https://astanatimes.com/2022/08/tokayev-aliyev-sign-key-agreements-to-boost-kazakhstan-"
     "azerbaijan-strategic-cooperation/"),
    # institutional author, long outlet
    (11, ("Council of Europe",),
     "Shusha Declaration on Allied Relations between the Republic of Azerbaijan and the "
     "Republic of Turkey",
     "Permanent Representation of the Republic of Azerbaijan to the Council of Europe",
     D(2021, 6, 21), "June 21, 2021",
     "https://coe.mfa.gov.az/en/news/3509/shusha-declaration-on-allied-relations-between-the-"
     "republic-of-azerbaijan-and-the-republic-of-turkey"),
]  # fmt: skip


def test_eleven_references_numbered_in_order(article: Article) -> None:
    assert [r.number for r in article.references] == list(range(1, 12))


@pytest.mark.parametrize(
    ("number", "authors", "title", "outlet", "date", "date_text", "url"),
    REFERENCES,
    ids=[f"ref{row[0]}" for row in REFERENCES],
)
def test_reference_fields(
    article: Article,
    number: int,
    authors: tuple[str, ...],
    title: str,
    outlet: str,
    date: datetime.date,
    date_text: str,
    url: str,
) -> None:
    reference = article.reference(number)
    assert reference.authors == authors
    assert reference.title == title
    assert reference.outlet == outlet
    assert reference.date == date
    assert reference.date_text == date_text
    assert reference.url == url
    # every field is verbatim from the line, and the line is verbatim from the file
    assert reference.raw.startswith(f"[{number}] ")
    for field in (*authors, f"“{title}", outlet, date_text, url):
        assert field in reference.raw
    assert reference.raw in article.text.split("\n")


# --- errors ----------------------------------------------------------------------------------


def _replace_line(text: str, old: str, new: str) -> str:
    lines = text.split("\n")
    lines[lines.index(old)] = new
    return "\n".join(lines)


def test_missing_references_heading_is_reported_at_the_end(article: Article) -> None:
    text = article.text.replace("\nReferences\n", "\n")
    last = len(text.split("\n"))
    with pytest.raises(ValueError, match=rf"^line {last}: .*without a 'References' heading"):
        parse_article(text)


@pytest.mark.parametrize(
    ("number", "old", "new", "problem"),
    [
        (3, "“", '"', "no title in curly quotes"),
        (8, "September 11, 2022, ", "", "no ', Month D, YYYY, ' date"),
        (4, "https://hetq.am/en/article/148401.", "", "does not end with an http"),
        (6, "Euractiv", "", "no outlet"),
        (11, "June 21", "June 31", "impossible date"),
        (7, "[7]", "[12]", r"reference \[12\] out of sequence, expected \[7\]"),
        (2, "[2]", "(2)", r"must start with '\[n\] '"),
    ],
)
def test_malformed_reference_line_names_line_and_problem(
    article: Article, number: int, old: str, new: str, problem: str
) -> None:
    raw = article.reference(number).raw
    text = _replace_line(article.text, raw, raw.replace(old, new, 1))
    with pytest.raises(ValueError, match=rf"^line {_line_number(article.text, raw)}: .*{problem}"):
        parse_article(text)


def test_marker_without_reference_names_the_body_line(article: Article) -> None:
    last = article.reference(11).raw
    text = article.text.removesuffix("\n" + last)
    cited_at = _line_number(text, article.paragraph("p14").text)
    with pytest.raises(ValueError, match=rf"^line {cited_at}: marker \[11\] has no matching"):
        parse_article(text)


def test_heading_without_paragraphs_is_an_error(article: Article) -> None:
    heading = "Baku-Moscow understanding"
    text = _replace_line(article.text, heading, f"Orphan heading\n{heading}")
    orphan_at = _line_number(text, "Orphan heading")
    with pytest.raises(ValueError, match=rf"^line {orphan_at}: heading 'Orphan heading' has no"):
        parse_article(text)


def test_references_heading_without_entries_is_an_error(article: Article) -> None:
    with pytest.raises(ValueError, match=r"^line 2: 'References' has no reference lines"):
        parse_article("Only sentence.\nReferences")


def test_reference_list_without_body_is_an_error(article: Article) -> None:
    with pytest.raises(ValueError, match=r"^line 1: no body paragraphs before the reference list"):
        parse_article(f"References\n{article.reference(1).raw}")


# --- find_phrase and sentence_at -------------------------------------------------------------


def _spans_text(paragraph: Paragraph, phrase: str) -> list[str]:
    return [paragraph.text[start:end] for start, end in find_phrase(paragraph, phrase)]


def test_find_phrase_is_whole_word(article: Article) -> None:
    # p10 says "Armenia" once and "Armenian" twice; only the whole word counts
    assert _spans_text(article.paragraph("p10"), "Armenia") == ["Armenia"]


def test_find_phrase_is_case_insensitive_and_spans_whitespace(article: Article) -> None:
    assert _spans_text(article.paragraph("p2"), "south   caucasus") == ["South Caucasus"] * 2


def test_find_phrase_includes_the_possessive(article: Article) -> None:
    assert _spans_text(article.paragraph("p4"), "Azerbaijan") == ["Azerbaijan’s"] * 2


def test_find_phrase_finds_a_word_inside_a_hyphenated_name(article: Article) -> None:
    paragraph = article.paragraph("p1")
    assert _spans_text(paragraph, "Karabakh") == ["Karabakh"] * 2
    assert _spans_text(paragraph, "Nagorno-Karabakh") == ["Nagorno-Karabakh"] * 2


def test_find_phrase_rejects_an_empty_phrase(article: Article) -> None:
    with pytest.raises(ValueError):
        find_phrase(article.paragraph("p1"), "  ")


def test_sentence_at_maps_offsets_to_sentences(article: Article) -> None:
    paragraph = article.paragraph("p10")
    second = paragraph.sentences[1]
    assert sentence_at(paragraph, 0) is paragraph.sentences[0]
    assert sentence_at(paragraph, second.start) is second
    assert sentence_at(paragraph, second.end - 1) is second
    # the space after a sentence belongs to it, not to the next one
    assert sentence_at(paragraph, second.end) is second
    assert sentence_at(paragraph, len(paragraph.text) - 1) is paragraph.sentences[-1]


@pytest.mark.parametrize("offset", [-1, 10_000])
def test_sentence_at_rejects_offsets_outside_the_paragraph(article: Article, offset: int) -> None:
    with pytest.raises(IndexError):
        sentence_at(article.paragraph("p1"), offset)
