"""TopoJSON arcs decoded to longitude/latitude (the spec is small; a dependency would be bigger).

Both geodata builds read Natural Earth as TopoJSON from npm packages: `geodata/build` for the
layers, `layers/basemap_build.py` for the background.
"""

from __future__ import annotations


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
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
