"""benchmarks/registration.py still runs and prints its figures (SQLite, tiny N)."""

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "registration.py"
ROW = re.compile(r"^sqlite\s+(?P<label>.+?)\s+(?P<rate>\d+\.\d)\s+(?P<ms>\d+\.\d\d)\b", re.M)


def test_registration_benchmark_smoke():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--clients", "2"],
        capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    out = proc.stdout
    assert "Knutpunkt registration benchmark — N=20" in out
    rates = {m["label"].strip(): float(m["rate"]) for m in ROW.finditer(out)}
    assert rates["raw INSERTs, executemany, 500 per txn"] > 0
    assert rates["service layer (intake.register)"] > 0
    api = [label for label in rates if label.startswith("API over HTTP")]
    if "not available yet" not in out:
        assert api == ["API over HTTP, 2 clients"], out
    assert "outbox:" in out and "journal_mode=wal" in out
