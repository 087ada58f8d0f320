"""How the dashboard starts, stops and comes back (issue 15, defects 11 and 12), against servers
of this module's own started the way `streamlit run app.py` starts one: with nothing but a port
on the command line, so `.streamlit/config.toml` decides the address and what start-up does.

- It listens on this machine only, and neither its start-up nor a first visit sends anything
  off the machine: the browser's requests are counted as in every browser test, the server's
  own connections and name look-ups by an audit hook (`tests/netwatch.py`).
- When the server stops, the page says so truthfully (no "Are you connected to the internet?"),
  and when it is back the first click works.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.browser_traffic import free_port
from layers import ROOT
from tests.browser.conftest import ARTIFACTS, MAP_APPEARS_MS, MAP_IFRAME, serving

pytestmark = pytest.mark.browser

NETWATCH = ROOT / "tests" / "netwatch.py"
LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 in /proc/net
FIRST_CLICK_MS = 10_000
"""The first click once the server is back draws its layer within this (it once did nothing
for 30 s); a click on a server that was never away takes about half a second here."""
BACK_MS = 60_000  # the page notices the server is back (Streamlit retries with back-off)


@contextlib.contextmanager
def plain_server(port: int, log_name: str, net_log: Path | None = None) -> Iterator[str]:
    """`streamlit run app.py --server.port PORT`, and only that (file watching off, so an edit
    cannot rerun the app under the test), under the audit hook when `net_log` is given."""
    command = ["streamlit", "run", "app.py", "--server.port", str(port),
               "--server.fileWatcherType", "none"]
    launcher = [sys.executable, str(NETWATCH), str(net_log)] if net_log else [
        sys.executable, "-m"]
    # 127.0.0.1, not "localhost": on any other name than "localhost" Streamlit's dialog asks
    # "Are you connected to the internet?", the guess this module checks is never shown
    yield from serving([*launcher, *command], f"http://127.0.0.1:{port}", log_name)


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net writes them) of sockets listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_it_listens_on_this_machine_only_and_its_start_sends_nothing_off_it(page: Page,
                                                                            tmp_path):
    port, net_log = free_port(), tmp_path / "net.jsonl"
    with plain_server(port, "streamlit-plain.log", net_log) as url:
        addresses = listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, addresses
        page.goto(url)  # the watch counts what the browser tries to fetch from outside
        page.frame_locator(MAP_IFRAME).locator(".map-legend").wait_for(timeout=MAP_APPEARS_MS)
        page.goto(f"{url}/briefing")
        expect(page.get_by_text("Scene 1 of")).to_be_visible(timeout=MAP_APPEARS_MS)
        printed = (ARTIFACTS / "streamlit-plain.log").read_text()
    tried = [json.loads(line) for line in net_log.read_text().splitlines()]
    assert tried == [], tried  # no external-IP look-up, no usage statistics, nothing
    assert "External URL" not in printed and "Network URL" not in printed


def test_a_stopped_server_is_said_truly_and_the_first_click_after_its_return_works(
        page: Page):
    port = free_port()
    shapes = page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive")
    with plain_server(port, "streamlit-before.log") as url:
        page.goto(url)
        page.frame_locator(MAP_IFRAME).locator(".map-legend").wait_for(timeout=MAP_APPEARS_MS)
        before = shapes.count()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("The dashboard's server is not answering",
                                   timeout=BACK_MS)
    expect(dialog).to_contain_text("No internet is needed")
    assert "connected to the internet" not in dialog.inner_text()
    page.screenshot(path=ARTIFACTS / "server-stopped.png")
    with plain_server(port, "streamlit-after.log"):
        expect(dialog).to_be_hidden(timeout=BACK_MS)
        # the page catches up with the new server (covered, so no click is lost meanwhile)
        page.wait_for_function("() => window.__cbmCatchUps === 1", timeout=BACK_MS)
        expect(page.get_by_role("status").filter(has_text="catching up")).to_be_hidden(
            timeout=BACK_MS)
        expect(shapes).to_have_count(before)  # what was on the map before is on it still
        clicked = time.monotonic()
        page.get_by_role("checkbox", name="Middle Corridor", exact=True).check(force=True)
        expect(shapes).not_to_have_count(before, timeout=FIRST_CLICK_MS)  # the layer drawn
        print(f"first click after the restart drawn in {time.monotonic() - clicked:.2f} s")
        page.screenshot(path=ARTIFACTS / "server-back.png")
