"""How a scene reads on the Briefing page: its passages, citations and notes as HTML, and the
script that turns the arrow keys into the previous/next buttons.

Everything a storyboard carries (titles, notes) may come from an uploaded file, so all text is
escaped. Passages are quoted exactly as the article has them: the sentence text is escaped, never
reworded. What the page does on a click (and what the address asks for) is `session`'s.
"""

from __future__ import annotations

import json
from pathlib import Path

from layers.briefing.storyboard import PassageRef, Scene, passage_text, scene_citations
from layers.data.article import Article
from layers.html import markup
from layers.html.references import paragraph_link, references_html

KEYS_SCRIPT = Path(__file__).with_name("templates") / "keys.js"
CLOCK_SCRIPT = Path(__file__).with_name("templates") / "clock.js"
SCROLL_TOP_SCRIPT = Path(__file__).with_name("templates") / "scroll_top.js"
PREV_KEY, NEXT_KEY = "briefing-prev", "briefing-next"
"""Widget keys of the previous/next buttons; the keyboard script finds them by these."""
IN_APP_LINK_TITLE = "Paragraph {number} on the Article page (opens in a new tab)"
"""The title of a passage's link: in-app links leave the Briefing tab alone (see `passage_html`)."""


def passage_html(ref: PassageRef, article: Article) -> str:
    """One sentence quoted exactly, with a link to its paragraph on the Article page.

    The link is relative (`article?paragraph=p5`), like the feature card's, so it works from
    any page of the app and under a base path. It opens in a new tab: the working storyboard
    lives in this tab's session, and following a link in the same tab would start a new session
    and lose every unsaved edit. Its title says so, so the new tab is no surprise.
    """
    number = article.paragraph(ref.paragraph).number
    link = markup.text(paragraph_link(ref.paragraph))
    return (
        f'<blockquote class="passage">{markup.text(passage_text(ref, article))}<br>'
        f'<small><a href="{link}" target="_blank" rel="noopener" '
        f'title="{IN_APP_LINK_TITLE.format(number=number)}">¶ {number}</a></small></blockquote>'
    )


def passages_html(scene: Scene, article: Article) -> str:
    """Every passage of the scene, in the storyboard's order."""
    return "".join(passage_html(ref, article) for ref in scene.passages)


def citations_html(scene: Scene, article: Article) -> str:
    """The scene's references in full, each with its working link; empty when it cites none."""
    return references_html(article.reference(n) for n in scene_citations(scene, article))


def notes_html(notes: str) -> str:
    """Speaker notes as escaped text that keeps its line breaks."""
    return f'<div class="notes">{markup.text(notes)}</div>'


def keyboard_script(prev_key: str = PREV_KEY, next_key: str = NEXT_KEY,
                    exit_key: str | None = None) -> str:
    """A script for `st.iframe` that turns ← and → into the previous/next buttons; Page Up and
    Page Down too (what a presentation clicker sends), and, when presenting (`exit_key`), the
    space bar steps on and Esc leaves.

    (`st.iframe` replaces the deprecated `st.components.v1.html`: the same same-origin iframe.)
    It runs in that iframe and listens on the parent page, so the arrows work wherever
    the focus is on the page — except while someone types (a text box, a search field, an
    editable region), or holds a modifier key, so that arrows keep moving the caret. The handler
    is stored on the parent window and replaced on each load, so reruns never stack listeners.
    Streamlit marks a keyed widget's container with the class `st-key-<key>`, which is how the
    buttons are found. The script is `templates/keys.js`.
    """
    source = KEYS_SCRIPT.read_text(encoding="utf-8")
    if "<" in source:
        raise ValueError(f"{KEYS_SCRIPT} must hold no '<' (an HTML sanitiser would drop it)")
    mapping = {"ArrowLeft": prev_key, "ArrowRight": next_key, "PageUp": prev_key,
               "PageDown": next_key}
    if exit_key is not None:
        mapping |= {" ": next_key, "Escape": exit_key}
    keys = json.dumps(mapping).replace("<", "\\u003c")
    return f"<script>{source.replace('__KEYS__', keys, 1)}</script>"


def clock_script(started: float) -> str:
    """A page for `st.iframe` with the presenter's clock: the time of day and how long the
    presentation has run, from `started` (seconds since the epoch, the room's); ticks in the
    browser, so it costs the server nothing."""
    source = CLOCK_SCRIPT.read_text(encoding="utf-8")
    if "<" in source:
        raise ValueError(f"{CLOCK_SCRIPT} must hold no '<' (an HTML sanitiser would drop it)")
    script = source.replace("__STARTED__", json.dumps(float(started)), 1)
    return ('<div id="clock" style="font: 600 28px/1.2 \'Source Sans Pro\', sans-serif; '
            'color: #111; background: #fff; display: inline-block; padding: 2px 10px; '
            'border-radius: 4px;"></div>' f"<script>{script}</script>")


def scroll_top_script() -> str:
    """A page for `st.iframe` that scrolls the Briefing page to its top (templates/scroll_top.js):
    shown once after the builder adds a scene, so the new scene is what the briefer sees."""
    source = SCROLL_TOP_SCRIPT.read_text(encoding="utf-8")
    if "<" in source:
        raise ValueError(f"{SCROLL_TOP_SCRIPT} must hold no '<' (an HTML sanitiser would drop it)")
    return f"<script>{source}</script>"
