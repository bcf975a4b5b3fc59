"""knutpunkt reindex: rebuild the search index from the registry."""

from django.core.management.base import BaseCommand, CommandError

from knutpunkt.search import indexing


class Command(BaseCommand):
    help = "Bygger om sökindexet (ärenden och handlingar) från diariet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--collection", choices=["all", *indexing.BUILDERS], default="all", help="vad som ska byggas om (standard: allt)"
        )
        parser.add_argument("--batch", type=int, default=10000, help="rader per transaktion (standard 10000)")
        parser.add_argument(
            "--jobs", type=int, default=2,
            help="omgångar som körs samtidigt, var och en på en egen databasanslutning (PostgreSQL; standard 2)",
        )

    def handle(self, *args, collection, batch, jobs, **options):
        if batch < 1:
            raise CommandError("--batch måste vara minst 1.")
        if jobs < 1:
            raise CommandError("--jobs måste vara minst 1.")
        names = list(indexing.BUILDERS) if collection == "all" else [collection]
        for name in names:
            last = [0.0]

            def progress(done, total, seconds, name=name):
                if seconds - last[0] >= 2 or done >= total:
                    last[0] = seconds
                    rate = done / seconds if seconds else 0
                    self.stdout.write(f"{name}: {done}/{total} ({rate:.0f}/s)")

            done = indexing.rebuild(name, batch=batch, jobs=jobs, progress=progress if options["verbosity"] else None)
            self.stdout.write(self.style.SUCCESS(f"{name}: {done} indexerade."))
        indexing.analyze()
