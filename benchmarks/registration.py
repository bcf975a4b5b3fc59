#!/usr/bin/env python
"""Registration throughput: documents per second through the service layer, through the
REST API over real HTTP, and the raw INSERT rate of the same rows as the baseline.

    python benchmarks/registration.py                 # SQLite, N=2000
    python benchmarks/registration.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/registration.py --smoke         # tiny N, for CI
    python benchmarks/registration.py --profile service --n 300   # cProfile, top functions

Each registration is what a registrator does for incoming mail: a new case, one private
person (with personnummer) as sökande and sender, one incoming document, with events
on (CaseEvent rows written in the transaction and the outbox's dispatch task enqueued
after commit in the database task queue). See docs/benchmarks.md for measured figures.

Every database runs in its own child process (Django is configured once per process)
against a fresh database: a temporary SQLite file, and — with --postgres URL or
KNUTPUNKT_BENCH_POSTGRES_URL — a database `knutpunkt_bench` created and dropped on
that server. The API phase starts the WSGI application on 127.0.0.1 on a free port in
a pre-forked, threaded wsgiref server (one process per CPU) and drives it with 1 and
4 client threads using http.client.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SRC = HERE.parent.parent / "src"
RESULT_PREFIX = "BENCHMARK-RESULT "
BENCH_DB = "knutpunkt_bench"


# --- data ---------------------------------------------------------------------------------

def personnummer(i: int) -> str:
    """A distinct, valid personnummer (12 digits) for every i ≥ 0."""
    block, rest = divmod(i, 28 * 999)
    day, serial = divmod(rest, 999)
    year = 1940 + block % 60
    ten = f"{year % 100:02d}03{day + 1:02d}{serial + 1:03d}"
    total = 0
    for k, c in enumerate(ten[:9]):
        d = int(c) * (2 if k % 2 == 0 else 1)
        total += d // 10 + d % 10
    return f"{year // 100}{ten[:9]}{(10 - total % 10) % 10}"


def api_payload(prefix: str, i: int) -> dict:
    return {
        "diary": prefix,
        "case_title": f"Ansökan om bygglov, Exempelby {i}:1",
        "document": {"direction": "inkommande", "title": "Ansökan om bygglov", "document_date": None},
        "parties": [
            {"role": "sokande", "kind": "person", "personal_number": personnummer(i), "first_name": "Test", "last_name": f"Testsson {i}"}
        ],
    }


# --- the parent: run each database in a child, print the table ----------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="registrations per measurement (default 2000)")
    parser.add_argument("--smoke", action="store_true", help="tiny N (20) so CI can run it in seconds")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("KNUTPUNKT_BENCH_POSTGRES_URL"),
                        help=f"PostgreSQL server to use too (a database {BENCH_DB!r} is created and dropped there)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--clients", default="1,4", help="API client threads, comma-separated (default 1,4)")
    parser.add_argument("--server-processes", type=int, default=os.cpu_count() or 2, help="API server processes (default: CPUs)")
    parser.add_argument("--server-threads", type=int, default=4, help="API server threads per process (default 4)")
    parser.add_argument("--conn-max-age", type=int, default=None,
                        help="also run the API with persistent database connections (CONN_MAX_AGE seconds); "
                             "default: 60 on PostgreSQL, none on SQLite")
    parser.add_argument("--no-api", action="store_true", help="skip the API phase")
    parser.add_argument("--profile", choices=["service", "api"], help="profile one path in-process with cProfile and print the top functions")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    parser.add_argument("--_serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.n = 20
    if args._serve:
        return serve(args._serve, args.server_processes, args.server_threads, args.conn_max_age)
    if args._child:
        return child(args)

    targets = [] if args.no_sqlite else [("sqlite", None)]
    if args.postgres:
        targets.append(("postgresql", args.postgres))
    if not targets:
        parser.error("nothing to run: --no-sqlite without --postgres")
    results = []
    for vendor, url in targets:
        cmd = [sys.executable, str(HERE), "--_child", vendor, "--n", str(args.n), "--clients", args.clients,
               "--server-processes", str(args.server_processes), "--server-threads", str(args.server_threads)]
        conn_max_age = args.conn_max_age if args.conn_max_age is not None else (60 if vendor == "postgresql" else None)
        if conn_max_age:
            cmd += ["--conn-max-age", str(conn_max_age)]
        if url:
            cmd += ["--postgres", url]
        if args.no_api:
            cmd.append("--no-api")
        if args.profile:
            cmd += ["--profile", args.profile]
        print(f"… {vendor}: N={args.n}", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                results.append(json.loads(line[len(RESULT_PREFIX):]))
            else:
                print(line)
        if proc.returncode != 0:
            print(f"{vendor}: the benchmark failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode
    print_table(results, args.n)
    return 0


def print_table(results: list[dict], n: int) -> None:
    print()
    print(f"Knutpunkt registration benchmark — N={n} per row, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print("One registration = new case + 1 person party (personnummer) + 1 incoming document, events on.")
    header = f"{'database':<11} {'path':<42} {'docs/s':>9} {'ms/doc':>8} {'cpu ms':>7} {'queries':>8} {'vs raw':>7}"
    print(header)
    print("-" * len(header))
    for result in results:
        raw = next((r["docs_per_s"] for r in result["rows"] if r["key"] == "raw"), None)
        for row in result["rows"]:
            if row.get("docs_per_s") is None:
                print(f"{result['vendor']:<11} {row['label']:<42} {'—':>9}   {row.get('note', '')}")
                continue
            ratio = f"{row['docs_per_s'] / raw:.2f}" if raw and row["key"] != "raw" else ""
            queries = str(row.get("queries", "")) if row.get("queries") is not None else ""
            cpu = f"{row['cpu_ms']:.2f}" if row.get("cpu_ms") is not None else ""
            print(f"{result['vendor']:<11} {row['label']:<42} {row['docs_per_s']:>9.1f} {1000 / row['docs_per_s']:>8.2f} {cpu:>7} {queries:>8} {ratio:>7}")
        for note in result.get("notes", []):
            print(f"{'':<11} {note}")
    print("docs/s = registrations (each one case + one document) per second; 'vs raw' = ratio to the batched raw INSERT rate;")
    print("ms/doc = wall time per registration; cpu ms = CPU time per registration spent in Knutpunkt's own process(es)")
    print("(the benchmark process, or all API server processes; PostgreSQL's server CPU not included) — steadier than")
    print("docs/s on a busy machine; queries = SQL statements per registration (savepoints, COMMIT and the task enqueue included).")
    print("Reference: Open Zaak creates 18.5 cases/s with 1 client, 31/s with 4 (PostgreSQL); the aim is 10x with events on.")


# --- the child: one database ---------------------------------------------------------------

def child(args) -> int:
    vendor = args._child
    work = Path(tempfile.mkdtemp(prefix=f"knutpunkt-bench-{vendor}-"))
    (work / "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT
    env = {
        "KNUTPUNKT_DATA_DIR": str(work),
        "KNUTPUNKT_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "KNUTPUNKT_DEBUG": "0",
        "KNUTPUNKT_LOG_LEVEL": "WARNING",
        "KNUTPUNKT_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "knutpunkt.settings.base",
    }
    admin_url = None
    if vendor == "postgresql":
        admin_url = args.postgres
        env["KNUTPUNKT_DATABASE_URL"] = recreate_postgres_database(admin_url)
    else:
        env["KNUTPUNKT_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.update(env)
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    try:
        result = run_all(vendor, args, env)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url:
            drop_postgres_database(admin_url)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _admin_conninfo(url: str) -> dict:
    from urllib.parse import unquote, urlparse

    u = urlparse(url)
    info = {"host": u.hostname or "127.0.0.1", "port": u.port or 5432, "user": unquote(u.username or "postgres"), "dbname": "postgres"}
    if u.password:
        info["password"] = unquote(u.password)
    return info


def recreate_postgres_database(url: str) -> str:
    import psycopg

    info = _admin_conninfo(url)
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    auth = info["user"] + (f":{info['password']}" if "password" in info else "")
    return f"postgres://{auth}@{info['host']}:{info['port']}/{BENCH_DB}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    with psycopg.connect(**_admin_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


class World:
    """Organisation, authority, a diary per phase, a registrator (by authority role) and
    an API token."""

    def __init__(self, phases: list[str]):
        from rest_framework.authtoken.models import Token

        from knutpunkt.organisations.models import Authority, Diary, Organisation, Role, RoleAssignment, User

        self.org = Organisation.objects.create(name="Benchmarks kommun", short_name="bench")
        self.authority = Authority.objects.create(organisation=self.org, name="Byggnadsnämnden", code="BN")
        self.diaries = {p: Diary.objects.create(authority=self.authority, name=f"Diarium {p}", prefix=p) for p in phases}
        self.user = User.objects.create(username="registrator", first_name="Regina", last_name="Registrator", organisation=self.org)
        RoleAssignment.objects.create(user=self.user, role=Role.REGISTRATOR, authority=self.authority)
        self.token = Token.objects.create(user=self.user).key


def run_all(vendor: str, args, env: dict) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    phases = ["RAWB", "RAWT", "SVC", "QRY", "QAPI"] + [f"API{c}" for c in clients] + [f"API{c}_PERSISTENT" for c in clients]
    world = World(phases)
    rows, notes = [], []
    n = args.n
    offset = 0

    if args.profile:
        return profile(vendor, args.profile, world, n)

    # (c) the baseline first, so it runs on the emptiest database.
    rows.append({"key": "raw", "label": "raw INSERTs, executemany, 500 per txn", **raw_inserts(world, world.diaries["RAWB"], n, offset, batched=True)})
    offset += n
    rows.append({"key": "raw_txn", "label": "raw INSERTs, one txn per registration", **raw_inserts(world, world.diaries["RAWT"], n, offset, batched=False)})
    offset += n

    # (a) the service layer.
    svc_queries = count_service_queries(world, world.diaries["QRY"], 10_000_000)
    rows.append({"key": "service", "label": "service layer (intake.register)", "queries": svc_queries, **service(world, world.diaries["SVC"], n, offset)})
    offset += n
    notes.append(outbox_drain(world))

    # (b) the API over HTTP.
    def label(c, persistent=False):
        return f"API over HTTP, {c} client{'s' if c > 1 else ''}" + (f", CONN_MAX_AGE={args.conn_max_age}" if persistent else "")

    if args.no_api:
        pass
    elif not api_available():
        for c in clients:
            rows.append({"key": f"api{c}", "label": label(c), "docs_per_s": None, "note": "POST /api/v1/registrations/ is not available yet"})
    else:
        api_queries = count_api_queries(world, world.diaries["QAPI"], 10_000_100)
        configured = connection.settings_dict.get("CONN_MAX_AGE") or 0
        variants = [(None, f"API (settings as configured, CONN_MAX_AGE={configured})")]
        if args.conn_max_age and args.conn_max_age != configured:
            variants.append((args.conn_max_age, None))
        for conn_max_age, _ in variants:
            connection.close()
            server = start_server(env, args.server_processes, args.server_threads, conn_max_age)
            try:
                for c in clients:
                    key = f"api{c}" + ("_persistent" if conn_max_age else "")
                    measured = api(world, world.diaries[key.upper()], n, offset, c, server["port"], server["proc"].pid)
                    rows.append({"key": key, "label": label(c, bool(conn_max_age)), "queries": api_queries, **measured})
                    offset += n
            finally:
                stop_server(server)
        notes.append(f"API server: wsgiref pre-forked, {args.server_processes} processes x {args.server_threads} threads "
                     f"(as gunicorn gthread); settings CONN_MAX_AGE={configured}"
                     + (" = a new database connection per request." if not configured else "."))
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(cursor.fetchone()[0])
        notes.append(f"SQLite {sqlite_version()}: journal_mode={journal}, synchronous={sync}, IMMEDIATE transactions.")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            sync = cursor.fetchone()[0]
        notes.append(f"PostgreSQL {version}: synchronous_commit={sync}.")
    return {"vendor": vendor, "n": n, "rows": rows, "notes": notes}


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


# --- (c) raw INSERTs -----------------------------------------------------------------------

def _insert_sql(model, connection):
    from django.db.models import AutoField, BigAutoField

    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, (AutoField, BigAutoField)))]
    qn = connection.ops.quote_name
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
    return sql, fields


def _params(obj, fields, connection):
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def raw_rows(world, diary, n: int, offset: int):
    """The rows one registration writes, as parameter lists per table."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from knutpunkt.core.ids import new_id
    from knutpunkt.registry.models import Case, CaseEvent, CaseParty, Correspondent, Document, Party

    models = [Party, Case, CaseParty, Document, Correspondent, CaseEvent]
    statements = {m: _insert_sql(m, connection) for m in models}
    now = timezone.now()
    today = dt.date.today()
    per_registration = []
    for i in range(n):
        k = offset + i
        number = i + 1
        reference = f"{diary.prefix} {today.year}/{number}"
        party = Party(id=new_id(), organisation=world.org, kind="person", personal_number=personnummer(k), first_name="Test", last_name=f"Testsson {k}")
        case = Case(id=new_id(), diary=diary, year=today.year, number=number, reference=reference, title=f"Ansökan om bygglov, Exempelby {k}:1",
                    opened_date=today, registered_at=now, registered_by=world.user, status="oppnat", last_document_number=1, event_sequence=3)
        document = Document(id=new_id(), case=case, diary=diary, number=1, reference=f"{reference}-1", direction="inkommande",
                            title="Ansökan om bygglov", document_date=today, registered_at=now, registered_by=world.user)
        common = {"case_reference": reference, "main_case_reference": reference}
        events = [
            CaseEvent(id=new_id(), type="case.registered", case=case, sequence=1, occurred_at=now, actor=world.user,
                      data={"title": case.title, "diary": diary.prefix, "process": None, "case_type": None, "officer": None, **common}),
            CaseEvent(id=new_id(), type="case.party_added", case=case, sequence=2, occurred_at=now, actor=world.user,
                      data={"party_id": str(party.pk), "role": "sokande", **common}),
            CaseEvent(id=new_id(), type="document.registered", case=case, document=document, sequence=3, occurred_at=now, actor=world.user,
                      data={"title": document.title, "direction": "inkommande", "document_type": None, "document_date": today.isoformat(),
                            "correspondents": [{"party_id": str(party.pk), "role": "avsandare"}], "document_reference": document.reference, **common}),
        ]
        rows = [
            (Party, party), (Case, case), (CaseParty, CaseParty(case=case, party=party, role="sokande")), (Document, document),
            (Correspondent, Correspondent(document=document, party=party, role="avsandare")), *((CaseEvent, e) for e in events),
        ]
        per_registration.append([(statements[m][0], _params(o, statements[m][1], connection)) for m, o in rows])
    return models, statements, per_registration


