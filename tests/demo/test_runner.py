import os
import signal
import subprocess
import sys
import textwrap
import time

from knutpunkt.demo.runner import supervise

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_one_child_dying_stops_the_other():
    messages = []
    started = time.monotonic()
    code = supervise(
        {"server": SLEEPER, "worker": [sys.executable, "-c", "import sys, time; time.sleep(0.5); sys.exit(3)"]},
        say=messages.append, stop_timeout=5,
    )
    assert code == 3
    assert time.monotonic() - started < 15
    assert any("worker avslutades oväntat (kod 3)" in m for m in messages)


def test_child_ending_cleanly_still_counts_as_failure():
    assert supervise({"server": SLEEPER, "worker": [sys.executable, "-c", "pass"]}, say=lambda m: None, stop_timeout=5) == 1


def test_ready_callback_runs_once():
    calls = []
    supervise(
        {"a": [sys.executable, "-c", "import time; time.sleep(1)"]},
        ready=lambda: True, on_ready=lambda: calls.append(1), say=lambda m: None, stop_timeout=5,
    )
    assert calls == [1]


def children_of(pid: int) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if stat.rsplit(")", 1)[1].split()[1] == str(pid):
                found.append(entry)
    return found


def test_signal_stops_children_and_exits_zero(tmp_path):
    pidfile = tmp_path / "pids"
    script = textwrap.dedent(f"""
        import sys
        from knutpunkt.demo.runner import supervise
        sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
        def ready():
            return True
        def on_ready():
            print("ready", flush=True)
        sys.exit(supervise({{"server": sleeper, "worker": sleeper}}, ready=ready, on_ready=on_ready, stop_timeout=5))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        children = children_of(proc.pid)
        assert len(children) == 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        for pid in children:
            assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    finally:
        if proc.poll() is None:
            proc.kill()
