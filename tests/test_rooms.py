"""Shared presentations (`layers.briefing.rooms`): a room per code holds the storyboard and the
scene on show for every window of one presentation; on the Briefing page, a step in the
presenter window moves the audience's, and the other way round."""

from __future__ import annotations

import time

import pytest

from layers.briefing.rooms import (
    ALPHABET,
    AUDIENCE,
    PRESENTER,
    Rooms,
    is_code,
    parse_present,
)
from layers.briefing.storyboard import load_storyboard
from tests.test_briefing_page import fresh_caches, open_briefing, presenting, progress  # noqa: F401


@pytest.fixture(scope="module")
def board(real_catalog, article):
    from layers.briefing.storyboard import DEFAULT_STORYBOARD

    loaded, _ = load_storyboard(DEFAULT_STORYBOARD, real_catalog, article)
    return loaded


def test_a_room_holds_the_storyboard_and_moves_every_window_to_one_scene(board):
    rooms = Rooms()
    room = rooms.open(board, "default", 2)
    assert is_code(room.code) and set(room.code) <= set(ALPHABET)
    assert rooms.get(room.code) == room and room.step == 0
    moved = rooms.move(room.code, 3)
    assert (moved.index, moved.step) == (3, 1)
    assert rooms.move(room.code, 3).step == 1  # staying put is no move
    assert rooms.move(room.code, 999).index == len(board.scenes) - 1  # clamped
    assert rooms.get("ZZZZZZ") is None and rooms.move("ZZZZZZ", 1) is None


def test_rooms_are_bounded_and_forget_the_idle(board, monkeypatch):
    rooms = Rooms(limit=2, idle_seconds=60)
    first, second, third = (rooms.open(board, "default", 0) for _ in range(3))
    assert rooms.get(first.code) is None  # the least recently used went first
    assert rooms.get(second.code) and rooms.get(third.code)
    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert rooms.get(third.code) is None


@pytest.mark.parametrize(("present", "room", "expected"), [
    ("1", "k7qx2m", (AUDIENCE, "K7QX2M", 0)),
    ("presenter", None, (PRESENTER, None, 0)),
    (None, None, (None, None, 0)),
    ("<script>", "K7QX2M", (None, "K7QX2M", 1)),
    ("audience", "../../etc", (AUDIENCE, None, 1)),
    ("audience", "O0O0O0", (AUDIENCE, None, 1)),  # letters no one misreads only
])
def test_the_address_names_the_way_to_present_and_the_room(present, room, expected):
    mode, code, notices = parse_present(present, room)
    assert (mode, code, len(notices)) == expected


def test_a_step_in_one_window_moves_the_other(board):
    presenter = presenting(open_briefing())
    code = presenter.query_params["room"]
    audience = open_briefing(present="audience", room=code)
    assert progress(audience) == f"Scene 1 of {len(board.scenes)}"
    presenter.button(key="briefing-next").click().run()
    audience.run()  # the page polls the room; a run of it sees the move and follows
    assert progress(audience) == f"Scene 2 of {len(board.scenes)}"
    audience.button(key="briefing-next").click().run()
    presenter.run()
    assert "Now · scene 3 of" in "".join(m.value for m in presenter.main.markdown)
