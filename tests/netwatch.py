"""`python tests/netwatch.py LOG streamlit run app.py …`: Streamlit run under an audit hook that
writes every connection and name look-up leaving this machine to LOG, one JSON line each.

Why a hook, not a firewall: a test cannot change the machine's network, but Python reports
each `socket.connect`, `socket.sendto` and `socket.getaddrinfo` to its audit hooks before doing
it, whichever library asks (requests, urllib, Streamlit's own IP look-ups). A start-up that
looks up its external IP shows up here even where the look-up would fail for want of internet.
"""

from __future__ import annotations

import json
import runpy
import sys

LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "", None}


def _host(event: str, args: tuple) -> object:
    """The host an audited socket event is about, or None for one that names no host."""
    if event in ("socket.connect", "socket.sendto"):
        address = args[1] if event == "socket.connect" else args[-1]
        return address[0] if isinstance(address, tuple) else None  # a Unix socket: a path
    if event == "socket.getaddrinfo":
        return args[0].decode() if isinstance(args[0], bytes) else args[0]
    return None


def main() -> None:
    log_path, command = sys.argv[1], sys.argv[2:]
    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the run)

    def hook(event: str, args: tuple) -> None:
        if event.startswith("socket."):
            host = _host(event, args)
            if host not in LOCAL:
                log.write(json.dumps({"event": event, "host": str(host)}) + "\n")

    sys.addaudithook(hook)
    sys.argv = command
    runpy.run_module(command[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
