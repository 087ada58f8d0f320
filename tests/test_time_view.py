"""Time on the Map page: the date in the address, the map as it stood on a day (the layer files
it draws), the timeline strip and the event card. The events and dates themselves are
`tests/test_events.py`'s."""

import datetime
import json

import pytest

from layers.data.article import load_article
from layers.data.catalog import load_catalog
from layers.data.events import DateSource, Event, load_events
from layers.data.tables import Filters, filter_features
from layers.html.event_card import build_event_card, event_card_html
from layers.map.geo_files import layer_document, period_documents, periods, write_map_files
from layers.map.mapview import event_focus
from layers.map.state import parse_view, view_params
from layers.map.timeline import (
    SELECTION,
    clicked_event,
    split_day,
    timeline_chart,
    timeline_frame,
)
from tests.test_map_page import component_args, fresh_caches, run_map, shown_files  # noqa: F401

LAYERS = ("borders", "nagorno-karabakh")
DEFAULTS = ("borders",)


def parse(**params):
    return parse_view(params, {"goris"}, LAYERS, DEFAULTS, {"ceasefire"})


def test_a_date_and_a_window_round_trip_through_the_address():
    state, notices = parse(date="2020-11-10", event="ceasefire")
    assert notices == [] and state.date == datetime.date(2020, 11, 10)
    assert state.event == "ceasefire"
    assert view_params(state, DEFAULTS) == {"event": "ceasefire", "date": "2020-11-10"}
    state, notices = parse(**{"from": "2022-08-01", "to": "2022-09-30"})
    assert state.window == (datetime.date(2022, 8, 1), datetime.date(2022, 9, 30))
    assert view_params(state, DEFAULTS) == {"from": "2022-08-01", "to": "2022-09-30"}


@pytest.mark.parametrize("params", [
    {"date": "2020-13-01"}, {"date": "10/11/2020"}, {"date": "2020-11"}, {"date": "9" * 5000},
    {"from": "2022-09-30", "to": "2022-08-01"}, {"from": "2022-08-01"},
    {"date": "<script>alert(1)</script>"},
])
def test_a_bad_date_is_named_in_a_notice_and_every_date_is_shown(params):
    state, notices = parse(**params)
    assert state.date is None and state.window is None
    assert len(notices) == 1 and "YYYY-MM-DD" in notices[0]


def test_an_unknown_event_is_named_and_nothing_opens():
    state, notices = parse(event="nope")
    assert state.event is None and "nope" in notices[0]


# --- the map as it stood -------------------------------------------------------------------


def test_a_layer_has_one_file_per_period_and_a_day_finds_its_own(tmp_path):
    catalog = load_catalog()
    layer = catalog.layer("nagorno-karabakh")
    changes = periods(layer)
    assert changes and list(changes) == sorted(changes)
    geo = write_map_files(catalog, tmp_path)
    before, after = datetime.date(2020, 11, 1), datetime.date(2020, 12, 15)

    def drawn(day):
        name = geo.url(layer.id, day).rsplit("/", 1)[1]
        document = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        return {f["properties"]["id"] for f in document["features"]}

    assert geo.url(layer.id) != geo.url(layer.id, before) != geo.url(layer.id, after)
    gone = drawn(before) - drawn(after)
    assert gone and all(ident.endswith("-district") for ident in gone)
    assert len(period_documents(layer)) == len(changes) + 1
    assert geo.url("borders", before) == geo.url("borders")  # nothing in it changes


def test_the_map_page_draws_the_layers_as_of_the_linked_day():
    at = run_map({"date": "2020-11-01"})
    assert not at.exception and not at.sidebar.warning
    files = shown_files(component_args(at)["feature_group"])
    assert any(name.startswith("nagorno-karabakh_") for name in files)
    assert at.query_params["date"] == "2020-11-01"


def test_a_bad_date_in_the_address_warns_and_the_map_still_draws():
    at = run_map({"date": "yesterday"})
    assert not at.exception
    assert any("yesterday" in warning.value for warning in at.sidebar.warning)
    files = shown_files(component_args(at)["feature_group"])
    assert files and not any("_" in name.split(".")[0] for name in files)


def test_the_data_page_filter_keeps_what_stood_on_the_day():
    catalog = load_catalog()
    everything = filter_features(catalog, Filters())
    in_2019 = filter_features(catalog, Filters(as_of=datetime.date(2019, 6, 1)))
    ids = {props["id"] for _, props, _ in in_2019}
    assert len(in_2019) < len(everything)
    assert "russian-peacekeeping-area" not in ids and "goris" not in ids  # 2020, a 2022 claim
    assert "armenia" in ids


# --- the strip and the card ----------------------------------------------------------------


def demo_event(ident="truce", title="A <b>truce</b>", date="2020-11", places=("goris",)):
    return Event(id=ident, title=title, kind="ceasefire", date=date,
                 date_source=DateSource("paragraph", "p12", "November 2020"),
                 description="What <i>happened</i>.", places=places, article=(),
                 citations=(), sources=("article [9]",))


