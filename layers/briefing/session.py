"""The Briefing page's state machine: what every click does to the working storyboard.

The page (`views/briefing.py`) keeps one frozen `Session` in Streamlit's session state and, in
each widget's callback, replaces it with the Session an action returns. Every rule of the page —
which scene stays on show after a delete or a move, how big an upload may be and what each
refusal says, what the builder needs before it adds a scene and what it clears afterwards — lives
here, so it is tested without Streamlit and the page keeps only the calls that draw it.

Nothing a user can click raises. A scene index always names a scene (or is 0 when there are
none); an action on a scene that is no longer there (a button from the run before, clicked twice)
leaves the Session as it was; a bad upload or a bad address becomes a message, never an error.

The address is the other input: `?briefing=` names a file in the briefings folder and `?scene=`
a 1-based scene. They are read once, when a Session starts; afterwards the Session owns the
storyboard and the page only writes the address back (`Session.url_params`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import layers.briefing.storyboard as storyboard_files
from layers.briefing.edit import (
    FRAME_CHOICES,
    add_scene,
    builder_frame,
    move_scene,
    remove_scene,
    scene_from_view,
    with_date,
    with_notes,
)
from layers.briefing.storyboard import (
    MAX_SCENES,
    UNTITLED,
    PassageRef,
    Scene,
    Storyboard,
    date_problem,
    listed,
    load_storyboard,
    parse_storyboard,
    storyboard_to_json,
)
from layers.data.article import Article
from layers.data.catalog import Bounds, Catalog
from layers.html import markup

DEFAULT_STEM = "default"
MAX_UPLOAD_MB = 1
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1_000_000
"""The largest storyboard an upload may be: the default briefing is a few kB, so anything near
this is not a storyboard, and parsing it would only hold up the page."""
URL_PARAMS = ("scene", "briefing")
"""The query parameters the Briefing page owns: it deletes them when they are no longer wanted."""
NO_TITLE = "Give the scene a title."


def typed_date(text: str) -> tuple[str | None, str | None]:
    """A date typed into the builder: (the date, None), (None, None) for an empty box (no
    date), or (None, what is wrong) in the words the storyboard loader uses."""
    value = text.strip()
    if not value:
        return None, None
    problem = date_problem(value)
    return (None, f"The date {problem}.") if problem else (value, None)


def available_briefings(directory: Path) -> dict[str, Path]:
    """Storyboard files by stem (`default` → default.json), sorted, the default first.

    A `?briefing=` value is only ever looked up here, never joined onto a path, so a URL cannot
    reach a file outside the briefings folder.
    """
    files = {path.stem: path for path in sorted(directory.glob("*.json"))}
    return dict(sorted(files.items(), key=lambda item: (item[0] != DEFAULT_STEM, item[0])))


def resolve_briefing(raw: str | None, available: Mapping[str, Path]) -> tuple[str, str | None]:
    """The storyboard stem a `?briefing=` value asks for, with a notice when it names none."""
    if raw is None or raw == DEFAULT_STEM:
        return DEFAULT_STEM, None
    if raw in available:
        return raw, None
    return DEFAULT_STEM, (f"There is no storyboard “{markup.quoted_input(raw)}”; "
                          "the default briefing is shown.")


BUILDER_ROWS = 12
"""Scenes the builder lists at once, around the one on show: each row is five widgets, so a
list of every scene made each step cost as much as the storyboard is long."""


def builder_rows(count: int, index: int, rows: int = BUILDER_ROWS) -> range:
    """The scenes (0-based) the builder lists: all of a short storyboard; of a long one, `rows`
    around scene `index`, kept whole at either end."""
    if count <= rows:
        return range(count)
    first = min(max(index - rows // 2, 0), count - rows)
    return range(first, first + rows)


def parse_scene_param(raw: str | None, count: int) -> tuple[int, str | None]:
    """The 0-based scene a 1-based `?scene=` value asks for, with a notice when it cannot be used.

    Anything but a whole number from 1 to `count` opens the first scene and says why; a number
    of more than nine digits is none (and `int` refuses over 4,300: a ValueError, not a notice).
    """
    if raw is None:
        return 0, None
    if raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= count:
        return int(raw) - 1, None
    if count == 0:
        return 0, (f"Scene “{markup.quoted_input(raw)}” cannot be shown: "
                   "this storyboard has no scenes.")
    return 0, (f"There is no scene “{markup.quoted_input(raw)}”: scenes run from 1 to {count}. "
               "Scene 1 is shown.")


def scene_params(index: int, stem: str) -> dict[str, str]:
    """The query parameters that reopen this scene: `scene` (1-based), `briefing` if not default."""
    params = {"scene": str(index + 1)}
    if stem != DEFAULT_STEM:
        params["briefing"] = stem
    return params


@dataclass(frozen=True)
class BuilderForm:
    """What the builder's fields hold: read from the widgets before an action, written back after
    it, so the rules for what the fields show live here and not in widget callbacks."""

    title: str = ""
    layers: tuple[str, ...] = ()
    highlight: tuple[str, ...] = ()
    frame: str = FRAME_CHOICES[0]
    paragraphs: tuple[str, ...] = ()
    sentences: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Chosen sentence indexes by paragraph id; only paragraphs in `paragraphs` count."""
    notes: str = ""
    date: str = ""
    """The new scene's date as typed (`typed_date` reads it); empty for none."""
    view: Bounds | None = None
    """What the page's map shows now, for "the map's view as it is now" (`edit.view_bounds`)."""

    def passages(self) -> tuple[PassageRef, ...]:
        """The chosen sentences, paragraph by paragraph in the order picked, each in text order."""
        return tuple(PassageRef(pid, sentence) for pid in self.paragraphs
                     for sentence in sorted(self.sentences.get(pid, ())))

    def cleared(self) -> BuilderForm:
        """The form once its scene is added: ready for the next scene's title, date, passages and
        notes, while the layers, highlight and frame stay (the next scene is often a close
        neighbour; a date carried over unseen would change what its map draws)."""
        return dataclasses.replace(self, title="", paragraphs=(), sentences={}, notes="",
                                   date="")


