"""Keep a set of child processes (web server, task workers) running together.

Used by ``runall`` (the demo) and ``serve`` (production). Ctrl-C or SIGTERM stops them
all; if one dies the others are stopped too and the caller exits non-zero. The
periodic ticks are queued here, so they run with no cron job: reminders once a minute,
housekeeping (erasures due, retention, expired exports) every ten minutes.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from typing import Protocol

from bearing.exports.tasks import housekeeping_tick
from bearing.growth.tasks import reminders_tick
from bearing.insight.tasks import insight_tick

# (what, the task, seconds before the first, seconds between two): picked up by
# whichever task worker is free.
TICKS = [
    ("reminders", reminders_tick, 5, 60),
    ("housekeeping", housekeeping_tick, 10, 600),
    # 360s past their deadline closed; raters who have not answered reminded (capped).
    ("360 campaigns", insight_tick, 15, 600),
]


class Writer(Protocol):
    """Where the supervisor reports: a command's stdout or stderr, or any text stream."""

    def write(self, msg: str, /) -> object: ...

    def flush(self) -> object: ...


def supervise(
    children: list[tuple[str, subprocess.Popen]],
    *,
    stdout: Writer,
    stderr: Writer,
    on_started: Callable[[], None] | None = None,
) -> int:
    """Wait until asked to stop or a child dies; stop every child; return the exit code."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if on_started is not None:
        on_started()
    exit_code = 0
    now = time.monotonic()
    next_run = {name: now + first for name, _, first, _ in TICKS}
    try:
        while not stopping:
            for name, task, _, every in TICKS:
                if time.monotonic() < next_run[name]:
                    continue
                try:
                    task.enqueue()
                except Exception as exc:  # noqa: BLE001 - keep serving
                    stderr.write(f"Could not queue the {name} tick: {exc}\n")
                next_run[name] = time.monotonic() + every
            for name, proc in children:
                if proc.poll() is not None:
                    stderr.write(f"The {name} process stopped (exit {proc.returncode}).\n")
                    exit_code = 1
                    stopping = True
                    break
            time.sleep(0.3)
    finally:
        for _, proc in children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, proc in children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stdout.write("Stopped.\n")
        stdout.flush()
    return exit_code
