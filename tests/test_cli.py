"""`python -m layers`: the check that guards geodata/, and the mention index export.

Most tests call `main()` in-process on the fixture directory; the first runs the real command on
the repository's own data, exactly as `make check` and CI do.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import layers
from layers.cli import main
from layers.data.mentions import INDEX_COLUMNS


def test_check_passes_on_the_repository_data() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "layers", "check"],
        cwd=layers.ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("check passed: no problems")


def test_check_summarises_layers_sizes_and_mention_coverage(
    fixture_geodata: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--geodata", str(fixture_geodata)]) == 0
    borders = (fixture_geodata / "borders.geojson").stat().st_size
    events = (fixture_geodata / "september-2022.geojson").stat().st_size
    assert capsys.readouterr().out.splitlines() == [
        "2 layers, 2 sources in sources.json",
        f"  borders            4 features  {borders:>9,} bytes",
        f"  september-2022     4 features  {events:>9,} bytes",
        "mention coverage: 6/8 features are referred to by the article",
        "check passed: no problems",
    ]


def test_check_lists_every_problem_on_its_own_line_and_exits_1(
    geodata_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    geodata = geodata_copy
    path = geodata / "borders.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    armenia = collection["features"][0]["properties"]
    armenia["citations"] = [12]
    armenia["sources"] = ["somewhere"]
    path.write_text(json.dumps(collection), encoding="utf-8")

    assert main(["check", "--geodata", str(geodata)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "check failed: 3 problems",
        "[borders] armenia.supports: says nothing of cited reference [12]: note what supports "
        "this",
        "[borders] armenia.citations[0]: [12] is not one of the article's references [1]–[11]",
        "[borders] armenia.sources[0]: 'somewhere' is not an id in sources.json nor 'article [n]'",
    ]


def test_check_reports_an_unloadable_file_as_a_problem_not_a_traceback(
    geodata_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    geodata = geodata_copy
    (geodata / "september-2022.geojson").unlink()
    assert main(["check", "--geodata", str(geodata)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "check failed: 1 problem",
        "[september-2022.geojson] file does not exist",
    ]


def test_index_as_json_is_a_list_of_rows(
    fixture_geodata: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "--format", "json", "--geodata", str(fixture_geodata)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all(tuple(row) == INDEX_COLUMNS for row in rows)
    assert rows[0] == {
        "feature_id": "armenia", "name": "Armenia", "layer": "borders", "paragraph": "p1",
        "sentence": 0, "phrase": "Armenia", "citations": [],
    }


def test_index_as_csv_has_a_header_and_joins_citations_with_semicolons(
    fixture_geodata: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["index", "--format", "csv", "--geodata", str(fixture_geodata)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(INDEX_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(out)))
    baku_in_p2 = next(r for r in rows if r["feature_id"] == "baku" and r["paragraph"] == "p2")
    assert baku_in_p2 == {
        "feature_id": "baku", "name": "Baku", "layer": "september-2022", "paragraph": "p2",
        "sentence": "3", "phrase": "Baku", "citations": "2;3",
    }


def test_json_is_the_default_index_format(
    fixture_geodata: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "--geodata", str(fixture_geodata)]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "command" in capsys.readouterr().err
