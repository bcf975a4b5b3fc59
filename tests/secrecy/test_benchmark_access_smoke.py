"""benchmarks/access.py still runs and prints its figures (SQLite, 2000 cases)."""

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "access.py"
ROW = re.compile(
    r"^sqlite\s+(?P<cases>\d+)\s+(?P<query>\w+)\s+(?P<reader>\w+)\s+(?P<median>[\d.]+)\s+(?P<p95>[\d.]+)\s+(?P<min>[\d.]+)\s+(?P<rows>\d+)\s+"
    r"(?P<orm>[\d.]+)\s+(?P<sql>[\d.]+)\s+(?P<ratio>[\d.]+)\s*$",
    re.M,
)


def test_access_benchmark_smoke():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke"],
        capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    rows = {(m["query"], m["reader"]): m for m in ROW.finditer(proc.stdout)}
    queries = {"list", "count", "search", "search_name", "api_list", "api_search"}
    readers = {"admin", "registrator", "lasare2", "handlaggare"}
    assert set(rows) == {(q, r) for q in queries for r in readers}, proc.stdout
    assert all(int(m["cases"]) == 2000 for m in rows.values())
    # The policy filters in the query: the admin sees all cases, the others fewer.
    counts = {r: int(rows[("count", r)]["rows"]) for r in readers}
    assert counts["admin"] == 2000
    assert 0 < counts["registrator"] < counts["lasare2"] < counts["admin"]
    assert int(rows[("api_list", "lasare2")]["rows"]) == counts["lasare2"]
    assert int(rows[("list", "registrator")]["rows"]) == 50
    assert "SQL statements per api_list request" in proc.stdout
