"""`make geodata`: recipes + pinned datasets -> geodata/<layer>.geojson, layers.json, sources.json.

Run as `python geodata/build/build.py [--out DIR] [--no-simplify]`. Output is byte-for-byte
deterministic (sorted nothing, rounded everything, one feature per line) so `git diff` shows exactly
what a recipe change moved. A layer whose recipe file does not exist yet is skipped with a note.
`--no-simplify` ignores every recipe's `simplify` and leaves coordinates unrounded: the full-detail
baseline `bench/map_payload.py` measures the shipped files against; never build it into geodata/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers import ROOT
from layers.build.geodata import datasets, registry
from layers.build.geodata.geometry import DECIMALS, to_geojson
from layers.build.geodata.recipe import BuildError, Resolver, build_layer, read_recipe
from layers.data.article import load_article

RECIPES = ROOT / "geodata" / "build" / "recipes"
OUT = ROOT / "geodata"


def dumps_collection(features: list[dict], decimals: int | None = DECIMALS) -> str:
    """A FeatureCollection as text: one feature per line, keys in recipe order, UTF-8 names."""
    lines = [
        json.dumps(
            {
                "type": "Feature",
                "properties": f["properties"],
                "geometry": to_geojson(f["geometry"], decimals),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for f in features
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def dumps_document(document: dict) -> str:
    """layers.json / sources.json text: indented for reading and review."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def check_unique(layers: dict[str, list[dict]]) -> None:
    """Ids and aliases are unique across every layer (URLs and search depend on it)."""
    ids: dict[str, str] = {}
    aliases: dict[str, str] = {}
    problems = []
    for layer, features in layers.items():
        for feature in features:
            props = feature["properties"]
            owner = f"{layer}.json: feature {props['id']}"
            if props["id"] in ids:
                problems.append(f"{owner}: id already used in {ids[props['id']]}")
            ids.setdefault(props["id"], f"{layer}.json")
            for alias in props["aliases"]:
                key = alias.casefold()
                if key in aliases and aliases[key] != props["id"]:
                    problems.append(f"{owner}: alias {alias!r} already used by {aliases[key]}")
                aliases.setdefault(key, props["id"])
    if problems:
        raise BuildError("\n".join(problems))


def build(
    recipes_dir: Path = RECIPES,
    out_dir: Path = OUT,
    data: datasets.Datasets | None = None,
    full_detail: bool = False,
) -> dict[str, list[dict]]:
    """Build every layer that has a recipe, write all outputs, and return the features by layer.

    A layer whose recipe has errors is not written (its previous file stays); all errors of all
    layers are collected and raised together once the good layers are written. `full_detail`
    skips simplification and rounding (see the module docstring).
    """
    data = data or datasets.load()
    resolver = Resolver(data, full_detail=full_detail)
    article = load_article()
    source_ids = {s["id"] for s in registry.SOURCES}
    built: dict[str, list[dict]] = {}
    errors: list[str] = []
    for layer in registry.LAYERS:
        path = recipes_dir / f"{layer['id']}.json"
        if not path.exists():
            print(f"note: no recipe {path.name} yet; layer {layer['id']} skipped")
            continue
        try:
            built[layer["id"]] = build_layer(read_recipe(path), resolver, article, source_ids)
        except BuildError as error:
            errors.append(str(error))
    try:
        check_unique(built)
    except BuildError as error:
        errors.append(str(error))
        built = {}

    out_dir.mkdir(parents=True, exist_ok=True)
    used_by: dict[str, list[str]] = {}
    for layer, features in built.items():
        text = dumps_collection(features, None if full_detail else DECIMALS)
        (out_dir / f"{layer}.geojson").write_text(text, encoding="utf-8")
        for source in sorted({s for f in features for s in f["properties"]["sources"]}):
            used_by.setdefault(source, []).append(layer)
    present = {
        layer["id"] for layer in registry.LAYERS if (out_dir / f"{layer['id']}.geojson").exists()
    }
    (out_dir / "layers.json").write_text(dumps_document(registry.layers_document(present)), "utf-8")
    (out_dir / "sources.json").write_text(
        dumps_document(registry.sources_document(used_by)), "utf-8"
    )
    if errors:
        raise BuildError("\n".join(errors))
    return built


def main(argv: list[str] | None = None) -> int:
    """CLI entry: build into --out, print per-layer sizes; exit 1 on a recipe error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-simplify", action="store_true",
                        help="full-detail baseline: no simplification, no rounding")
    args = parser.parse_args(argv)
    if args.no_simplify and args.out.resolve() == OUT.resolve():
        parser.error("--no-simplify is a benchmark baseline; give it an --out other than geodata/")
    try:
        built = build(out_dir=args.out, full_detail=args.no_simplify)
    except BuildError as error:
        print(f"geodata build error: {error}", file=sys.stderr)
        return 1
    for layer, features in built.items():
        size = (args.out / f"{layer}.geojson").stat().st_size
        print(f"{layer}.geojson: {len(features)} features, {size:,} bytes")
    return 0

