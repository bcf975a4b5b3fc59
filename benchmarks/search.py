#!/usr/bin/env python
"""Search: staff and public queries at 100k and 1M cases, beside the bare full-text
query on the same data, and how long the index takes to build.

    python benchmarks/search.py                                      # SQLite, 100k and 1M cases
    python benchmarks/search.py --cases 100000 --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/search.py --smoke                              # 2000 cases, SQLite, seconds
    python benchmarks/search.py --cases 1000000 --keep /tmp/kps      # keep the data; the next run reuses it

Data: `knutpunkt.datagen.generate` (six diaries, ≈3 documents per case, SN's cases 92 %
secret), generated into a SQLite file or, with --postgres URL or
KNUTPUNKT_BENCH_POSTGRES_URL, a database `knutpunkt_bench_search` created (and dropped
unless --keep) on that server. Sizes are reached in ascending order by topping up one
database. After generating, the search index is rebuilt (timed: that is the rebuild
benchmark) and the public diary published (`publish-diary`); a kept database that is
complete is used as it is. Every database runs in its own child process.

Staff queries, per reader (as benchmarks/access.py: admin, registrator of SN, läsare of
SN and BN, handläggare in an access group) and per sort (relevance, date), always with
facets and snippets — the page the user sees:
    search.queries.search_cases(user, text, sort=…, page=1, with_facets=True)
Public queries, per sort (relevans, datum): the /diarium/ search
(publicdiary.queries.results + page_of, the page's entries read) and the public JSON
API (GET /api/public/v1/entries/?q=… through Django's test client).

Each is run repeatedly (after one warm-up) and reported as p50/p95/p99 in ms. Beside
it, the bare full-text query on the same words and the same index — SQLite:
`SELECT rowid FROM search_fts_<c> WHERE search_fts_<c> MATCH … ORDER BY rank LIMIT 25`,
PostgreSQL: `SELECT key FROM search_index_<c> WHERE all_tsv @@ q ORDER BY ts_rank(all_tsv, q)
DESC LIMIT 25` (c = cases for staff, public for public) — and the ratio of the p50s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SRC = HERE.parent.parent / "src"
sys.path.insert(0, str(HERE.parent))  # benchmarks/access.py: readers and database helpers

import access as access_bench

RESULT_PREFIX = "BENCHMARK-RESULT "
BENCH_DB = "knutpunkt_bench_search"
READERS = access_bench.READERS
# (label, text). "{reference}" is replaced by an existing KS reference near number 1234.
QUERIES = [
    ("common", "bygglov"),
    ("name", "Andersson"),
    ("phrase", '"ekonomiskt bistånd"'),
    ("prefix", "ans"),
    ("rare", "interpellation"),
    ("reference", "{reference}"),
    ("no hits", "qzxjvbnm"),
    ("junk", '"(( * OR'),
]
STAFF_SORTS = ("relevance", "date")
PUBLIC_SORTS = ("relevans", "datum")


# --- the parent ---------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="100000,1000000", help="sizes, comma-separated, ascending (default 100000,1000000)")
    parser.add_argument("--smoke", action="store_true", help="2000 cases on SQLite only, few repetitions (for CI)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("KNUTPUNKT_BENCH_POSTGRES_URL"),
                        help=f"PostgreSQL server to use too (a database {BENCH_DB!r} is created there)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--reps", type=int, default=30, help="timed runs per query (at most; default 30)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds at most per query, after 3 runs (default 5)")
    parser.add_argument("--keep", metavar="DIR", help="keep the data (SQLite file in DIR, PostgreSQL database not dropped) "
                                                      "and reuse it next time, topping up to the sizes asked")
    parser.add_argument("--pg-db", default=BENCH_DB, help=f"name of the PostgreSQL database (default {BENCH_DB})")
    parser.add_argument("--only", help="staff, public, api — comma-separated (default all)")
    parser.add_argument("--queries", help="query labels to run, comma-separated (default all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs for the index rebuild (PostgreSQL; default 2)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild (and time) the search index even when the kept one is complete")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.cases, args.reps, args.budget, args.postgres, args.no_sqlite = "2000", 3, 0.3, None, False
    sizes = sorted(int(s) for s in args.cases.split(",") if s.strip())
    if args._child:
        return child(args, sizes)

    targets = [] if args.no_sqlite else [("sqlite", None)]
    if args.postgres:
        targets.append(("postgresql", args.postgres))
    if not targets:
        parser.error("nothing to run: --no-sqlite without --postgres")
    results = []
    for vendor, url in targets:
        cmd = [sys.executable, str(HERE), "--_child", vendor, "--cases", ",".join(map(str, sizes)),
               "--reps", str(args.reps), "--budget", str(args.budget), "--jobs", str(args.jobs)]
        if args.rebuild:
            cmd.append("--rebuild")
        for flag, value in (("--postgres", url), ("--keep", args.keep), ("--only", args.only),
                            ("--queries", args.queries), ("--pg-db", args.pg_db)):
            if value:
                cmd += [flag, value]
        print(f"… {vendor}: {', '.join(map(str, sizes))} cases", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
        for line in proc.stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                results.append(json.loads(line[len(RESULT_PREFIX):]))
            else:
                print(line)
        if proc.returncode != 0:
            print(f"{vendor}: the benchmark failed (exit {proc.returncode})", file=sys.stderr)
            print_table(results)  # what the other databases measured
            return proc.returncode
    print_table(results)
    return 0


def commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(HERE.parent.parent), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10, check=False)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _ms(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}" if value >= 1000 else f"{value:.1f}"


def print_table(results: list[dict]) -> None:
    print()
    print(f"Knutpunkt search benchmark — commit {commit()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"finished {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print("ms per query over repeated runs (n); bare = the bare full-text query (MATCH/@@ ORDER BY rank LIMIT 25) "
          "on the same words; ratio = p50 / bare p50.")
    header = (f"{'database':<10} {'cases':>8} {'what':<7} {'query':<10} {'reader':<12} {'sort':<9} {'hits':>7} "
              f"{'p50':>7} {'p95':>7} {'p99':>7} {'n':>3} {'bare':>6} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for result in results:
        for size in result["sizes"]:
            for row in size["rows"]:
                ratio = f"{row['ratio']:.0f}" if row.get("ratio") and row["ratio"] >= 100 else (
                    f"{row['ratio']:.1f}" if row.get("ratio") else "—")
                hits = row.get("hits")
                print(f"{result['vendor']:<10} {size['cases']:>8} {row['what']:<7} {row['query']:<10} {row.get('reader', ''):<12} "
                      f"{row['sort']:<9} {'' if hits is None else hits:>7} {_ms(row['p50']):>7} {_ms(row['p95']):>7} "
                      f"{_ms(row['p99']):>7} {row['n']:>3} {_ms(row.get('bare')):>6} {ratio:>6}")
            for note in size.get("notes", []):
                print(f"{'':<10} {'':>8} {note}")
        for note in result.get("notes", []):
            print(f"{'':<10} {note}")


# --- the child: one database, all sizes ------------------------------------------------------

def child(args, sizes: list[int]) -> int:
    return access_bench.run_child(args, sizes, name="search", run=run_all, extra_env={
        "KNUTPUNKT_PUBLIC_RATE_API": "1000000000/minute",  # one client asking many times
        "KNUTPUNKT_PUBLIC_RATE_PAGE": "1000000000/minute",
    })


def top_up(target: int, vendor: str, jobs: int, force_rebuild: bool = False) -> list[str]:
    """Generate until the database holds `target` cases, rebuild the search index when
    it is not complete (timed), publish the diary when needed; then refresh the
    planner's statistics. Returns notes for the table."""
    from django.core.management import call_command
    from django.db import connection

    from knutpunkt.datagen.generate import generate
    from knutpunkt.publicdiary.models import PublishedEntry
    from knutpunkt.registry.models import Case, Document
    from knutpunkt.search import indexing
    from knutpunkt.search.engine import get_engine

    notes = []
    have = Case.objects.count()
    generated = have < target
    if generated:
        print(f"  generating {target - have} cases (have {have}) …", file=sys.stderr, flush=True)
        result = generate(cases=target - have, seed=1 + have, progress=access_bench.progress)
        notes.append(f"generated {result.cases} cases, {result.documents} documents in {result.seconds:.0f} s "
                     f"({result.cases / max(result.seconds, 1e-9):,.0f} cases/s)")
    engine = get_engine()
    rebuilt = []
    for name, model in (("cases", Case), ("documents", Document)):
        if not (generated or force_rebuild) and engine.count(name) >= model.objects.count():
            continue
        print(f"  rebuilding the search index: {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        done = indexing.rebuild(name, jobs=jobs)
        seconds = time.perf_counter() - started
        rebuilt.append((name, done, seconds))
    if rebuilt:
        rows = sum(d for _, d, _ in rebuilt)
        seconds = sum(s for _, _, s in rebuilt)
        parts = ", ".join(f"{name} {done} in {s:.1f} s ({done / s:,.0f}/s)" for name, done, s in rebuilt)
        how = f"jobs={jobs}, the GIN index built at the end included" if vendor == "postgresql" else "one writer"
        notes.append(f"index rebuild ({how}): {parts}; "
                     f"together {rows / seconds:,.0f} rows/s")
    if generated or not PublishedEntry.objects.exists():
        print("  publishing the diary …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        call_command("publish_diary", verbosity=0, stdout=io.StringIO())
        notes.append(f"publish-diary: {PublishedEntry.objects.count()} entries in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    notes.append(f"{'VACUUM ANALYZE' if vendor == 'postgresql' else 'ANALYZE'} {time.perf_counter() - started:.0f} s")
    return notes


def percentiles(times: list[float]) -> dict:
    times = sorted(times)

    def at(p):
        return times[min(len(times) - 1, int(round(p * (len(times) - 1))))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "n": len(times)}


def timed(fn, reps: int, budget: float) -> tuple[dict, object]:
    """One warm-up run, then up to `reps` runs, at least 3, no more after `budget` s."""
    out = fn()
    times = []
    deadline = time.perf_counter() + budget
    while len(times) < reps and (len(times) < 3 or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return percentiles(times), out


def bare_query(collection: str, text: str):
    """The bare full-text query on the words search.parsing finds in `text`, built
    here (not by the engine) so the baseline does not move when the engine changes.
    None when there is no word to search for."""
    from django.db import connection

    from knutpunkt.search.parsing import parse

    parsed = parse(text)
    if not parsed:
        return None
    if connection.vendor == "sqlite":
        terms = []
        for term in parsed.terms:
            quoted = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
            terms.append(quoted if term.is_phrase else quoted + "*")
        table = f"search_fts_{collection}"
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rank LIMIT 25"
        params = [" AND ".join(terms)]
    else:
        parts, params = [], []
        for term in parsed.terms:
            if term.is_phrase:
                parts.append("phraseto_tsquery('simple', %s)")
                params.append(" ".join(term.words))
            else:
                parts.append("(to_tsquery('swedish', %s) || to_tsquery('simple', %s))")
                params += [f"'{term.words[0]}':*"] * 2
        q = "(" + " && ".join(parts) + ")"
        sql = f"SELECT key FROM search_index_{collection} WHERE all_tsv @@ {q} ORDER BY ts_rank(all_tsv, {q}) DESC LIMIT 25"
        params = params + params

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def the_reference() -> str:
    """An existing KS diarienummer near number 1234 in the latest year (as typed)."""
    from django.db.models import Max

    from knutpunkt.registry.models import Case

    ks = Case.objects.filter(diary__prefix="KS")
    year = ks.aggregate(y=Max("year"))["y"]
    top = ks.filter(year=year).aggregate(n=Max("number"))["n"] or 1
    return ks.filter(year=year, number=min(1234, top)).values_list("reference", flat=True).first() or "KS 2025/1234"


def measure_size(readers, args, cases: int) -> dict:
    from django.test import Client

    from knutpunkt.access import policy
    from knutpunkt.publicdiary import queries as public
    from knutpunkt.search.queries import search_cases

    only = set(args.only.split(",")) if args.only else {"staff", "public", "api"}
    wanted = set(args.queries.split(",")) if args.queries else None
    reference = the_reference()
    rows = []
    for label, text in QUERIES:
        if wanted and label not in wanted:
            continue
        text = text.replace("{reference}", reference)
        bare = {}
        for collection in ("cases", "public"):
            run = bare_query(collection, text)
            bare[collection] = timed(run, args.reps, args.budget)[0]["p50"] if run else None
        if "staff" in only:
            for name in READERS:
                user = readers.users[name]
                for sort in STAFF_SORTS:
                    def staff(user=user, sort=sort, text=text):
                        policy.forget(user)  # the Reader is computed per request: count it
                        result = search_cases(user, text, sort=sort, page=1, with_facets=True)
                        return result.total

                    stats, hits = timed(staff, args.reps, args.budget)
                    rows.append({"what": "staff", "query": label, "reader": name, "sort": sort, "hits": hits, **stats,
                                 "bare": bare["cases"], "ratio": stats["p50"] / bare["cases"] if bare["cases"] else None})
                    print(f"    staff {label} {name} {sort}: {stats['p50']:.1f} ms", file=sys.stderr, flush=True)
        for sort in PUBLIC_SORTS:
            if "public" in only:
                def page(sort=sort, text=text):
                    found = public.results(public.EntrySearch(text=text, sort=sort))
                    page, _clamped = public.page_of(found, 1)
                    list(page.object_list)
                    return page.paginator.count

                stats, hits = timed(page, args.reps, args.budget)
                rows.append({"what": "public", "query": label, "sort": sort, "hits": hits, **stats,
                             "bare": bare["public"], "ratio": stats["p50"] / bare["public"] if bare["public"] else None})
            if "api" in only:
                client = Client()

                def api(sort=sort, text=text, client=client):
                    response = client.get("/api/public/v1/entries/", {"q": text, "sort": sort})
                    assert response.status_code == 200, response.content[:300]
                    return response.json()["count"]

                stats, hits = timed(api, args.reps, args.budget)
                rows.append({"what": "api", "query": label, "sort": sort, "hits": hits, **stats,
                             "bare": bare["public"], "ratio": stats["p50"] / bare["public"] if bare["public"] else None})
        print(f"  {label}: done", file=sys.stderr, flush=True)
    return {"cases": cases, "rows": rows, "notes": [f"reference query: {reference!r}"]}


def run_all(vendor: str, args, sizes: list[int]) -> dict:
    import django

    started_at = commit()
    django.setup()
    from django.core.management import call_command

    from knutpunkt.publicdiary.models import PublishedEntry
    from knutpunkt.registry.models import Case, Document

    call_command("migrate", verbosity=0)
    readers = None
    out = []
    for size in sizes:
        notes = top_up(size, vendor, args.jobs, force_rebuild=args.rebuild)
        if readers is None:
            readers = access_bench.Readers()
        granted = readers.grant_group()
        case_count, document_count = Case.objects.count(), Document.objects.count()
        load_before = os.getloadavg()
        print(f"  {vendor}: {case_count} cases, {document_count} documents; measuring …", file=sys.stderr, flush=True)
        result = measure_size(readers, args, case_count)
        load_after = os.getloadavg()
        result["notes"] = [
            f"{case_count} cases, {document_count} documents, {PublishedEntry.objects.count()} published entries; "
            f"access group given to {granted} more restricted SN cases",
            *notes, *result["notes"],
            f"load average (1/5/15 min) before {'/'.join(f'{x:.1f}' for x in load_before)}, "
            f"after {'/'.join(f'{x:.1f}' for x in load_after)}",
        ]
        out.append(result)
    notes = access_bench.database_notes(vendor, with_name=True)
    notes.append(f"code: commit {started_at} when this database's run started (the tree may move on meanwhile)")
    return {"vendor": vendor, "sizes": out, "notes": notes}


if __name__ == "__main__":
    sys.exit(main())
