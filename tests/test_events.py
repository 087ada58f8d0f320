"""The events of geodata/events.json and the dates of features that come and go, as data.

Each event and each `valid_from` / `valid_to` says where its date comes from: words of an article
paragraph, of a reference's entry, or of a registered source page, and the date is never more
precise than those words. These tests read the real file and the built layers; the rules
themselves are shown on small entries made here (how the map and the timeline draw them is
`tests/test_time_view.py`'s).
"""

import datetime
import json

import pytest

from layers import GEODATA_DIR
from layers.data.article import load_article
from layers.data.catalog import Catalog
from layers.data.events import (
    EVENTS_FILE,
    KINDS,
    date_source_from,
    date_source_problems,
    load_events,
    read_events,
    source_text,
    valid_on,
    validate_events,
    words_span,
)
from layers.data.schema import date_span

SEVEN_DISTRICTS = {"kalbajar-district", "lachin-district", "qubadli-district",
                   "zangilan-district", "jabrayil-district", "fuzuli-district", "agdam-district"}


@pytest.fixture(scope="module")
def raw_events() -> list[dict]:
    return read_events(GEODATA_DIR / EVENTS_FILE)


def feature_ids(catalog: Catalog) -> set[str]:
    return {props["id"] for _, props, _ in catalog.features}


def features_on(catalog: Catalog, day: datetime.date) -> set[str]:
    return {props["id"] for _, props, _ in catalog.features if valid_on(props, day)}


# --- the real file ------------------------------------------------------------------------------


def test_the_real_events_file_has_no_problem(raw_events, real_catalog):
    assert validate_events(raw_events, load_article(), real_catalog.sources,
                           feature_ids(real_catalog)) == []
    assert len(load_events()) == len(raw_events) >= 20


def test_every_event_date_rests_on_words_that_give_it(raw_events, real_catalog, article):
    """The words stand in the text they name, hold a date, and the event's date contains it."""
    for raw in raw_events:
        source = date_source_from(raw["date_source"])
        assert source is not None, raw["id"]
        text = " ".join(source_text(source, article, real_catalog.sources).split())
        assert " ".join(source.words.split()) in text, raw["id"]
        said, span = words_span(source.words), date_span(raw["date"])
        assert said is not None and span[0] <= said[0] and said[1] <= span[1], raw["id"]


def test_every_feature_date_rests_on_words_that_give_it(real_catalog, article):
    """valid_from / valid_to: the same rule, and a page giving the date is among the sources."""
    dated = [(props, key) for _, props, _ in real_catalog.features
             for key in ("valid_from", "valid_to") if key in props]
    assert len(dated) == 12  # the NKAO's two, the seven districts, corridor, peacekeepers, EU
    for props, key in dated:
        raw = props["date_sources"][key]
        assert list(date_source_problems(props[key], raw, article, real_catalog.sources)) == []
        if "source" in raw:
            assert raw["source"] in props["sources"], (props["id"], key)


def test_a_claim_or_announcement_says_who_made_it(raw_events):
    reported = {raw["id"]: raw["reported_by"] for raw in raw_events if "reported_by" in raw}
    assert reported["farukh-2022"] == "Russia's Ministry of Defence"
    assert all(reported[f"{town}-taken-2020"] == "Azerbaijan's president"
               for town in ("jabrayil", "fuzuli", "zangilan", "qubadli"))


@pytest.mark.parametrize(("ident", "date", "precision"), [
    ("first-karabakh-war", "1988-02/1994-05", "range"),
    ("ceasefire-statement-2020", "2020-11-10", "day"),
    ("shusha-declaration-2021", "2021-06-15", "day"),  # [11] is dated 21 June: its posting
    ("baku-moscow-declaration-2022", "2022-02-22", "day"),  # [9] is dated 24 February
    ("donbas-recognition-2022", "2022-02", "month"),  # the article's "February 2022"
    ("eu-gas-deal-2022", "2022-07-18", "day"),  # [6] is dated 19 July
    ("brussels-meeting-2022-08", "2022-08-31", "day"),  # the article: "in August"
    ("instc-declaration-2022", "2022-09", "month"),  # [8]'s dateline dates the report only
    ("september-2022-fighting", "2022-09-12/2022-09-14", "range"),
    ("russia-ceasefire-call-2022", "2022-09-13", "day"),  # [1] reports it the same day
    ("us-adviser-visit-2022", "2022-09", "month"),
    ("csto-protests-2022", "2022-09", "month"),  # [4] is dated 17 September
    ("peacekeepers-term-2025", "2025", "year"),
])
def test_key_events_are_dated_no_more_precisely_than_their_sources(ident, date, precision):
    event = next(e for e in load_events() if e.id == ident)
    assert (event.date, event.precision) == (date, precision)


# --- the map on a date ------------------------------------------------------------------------


def test_between_1_november_and_15_december_2020_exactly_the_handed_over_districts_go(
        real_catalog):
    """Agdam (20 November), Kalbajar (25 November) and Lachin (1 December) were handed over
    between the two days; the four districts taken in October are gone from both. What appears
    is what the statement of 10 November created: the peacekeepers' area and the corridor."""
    before = features_on(real_catalog, datetime.date(2020, 11, 1))
    after = features_on(real_catalog, datetime.date(2020, 12, 15))
    assert before - after == {"agdam-district", "kalbajar-district", "lachin-district"}
    assert after - before == {"russian-peacekeeping-area", "lachin-corridor"}
    assert not {"qubadli-district", "zangilan-district", "jabrayil-district",
                "fuzuli-district"} & before


