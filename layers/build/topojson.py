"""TopoJSON decoding, once: arcs to longitude/latitude, and arc references stitched into lines.

Both Natural Earth readers use it: the geodata build (`layers.build.geodata`, countries as shared
arcs) and the offline basemap (`layers.build.basemap`). The spec is small; a dependency would
be bigger than this. Imports nothing from the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

Point2 = tuple[float, float]
Arc = Sequence[Point2]


def decode_arcs(topology: dict) -> list[list[Point2]]:
    """Absolute lon/lat vertices of every arc, undoing quantisation and delta encoding."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch(refs: Iterable[int], arcs: Sequence[Arc] | Mapping[int, Arc]) -> list[Point2]:
    """One ring or line from arc references: a negative reference ~i means arc i reversed.

    Consecutive arcs share their joining vertex, which is kept once. `arcs` may be the decoded
    list or a mapping of only the arcs needed (the geodata build passes simplified arcs).
    """
    points: list[Point2] = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def arc_ids(refs: object) -> set[int]:
    """Every arc (by non-negative index) that nested arc references use, however deep."""
    used: set[int] = set()
    stack = [refs]
    while stack:
        item = stack.pop()
        if isinstance(item, int):
            used.add(item if item >= 0 else ~item)
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return used
