"""Running the web server and the background worker side by side.

Each child runs in its own process group, so Ctrl-C reaches only this supervisor,
which then stops the children in order (SIGTERM, then SIGKILL after a grace
period). If one child dies on its own, the other is stopped too and the supervisor
exits non-zero: a demo that silently lost its worker would be worse than none.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to SIGTERM the child if the supervisor itself is killed."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; other systems have no prctl
        pass


def supervise(
    children: dict[str, list[str]],
    *,
    env: dict | None = None,
    ready: Callable[[], bool] | None = None,
    on_ready: Callable[[], None] | None = None,
    stop_timeout: float = 10.0,
    poll: float = 0.2,
    say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True),
) -> int:
    """Start the children and wait. Returns 0 after a stop signal, otherwise the exit
    code of the child that ended first (1 if it ended with 0)."""
    received: list[int] = []

    def on_signal(signum, _frame):
        received.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in STOP_SIGNALS}
    procs: dict[str, subprocess.Popen] = {}
    try:
        for name, command in children.items():
            procs[name] = subprocess.Popen(command, env=env, process_group=0, preexec_fn=_die_with_parent)
        announced = ready is None
        while True:
            if received:
                say("Stoppar …")
                _stop(procs, received, stop_timeout, say)
                say("Stoppat.")
                return 0
            for name, proc in procs.items():
                code = proc.poll()
                if code is not None:
                    say(f"{name} avslutades oväntat (kod {code}); stoppar resten.")
                    _stop(procs, received, stop_timeout, say)
                    return code if code > 0 else 1
            if not announced and ready():
                announced = True
                if on_ready:
                    on_ready()
            time.sleep(poll)
    finally:
        _stop(procs, received, stop_timeout, say)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(procs: dict[str, subprocess.Popen], received: list[int], timeout: float, say) -> None:
    live = [p for p in procs.values() if p.poll() is None]
    if not live:
        return
    for proc in live:
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    signals_seen = len(received)
    while any(p.poll() is None for p in live):
        # A second Ctrl-C, or a child that will not stop: no more waiting.
        if time.monotonic() > deadline or len(received) > signals_seen:
            for name, proc in procs.items():
                if proc.poll() is None:
                    say(f"{name} svarar inte; avbryts.")
                    _signal_group(proc, signal.SIGKILL)
            for proc in live:
                proc.wait()
            return
        time.sleep(0.05)
