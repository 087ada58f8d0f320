"""The mention index: which sentences of the article refer to which features, citing what.

Run against the real article. Fixture features come from tests/fixtures/geodata; rule examples
that need other names build a small catalog in memory with `catalog_of`.
"""

from __future__ import annotations

import geopandas as gpd
import pytest

from layers.data.article import Article
from layers.data.catalog import Catalog, Feature, Layer, Style
from layers.data.mentions import ALIAS, LINK, NAME, MentionIndex, build_index, index_rows


@pytest.fixture(scope="module")
def index(article: Article, catalog: Catalog) -> MentionIndex:
    return build_index(article, catalog)


def catalog_of(*features: dict) -> Catalog:
    """A one-layer catalog holding features with these properties (geometry plays no part)."""
    props = [
        {"aliases": [], "article": [], "category": "region", **feature} for feature in features
    ]
    layer = Layer("test", "Test", "Test", True, Style("#000000"), "test",
                  gpd.GeoDataFrame(props, geometry=[None] * len(props)))
    return Catalog(layers=(layer,), sources={}, files={},
                   features=tuple(Feature(layer, p, None) for p in props))


def places(index: MentionIndex, feature_id: str) -> list[tuple[str, int]]:
    """(paragraph, sentence) of every mention of a feature, in text order."""
    return [(m.paragraph_id, m.sentence) for m in index.for_feature(feature_id)]


def test_armenian_is_not_a_mention_of_armenia(index: MentionIndex, article: Article) -> None:
    sentence = article.paragraph("p10").sentences[1].text
    assert "between Armenian and Azerbaijani leaders" in sentence
    assert "Armenia " not in sentence and "Azerbaijan " not in sentence
    # the adjectives describe people, not the territory: no country is mentioned there
    assert [m for m in index.for_paragraph("p10") if m.sentence == 1] == []


def test_the_possessive_is_a_mention_and_the_span_is_the_name_alone(
    index: MentionIndex, article: Article
) -> None:
    mention = next(m for m in index.for_paragraph("p4") if m.feature_id == "baku")
    assert (mention.paragraph_id, mention.sentence) == ("p4", 0)
    (span,) = mention.spans
    text = article.paragraph("p4").text
    assert text[span.start:span.end] == "Baku" == span.text
    assert text[span.end:span.end + 2] == "’s"  # "in Baku’s favor"


def test_nakhichevan_in_p23_is_the_nakhchivan_exclave_by_its_alias(index: MentionIndex) -> None:
    (mention,) = index.for_paragraph("p23")[-1:]
    assert (mention.feature_id, mention.sentence, mention.phrases) == (
        "nakhchivan", 3, ("Nakhichevan",),
    )
    assert mention.spans[0].via == ALIAS
    # and the article's other spelling, in p28, is the feature's name
    assert places(index, "nakhchivan") == [("p23", 3), ("p28", 0), ("p28", 2)]
    assert index.for_feature("nakhchivan")[1].spans[0].via == NAME


def test_a_hyphen_separates_words(index: MentionIndex) -> None:
    # p23: "Nor are Armenia-Azerbaijan talks producing the expected results."
    in_sentence = {m.feature_id for m in index.for_paragraph("p23") if m.sentence == 2}
    assert in_sentence == {"armenia", "azerbaijan"}


def test_each_mention_carries_the_markers_of_its_sentence(index: MentionIndex) -> None:
    # p2: "...made urgent visits to Baku and Yerevan." cites [2] and [3]
    (baku_in_p2,) = [m for m in index.for_paragraph("p2") if m.feature_id == "baku"]
    assert (baku_in_p2.sentence, baku_in_p2.citations) == (3, (2, 3))


def test_a_curated_link_is_a_mention_where_the_text_names_a_place_indirectly(
    index: MentionIndex,
) -> None:
    (mention,) = index.for_feature("seven-regions")
    assert (mention.paragraph_id, mention.sentence, mention.citations) == ("p5", 2, (5,))
    assert [(span.text, span.via) for span in mention.spans] == [("the seven regions", LINK)]


def test_each_part_of_a_two_name_place_is_matched_on_its_own(article: Article) -> None:
    catalog = catalog_of({"id": "shusha", "name": "Shusha / Shushi"})
    # "The Shusha Declaration signed with Turkey ..." (p14) and again in p24
    assert places(build_index(article, catalog), "shusha") == [("p14", 3), ("p24", 2)]


def test_names_are_case_sensitive_proper_nouns(article: Article) -> None:
    # "Middle Corridor" is named in p6 and p7; a lowercase "corridor" in p28 is not the name
    catalog = catalog_of({"id": "middle-corridor", "name": "Middle Corridor"})
    assert places(build_index(article, catalog), "middle-corridor") == [("p6", 3), ("p7", 1)]


def test_the_longer_of_two_overlapping_names_of_different_features_wins(
    article: Article,
) -> None:
    catalog = catalog_of(
        {"id": "nagorno-karabakh", "name": "Nagorno-Karabakh"},
        {"id": "karabakh-region", "name": "Karabakh"},
    )
    index = build_index(article, catalog)
    assert "karabakh-region" not in index.feature_ids  # the text only says "Nagorno-Karabakh"
    assert places(index, "nagorno-karabakh")[0] == ("p1", 2)


def test_a_link_and_a_name_on_the_same_words_merge_into_one_span(article: Article) -> None:
    catalog = catalog_of({
        "id": "nakhchivan", "name": "Nakhchivan", "aliases": ["Nakhichevan"],
        "article": [{"paragraph": "p23", "phrase": "Nakhichevan"},
                    {"paragraph": "p28", "phrase": "its Nakhchivan exclave"}],
    })
    index = build_index(article, catalog)
    p23, p28_first, _ = index.for_feature("nakhchivan")
    assert [(s.text, s.via) for s in p23.spans] == [("Nakhichevan", ALIAS)]
    # the name inside the longer curated phrase is not a second span
    assert [(s.text, s.via) for s in p28_first.spans] == [("its Nakhchivan exclave", LINK)]


def test_one_mention_per_sentence_holding_every_span(index: MentionIndex) -> None:
    # p1, last sentence: "...Armenia’s defeat ... the territories Armenia had seized ..."
    (mention,) = [m for m in index.for_paragraph("p1") if m.sentence == 2 and
                  m.feature_id == "armenia"]
    assert mention.phrases == ("Armenia",)
    assert len(mention.spans) == 2
    assert mention.offsets[0][0] < mention.offsets[1][0]


def test_mentions_are_in_text_order(index: MentionIndex, article: Article) -> None:
    number = {p.id: p.number for p in article.paragraphs}
    keys = [(number[m.paragraph_id], m.sentence, m.spans[0].start) for m in index.mentions]
    assert keys == sorted(keys)


def test_features_the_article_never_names_have_no_mentions(index: MentionIndex) -> None:
    assert index.for_feature("stepanakert") == ()
    assert index.for_feature("reported-strike") == ()
    assert index.feature_ids == {
        "armenia", "azerbaijan", "russia", "nakhchivan", "baku", "seven-regions",
    }


def test_index_rows_flatten_mentions_for_tables(index: MentionIndex, catalog: Catalog) -> None:
    rows = index_rows(index, catalog)
    assert len(rows) == len(index.mentions)
    assert next(row for row in rows if row["feature_id"] == "seven-regions") == {
        "feature_id": "seven-regions",
        "name": "Seven surrounding districts",
        "layer": "september-2022",
        "paragraph": "p5",
        "sentence": 2,
        "phrase": "the seven regions",
        "citations": [5],
    }
