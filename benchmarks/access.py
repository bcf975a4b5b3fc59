#!/usr/bin/env python
"""Reading with the access policy: list and search cases with the policy applied, beside
the same query without it (plain ORM and the bare SQL), at 100k and 1M cases.

    python benchmarks/access.py                                  # SQLite, 100k and 1M cases
    python benchmarks/access.py --cases 100000 --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/access.py --smoke                          # 2000 cases, SQLite, seconds
    python benchmarks/access.py --cases 1000000 --keep /tmp/kpb --explain   # keep the data, show plans

Data: knutpunkt.datagen.generate (a synthetic municipality: six diaries, SN's cases
92 % secret, 5 % restricted), generated into a fresh database — a SQLite file, and with
--postgres URL or KNUTPUNKT_BENCH_POSTGRES_URL a database `knutpunkt_bench_access`
created and dropped on that server. Sizes are reached in ascending order by topping up
the same database (100k, then 900k more for 1M). Every database runs in its own child
process, as Django is configured once per process.

Readers:
  admin        global administrator (the policy adds no condition)
  registrator  registrator of one diary (SN, the secret one)
  lasare2      läsare of two diaries (SN and BN), so the masking predicates matter
  handlaggare  handläggare of SN's authority, member of an access group given to half
               of SN's restricted cases

Query types (each timed per reader; median and p95 over repeated runs):
  list        first page, 50 cases, newest first: queries.search_cases(user, CaseSearch())[:50]
  count       the number of cases the reader may see (what a paginator asks)
  search      text search, first page of 50, newest first: search.queries.filtered_cases(user, WORD)[:50]
  api_list    GET /api/v1/cases/ through Django's test client (count + page + JSON)
  api_search  GET /api/v1/cases/?q=WORD
Beside each: the same query without the policy as a plain ORM queryset and as its bare
SQL executed on a cursor (rows fetched, no model objects). For the API the bare figure
is the bare SQL of the page plus the bare count, the least an unfiltered API must run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SRC = HERE.parent.parent / "src"
RESULT_PREFIX = "BENCHMARK-RESULT "
BENCH_DB = "knutpunkt_bench_access"
READERS = ("admin", "registrator", "lasare2", "handlaggare")
WORDS = {"search": "bygglov", "search_name": "Andersson"}
TARGET_API_MS = 24.2  # a tenth of Open Zaak's 242 ms median for the first page of 200k cases


# --- the parent ---------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="100000,1000000", help="sizes, comma-separated, ascending (default 100000,1000000)")
    parser.add_argument("--smoke", action="store_true", help="2000 cases on SQLite only, few repetitions (for CI)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("KNUTPUNKT_BENCH_POSTGRES_URL"),
                        help=f"PostgreSQL server to use too (a database {BENCH_DB!r} is created and dropped there)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--reps", type=int, default=25, help="timed runs per query and reader (at most; default 25)")
    parser.add_argument("--budget", type=float, default=6.0, help="seconds at most per query and reader (default 6)")
    parser.add_argument("--keep", metavar="DIR", help="keep the data (SQLite file in DIR, PostgreSQL database not dropped) "
                                                      "and reuse it next time, topping up to the sizes asked")
    parser.add_argument("--pg-db", default=BENCH_DB, help=f"name of the PostgreSQL database (default {BENCH_DB})")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the policy queries at the last size")
    parser.add_argument("--only", help="query types to run, comma-separated (default all)")
    parser.add_argument("--no-search", action="store_true",
                        help="no text search: neither the search index is built (long at 1M) nor the search queries timed")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.cases, args.reps, args.budget, args.postgres = "2000", 3, 1.0, None
        args.no_sqlite = False
    sizes = sorted(int(s) for s in args.cases.split(",") if s.strip())
    if args.no_search:
        args.only = ",".join(q for q in (args.only or "list,count,api_list").split(",") if "search" not in q)
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
               "--reps", str(args.reps), "--budget", str(args.budget)]
        for flag, value in (("--postgres", url), ("--keep", args.keep), ("--only", args.only), ("--pg-db", args.pg_db)):
            if value:
                cmd += [flag, value]
        if args.explain:
            cmd.append("--explain")
        if args.no_search:
            cmd.append("--no-search")
        print(f"… {vendor}: {', '.join(map(str, sizes))} cases", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                results.append(json.loads(line[len(RESULT_PREFIX):]))
            else:
                print(line)
        if proc.returncode != 0:
            print(f"{vendor}: the benchmark failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode
    print_table(results)
    return 0


def _ms(value) -> str:
    return "—" if value is None else (f"{value:.2f}" if value < 10 else f"{value:.1f}")


def print_table(results: list[dict]) -> None:
    print()
    print(f"Knutpunkt access benchmark — {os.cpu_count()} CPUs, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print("ms per query: median / p95 / fastest with the policy; median of the same query without it (ORM, bare SQL);")
    print("ratio = policy median / bare SQL median. On a busy machine the fastest run is the best estimate of the cost.")
    header = (f"{'database':<10} {'cases':>8} {'query':<11} {'reader':<12} {'policy med':>10} {'p95':>8} {'min':>8} {'rows':>6} "
              f"{'ORM bare':>9} {'SQL bare':>9} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for result in results:
        for size in result["sizes"]:
            for row in size["rows"]:
                ratio = f"{row['ratio']:.2f}" if row.get("ratio") else ""
                print(f"{result['vendor']:<10} {size['cases']:>8} {row['query']:<11} {row['reader']:<12} {_ms(row['median']):>10} "
                      f"{_ms(row['p95']):>8} {_ms(row.get('min')):>8} {row.get('rows', ''):>6} {_ms(row.get('orm_bare')):>9} "
                      f"{_ms(row.get('sql_bare')):>9} {ratio:>6}")
            for note in size.get("notes", []):
                print(f"{'':<10} {'':>8} {note}")
        for note in result.get("notes", []):
            print(f"{'':<10} {note}")
    print(f"Targets (issue 3): api_list median well under {TARGET_API_MS} ms (10x Open Zaak's 242 ms at 200k) and within 2x the bare SQL.")


# --- the child: one database, all sizes ------------------------------------------------------

def child(args, sizes: list[int]) -> int:
    return run_child(args, sizes, name="access", run=run_all)


def run_child(args, sizes: list[int], *, name: str, run, extra_env: dict | None = None) -> int:
    """The child process of a benchmark (also search.py's): a database of its own —
    a SQLite file in a work folder, or a PostgreSQL database on the server given —
    Django configured for it, `run(vendor, args, sizes)` printed as the result line;
    everything removed afterwards unless --keep."""
    vendor = args._child
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix=f"knutpunkt-bench-{name}-{vendor}-"))
    (work / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns without it
    env = {
        "KNUTPUNKT_DATA_DIR": str(work),
        "KNUTPUNKT_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "KNUTPUNKT_DEBUG": "0",
        "KNUTPUNKT_LOG_LEVEL": "WARNING",
        "KNUTPUNKT_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "knutpunkt.settings.base",
        **(extra_env or {}),
    }
    admin_url = None
    if vendor == "postgresql":
        admin_url = args.postgres
        env["KNUTPUNKT_DATABASE_URL"] = postgres_database(admin_url, args.pg_db, fresh=not args.keep)
    else:
        db_file = work / f"bench-{name}.sqlite3"
        if not args.keep and db_file.exists():
            db_file.unlink()
        env["KNUTPUNKT_DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ.update(env)
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    try:
        result = run(vendor, args, sizes)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url and not args.keep:
            drop_postgres_database(admin_url, args.pg_db)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _admin_conninfo(url: str) -> dict:
    from urllib.parse import unquote, urlparse

    u = urlparse(url)
    info = {"host": u.hostname or "127.0.0.1", "port": u.port or 5432, "user": unquote(u.username or "postgres"), "dbname": "postgres"}
    if u.password:
        info["password"] = unquote(u.password)
    return info


def postgres_database(url: str, name: str, *, fresh: bool) -> str:
    import psycopg

    info = _admin_conninfo(url)
    with psycopg.connect(**info, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if fresh and exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if fresh or not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    auth = info["user"] + (f":{info['password']}" if "password" in info else "")
    return f"postgres://{auth}@{info['host']}:{info['port']}/{name}"


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(**_admin_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def progress(cases, docs, seconds):
    if cases % 100_000 < 5000:
        print(f"    {cases:>9} cases, {docs:>9} documents, {seconds:6.0f} s", file=sys.stderr, flush=True)


def top_up(target: int, vendor: str, *, search: bool = True) -> dict:
    """Generate until the database holds `target` cases; then refresh the planner's
    statistics, as autovacuum / `PRAGMA optimize` would on a live system."""
    from django.db import connection

    from knutpunkt.datagen.generate import generate
    from knutpunkt.registry.models import Case

    have = Case.objects.count()
    seconds = 0.0
    if have < target:
        print(f"  generating {target - have} cases (have {have}) …", file=sys.stderr, flush=True)
        result = generate(cases=target - have, seed=1 + have, progress=progress)
        seconds = result.seconds
    index_seconds = build_search_index() if search else None
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return {"generated_seconds": round(seconds, 1), "analyze_seconds": round(time.perf_counter() - started, 1),
            "index_seconds": index_seconds}


def build_search_index() -> float | None:
    """Text search goes through the search engine's index (knutpunkt.search), which the
    worker fills from outbox events; generated rows have none, so the index is rebuilt
    when it holds fewer cases than the registry."""
    try:
        from knutpunkt.search import indexing
        from knutpunkt.search.engine import get_engine
    except ImportError:
        return None
    from knutpunkt.registry.models import Case

    engine = get_engine()
    if engine.count("cases") >= Case.objects.count():
        return 0.0
    started = time.perf_counter()
    for collection in indexing.BUILDERS:
        print(f"  indexing {collection} for search …", file=sys.stderr, flush=True)
        indexing.rebuild(collection, batch=5000)
    return round(time.perf_counter() - started, 1)


class Readers:
    def __init__(self):
        from rest_framework.authtoken.models import Token

        from knutpunkt.access.models import AccessGroup
        from knutpunkt.datagen.generate import ensure_organisation
        from knutpunkt.organisations.models import Role, RoleAssignment, User

        _org, diaries, _registrar = ensure_organisation()
        self.diaries = diaries
        sn, bn = diaries["SN"], diaries["BN"]
        self.group, _ = AccessGroup.objects.get_or_create(authority=sn.authority, name="Bench-grupp")
        # No organisation: the generator picks officers among the organisation's users,
        # and topping up must not change who the readers are.
        self.users = {}
        for name in READERS:
            user, created = User.objects.get_or_create(username=f"bench-{name}", defaults={"is_global_admin": name == "admin"})
            if created:
                if name == "registrator":
                    RoleAssignment.objects.create(user=user, role=Role.REGISTRATOR, diary=sn)
                elif name == "lasare2":
                    RoleAssignment.objects.create(user=user, role=Role.LASARE, diary=sn)
                    RoleAssignment.objects.create(user=user, role=Role.LASARE, diary=bn)
                elif name == "handlaggare":
                    RoleAssignment.objects.create(user=user, role=Role.HANDLAGGARE, authority=sn.authority)
                    self.group.members.add(user)
            self.users[name] = user
        self.tokens = {name: Token.objects.get_or_create(user=u)[0].key for name, u in self.users.items()}

    def grant_group(self) -> int:
        """Give the access group to every second restricted SN case (and its documents)."""
        from knutpunkt.registry.models import Case, Document

        sn = self.diaries["SN"]
        through = Case.access_groups.through
        ids = list(Case.objects.filter(diary=sn, restricted=True).exclude(access_groups=self.group).order_by("pk").values_list("pk", flat=True))
        ids = ids[::2]
        through.objects.bulk_create([through(case_id=pk, accessgroup_id=self.group.pk) for pk in ids], batch_size=2000)
        dthrough = Document.access_groups.through
        doc_ids = list(Document.objects.filter(case_id__in=ids).values_list("pk", flat=True)) if len(ids) < 50000 else []
        dthrough.objects.bulk_create([dthrough(document_id=pk, accessgroup_id=self.group.pk) for pk in doc_ids], batch_size=2000)
        return len(ids)


def timed(fn, reps: int, budget: float) -> dict:
    """Median and p95 in ms; one warm-up run, then up to `reps` runs within `budget` s
    (at least 3)."""
    out = fn()
    times = []
    deadline = time.perf_counter() + budget
    while len(times) < reps and (len(times) < 3 or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"median": statistics.median(times), "p95": p95, "min": times[0], "n": len(times), "result": out}


def _bare_queryset():
    from knutpunkt.registry.models import Case

    return Case.objects.select_related("diary", "diary__authority", "officer", "responsible_unit", "process", "case_type").filter(
        voided_at__isnull=True
    )


def _bare_text(qs, word: str):
    """The same text match without the policy: through the search engine's index when
    there is one (cases where the word occurs in the case or in one of its documents),
    else LIKE on the texts."""
    from django.db.models import Q

    from knutpunkt.registry.models import Document

    try:
        from knutpunkt.search.engine import get_engine
    except ImportError:
        doc_ids = Document.objects.filter(Q(title__icontains=word) | Q(public_title__icontains=word)).values("case_id")
        return qs.filter(
            Q(reference__icontains=word) | Q(title__icontains=word) | Q(public_title__icontains=word)
            | Q(description__icontains=word) | Q(pk__in=doc_ids)
        )
    engine = get_engine()
    documents = Document.objects.filter(pk__in=engine.match("documents", word), case__isnull=False).order_by().values("case_id")
    return qs.filter(Q(pk__in=engine.match("cases", word)) | Q(pk__in=documents))


def _sql_runner(qs):
    """Run the queryset's SQL on a cursor and fetch the rows: the database's share alone."""
    from django.db import connection

    sql, params = qs.query.get_compiler(using="default").as_sql()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def _count_runner(qs):
    """The COUNT(*) Django runs for qs.count(), captured once and re-run on a cursor
    (the bare count has no parameters)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        qs.count()
    sql = captured[-1]["sql"]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    return run


def explain(qs) -> str:
    from django.db import connection

    sql, params = qs.query.get_compiler(using="default").as_sql()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return "\n".join(r[0] for r in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(f"{'  ' * 0}{r[-1]}" for r in cursor.fetchall())


def measure_size(vendor: str, readers: Readers, args, cases: int, *, explain_plans: bool) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from knutpunkt.access import policy
    from knutpunkt.registry import queries
    from knutpunkt.registry.queries import CaseSearch
    from knutpunkt.search import queries as search_queries

    def cases_query(user, criteria: dict):
        # Text goes through the search engine (registry.queries refuses it); the same
        # newest-first queryset as before, so the figures compare.
        criteria = dict(criteria)
        text = criteria.pop("text", "")
        if text:
            return search_queries.filtered_cases(user, text, **criteria).order_by("-registered_at")
        return queries.search_cases(user, CaseSearch(**criteria))

    only = set(args.only.split(",")) if args.only else None
    rows, notes = [], []
    bare = _bare_queryset().order_by("-registered_at")
    bare_runs = {
        "list": (lambda: len(list(bare[:50])), _sql_runner(bare[:50])),
        "count": (lambda: bare.count(), _count_runner(bare)),
    }
    for key, word in WORDS.items():
        qs = _bare_text(bare, word)
        bare_runs[key] = (lambda qs=qs: len(list(qs[:50])), _sql_runner(qs[:50]))
    bare_times = {}
    for key, (orm, sql) in bare_runs.items():
        if only and key not in only and not (key in ("list", "count") and {"api_list", "api_search"} & only) and not (key == "search" and "api_search" in only):
            continue
        bare_times[key] = (timed(orm, args.reps, args.budget)["median"], timed(sql, args.reps, args.budget)["median"])

    def policy_run(name, criteria_kwargs, kind):
        user = readers.users[name]

        def run():
            policy.forget(user)  # the Reader is computed per request: count it
            qs = cases_query(user, criteria_kwargs)
            return qs.count() if kind == "count" else len(list(qs[:50]))

        return run

    for name in READERS:
        user = readers.users[name]
        plan_for = {}
        for key, criteria, kind in (
            ("list", {}, "page"),
            ("count", {}, "count"),
            ("search", {"text": WORDS["search"]}, "page"),
            ("search_name", {"text": WORDS["search_name"]}, "page"),
        ):
            if only and key not in only:
                continue
            t = timed(policy_run(name, criteria, kind), args.reps, args.budget)
            orm_bare, sql_bare = bare_times[key]
            rows.append({"query": key, "reader": name, "median": t["median"], "p95": t["p95"], "min": t["min"], "rows": t["result"],
                         "orm_bare": orm_bare, "sql_bare": sql_bare, "ratio": t["median"] / sql_bare if sql_bare else None})
            policy.forget(user)
            plan_for[key] = cases_query(user, criteria)
        client = Client(HTTP_AUTHORIZATION=f"Token {readers.tokens[name]}")
        for key, url, bare_keys in (
            ("api_list", "/api/v1/cases/", ("list", "count")),
            ("api_search", f"/api/v1/cases/?q={WORDS['search']}", ("search", "count")),
        ):
            if only and key not in only:
                continue

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, response.content[:500]
                return response.json()["count"]

            t = timed(get, args.reps, args.budget)
            sql_bare = sum(bare_times[k][1] for k in bare_keys)
            orm_bare = sum(bare_times[k][0] for k in bare_keys)
            with CaptureQueriesContext(connection) as captured:
                get()
            rows.append({"query": key, "reader": name, "median": t["median"], "p95": t["p95"], "min": t["min"], "rows": t["result"],
                         "orm_bare": orm_bare, "sql_bare": sql_bare, "ratio": t["median"] / sql_bare if sql_bare else None,
                         "queries": len(captured)})
        if explain_plans:
            for key, qs in plan_for.items():
                print(f"\n--- plan: {vendor} {cases} {key} {name}\n{explain(qs[:50] if key != 'count' else qs)}")
    api_queries = {r["reader"]: r["queries"] for r in rows if r["query"] == "api_list"}
    if api_queries:
        notes.append("SQL statements per api_list request: " + ", ".join(f"{k} {v}" for k, v in api_queries.items()))
    reset_queries()
    return {"cases": cases, "rows": rows, "notes": notes}


def run_all(vendor: str, args, sizes: list[int]) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    readers = None
    out = []
    for i, size in enumerate(sizes):
        info = top_up(size, vendor, search=not args.no_search)
        if readers is None:
            readers = Readers()
        granted = readers.grant_group()
        from knutpunkt.registry.models import Case, Document

        case_count, document_count = Case.objects.count(), Document.objects.count()
        print(f"  {vendor}: {case_count} cases, {document_count} documents; measuring …", file=sys.stderr, flush=True)
        result = measure_size(vendor, readers, args, case_count, explain_plans=args.explain and i == len(sizes) - 1)
        result["notes"].insert(0, f"{case_count} cases, {document_count} documents; generated in {info['generated_seconds']} s, "
                                  f"search index {info['index_seconds']} s, ANALYZE {info['analyze_seconds']} s; "
                                  f"access group given to {granted} more restricted SN cases")
        out.append(result)
    return {"vendor": vendor, "sizes": out, "notes": database_notes(vendor)}


def database_notes(vendor: str, *, with_name: bool = False) -> list[str]:
    """One line on the database the figures come from (also used by search.py)."""
    from django.db import connection

    if vendor == "sqlite":
        import sqlite3

        return [f"SQLite {sqlite3.sqlite_version}, file database, WAL."]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    name = f", database {connection.settings_dict['NAME']!r}" if with_name else ""
    return [f"PostgreSQL {version}, shared_buffers={buffers}{name}."]


if __name__ == "__main__":
    sys.exit(main())
