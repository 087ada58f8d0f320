"""A copied URL reproduces the map view; a bad URL never breaks the page."""

from layers.map.state import (
    ViewState,
    key_class,
    layer_class_name,
    layer_key,
    layers_param,
    parse_view,
    view_params,
)

FEATURES = {"jermuk", "nakhchivan"}
LAYERS = ("borders", "nagorno-karabakh", "september-2022")
DEFAULT = ("borders", "september-2022")


def parse(params):
    return parse_view(params, FEATURES, LAYERS, DEFAULT)


def test_empty_url_gives_the_default_view_and_no_notice():
    assert parse({}) == (ViewState(feature=None, layers=DEFAULT), [])


def test_a_full_permalink_round_trips():
    state = ViewState("jermuk", ("borders", "nagorno-karabakh"), (39.8412, 45.6702), 9)
    params = view_params(state, DEFAULT)
    assert params == {
        "feature": "jermuk",
        "layers": "borders,nagorno-karabakh",
        "center": "39.8412,45.6702",
        "zoom": "9",
    }
    assert parse(params) == (state, [])


def test_layers_keep_registry_order_and_empty_means_none_shown():
    assert parse({"layers": "september-2022,borders"})[0].layers == ("borders", "september-2022")
    assert parse({"layers": ""})[0].layers == ()


def test_unknown_feature_is_dropped_with_a_notice():
    state, notices = parse({"feature": "atlantis"})
    assert state.feature is None
    assert notices == ["No feature has the id “atlantis”; nothing is selected."]


def test_unknown_layers_are_named_in_the_notice_and_known_ones_kept():
    state, notices = parse({"layers": "borders,<script>alert(1)</script>"})
    assert state.layers == ("borders",)
    assert notices == ["Unknown layer ids ignored: “<script>alert(1)</script>”."]


def test_malformed_numbers_fall_back_to_the_default_frame():
    for center in ("abc", "91,10", "40", "40,45,1", "nan,nan", "1e3,2"):
        state, notices = parse({"center": center})
        assert state.center is None and len(notices) == 1, center
    for zoom in ("0", "19", "-3", "7.3", "7.", "x"):
        state, notices = parse({"zoom": zoom})
        assert state.zoom is None and len(notices) == 1, zoom


def test_long_bad_values_are_cut_short_in_notices():
    _, notices = parse({"feature": "x" * 500})
    assert len(notices[0]) < 120


def test_streamlit_list_values_use_the_first_item():
    assert parse({"feature": ["jermuk", "nakhchivan"]})[0].feature == "jermuk"


def test_a_link_naming_only_unknown_layers_shows_the_defaults_and_says_so():
    state, notices = parse({"layers": "nope,gone"})
    assert state.layers == DEFAULT
    assert notices == ["Unknown layer ids ignored: “nope”, “gone”; the default layers are shown."]


def test_only_ascii_digits_make_a_zoom():
    state, notices = parse({"zoom": "７"})  # a full-width digit
    assert state.zoom is None and len(notices) == 1


def test_a_zoom_in_quarter_steps_round_trips():
    """The map zooms in quarter steps so a frame fills it; a link keeps the step it was at."""
    for raw, zoom in (("7", 7), ("7.25", 7.25), ("6.5", 6.5), ("13.75", 13.75)):
        state, notices = parse({"zoom": raw})
        assert state.zoom == zoom and notices == [], raw
        assert view_params(state, ())["zoom"] == raw


def test_draw_mode_round_trips_and_is_off_by_default():
    state, notices = parse({"draw": "1"})
    assert state.draw is True and notices == []
    assert view_params(state, DEFAULT) == {"draw": "1"}
    assert parse({"draw": "0"}) == (ViewState(feature=None, layers=DEFAULT), [])
    assert "draw" not in view_params(parse({})[0], DEFAULT)


def test_a_bad_draw_mode_is_off_with_a_notice():
    state, notices = parse({"draw": "yes<b>"})
    assert state.draw is False
    assert notices == ["The draw mode “yes<b>” is not 1 (on) or 0 (off); drawing is off."]


def test_a_checkbox_is_found_by_the_class_streamlit_gives_its_key():
    """Streamlit's frontend names a widget's container `st-key-` and the key, every character
    outside [a-zA-Z0-9_-] a hyphen: the page script finds a layer's checkbox by it."""
    assert layer_key("september-2022") == "layer:september-2022"
    assert key_class(layer_key("september-2022")) == "st-key-layer-september-2022"
    assert key_class(" layer:my ü.layer ") == "st-key-layer-my---layer"
    assert layer_class_name("my.layer") == "my-layer"  # what follows st-key-layer-


def test_the_default_layers_need_no_parameter():
    assert layers_param(("a", "b"), ("a", "b")) == {}
    assert layers_param(("b",), ("a", "b")) == {"layers": "b"}
    assert layers_param((), ("a",)) == {"layers": ""}
