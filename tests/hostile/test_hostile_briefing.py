"""The Briefing page under hostile uploads, addresses and handouts that fail or dawdle (issue 15,
defects 1, 4 and 8), run by AppTest against the real geodata as tests/test_briefing_page.py is.

Every case ends with the page still up and no exception element: a traceback on the page is the
failure these tests exist to catch.
"""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

import layers
import layers.briefing.export_html
import layers.briefing.export_pdf
import layers.briefing.handouts
from hostile.corpus import HUGE_NUMBER, MALFORMED_STORYBOARDS, NUMBERS, XSS
from layers.briefing.session import parse_scene_param
from layers.html.markup import markdown_literal
from tests.test_briefing_page import fresh_caches, open_briefing  # noqa: F401 (autouse)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.sidebar.file_uploader(key="briefing-upload").set_value(
        (name, content, "application/json")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def downloads(at: AppTest) -> list[str]:
    """The handouts offered (the deck, made only when clicked, is always offered: left out)."""
    return [button.proto.label for button in at.get("download_button")
            if button.proto.label != "Download PowerPoint (.pptx)"]


def messages(at: AppTest) -> str:
    return " ".join(element.value for kind in ("error", "warning", "info")
                    for element in getattr(at, kind))


# --- handouts ----------------------------------------------------------------------------------

def test_a_failing_pdf_keeps_the_html_says_so_briefly_and_clears_on_a_good_attempt(monkeypatch):
    def broken_pdf(board, catalog, article):
        raise IndexError("/work/secret/path.py line 3")

    monkeypatch.setattr(layers.briefing.export_html, "export_html", lambda b, c, a: "<html/>")
    monkeypatch.setattr(layers.briefing.export_pdf, "export_pdf", broken_pdf)
    at = open_briefing()
    at.sidebar.button(key="briefing-prepare").click().run()
    assert not at.exception
    assert downloads(at) == ["Save storyboard (JSON)", "Download offline HTML"]
    (error,) = at.sidebar.error
    assert error.value == markdown_literal(
        "The PDF could not be made (an unexpected IndexError; the details are in the server's "
        "log).")
    assert "/work" not in error.value and "Traceback" not in error.value

    monkeypatch.setattr(layers.briefing.export_pdf, "export_pdf", lambda b, c, a: b"%PDF-1.7")
    at.sidebar.button(key="briefing-prepare").click().run()
    assert not at.sidebar.error
    assert downloads(at) == ["Save storyboard (JSON)", "Download offline HTML", "Download PDF"]


def test_a_slow_pdf_leaves_the_page_usable_and_is_collected_when_done(monkeypatch):
    monkeypatch.setattr(layers.briefing.export_html, "export_html", lambda b, c, a: "<html/>")

    def slow_pdf(board, catalog, article):
        time.sleep(3)
        return b"%PDF-1.7"

    monkeypatch.setattr(layers.briefing.export_pdf, "export_pdf", slow_pdf)
    at = open_briefing()
    started = time.monotonic()
    at.sidebar.button(key="briefing-prepare").click().run()
    assert time.monotonic() - started < 3  # the run did not wait for the PDF
    assert "Preparing the PDF…" in [info.value for info in at.sidebar.info]
    assert downloads(at) == ["Save storyboard (JSON)", "Download offline HTML"]
    at.button(key="briefing-next").click().run()  # the page answers meanwhile
    assert not at.exception
    time.sleep(3)
    at.run()
    assert downloads(at) == ["Save storyboard (JSON)", "Download offline HTML", "Download PDF"]


def test_a_handout_past_the_time_limit_is_reported_not_waited_for(monkeypatch):
    monkeypatch.setattr(layers.briefing.handouts, "HANDOUT_SECONDS", 0.5)
    monkeypatch.setattr(layers.briefing.export_html, "export_html", lambda b, c, a: "<html/>")
    monkeypatch.setattr(layers.briefing.export_pdf, "export_pdf",
                        lambda b, c, a: time.sleep(4) or b"%PDF-1.7")
    at = open_briefing()
    at.sidebar.button(key="briefing-prepare").click().run()
    time.sleep(1)
    at.run()
    assert any("has taken over 0 s and is still being made" in e.value.replace("\\", "")
               for e in at.sidebar.error)


# --- uploads -----------------------------------------------------------------------------------

def test_every_malformed_storyboard_gives_a_message_and_keeps_the_page():
    at = open_briefing()
    title = at.main.title[0].value
    for name, content in MALFORMED_STORYBOARDS.items():
        at = upload(at, f"{name}.json", content)
        assert messages(at), name  # something says why nothing loaded
        assert at.main.title[0].value == title, name  # the storyboard on show is unchanged


def test_a_storyboard_saved_with_a_byte_order_mark_loads():
    board = {"title": "With a BOM", "scenes": [{"title": "One", "frame": {"features": ["armenia"]},
                                                "layers": ["borders"]}]}
    at = upload(open_briefing(), "bom.json", b"\xef\xbb\xbf" + json.dumps(board).encode())
    assert at.main.title[0].value == markdown_literal("With a BOM")
    assert not at.sidebar.error


def test_xss_in_an_uploaded_storyboard_is_shown_as_text():
    scenes = [{"title": payload, "frame": {"features": ["armenia"]}, "layers": ["borders"],
               "notes": payload} for payload in XSS]
    at = upload(open_briefing(), "xss.json",
                json.dumps({"title": XSS[0], "description": XSS[8], "scenes": scenes}).encode())
    assert at.main.title[0].value == markdown_literal(XSS[0])
    assert at.main.header[0].value == markdown_literal(XSS[0])
    raw = "".join(m.value for m in at.markdown if m.allow_html)
    assert "<script" not in raw and "<img" not in raw and "<svg" not in raw


# --- the address -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [*NUMBERS, *XSS])
def test_a_scene_parameter_that_is_no_scene_number_opens_scene_one_with_a_notice(raw):
    index, notice = parse_scene_param(raw, 8)
    assert index == 0 and notice is not None


@pytest.mark.parametrize("raw", [HUGE_NUMBER, XSS[0], XSS[8]])
def test_the_page_survives_a_hostile_scene_parameter(raw):
    at = open_briefing(scene=raw)
    (notice,) = at.sidebar.warning
    assert markdown_literal(f"There is no scene “{raw[:40]}") in notice.value