def _problems_heading(name: str) -> str:
    return f"“{name}” has problems; everything else was loaded:"


@dataclass(frozen=True)
class Session:
    """One tab's Briefing page: the working storyboard, the scene on show, what to tell the user.

    `revision` changes with every new storyboard, so the page can key widgets that show a
    scene's stored text (its notes box) by it and have them start from the new text.
    """

    board: Storyboard
    index: int = 0
    stem: str = DEFAULT_STEM
    """The file the storyboard came from: names the downloads and goes in the address."""
    edited: bool = False
    """True once the storyboard differs from its file (an edit or an upload)."""
    issues_heading: str = ""
    issues: tuple[str, ...] = ()
    """Problems of the file or upload loaded last, under `issues_heading`."""
    notices: tuple[str, ...] = ()
    """What could not be used in the address the page was opened with."""
    upload_error: str | None = None
    builder_error: str | None = None
    date_error: str | None = None
    """Why the date last typed for the scene on show was not taken (its date is unchanged)."""
    builder_open: bool = False
    """The builder stays unfolded once used: every builder action reruns the page, which must
    not fold away what the user is working in."""
    layers_chosen: bool = False
    """The user picked the builder's layers: from then on they stay instead of following the
    scene on show."""
    handouts_of: Storyboard | None = None
    """The storyboard the handouts were last prepared for: drawing every scene into a PDF and an
    HTML file is slow, so they are made only when asked for, and offered only while the
    storyboard is still that one."""
    revision: int = 0

    # --- starting and loading -----------------------------------------------------------------

    @classmethod
    def start(cls, briefing: str | None, scene: str | None, files: Mapping[str, Path],
              catalog: Catalog, article: Article) -> Session:
        """The session an address opens: its `?briefing=` file on its `?scene=` scene, with a
        notice for each value that cannot be used."""
        stem, notice = resolve_briefing(briefing, files)
        opened = cls(Storyboard(UNTITLED, "", ())).open_file(stem, files, catalog, article)
        index, scene_notice = parse_scene_param(scene, len(opened.board.scenes))
        return dataclasses.replace(opened, index=index,
                                   notices=tuple(n for n in (notice, scene_notice) if n))

    @classmethod
    def joining(cls, board: Storyboard, stem: str, index: int) -> Session:
        """The session of a window that joins a presentation (`layers.briefing.rooms`): the
        room's storyboard, which may be in no file yet, on the room's scene."""
        return dataclasses.replace(cls(board), stem=stem).go(index)

    def open_file(self, stem: str, files: Mapping[str, Path], catalog: Catalog,
                  article: Article) -> Session:
        """Start over from a storyboard file on its first scene, listing any problems it has."""
        # read when called, not imported: tests point the default at a folder of their own
        path = files.get(stem, storyboard_files.DEFAULT_STORYBOARD)
        board, issues = load_storyboard(path, catalog, article)
        return dataclasses.replace(self._use(board, 0, edited=False), stem=stem,
                                   issues_heading=_problems_heading(f"{stem}.json"),
                                   issues=listed(issues))

    def upload(self, name: str, data: bytes, catalog: Catalog, article: Article) -> Session:
        """Load an uploaded storyboard, or say why not and keep the current one untouched.

        A file with some bad scenes still loads the good ones (and lists the bad); one with no
        usable scene would leave nothing to show, so it changes nothing but the list.
        """
        if len(data) > MAX_UPLOAD_BYTES:
            return dataclasses.replace(self, upload_error=(
                f"“{name}” is {len(data) / 1_000_000:.1f} MB; a storyboard may be at most "
                f"{MAX_UPLOAD_MB} MB. Nothing was loaded: your current storyboard is unchanged."))
        loaded, issues = parse_storyboard(data, catalog, article)
        if not loaded.scenes and not issues:  # a well-formed file that lists no scene at all
            return dataclasses.replace(self, upload_error=(
                f"“{name}” holds no scenes. Nothing was loaded: your current storyboard is "
                "unchanged."))
        if not loaded.scenes:
            return dataclasses.replace(
                self, upload_error=None, issues=listed(issues),
                issues_heading=(f"“{name}” has no scene that can be shown, so your current "
                                "storyboard is unchanged:"))
        return dataclasses.replace(self._use(loaded, 0), upload_error=None,
                                   issues_heading=_problems_heading(name), issues=listed(issues))

    def recheck(self, catalog: Catalog, article: Article) -> Session:
        """The storyboard read again against the layers as they are now, when a feature or a
        layer it names has gone since (a briefer's own, deleted on the My layers page): what
        is gone leaves its scenes, which say so, instead of breaking the page."""
        ids = {props["id"] for _, props, _ in catalog.features}
        layer_ids = {layer.id for layer in catalog.layers}
        named = {fid for scene in self.board.scenes
                 for fid in (*scene.highlight, *scene.frame_features)}
        used = {lid for scene in self.board.scenes for lid in scene.layers}
        if named <= ids and used <= layer_ids:
            return self
        loaded, issues = parse_storyboard(storyboard_to_json(self.board), catalog, article)
        return dataclasses.replace(self._use(loaded, self.index),
                                   issues_heading="Some places or layers of this storyboard "
                                                  "are no longer on the map:",
                                   issues=listed(issues))

    # --- stepping through ---------------------------------------------------------------------

    @property
    def current(self) -> Scene | None:
        """The scene on show; None when the storyboard has no scenes."""
        return self.board.scenes[self.index] if self.board.scenes else None

    def go(self, target: int) -> Session:
        """Show scene `target`, stopping at the first and the last (a date refused for the scene
        that was on show is no longer the matter)."""
        return dataclasses.replace(self, index=self._clamp(self.board, target), date_error=None)

    def url_params(self) -> dict[str, str]:
        """The address that reopens the scene on show; none while there is no scene."""
        return scene_params(self.index, self.stem) if self.board.scenes else {}

    def dismiss_notices(self) -> Session:
        return dataclasses.replace(self, notices=())

    def dismiss_issues(self) -> Session:
        return dataclasses.replace(self, issues_heading="", issues=())

    # --- the builder: editing the scenes ------------------------------------------------------

    def builder_used(self) -> Session:
        return dataclasses.replace(self, builder_open=True)

    def show(self, at: int) -> Session:
        """The builder's Show button: that scene, builder kept open."""
        return self.builder_used().go(at)

    def move(self, at: int, offset: int) -> Session:
        """Move scene `at` by `offset` places and show it where it lands."""
        if not self._has(at):
            return self.builder_used()
        moved = move_scene(self.board, at, offset)
        return self.builder_used()._use(moved, at + offset)

    def delete(self, at: int) -> Session:
        """Delete scene `at`, keeping the same scene on show when it was after the deleted one
        (the one after it, or the new last, when it was the deleted one itself)."""
        if not self._has(at):
            return self.builder_used()
        shown = self.index - 1 if at < self.index else self.index
        return self.builder_used()._use(remove_scene(self.board, at), shown)

    def save_notes(self, at: int, notes: str) -> Session:
        """New speaker notes for scene `at`, which stays on show."""
        if not self._has(at):
            return self.builder_used()
        return self.builder_used()._use(with_notes(self.board, at, notes), at)

    def save_date(self, at: int, text: str) -> Session:
        """A new date for scene `at` as typed (empty: undated), which stays on show; a date that
        is not one leaves the scene's date as it was and says why."""
        if not self._has(at):
            return self.builder_used()
        date, problem = typed_date(text)
        if problem is not None:
            return dataclasses.replace(self.builder_used(), date_error=problem)
        if date == self.board.scenes[at].date:
            return dataclasses.replace(self.builder_used(), date_error=None)
        return self.builder_used()._use(with_date(self.board, at, date), at)

    # --- the builder: a new scene -------------------------------------------------------------

    def following_layers(self) -> tuple[str, ...] | None:
        """What the builder's Layers box shows this run: the scene on show's layers, so a new
        scene starts like its neighbour, until the user picks (then None: their choice holds)."""
        if self.layers_chosen:
            return None
        return self.current.layers if self.current else ()

    def choose_layers(self) -> Session:
        return dataclasses.replace(self, builder_open=True, layers_chosen=True)

    def copy_view(self, form: BuilderForm) -> tuple[Session, BuilderForm]:
        """Fill the builder with the scene on show's layers and highlighted features."""
        if self.current is None:
            return self.builder_used(), form
        copied = dataclasses.replace(form, layers=self.current.layers,
                                     highlight=self.current.highlight)
        return self.choose_layers(), copied

    def add_scene(self, form: BuilderForm, catalog: Catalog) -> tuple[Session, BuilderForm]:
        """Add the builder's scene after the one on show (first, into an empty storyboard) and
        show it, clearing the fields it used; or say what is missing and change nothing else."""
        used = self.builder_used()
        title = form.title.strip()
        bounds, reason = builder_frame(form.frame, catalog, form.highlight, form.layers,
                                       self.current, form.view)
        date, date_wrong = typed_date(form.date)
        if date_wrong:
            reason = date_wrong
        if not title:
            reason = NO_TITLE
        if len(self.board.scenes) >= MAX_SCENES:
            reason = (f"This storyboard has {MAX_SCENES} scenes, the most one can hold: delete "
                      "one first, or save this storyboard and load another.")
        if reason or bounds is None:
            return dataclasses.replace(used, builder_error=reason), form
        scene = scene_from_view(title, bounds, form.layers, form.highlight, form.passages(),
                                form.notes, date)
        at = self.index + 1 if self.board.scenes else 0
        added = used._use(add_scene(self.board, scene, at=at), at)
        return dataclasses.replace(added, builder_error=None), form.cleared()

    # --- handouts -----------------------------------------------------------------------------

    def prepare_handouts(self) -> Session:
        return dataclasses.replace(self, handouts_of=self.board)

    @property
    def handouts_ready(self) -> bool:
        """Whether to offer the handouts: prepared for this very storyboard, which has scenes."""
        return bool(self.board.scenes) and self.handouts_of == self.board

    # --- helpers ------------------------------------------------------------------------------

    def _use(self, board: Storyboard, index: int, *, edited: bool = True) -> Session:
        """`board` as the working storyboard, showing scene `index` clamped to its scenes."""
        return dataclasses.replace(self, board=board, index=self._clamp(board, index),
                                   edited=edited, revision=self.revision + 1, date_error=None)

    def _has(self, at: int) -> bool:
        return 0 <= at < len(self.board.scenes)

    @staticmethod
    def _clamp(board: Storyboard, index: int) -> int:
        return max(0, min(index, len(board.scenes) - 1))
