from django.core.management.base import BaseCommand

from knutpunkt.publicdiary import services


class Command(BaseCommand):
    help = (
        "Räknar om diariet på webben (den publicerade projektionen): publicerar det som är klart att publicera "
        "och tar bort det som inte längre får publiceras. Kör gärna varje natt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Töm projektionen först och bygg upp den från början.")
        parser.add_argument("--batch", type=int, default=1000, help="Antal rader per omgång (standard 1000).")

    def handle(self, *args, rebuild=False, batch=1000, **options):
        counts = services.publish_all(rebuild=rebuild, batch=batch)
        self.stdout.write(
            f"Publicerade: {counts['published']}, väntar på fördröjning: {counts['waiting']}, inte publicerbara/borttagna: {counts['removed']}"
        )
