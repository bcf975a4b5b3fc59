import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from knutpunkt.datagen.generate import generate


class Command(BaseCommand):
    help = (
        "Skapar en syntetisk kommun med många ärenden för prestandamätning (inte riktiga allmänna handlingar), "
        "bygger sökindexet och publicerar diariet på webben så att allt går att söka i direkt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000, help="antal ärenden (t.ex. 1000000)")
        parser.add_argument("--documents-per-case", type=float, default=3.0, help="genomsnittligt antal handlingar per ärende")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument("--organisation", default="syntetisk", help="organisationens kortnamn")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--no-index", action="store_true", help="bygg inte om sökindexet efteråt (då hittas inget förrän `knutpunkt reindex`)")
        parser.add_argument("--no-publish", action="store_true", help="kör inte `publish-diary` efteråt (diariet på webben förblir som det var)")
        parser.add_argument("--jobs", type=int, default=2, help="parallella omgångar när sökindexet byggs (PostgreSQL; standard 2)")

    def handle(self, *args, **o):
        verbose = o["verbosity"] >= 1

        def progress(cases, docs, seconds):
            if verbose:
                self.stdout.write(f"  {cases:>9} ärenden, {docs:>9} handlingar, {seconds:7.1f} s ({cases / max(seconds, 1e-9):,.0f} ärenden/s)")

        result = generate(
            cases=o["cases"], documents_per_case=o["documents_per_case"], seed=o["seed"], years=o["years"],
            organisation=o["organisation"], batch=o["batch"], progress=progress,
        )
        self.stdout.write(self.style.SUCCESS(
            f"Klart: {result.cases} ärenden, {result.documents} handlingar, {result.parties} parter på {result.seconds:.1f} s."
        ))
        # The rows were written without events, so nothing follows them into the index
        # or the public diary by itself.
        if not o["no_index"]:
            self.build_index(o["jobs"], verbose)
        if not o["no_publish"] and "publish_diary" in get_commands():
            started = time.monotonic()
            call_command("publish_diary", stdout=self.stdout, stderr=self.stderr, verbosity=o["verbosity"])
            self.stdout.write(self.style.SUCCESS(f"Diariet på webben publicerat på {time.monotonic() - started:.1f} s."))

    def build_index(self, jobs: int, verbose: bool) -> None:
        from knutpunkt.search import indexing

        for name in ("cases", "documents"):
            started = time.monotonic()
            last = [0.0]

            def progress(done, total, seconds, name=name, last=last):
                if verbose and (seconds - last[0] >= 10 or done >= total):
                    last[0] = seconds
                    self.stdout.write(f"  sökindex {name}: {done}/{total} ({done / max(seconds, 1e-9):,.0f}/s)")

            done = indexing.rebuild(name, jobs=jobs, progress=progress)
            self.stdout.write(self.style.SUCCESS(f"Sökindex {name}: {done} på {time.monotonic() - started:.1f} s."))
        indexing.analyze()
