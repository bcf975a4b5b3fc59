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


SEARCH = Path(__file__).resolve().parent.parent / "benchmarks" / "search.py"
SEARCH_ROW = re.compile(
    r"^sqlite\s+2000\s+(?P<what>staff|public|api)\s+(?P<query>[a-z ]+?)\s+(?:(?P<reader>admin|registrator|lasare2|handlaggare)\s+)?"
    r"(?P<sort>relevance|date|relevans|datum)\s+(?P<hits>\d+)\s+(?P<p50>\d+\.?\d*)\s",
    re.MULTILINE,
)


def test_search_benchmark_smoke():
    proc = subprocess.run(
        [sys.executable, str(SEARCH), "--smoke"],
        check=False, capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    out = proc.stdout
    assert "Knutpunkt search benchmark — commit" in out
    rows = [m.groupdict() for m in SEARCH_ROW.finditer(out)]
    assert {r["what"] for r in rows} == {"staff", "public", "api"}
    assert {r["reader"] for r in rows if r["what"] == "staff"} == {"admin", "registrator", "lasare2", "handlaggare"}
    common = [r for r in rows if r["query"] == "common" and r["reader"] == "admin"]
    assert common and all(int(r["hits"]) > 0 and float(r["p50"]) > 0 for r in common)
    assert "index rebuild" in out and "publish-diary:" in out and "load average" in out
