"""The Sources page: which features rest on each reference, and which datasets made the map."""

import html

from layers.data.mentions import build_index
from layers.html.provenance import (
    CITES,
    DATASET_COLUMNS,
    NAMED,
    cited_reference_html,
    cited_references,
    datasets_frame,
    pages_frame,
    statements_html,
)


def how_by_id(cited):
    return {feature.id: feature.how for feature in cited.features}


def test_all_eleven_references_are_listed_in_order(article, catalog):
    cited = cited_references(article, catalog, build_index(article, catalog))
    assert [c.reference.number for c in cited] == list(range(1, 12))


def test_a_feature_rests_on_what_it_cites_and_on_markers_of_sentences_naming_it(article, catalog):
    cited = cited_references(article, catalog, build_index(article, catalog))
    # reported-strike lists [1]; p2's sentence naming Baku carries [2] and [3].
    assert how_by_id(cited[0]) == {"reported-strike": CITES}
    assert how_by_id(cited[1]).get("baku") == NAMED
    assert how_by_id(cited[2]).get("baku") == NAMED
    assert "baku" not in how_by_id(cited[0])


def test_citing_wins_over_being_named_and_a_feature_appears_once(article, catalog, with_properties):
    citing = with_properties(catalog, "baku", citations=[2])
    cited = cited_references(article, citing, build_index(article, citing))
    ids = [feature.id for feature in cited[1].features]
    assert ids.count("baku") == 1
    assert how_by_id(cited[1])["baku"] == CITES


def test_reference_html_links_out_and_links_each_feature_to_the_map(article, catalog):
    cited = cited_references(article, catalog, build_index(article, catalog))
    block = cited_reference_html(cited[0])
    assert block.startswith('<div class="cited-ref" id="ref-1">')
    assert f'href="{html.escape(article.reference(1).url)}" target="_blank"' in block
    assert ('<a href="./?feature=reported-strike" target="_self" '
            'data-feature="reported-strike">Reported strike</a>') in block
    unused = next(c for c in cited if not c.features)
    assert "No feature on the map rests on this reference." in cited_reference_html(unused)


def test_hostile_feature_name_is_escaped(article, catalog, with_properties):
    hostile = with_properties(catalog, "reported-strike", name="<img src=x onerror=alert(1)>")
    cited = cited_references(article, hostile, build_index(article, hostile))
    block = cited_reference_html(cited[0])
    assert "<img" not in block
    assert "&lt;img src=x onerror=alert(1)&gt;" in block


def test_dataset_table_has_one_row_per_source_with_its_users(catalog):
    frame = datasets_frame(catalog)
    assert tuple(frame.columns) == DATASET_COLUMNS
    assert list(frame["name"]) == ["Fixture dataset"]  # statements and pages have their own
    fixture = frame.set_index("name").loc["Fixture dataset"]
    assert fixture["home"] == "https://example.org/"
    users = sum("fixture-dataset" in props["sources"] for _, props, _ in catalog.features)
    assert fixture["features"] == users == 8


def test_statements_are_listed_with_their_words_and_where_they_were_read(catalog):
    html = statements_html(catalog)
    assert "<h3>A fixture ministry</h3>" in html
    assert "the positions in the direction of the fixture were shelled" in html
    assert 'href="https://example.org/statement"' in html and "13 September 2022" in html


def test_pages_are_listed_with_the_value_as_published_and_the_address(real_catalog):
    frame = pages_frame(real_catalog).set_index("place")
    assert frame.loc["Sotk", "as_published"].startswith("40°12′11″N 45°51′53″E")
    assert frame.loc["Sotk", "address"] == "https://sco.wikipedia.org/wiki/Sotk"
    assert frame.loc["Sotk", "features"] >= 2
