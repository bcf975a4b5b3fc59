from django.core.management.base import BaseCommand

from knutpunkt.datagen.generate import generate


class Command(BaseCommand):
    help = "Skapar en syntetisk kommun med många ärenden för prestandamätning (inte riktiga allmänna handlingar)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000, help="antal ärenden (t.ex. 1000000)")
        parser.add_argument("--documents-per-case", type=float, default=3.0, help="genomsnittligt antal handlingar per ärende")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument("--organisation", default="syntetisk", help="organisationens kortnamn")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, **o):
        def progress(cases, docs, seconds):
            if o["verbosity"] >= 1:
                self.stdout.write(f"  {cases:>9} ärenden, {docs:>9} handlingar, {seconds:7.1f} s ({cases / max(seconds, 1e-9):,.0f} ärenden/s)")

        result = generate(
            cases=o["cases"], documents_per_case=o["documents_per_case"], seed=o["seed"], years=o["years"],
            organisation=o["organisation"], batch=o["batch"], progress=progress,
        )
        self.stdout.write(self.style.SUCCESS(
            f"Klart: {result.cases} ärenden, {result.documents} handlingar, {result.parties} parter på {result.seconds:.1f} s."
        ))