def test_the_strip_has_a_mark_per_event_and_a_selection_by_id():
    events = [demo_event(), demo_event("fight", "Fighting", "2022-09-12/2022-09-14")]
    frame = timeline_frame(events, selected="fight")
    assert list(frame["id"]) == ["truce", "fight"] and list(frame["selected"]) == [False, True]
    assert list(frame["when"]) == ["November 2020", "12–14 September 2022"]
    spec = timeline_chart(events, "fight", datetime.date(2022, 9, 13)).to_dict()
    params = [*spec.get("params", []), *(p for lay in spec["layer"] for p in lay.get("params", []))]
    assert SELECTION in [p["name"] for p in params]
    assert clicked_event({"selection": {SELECTION: [{"id": "fight"}]}}) == "fight"
    assert clicked_event({"selection": {SELECTION: []}}) is None
    assert clicked_event(None) is None


def test_decades_of_events_split_the_strip_so_recent_weeks_are_not_squeezed():
    events = [demo_event("war", date="1992"), *(demo_event(f"e{i}", date=f"2022-0{i}")
                                                  for i in range(1, 8))]
    assert split_day(events) == datetime.date(2020, 1, 1)
    assert split_day(events[1:]) is None  # all recent: one even scale
    spec = timeline_chart(events).to_dict()
    domains = [layer["encoding"]["x"].get("scale", {}).get("domain") for layer in spec["layer"]
               if "scale" in layer.get("encoding", {}).get("x", {})]
    assert domains == [["1991-01-01", "2020-01-01", "2022-11-28"]]  # once, three-piece


def test_an_event_frames_and_outlines_its_towns_and_routes_not_whole_countries():
    catalog = load_catalog()
    places = [catalog.feature(i) for i in ("armenia", "goris", "jermuk")]
    assert [p.properties["id"] for p in event_focus(places)] == ["goris", "jermuk"]
    assert event_focus(places[:1]) == places[:1]  # only an area: the area


def test_the_event_card_says_when_how_precisely_and_from_what_escaped():
    catalog = load_catalog()
    html = event_card_html(build_event_card(demo_event(), load_article(), catalog))
    assert "A &lt;b&gt;truce&lt;/b&gt;" in html and "<b>truce</b>" not in html
    assert "November 2020" in html and "to the month" in html and "¶12" in html
    assert 'href="./?feature=goris"' in html


def test_every_real_event_has_a_card():
    catalog = load_catalog()
    article = load_article()
    for event in load_events():
        html = event_card_html(build_event_card(event, article, catalog))
        assert f'data-event="{event.id}"' in html


def test_selecting_an_event_opens_its_card_and_outlines_its_places():
    event = next(e for e in load_events() if e.places)
    at = run_map({"event": event.id})
    assert not at.exception
    cards = [m.value for m in at.sidebar.markdown if "event-card" in m.value]
    assert cards and f'data-event="{event.id}"' in cards[0]
    assert all(f'"{place}"' in component_args(at)["feature_group"] for place in event.places)


def test_the_legend_of_a_day_names_only_what_stood_then():
    layer = load_catalog().layer("nagorno-karabakh")
    then = layer_document(layer, datetime.date(2022, 9, 13))["legend"]
    always = layer_document(layer)["legend"]
    assert "Former Nagorno-Karabakh Autonomous Oblast" in always
    assert "Former Nagorno-Karabakh Autonomous Oblast" not in then
    assert "Russian peacekeeping area" in then


def test_the_date_control_sets_the_map_and_the_address():
    at = run_map()
    assert not any(name.split(".")[0].count("_") for name in
                   shown_files(component_args(at)["feature_group"]))  # every date
    at.radio(key="time-mode").set_value("As of a day").run()
    at.date_input(key="time-date").set_value(datetime.date(2020, 11, 1)).run()
    files = shown_files(component_args(at)["feature_group"])
    assert "nagorno-karabakh_2020-11-01" in {name.split(".")[0] for name in files}
    assert at.query_params["date"] == "2020-11-01"
    at.radio(key="time-mode").set_value("Between two days").run()
    at.date_input(key="time-window").set_value(
        (datetime.date(2022, 8, 1), datetime.date(2022, 9, 30))).run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2022-08-01", "2022-09-30")
    assert "date" not in at.query_params


def test_the_folded_strip_sends_no_chart_until_it_is_opened():
    """The opening view carries no Vega spec (nor makes the browser load the chart's code); a
    date or an event on screen unfolds it, and a click on the fold draws it."""
    at = run_map()
    assert not at.get("vega_lite_chart")
    at.session_state["timeline-fold"] = True
    at.run()
    assert len(at.get("vega_lite_chart")) == 1
    dated = run_map({"date": "2020-11-01"})
    assert len(dated.get("vega_lite_chart")) == 1
