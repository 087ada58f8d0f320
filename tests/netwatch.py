"""`python tests/netwatch.py LOG streamlit run app.py …`: Streamlit run under an audit hook that
writes every connection and name look-up leaving this machine to LOG, one JSON line each.

Why a hook, not a firewall: a test cannot change the machine's network, but Python reports
each `socket.connect`, `sendto`, `sendmsg` and name look-up (`getaddrinfo`, `gethostbyname`,
`gethostbyaddr`, `getnameinfo`) to its audit hooks before doing it, whichever library asks
(requests, urllib, Streamlit's own IP look-ups). A start-up that
looks up its external IP shows up here even where the look-up would fail for want of internet.
"""

from __future__ import annotations

import json
import runpy
import sys

LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}
NAMED = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
         "socket.gethostbyaddr", "socket.getnameinfo"}
"""The look-ups that name a host as their first argument (`getnameinfo` a (host, port) pair)."""
UNNAMED = {"socket.__new__", "socket.bind", "socket.gethostname", "socket.sethostname",
           "socket.getservbyname", "socket.getservbyport"}
"""Socket events that name no other host: not logged."""


def _host(event: str, args: tuple) -> object:
    """The host an audited socket event is about; None when it names none (a Unix socket)."""
    if event == "socket.connect":
        address = args[1]
    elif event in ("socket.sendto", "socket.sendmsg"):
        address = args[-1]
    elif event in NAMED:
        address = args[0]
    else:  # an event this list does not know: logged whole, to be looked at
        return repr(args)
    if isinstance(address, tuple):
        address = address[0]
    if isinstance(address, bytes):
        address = address.decode(errors="replace")
    return address if isinstance(address, str) and not address.startswith("/") else None


def main() -> None:
    log_path, command = sys.argv[1], sys.argv[2:]
    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the run)

    def hook(event: str, args: tuple) -> None:
        if event.startswith("socket.") and event not in UNNAMED:
            host = _host(event, args)
            if host is not None and host not in LOCAL:
                log.write(json.dumps({"event": event, "host": str(host)}) + "\n")

    sys.addaudithook(hook)
    sys.argv = command
    runpy.run_module(command[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