def test_all_seven_districts_stand_before_the_2020_war_and_none_after(real_catalog):
    assert features_on(real_catalog, datetime.date(2020, 9, 1)) >= SEVEN_DISTRICTS
    assert not SEVEN_DISTRICTS & features_on(real_catalog, datetime.date(2020, 12, 2))


def test_the_day_a_district_was_handed_over_it_still_stands(real_catalog):
    """valid_to is the last day a status held: Agdam on 20 November, gone on the 21st."""
    assert "agdam-district" in features_on(real_catalog, datetime.date(2020, 11, 20))
    assert "agdam-district" not in features_on(real_catalog, datetime.date(2020, 11, 21))


def test_lachin_town_stands_throughout_and_its_handover_is_an_event(real_catalog):
    """The town is a place, not a dated thing: it carries no `date` (which the map's clock would
    read as its first day); the handover of 26 August 2022 is the event that names it."""
    town = next(p for _, p, _ in real_catalog.features if p["id"] == "lachin")
    assert not {"date", "valid_from", "valid_to"} & set(town)
    assert "lachin" in features_on(real_catalog, datetime.date(2020, 12, 15))
    handover = next(e for e in load_events() if e.id == "lachin-town-handover-2022")
    assert handover.date == "2022-08-26" and "lachin" in handover.places
    assert handover.date_source.ref == "page:lachin-city-day"
    page_words = " ".join(real_catalog.sources["page:lachin-city-day"]["words"])
    assert handover.date_source.words in page_words


def test_every_event_draws_on_the_map(raw_events):
    """Each names at least one feature (validation checks that they exist)."""
    assert all(raw["places"] for raw in raw_events)


# --- the rules, each a named problem ------------------------------------------------------------


def entry(**changes) -> dict:
    """A valid event, changed as a test needs."""
    raw = {
        "id": "test-event", "title": "A meeting", "kind": "meeting", "date": "2022",
        "date_source": {"paragraph": "p10", "words": "over the course of 2022"},
        "description": "A test event.", "places": ["brussels"],
        "article": [{"paragraph": "p10", "phrase": "yet another meeting in Brussels"}],
        "citations": [], "sources": ["page:brussels-meeting-2022-08"],
    }
    return {**raw, **changes}


def problems(real_catalog, *entries) -> list[str]:
    return [str(p) for p in validate_events(list(entries), load_article(), real_catalog.sources,
                                            feature_ids(real_catalog))]


def test_the_small_valid_entry_has_no_problem(real_catalog):
    assert problems(real_catalog, entry()) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"date": "2022-08"},
     "[events] test-event.date_source: date 2022-08 is more precise than what ¶10 says: "
     "'over the course of 2022'"),
    ({"date": "2021", "date_source": {"reference": 11, "words": "June 21, 2021"}},
     None),  # coarser than its words: fine
    ({"date": "2021-06-15", "date_source": {"reference": 11, "words": "June 21, 2021"}},
     "[events] test-event.date_source: date 2021-06-15 is not what reference [11] says: "
     "'June 21, 2021'"),
    ({"date_source": {"paragraph": "p10", "words": "in August"}},
     "[events] test-event.date_source: date source words 'in August' hold no date"),
    ({"date_source": {"paragraph": "p10", "words": "in 2023"}},
     "[events] test-event.date_source: date source words 'in 2023' are not in ¶10"),
    ({"places": ["brussels", "atlantis"]},
     "[events] test-event.places[1]: 'atlantis' is not a feature id"),
    ({"article": [{"paragraph": "p30", "phrase": "Brussels"}]},
     "[events] test-event.article[0].paragraph: 'p30' is not a paragraph"),
    ({"article": [{"paragraph": "p9", "phrase": "yet another meeting in Brussels"}]},
     "[events] test-event.article[0].phrase: not found verbatim in p9"),
    ({"sources": ["page:never-opened"]},
     "[events] test-event.sources[0]: 'page:never-opened' is not a registered source"),
    ({"sources": ["article [6]"]},
     "[events] test-event.sources[0]: article [6] rests on a reference the event does not cite"),
    ({"date_source": {"source": "page:never-opened", "words": "2022"}},
     "[events] test-event.date_source: date source page:never-opened does not exist"),
    ({"kind": "battle"},
     "[events] test-event.kind: 'battle' is not one of " + ", ".join(KINDS)),
])
def test_each_rule_gives_its_named_problem(real_catalog, changes, expected):
    assert problems(real_catalog, entry(**changes)) == ([expected] if expected else [])


def test_an_id_is_used_once(real_catalog):
    assert problems(real_catalog, entry(), entry()) == [
        "[events] test-event.id: is already used by another event"]


def test_a_registered_page_gives_a_date_only_with_its_year(real_catalog, article):
    """The Daily Asian Age says "Aghdam was ceded on November 20": no year, so the district's
    date rests on a page that says "November 20, 2020"."""
    no_year = {"source": "page:district-handovers-2020",
               "words": "Aghdam was ceded on November 20"}
    assert list(date_source_problems("2020-11-20", no_year, article, real_catalog.sources)) == [
        "date source words 'Aghdam was ceded on November 20' hold no date"]
    agdam = next(p for _, p, _ in real_catalog.features if p["id"] == "agdam-district")
    assert agdam["date_sources"]["valid_to"]["source"] == "page:aghdam-handover-2020-anniversary"


def test_the_file_is_written_as_the_readme_says():
    text = (GEODATA_DIR / EVENTS_FILE).read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == ["events"]
    assert text == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert [raw["id"] for raw in document["events"]] == [e.id for e in load_events()]
