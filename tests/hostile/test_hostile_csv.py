"""CSV formula injection (issue 15, defect 7): a cell a spreadsheet would run — an alias
`=HYPERLINK(…)`, a name `@SUM(…)` — is written with a leading single quote, as OWASP
recommends, in the Data page's CSV and in the workspace's CSV export. Numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from shapely.geometry import Point

from hostile.corpus import CSV_FORMULAS
from layers.data.mentions import build_index
from layers.data.tables import csv_bytes, spreadsheet_safe
from layers.workspace.store import open_workspace, user_source


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("formula", CSV_FORMULAS)
def test_the_data_page_csv_quotes_a_formula_in_a_name_or_alias(catalog, with_properties,
                                                               article, formula):
    poisoned = with_properties(catalog, "baku", name=formula, aliases=[formula])
    written = rows(csv_bytes(list(poisoned.features), build_index(article, poisoned)))
    (baku,) = [row for row in written if row["id"] == "baku"]
    assert baku["name"] == f"'{formula}" and baku["aliases"] == f"'{formula}"


@pytest.mark.parametrize("formula", [f for f in CSV_FORMULAS if "http" not in f])  # no URLs
def test_the_workspace_csv_quotes_a_formula_in_any_text_column(tmp_path, formula):
    ws = open_workspace(tmp_path / "workspace.gpkg")
    layer = ws.create_layer(formula, user_source("x.csv", said=formula))
    ws.add_features(layer, [({"id": "my-x", "name": formula, "aliases": [], "category": "place",
                              "description": formula, "article": [], "citations": [],
                              "sources": [layer], "precision": "approximate",
                              "derivation": "A test."}, Point(45.1, 40.2))])
    (row,) = rows(ws.export_csv())
    assert row["name"] == row["description"] == row["layer_title"] == f"'{formula}"
    assert row["wkt"].startswith("POINT")


def test_numbers_stay_numbers_and_plain_text_is_untouched():
    frame = pd.DataFrame({"value": [-3.5, 2.0], "mixed": [-1, "-1"], "name": ["Baku", "-x"]})
    safe = spreadsheet_safe(frame)
    assert safe["value"].tolist() == [-3.5, 2.0]
    assert safe["mixed"].tolist() == [-1, "'-1"]  # the number stays, the text is quoted
    assert safe["name"].tolist() == ["Baku", "'-x"]
    assert frame["name"].tolist() == ["Baku", "-x"]  # the caller's frame is left alone
