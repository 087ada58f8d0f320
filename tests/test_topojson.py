"""TopoJSON decoding, written once for the geodata build and the basemap: arcs and stitching."""

from __future__ import annotations

from layers.build.topojson import arc_ids, decode_arcs, stitch

# Two unit squares side by side sharing the edge x=1, the way TopoJSON stores them.
ARCS = [
    [(1.0, 0.0), (1.0, 1.0)],  # 0: the shared edge, upwards
    [(1.0, 1.0), (0.0, 1.0), (0.0, 0.0), (1.0, 0.0)],  # 1: the west square's coast
    [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0)],  # 2: the east square's coast
]


def test_arcs_are_delta_decoded_and_unquantised() -> None:
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
                "arcs": [[[0, 0], [2, 4], [-1, 0]]]}  # fmt: skip
    assert decode_arcs(topology) == [[(10.0, 20.0), (11.0, 21.0), (10.5, 21.0)]]


def test_arcs_without_a_transform_are_absolute() -> None:
    assert decode_arcs({"arcs": [[[1, 2], [3, 4]]]}) == [[(1.0, 2.0), (3.0, 4.0)]]


def test_a_ring_keeps_each_joining_vertex_once() -> None:
    assert stitch([0, 1], ARCS) == [(1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0), (1.0, 0.0)]


def test_a_negative_reference_runs_its_arc_backwards() -> None:
    """~0 (that is, -1) is arc 0 reversed: the east square walks the shared edge downwards."""
    assert stitch([2, ~0], ARCS) == [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 0.0)]


def test_only_the_arcs_needed_may_be_given() -> None:
    """The geodata build stitches countries from a mapping of its simplified arcs."""
    assert stitch([2, ~0], {0: ARCS[0], 2: ARCS[2]}) == stitch([2, ~0], ARCS)


def test_arc_ids_finds_every_arc_of_nested_references() -> None:
    multipolygon = [[[0, 1]], [[2, ~0]]]
    assert arc_ids(multipolygon) == {0, 1, 2}
    assert arc_ids([]) == set()
