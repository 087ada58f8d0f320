"""A briefer's own feature from what they typed: the properties a drawing or an edit gets.

Why here and not in the page: the rules (a drawn point is a `place`, its source as typed goes
into how the geometry was made, an article link names a sentence verbatim, a date is written the
schema's way or refused) are the workspace's, testable without a browser, and the same for the
Map page's drawing form and the My layers page's edit form. The result is checked by the store
(`validate_properties`) before anything is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from layers.data.article import Article
from layers.data.catalog import geometry_kind
from layers.data.schema import PRECISIONS, URL_PATTERN, date_span
from layers.workspace.store import USER_PREFIX, UserLayer, slug
from layers.workspace.upload import CATEGORY_BY_KIND

DRAWN = "Drawn on the map by the user"


class FormError(ValueError):
    """What the briefer typed cannot make a feature; the message says what to change."""


@dataclass(frozen=True)
class Typed:
    """The fields of the drawing and edit forms, as typed."""

    name: str
    description: str = ""
    precision: str = "approximate"
    source: str = ""
    """Where the briefer has it from, in their words (a report, a colleague, a survey)."""
    date: str = ""
    sentences: Sequence[tuple[str, int]] = ()
    """Article sentences the feature is linked to: (paragraph id, sentence index)."""


def sentence_choices(article: Article) -> list[tuple[str, int]]:
    """Every sentence of the article a feature can be linked to, in reading order."""
    return [(paragraph.id, sentence.index) for paragraph in article.paragraphs
            for sentence in paragraph.sentences]


def sentence_label(article: Article, choice: tuple[str, int], width: int = 90) -> str:
    """`¶ 5 · Armenia's Ministry of Defence said…`: a sentence as a list offers it."""
    paragraph = article.paragraph(choice[0])
    text = paragraph.sentences[choice[1]].text
    short = text if len(text) <= width else text[: width - 1].rstrip() + "…"
    return f"¶ {paragraph.number} · {short}"


def drawn_properties(typed: Typed, geometry: BaseGeometry, layer_id: str,
                     article: Article) -> dict:
    """The properties of a feature drawn on the map; FormError if a field cannot be used."""
    props = _typed_properties(typed, article)
    return {
        "id": f"{USER_PREFIX}{slug(typed.name, 'drawing')}",
        **props,
        "aliases": [],
        "category": CATEGORY_BY_KIND[geometry_kind(geometry)],
        "citations": [],
        "sources": [layer_id],
        **_derivation(DRAWN, typed.source),
    }


def edited_properties(props: dict, typed: Typed, article: Article) -> dict:
    """A feature's properties after the edit form: its id, category, sources and geometry stay;
    what was typed replaces the rest. The note of where it came from keeps its first part (how
    the geometry was made) and takes the newly typed source."""
    how = str(props.get("derivation") or DRAWN).split("; source as typed: ")[0]
    changed = {key: value for key, value in props.items() if key not in ("date", "derivation")}
    return {**changed, **_typed_properties(typed, article), **_derivation(how, typed.source)}


def _typed_properties(typed: Typed, article: Article) -> dict:
    name, description = typed.name.strip(), typed.description.strip()
    if not name:
        raise FormError("Give the feature a name.")
    for field, value in (("name", name), ("description", description),
                         ("source", typed.source)):
        if URL_PATTERN.search(value):
            raise FormError(f"The {field} holds a web address, which features here never do: "
                            "name the source in words (who published it, and when).")
    if typed.precision not in PRECISIONS:
        raise FormError(f"Precision is one of: {', '.join(PRECISIONS)}.")
    props: dict = {
        "name": name,
        "description": description or "No description given.",
        "precision": typed.precision,
        "article": [_link(article, choice) for choice in typed.sentences],
    }
    date = typed.date.strip()
    if date:
        if date_span(date) is None:
            raise FormError(f"“{date}” is not a date written YYYY-MM-DD, YYYY-MM or YYYY "
                            "(or FROM/TO for a span); leave it empty if you do not know it.")
        props["date"] = date
    return props


def _derivation(how: str, source: str) -> dict:
    """How the geometry was made, with the briefer's source as typed: every user feature says
    it, whatever its precision, so an audience can tell a sketch from a survey."""
    said = source.strip()
    return {"derivation": f"{how}; source as typed: {said}" if said else f"{how}; no source given"}


def _link(article: Article, choice: tuple[str, int]) -> dict:
    """An article link naming one sentence verbatim (the schema's paragraph + phrase)."""
    pid, index = choice
    try:
        sentence = article.paragraph(pid).sentences[index]
    except (KeyError, IndexError) as error:
        raise FormError(f"The article has no sentence {index + 1} in paragraph {pid}.") from error
    return {"paragraph": pid, "phrase": sentence.text}


def resolved(user_layers: Sequence[UserLayer], article: Article
             ) -> tuple[list[UserLayer], list[str]]:
    """The layers with every citation and article link that names nothing in the article left
    out, and a line for each: a file imported from elsewhere, or an article changed since a
    drawing was linked to it, must not break a card or a page. Nothing is written back."""
    numbers = {reference.number for reference in article.references}
    paragraphs = {paragraph.id: paragraph for paragraph in article.paragraphs}
    kept, said = [], []
    for layer in user_layers:
        features = []
        for feature in layer.features:
            props = feature.properties
            citations = [n for n in props.get("citations") or [] if n in numbers]
            links = [link for link in props.get("article") or []
                     if link.get("paragraph") in paragraphs
                     and link.get("phrase") in paragraphs[link["paragraph"]].text]
            if citations != props.get("citations", []) or links != props.get("article", []):
                said.append(f"{props.get('name')} ({props.get('id')}): a citation or article "
                            "link that names nothing in the article is not shown")
                props = {**props, "citations": citations, "article": links}
            features.append(feature._replace(properties=props))
        kept.append(dataclasses.replace(layer, features=tuple(features)))
    return kept, said
