"""Measurements, not assertions: `make bench` (`python -m bench.map_payload`) serves the real app
to headless Chromium and reports what it sends and how long a rerun takes, as ratios against a
baseline measured in the same run. Nothing here passes or fails on a threshold; results go to
`bench/results.md`. Run from the repository root; may import `layers`, never imported by it.
"""