def raw_inserts(world, diary, n: int, offset: int, *, batched: bool) -> dict:
    from django.db import connection, transaction

    models, statements, per_registration = raw_rows(world, diary, n, offset)
    started, cpu = time.perf_counter(), time.process_time()
    if batched:
        batch = 500
        for start in range(0, n, batch):
            chunk = per_registration[start:start + batch]
            with transaction.atomic(), connection.cursor() as cursor:
                # Table by table, in foreign-key order.
                by_sql: dict[str, list] = {}
                for registration in chunk:
                    for sql, params in registration:
                        by_sql.setdefault(sql, []).append(params)
                for model in models:
                    sql = statements[model][0]
                    cursor.executemany(sql, by_sql[sql])
    else:
        for registration in per_registration:
            with transaction.atomic(), connection.cursor() as cursor:
                for sql, params in registration:
                    cursor.execute(sql, params)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    check_series(diary, n)
    return {"docs_per_s": n / elapsed, "seconds": elapsed, "cpu_ms": 1000 * cpu / n, "queries": 8 if not batched else None}


# --- (a) service layer ---------------------------------------------------------------------

def _registration(world, diary, k: int):
    from knutpunkt.intake.services import Registration
    from knutpunkt.registry.parties import PartyInput

    return Registration(
        diary=diary,
        new_case_title=f"Ansökan om bygglov, Exempelby {k}:1",
        document_title="Ansökan om bygglov",
        direction="inkommande",
        parties=[(PartyInput(kind="person", personal_number=personnummer(k), first_name="Test", last_name=f"Testsson {k}"), "sokande")],
    )


