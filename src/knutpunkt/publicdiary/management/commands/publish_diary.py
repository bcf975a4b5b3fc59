from django.core.management.base import BaseCommand, CommandError

from knutpunkt.publicdiary import services


class Command(BaseCommand):
    help = (
        "Räknar om diariet på webben (den publicerade projektionen och dess sökindex): publicerar det som är klart "
        "att publicera och tar bort det som inte längre får publiceras. Kör gärna varje natt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Töm projektionen först och bygg upp den från början.")
        parser.add_argument("--batch", type=int, default=5000, help="Antal diarieposter per omgång och transaktion (standard 5000).")

    def handle(self, *args, rebuild=False, batch=5000, **options):
        if batch < 1:
            raise CommandError("--batch måste vara minst 1.")
        last = [0.0]

        def progress(kind, judged, written, seconds):
            if options["verbosity"] >= 2 or (options["verbosity"] and seconds - last[0] >= 5):
                last[0] = seconds
                label = "ärenden" if kind == "case" else "handlingar"
                self.stdout.write(f"  {label}: {judged} prövade, {written} poster skrivna, {seconds:.0f} s")

        counts = services.publish_all(rebuild=rebuild, batch=batch, progress=progress)
        self.stdout.write(
            f"Publicerade: {counts['published']}, väntar på fördröjning: {counts['waiting']}, "
            f"inte publicerbara: {counts['not_published']}, borttagna: {counts['removed']}"
        )
