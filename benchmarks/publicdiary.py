#!/usr/bin/env python
"""The public diary at scale: how fast `publish-diary` projects a generated registry, and
how fast public searches (/diarium/ and /api/public/v1/entries/) answer at a million
published entries.

    python benchmarks/publicdiary.py --db sqlite:////tmp/pd/db.sqlite3 --generate 100000 --publish
    python benchmarks/publicdiary.py --db sqlite:////tmp/pd/db.sqlite3 --entries 1000000 --search --explain
    python benchmarks/publicdiary.py --db postgres://postgres@127.0.0.1:5432/knutpunkt_bench_pd --generate 100000 --publish
    python benchmarks/publicdiary.py --smoke      # 500 cases in a temporary SQLite file, seconds

One database per run (any KNUTPUNKT_DATABASE_URL; a PostgreSQL database is created if it
does not exist; nothing is dropped). Steps, each optional and in this order:

--generate N   top the registry up to N cases with knutpunkt.datagen (no events).
--publish      switch publication on for every authority (delay 0 — generated rows were
               all "changed" at generation time, and a delay would make them wait), then
               `publish_all(rebuild=True)`: entries/s and registry rows/s, wall clock and
               this process's CPU (the machine is shared; on PostgreSQL the server's
               work is not in our CPU figure).
--entries M    top the projection up to M entries by copying published entries with new
               ids, each copy a year further back (as a registry ~M/N times larger
               would publish), and index the copies (knutpunkt.search.indexing.rebuild).
--search       the public queries: count (capped at queries.COUNT_CAP) + first page, as
               the page and the API run them, by date and by relevance; p50 and fastest
               of --repeat runs, after one warm-up.
--explain      the database's plan for text + authority + date range, newest first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent.parent / "src"))

QUERIES = [
    # label, EntrySearch keyword arguments ({authority}, {reference} filled in)
    ("common word", {"text": "komplettering"}),
    ("two words", {"text": "detaljplan sjöstaden"}),
    ("phrase", {"text": '"begäran om komplettering"'}),
    ("short prefix", {"text": "an"}),
    ("organisation", {"text": "café hörnet"}),
    ("no hits", {"text": "xyzzyq"}),
    ("word + authority + dates", {"text": "komplettering", "authority_id": "{authority}", "date_from": "{from}", "date_to": "{to}"}),
    ("authority only", {"authority_id": "{authority}"}),
    ("dates only", {"date_from": "{from}", "date_to": "{to}"}),
    ("reference, whole", {"reference": "{reference}"}),
    ("reference, part", {"reference": "{reference_part}"}),
]


def setup(url: str) -> None:
    os.environ["KNUTPUNKT_DATABASE_URL"] = url
    os.environ.setdefault("KNUTPUNKT_DATA_DIR", tempfile.mkdtemp(prefix="kp-bench-pd-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knutpunkt.settings.base")
    if url.startswith("postgres"):
        _create_pg_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_pg_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(cases: int) -> None:
    from knutpunkt.datagen.generate import generate as run
    from knutpunkt.registry.models import Case

    have = Case.objects.count()
    if have < cases:
        result = run(cases=cases - have, seed=1 + have)
        print(f"generated {result.cases} cases, {result.documents} documents in {result.seconds:.0f} s")


def publish() -> None:
    from django.db import connection

    from knutpunkt.organisations.models import Authority
    from knutpunkt.publicdiary import services
    from knutpunkt.publicdiary.models import PublicationSettings
    from knutpunkt.registry.models import Case, Document

    for authority in Authority.objects.all():
        PublicationSettings.objects.update_or_create(authority=authority, defaults={"enabled": True, "delay_hours": 0})
    rows = Case.objects.count() + Document.objects.count()
    wall, cpu = time.perf_counter(), time.process_time()
    counts = services.publish_all(rebuild=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    entries = counts["published"]
    print(f"publish-diary --rebuild on {connection.vendor}: {rows} registry rows, {entries} entries published, "
          f"{counts['waiting']} waiting")
    print(f"  wall {wall:.1f} s: {entries / wall:,.0f} entries/s, {rows / wall:,.0f} registry rows/s")
    print(f"  our CPU {cpu:.1f} s: {entries / cpu:,.0f} entries/s of CPU")


def top_up(target: int) -> None:
    from django.db import connection, transaction

    from knutpunkt.publicdiary.models import PublishedEntry
    from knutpunkt.search import indexing

    have = PublishedEntry.objects.count()
    if have >= target or not have:
        return
    table = PublishedEntry._meta.db_table
    cols = [f.column for f in PublishedEntry._meta.concrete_fields if f.column not in ("id", "object_id", "registered_at", "registered_on")]
    original_max = PublishedEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    started = time.perf_counter()
    years = 1
    while have < target:
        need = target - have
        if connection.vendor == "sqlite":
            new_id, at, on = "lower(hex(randomblob(16)))", f"datetime(registered_at, '-{years} years')", f"date(registered_on, '-{years} years')"
        else:
            new_id, at, on = "gen_random_uuid()", f"registered_at - interval '{years} years'", f"registered_on - interval '{years} years'"
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} (object_id, registered_at, registered_on, {', '.join(cols)}) "
                f"SELECT {new_id}, {at}, {on}, {', '.join(cols)} FROM {table} WHERE id <= %s ORDER BY id LIMIT %s",
                [original_max, need],
            )
        have = PublishedEntry.objects.count()
        years += 1
    print(f"copied entries up to {have} in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    done = indexing.rebuild("public", jobs=2 if connection.vendor == "postgresql" else 1)
    print(f"indexed the public collection: {done} rows in {time.perf_counter() - started:.0f} s")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _params():
    from django.db.models import Max, Min

    from knutpunkt.publicdiary.models import PublishedEntry

    first = PublishedEntry.objects.filter(kind="case").order_by("-registered_at").values_list("reference", "authority_id").first()
    reference, authority = first or ("KS 2026/1", 0)
    span = PublishedEntry.objects.aggregate(lo=Min("registered_on"), hi=Max("registered_on"))
    hi = span["hi"]
    lo = hi.replace(year=hi.year - 1) if hi else None
    return {"authority": authority, "from": lo, "to": hi, "reference": reference, "reference_part": reference.split(" ")[-1][:-1]}


def _search(kwargs: dict, sort: str):
    from knutpunkt.publicdiary import queries

    found = queries.results(queries.EntrySearch(sort=sort, **kwargs))
    page, _ = queries.page_of(found, 1)
    entries = list(page.object_list)
    return page.paginator.count, page.paginator.more, entries


def search(repeat: int) -> None:
    from django.db import connection

    from knutpunkt.publicdiary.models import PublishedEntry

    values = _params()
    print(f"\npublic search on {connection.vendor}, {PublishedEntry.objects.count()} published entries "
          f"(count + first page of 25; ms, p50 / fastest of {repeat})")
    print(f"{'query':28} {'sort':9} {'hits':>9} {'p50':>8} {'min':>8}")
    for label, raw in QUERIES:
        kwargs = {k: (v.format(**values) if isinstance(v, str) and "{" in v else v) for k, v in raw.items()}
        for key in ("date_from", "date_to"):
            if key in kwargs:
                kwargs[key] = values["from" if key == "date_from" else "to"]
        if "authority_id" in kwargs:
            kwargs["authority_id"] = values["authority"]
        for sort in ("datum", "relevans") if "text" in kwargs else ("datum",):
            _search(kwargs, sort)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                count, more, _entries = _search(kwargs, sort)
                times.append((time.perf_counter() - started) * 1000)
            hits = f"{'>' if more else ''}{count}"
            print(f"{label:28} {sort:9} {hits:>9} {statistics.median(times):8.1f} {min(times):8.1f}")


def explain() -> None:
    from knutpunkt.publicdiary import queries

    values = _params()
    for label, kwargs in [
        ("text, newest first", {"text": "komplettering"}),
        ("text + authority + dates", {"text": "komplettering", "authority_id": values["authority"], "date_from": values["from"], "date_to": values["to"]}),
        ("authority + dates", {"authority_id": values["authority"], "date_from": values["from"], "date_to": values["to"]}),
    ]:
        qs = queries.search_entries(queries.EntrySearch(**kwargs))
        print(f"\nEXPLAIN {label} — first page:\n{qs[:25].explain()}")
        print(f"EXPLAIN {label} — capped count:\n{qs.order_by()[: queries.COUNT_CAP + 1].values('pk').explain()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (sqlite:////path or postgres://…/name)")
    parser.add_argument("--generate", type=int, metavar="N")
    parser.add_argument("--publish", action="store_true")
    parser.add_argument("--entries", type=int, metavar="M")
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="500 cases in a temporary SQLite file: every step, quickly")
    args = parser.parse_args(argv)
    if args.smoke:
        args.db = f"sqlite:///{tempfile.mkdtemp(prefix='kp-bench-pd-')}/db.sqlite3"
        args.generate, args.publish, args.entries, args.search, args.explain, args.repeat = 500, True, 2000, True, True, 1
    if not args.db:
        parser.error("--db or --smoke")
    setup(args.db)
    if args.generate:
        generate(args.generate)
    if args.publish:
        publish()
    if args.entries:
        top_up(args.entries)
    if args.search or args.explain:
        analyze()
    if args.search:
        search(args.repeat)
    if args.explain:
        explain()
    return 0


if __name__ == "__main__":
    sys.exit(main())