def service(world, diary, n: int, offset: int) -> dict:
    from knutpunkt.intake.services import register

    registrations = [_registration(world, diary, offset + i) for i in range(n)]
    started, cpu = time.perf_counter(), time.process_time()
    for registration in registrations:
        register(registration, actor=world.user)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    check_series(diary, n)
    return {"docs_per_s": n / elapsed, "seconds": elapsed, "cpu_ms": 1000 * cpu / n}


def count_service_queries(world, diary, k: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knutpunkt.intake.services import register

    register(_registration(world, diary, k), actor=world.user)  # warm caches as in the loop
    with CaptureQueriesContext(connection) as ctx:
        register(_registration(world, diary, k + 1), actor=world.user)
    return len(ctx.captured_queries)


def outbox_drain(world) -> str:
    """How fast the dispatch task hands the written events to the subscribers."""
    from knutpunkt.registry.models import CaseEvent
    from knutpunkt.registry.tasks import dispatch_events

    pending = CaseEvent.objects.filter(dispatched_at__isnull=True).count()
    started = time.perf_counter()
    done = dispatch_events.call()
    elapsed = time.perf_counter() - started
    return f"outbox: {done} of {pending} pending events dispatched in {elapsed:.2f} s ({done / elapsed if elapsed else 0:.0f} events/s, subscribers in this installation)."


def check_series(diary, n: int) -> None:
    """The benchmark also checks what it measured: numbers 1..n, no gap, no duplicate."""
    from knutpunkt.registry.models import Case

    numbers = sorted(Case.objects.filter(diary=diary).values_list("number", flat=True))
    if numbers != list(range(1, n + 1)):
        raise SystemExit(f"{diary.prefix}: the series is not 1..{n}: {len(numbers)} cases, first gaps/duplicates near {numbers[:5]}…")


# --- (b) API -------------------------------------------------------------------------------

def api_available() -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve("/api/v1/registrations/")
    except Resolver404:
        return False
    return getattr(match, "url_name", "") == "registrations"


def count_api_queries(world, diary, k: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {world.token}")
    for j in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.post("/api/v1/registrations/", json.dumps(api_payload(diary.prefix, k + j)), content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"API answered {response.status_code}: {response.content[:500]!r}")
    return len(ctx.captured_queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, processes: int, threads: int, conn_max_age: int | None) -> dict:
    port = free_port()
    cmd = [sys.executable, str(HERE), "--_serve", str(port), "--server-processes", str(processes), "--server-threads", str(threads)]
    if conn_max_age:
        cmd += ["--conn-max-age", str(conn_max_age)]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the API server did not start: {proc.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return {"proc": proc, "port": port}
        except OSError:
            time.sleep(0.1)
    stop_server({"proc": proc})
    raise SystemExit("the API server did not start within 60 s")


def stop_server(server: dict) -> None:
    proc = server["proc"]
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def serve(port: int, processes: int, threads: int, conn_max_age: int | None) -> int:
    """A pre-forked wsgiref server with a fixed pool of threads per process, as
    gunicorn's gthread worker: the standard library only, one process per CPU so the
    GIL does not cap the server at one core, and threads that live on so database
    connections can be kept (CONN_MAX_AGE) as they would be in production."""
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    if conn_max_age is not None:
        from django.db import connections

        connections.settings["default"]["CONN_MAX_AGE"] = conn_max_age

    class Server(WSGIServer):
        request_queue_size = 256
        pool = None

        def process_request(self, request, client_address):
            if self.pool is None:  # made after fork, in the process that uses it
                self.pool = ThreadPoolExecutor(threads)
            self.pool.submit(self._handle, request, client_address)

        def _handle(self, request, client_address):
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - as socketserver does
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    class Handler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = make_server("127.0.0.1", port, app, server_class=Server, handler_class=Handler)
    children = []
    for _ in range(max(1, processes) - 1):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            httpd.serve_forever()
            os._exit(0)
        children.append(pid)

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    httpd.serve_forever()
    return 0


def api(world, diary, n: int, offset: int, clients: int, port: int, server_pid: int) -> dict:
    import http.client

    headers = {"Authorization": f"Token {world.token}", "Content-Type": "application/json", "Accept": "application/json"}
    errors: list[str] = []
    shares = [list(range(c, n, clients)) for c in range(clients)]
    bodies = [[json.dumps(api_payload(diary.prefix, offset + i)).encode() for i in share] for share in shares]
    barrier = threading.Barrier(clients + 1)

    def client(k: int):
        barrier.wait()
        for body in bodies[k]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                conn.request("POST", "/api/v1/registrations/", body, headers)
                response = conn.getresponse()
                content = response.read()
                if response.status != 201:
                    errors.append(f"{response.status}: {content[:300]!r}")
            except OSError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    cpu = server_cpu_seconds(server_pid)
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    cpu = server_cpu_seconds(server_pid) - cpu if cpu is not None else None
    if errors:
        raise SystemExit(f"API: {len(errors)} of {n} requests failed; first: {errors[0]}")
    check_series(diary, n)
    return {"docs_per_s": n / elapsed, "seconds": elapsed, "cpu_ms": 1000 * cpu / n if cpu is not None else None}


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of the server process and its forked workers, from
    /proc (Linux); None elsewhere. The database server's own CPU is not included."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == pid or int(fields[1]) == pid:  # fields[1] = parent pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks
    except (OSError, ValueError, AttributeError):
        return None


# --- profiling -----------------------------------------------------------------------------

def profile(vendor: str, what: str, world, n: int) -> dict:
    import cProfile
    import io
    import pstats

    from knutpunkt.intake.services import register

    diary = world.diaries["SVC"]
    if what == "service":
        def run():
            for i in range(n):
                register(_registration(world, diary, i), actor=world.user)
    else:
        from django.test import Client

        client = Client(HTTP_AUTHORIZATION=f"Token {world.token}")

        def run():
            for i in range(n):
                response = client.post("/api/v1/registrations/", json.dumps(api_payload(diary.prefix, i)), content_type="application/json")
                assert response.status_code == 201, response.content[:300]

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(run)
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(45)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue())
    return {"vendor": vendor, "n": n, "rows": [{"key": what, "label": f"{what} (under cProfile)", "docs_per_s": n / elapsed}], "notes": []}


if __name__ == "__main__":
    sys.exit(main())
