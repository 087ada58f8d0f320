"""Where everything on the map comes from: the article's references and the datasets.

Two questions a briefer gets asked: "what does reference [7] support on this map?" and "where
did this line come from, and may I reuse it?". `cited_references` answers the first,
`datasets_frame` the second.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from layers.data.article import Article, Reference
from layers.data.catalog import Catalog
from layers.data.mentions import MentionIndex
from layers.html import markup
from layers.html.card import readable_date
from layers.html.references import map_link, reference_anchor, reference_html

CITES = "cites"
NAMED = "named"
"""How a feature relates to a reference: its `citations` list it, or a sentence naming the feature
carries the reference's marker."""

DATASET_COLUMNS = ("name", "version", "licence", "home", "via", "derived", "features")


@dataclass(frozen=True)
class CitingFeature:
    """A feature that rests on a reference, and why we say so."""

    id: str
    name: str
    layer_title: str
    how: str  # CITES or NAMED (CITES wins when both hold)


@dataclass(frozen=True)
class CitedReference:
    """One of the article's references with the features that rest on it."""

    reference: Reference
    features: tuple[CitingFeature, ...]


def cited_references(article: Article, catalog: Catalog, index: MentionIndex
                     ) -> list[CitedReference]:
    """Every reference, in number order, with its features in registry order.

    The same rule as the feature card: a feature rests on [n] if it cites [n] itself or if a
    sentence that names it carries [n], so the two views never disagree.
    """
    named: dict[int, set[str]] = {}
    for mention in index.mentions:
        for number in mention.citations:
            named.setdefault(number, set()).add(mention.feature_id)
    result = []
    for reference in article.references:
        features: list[CitingFeature] = []
        seen: set[str] = set()
        for layer, props, _ in catalog.features:
            ident = props.get("id")
            if not isinstance(ident, str) or ident in seen:
                continue
            if reference.number in (props.get("citations") or []):
                how = CITES
            elif ident in named.get(reference.number, set()):
                how = NAMED
            else:
                continue
            seen.add(ident)
            features.append(CitingFeature(ident, str(props.get("name", ident)), layer.title, how))
        result.append(CitedReference(reference, tuple(features)))
    return result


_HOW = {CITES: "cites this reference", NAMED: "named in a sentence citing it"}


def cited_reference_html(cited: CitedReference) -> str:
    """A reference with its working link and its features, each linking to the Map page."""
    t = markup.text
    number = cited.reference.number
    parts = [f'<div class="cited-ref" id="{reference_anchor(number)}">',
             f"<p>{reference_html(cited.reference)}</p>"]
    if not cited.features:
        parts.append("<p><small>No feature on the map rests on this reference.</small></p>")
    else:
        parts.append('<ul class="ref-features">')
        for feature in cited.features:
            parts.append(
                f'<li><a href="{t(map_link(feature.id))}" target="_self" '
                f'data-feature="{t(feature.id)}">{t(feature.name)}</a> '
                f"<small>· {t(feature.layer_title)} · {t(_HOW[feature.how])}</small></li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _users(catalog: Catalog) -> dict[str, int]:
    """How many features list each source id."""
    users: dict[str, int] = {}
    for _, props, _ in catalog.features:
        for source in props.get("sources") or []:
            users[source] = users.get(source, 0) + 1
    return users


def datasets_frame(catalog: Catalog) -> pd.DataFrame:
    """The datasets of the provenance registry as a table, with how many features use each.

    Statements and pages have tables of their own (`statements_html`, `pages_frame`): what a
    reader checks about them (the words, the address) is not a dataset's version or licence."""
    users = _users(catalog)
    rows = [
        {
            "name": entry["name"],
            "version": entry.get("version", ""),
            "licence": entry.get("licence", ""),
            "home": entry.get("home"),
            "via": entry.get("via", ""),
            "derived": entry.get("derived", ""),
            "features": users.get(ident, 0),
        }
        for ident, entry in catalog.sources.items() if entry.get("kind", "dataset") == "dataset"
    ]
    return pd.DataFrame(rows, columns=list(DATASET_COLUMNS))


PAGE_COLUMNS = ("name", "place", "as_published", "address", "via", "features")


def pages_frame(catalog: Catalog) -> pd.DataFrame:
    """The pages a position or a date was read on: what, where, as published, with the address
    opened, one row per address."""
    users = _users(catalog)
    rows = []
    for ident, entry in catalog.sources.items():
        if entry.get("kind") != "page":
            continue
        for page in entry.get("pages") or [{}]:
            rows.append({
                "name": entry["name"],
                "place": entry.get("place", ""),
                "as_published": (entry.get("coordinates") or {}).get("as_published", ""),
                "address": page.get("url"),
                "via": entry.get("via", ""),
                "features": users.get(ident, 0),
            })
    return pd.DataFrame(rows, columns=list(PAGE_COLUMNS))


USER_SOURCE_COLUMNS = ("layer", "how", "said", "features")


def user_sources_frame(catalog: Catalog) -> pd.DataFrame:
    """The briefer's own sources, one per layer of My layers: how it came (an upload, a
    drawing), what they said it comes from, as typed, and how many features rest on it. Listed
    apart from ours: nothing in them was checked by this app."""
    users = _users(catalog)
    titles = {layer.id: layer.title for layer in catalog.layers}  # a user source is its layer's
    rows = [{"layer": titles.get(ident, ident), "how": entry["name"],
             "said": entry.get("said", ""), "features": users.get(ident, 0)}
            for ident, entry in catalog.sources.items() if entry.get("kind") == "user"]
    return pd.DataFrame(rows, columns=list(USER_SOURCE_COLUMNS))


def statements_html(catalog: Catalog) -> str:
    """Every registered statement with its words as read and where it was read, grouped by who
    made it and in date order, both sides alike."""
    t = markup.text
    statements = [entry for entry in catalog.sources.values() if entry.get("kind") == "statement"]
    statements.sort(key=lambda entry: (str(entry.get("by")), str(entry.get("date")),
                                       str(entry.get("time") or "")))
    parts = []
    by = None
    for entry in statements:
        if entry.get("by") != by:
            if by is not None:
                parts.append("</ul>")
            by = entry.get("by")
            parts.append(f"<h3>{t(by)}</h3><ul class=\"statements\">")
        when = " · ".join(t(v) for v in (readable_date(str(entry.get("date"))), entry.get("time"))
                          if v)
        words = "".join(f'<q class="claim-words">{t(w)}</q>' for w in entry.get("words") or [])
        links = ", ".join(f'<a href="{t(page["url"])}" target="_blank" '
                          f'rel="noopener noreferrer">{t(page["title"])}</a>'
                          for page in entry.get("pages") or [])
        parts.append(f'<li><b>{t(entry["name"])}</b><br><small class="claim-when">{when}</small>'
                     f"{words}<small>Read on: {links or 'no page held'} · {t(entry.get('via', ''))}"
                     "</small></li>")
    if by is not None:
        parts.append("</ul>")
    return "".join(parts)
