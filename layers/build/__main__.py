"""`python -m layers.build assets|basemap|geodata [options]`: the set-up and build steps.

`make assets`, `make basemap` and `make geodata` call these; each step's own `--help` lists its
options (`python -m layers.build geodata --help`). Only the step asked for is imported, so
`make assets` (run before every `make run` and `make test`) loads neither shapely nor the data.
"""

from __future__ import annotations

import sys

from layers.build import npm

STEPS = ("assets", "basemap", "geodata")


def main(argv: list[str]) -> int:
    """Run one step with the rest of the arguments; imports only the step asked for."""
    if not argv or argv[0] not in STEPS:
        print(f"usage: python -m layers.build {{{','.join(STEPS)}}} [options]", file=sys.stderr)
        return 2
    step, rest = argv[0], argv[1:]
    if step == "assets":
        from layers.build.assets import main as run
    elif step == "basemap":
        from layers.build.basemap import main as run
    else:
        from layers.build.geodata.build import main as run
    try:
        return run(rest) or 0
    except npm.FetchError as error:  # no npm, or bytes that are not the pinned ones
        print(f"{step}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
