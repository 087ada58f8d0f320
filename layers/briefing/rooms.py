"""Shared presentations: one storyboard and one scene on show per room code, for every window.

Why: Streamlit keeps a session per browser tab, so the audience's window and the briefer's
presenter window (another tab, often on another screen) know nothing of each other. A room
holds what both show, on the server; each window writes the scene it moves to and follows the
scene the room is on (the page polls it). A room's code goes in both windows' addresses
(`?room=K7QX2M`), so a reloaded window rejoins its presentation.

Rooms live in memory, one registry per server process (the page keeps it with
`st.cache_resource`): a presentation does not outlive the server, and none is written to disk.
The registry is bounded (`MAX_ROOMS`, the least recently used goes first) and forgets a room
left alone for `IDLE_SECONDS`. Codes come from `secrets`, in letters and digits no one misreads
across a room (no 0/O, 1/I).
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from layers.briefing.storyboard import Storyboard
from layers.html import markup

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_ROOMS = 64
IDLE_SECONDS = 12 * 3600.0
AUDIENCE, PRESENTER = "audience", "presenter"
PRESENT_MODES = {"1": AUDIENCE, AUDIENCE: AUDIENCE, PRESENTER: PRESENTER}
"""`?present=` values: `1` or `audience` for the audience's window, `presenter` for the notes."""


@dataclass(frozen=True)
class Room:
    """What every window of one presentation shows: the storyboard and the scene on show.
    `step` counts the moves, so a window can tell a move it has not followed yet."""

    code: str
    board: Storyboard
    stem: str
    index: int
    step: int = 0
    started: float = 0.0
    """When the presentation began (seconds since the epoch), for the presenter's clock."""


class Rooms:
    """Every room of this server, safe to use from every session's thread at once."""

    def __init__(self, limit: int = MAX_ROOMS, idle_seconds: float = IDLE_SECONDS) -> None:
        self._rooms: OrderedDict[str, tuple[Room, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit
        self._idle = idle_seconds

    def open(self, board: Storyboard, stem: str, index: int) -> Room:
        """A new room showing scene `index` of `board`, under a fresh code."""
        with self._lock:
            self._forget_idle()
            code = _new_code(self._rooms)
            room = Room(code, board, stem, _clamp(board, index), 0, time.time())
            self._keep(room)
            return room

    def get(self, code: str) -> Room | None:
        """The room with this code, or None (never opened, forgotten, or the server restarted)."""
        with self._lock:
            self._forget_idle()
            found = self._rooms.get(code)
            if found is None:
                return None
            self._keep(found[0])
            return found[0]

    def move(self, code: str, index: int) -> Room | None:
        """Show scene `index` (clamped to the storyboard) in every window of the room."""
        with self._lock:
            found = self._rooms.get(code)
            if found is None:
                return None
            room = found[0]
            index = _clamp(room.board, index)
            if index != room.index:
                room = dataclasses.replace(room, index=index, step=room.step + 1)
            self._keep(room)
            return room

    def _keep(self, room: Room) -> None:
        self._rooms[room.code] = (room, time.monotonic())
        self._rooms.move_to_end(room.code)
        while len(self._rooms) > self._limit:
            self._rooms.popitem(last=False)

    def _forget_idle(self) -> None:
        now = time.monotonic()
        for code in [code for code, (_, seen) in self._rooms.items() if now - seen > self._idle]:
            del self._rooms[code]


def parse_present(present: str | None, room: str | None) -> tuple[str | None, str | None,
                                                                   list[str]]:
    """(mode, room code, notices) from the address: `?present=` (see `PRESENT_MODES`) and
    `?room=`. A value that cannot be used is dropped and named in a notice."""
    notices: list[str] = []
    mode = PRESENT_MODES.get(present) if present is not None else None
    if present is not None and mode is None:
        notices.append(f"“{markup.quoted_input(present)}” is not a way to present (1 or "
                       "presenter); the page is shown as usual.")
    code = room.strip().upper() if room is not None else None
    if code is not None and not is_code(code):
        notices.append(f"“{markup.quoted_input(room)}” is not a room code (six letters and "
                       "digits); a new presentation is started instead.")
        code = None
    return mode, code, notices


def is_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(char in ALPHABET for char in text)


def _new_code(taken: OrderedDict[str, tuple[Room, float]]) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def _clamp(board: Storyboard, index: int) -> int:
    return max(0, min(index, len(board.scenes) - 1)) if board.scenes else 0
