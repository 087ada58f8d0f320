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


def datasets_frame(catalog: Catalog) -> pd.DataFrame:
    """The provenance registry as a table, one row per dataset, with how many features use it."""
    users: dict[str, int] = {}
    for _, props, _ in catalog.features:
        for source in props.get("sources") or []:
            users[source] = users.get(source, 0) + 1
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
        for ident, entry in catalog.sources.items()
    ]
    return pd.DataFrame(rows, columns=list(DATASET_COLUMNS))
