"""Handouts made off the page's thread, each on its own, with a time limit.

Why: a page script that builds a PDF itself cannot answer its user until the build ends (the
default storyboard's PDF takes about 30 s), and a build that fails takes the other handout down
with it. Here each handout (the offline HTML, the PDF) is a job of its own on a small worker
pool shared by every session of the server: the page looks at it for at most a second and polls
while it runs, a job past `limit` seconds is reported as too slow (it carries on, and a later
attempt collects it), and a failure is reported as one short sentence (its details go to the
server's log), kept for that storyboard so reruns do not rebuild it, and forgotten when the
briefer asks again (`forget_failures`). No Streamlit here: the page owns the pool
(`st.cache_resource`) and the messages' display.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from dataclasses import dataclass

from layers.briefing.export_html import MissingAssets

log = logging.getLogger(__name__)

HANDOUT_SECONDS = 120.0
"""How long a handout may take before the page says it is too slow: four times what the default
storyboard's PDF takes on one busy core."""
POLL_SECONDS = 1.0
"""How long one look at the jobs waits, so a handout ready in a moment shows at once."""
KEPT_JOBS = 16
"""Jobs (finished or not) remembered, the oldest forgotten first: eight storyboards' two
handouts, as the page's former cache kept."""


@dataclass(frozen=True)
class Outcome:
    """Where one handout stands: its content, or a short problem for the page, or neither (still
    being made)."""

    content: str | bytes | None = None
    problem: str | None = None

    @property
    def pending(self) -> bool:
        return self.content is None and self.problem is None


@dataclass(frozen=True)
class Request:
    """One handout to make: `key` names what it is made from (equal keys, one job), `what` names
    it in messages ("the PDF"), `make` makes it."""

    key: Hashable
    what: str
    make: Callable[[], str | bytes]


class HandoutJobs:
    """A worker pool and the jobs it ran or runs, by key (what a handout is made from)."""

    def __init__(self, workers: int = 2, kept: int = KEPT_JOBS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="handout")
        self._jobs: OrderedDict[Hashable, tuple[Future, float]] = OrderedDict()
        self._kept = kept
        self._lock = threading.Lock()

    def outcomes(self, requests: Sequence[Request], wait: float = POLL_SECONDS,
                 limit: float = HANDOUT_SECONDS) -> list[Outcome]:
        """Where each requested handout stands after waiting at most `wait` seconds for them
        all (every job is started, unless it exists, before the wait begins); a job running
        for over `limit` seconds is reported as too slow."""
        jobs = [(self._start(request), request) for request in requests]
        deadline = time.monotonic() + wait
        outcomes = []
        for (job, started), request in jobs:
            outcome = _outcome(job, request.what, max(0.0, deadline - time.monotonic()))
            if outcome.pending and time.monotonic() - started > limit:
                outcome = Outcome(problem=(
                    f"{_sentence(request.what)} has taken over {limit:.0f} s and is still being "
                    "made; press Prepare handouts again later to collect it."))
            outcomes.append(outcome)
        return outcomes

    def _start(self, request: Request) -> tuple[Future, float]:
        """The job for the request and when it started: started now unless it exists."""
        with self._lock:
            found = self._jobs.get(request.key)
            if found is None:
                job = self._pool.submit(request.make)
                job.add_done_callback(lambda done: _log_failure(request.what, done))
                found = self._jobs[request.key] = (job, time.monotonic())
                while len(self._jobs) > self._kept:
                    self._jobs.popitem(last=False)
            self._jobs.move_to_end(request.key)
            return found

    def forget_failures(self) -> None:
        """Drop the jobs that failed, so asking again tries again (a missing asset fetched
        since, say); finished and running ones are kept."""
        with self._lock:
            for key in [key for key, (job, _) in self._jobs.items()
                        if job.done() and job.exception() is not None]:
                del self._jobs[key]


def _outcome(job: Future, what: str, wait: float) -> Outcome:
    try:
        return Outcome(content=job.result(timeout=wait))
    except WaitTimeout:
        return Outcome()
    except MissingAssets as error:  # says what to fetch and how: meant for the briefer
        return Outcome(problem=f"{_sentence(what)} could not be made: {error}")
    except Exception as error:  # anything else: a sentence on the page, details in the log
        return Outcome(problem=f"{_sentence(what)} could not be made (an unexpected "
                               f"{type(error).__name__}; the details are in the server's log).")


def _sentence(what: str) -> str:
    """`what` to start a sentence with ("the PDF" → "The PDF": `str.capitalize` would say
    "The pdf")."""
    return what[:1].upper() + what[1:]


def _log_failure(what: str, job: Future) -> None:
    """The traceback of a failed job, once, in the server's log (never on the page)."""
    error = job.exception()
    if error is not None and not isinstance(error, MissingAssets):
        log.error("%s could not be made", what, exc_info=error)
