"""Rings crossing ±180° (Natural Earth's Chukotka) become planar shapes inside [-180, 180]."""

from shapely.geometry import box

from layers.build.antimeridian import planar_polygon, unwrap


def test_unwrap_removes_the_jump_between_plus_and_minus_180():
    ring = [(170, 60), (179.9, 60), (-180, 61), (-175, 62), (170, 60)]
    assert unwrap(ring) == [(170, 60), (179.9, 60), (180, 61), (185, 62), (170, 60)]


def test_a_ring_that_never_crosses_is_unchanged():
    ring = [(44, 40), (46, 40), (46, 41), (44, 40)]
    assert unwrap(ring) == ring
    assert planar_polygon(ring).equals(planar_polygon(list(reversed(ring))))


def test_a_crossing_polygon_is_cut_and_folded_back_with_its_area_kept():
    # 10° wide box from 175°E to 175°W, written the way Natural Earth's arcs run
    ring = [(175, 60), (180, 60), (-180, 60), (-175, 60), (-175, 65), (-180, 65),
            (180, 65), (175, 65), (175, 60)]
    shape = planar_polygon(ring)
    minx, _, maxx, _ = shape.bounds
    assert minx >= -180 and maxx <= 180
    assert shape.geom_type == "MultiPolygon"
    assert abs(shape.area - box(175, 60, 185, 65).area) < 1e-9
