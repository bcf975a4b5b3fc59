"""`knutpunkt verify-files`: fixity check of every stored file (DESIGN.md principle 2).

Re-hashes every blob through files.services.verify_all and names, for each missing or
altered one, the documents (handlingsnummer) and file names that point at it, so a
registrator knows which allmänna handlingar to restore from backup.
"""

from django.core.management.base import BaseCommand, CommandError

from knutpunkt.files import services
from knutpunkt.files.models import FileVersion


def affected(blob) -> list[tuple[str, str, int]]:
    """(handlingsnummer, filnamn, version) for every file version using the blob."""
    rows = (
        FileVersion.objects.filter(blob=blob)
        .select_related("file__document")
        .order_by("file__document__reference", "filename", "version")
    )
    return [(v.file.document.reference, v.filename, v.version) for v in rows]


class Command(BaseCommand):
    help = "Kontrollerar alla lagrade filer (kontrollsumma SHA-256) och rapporterar saknade eller ändrade."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Skriv bara ut problem, ingen sammanfattning.")

    def handle(self, *args, quiet=False, **options):
        problems = []

        def on_problem(blob, what):
            problems.append((blob, what))
            self.stderr.write(f"FEL {blob.sha256}: {what}")
            for reference, filename, version in affected(blob):
                self.stderr.write(f"  handling {reference}: {filename} (version {version})")

        result = services.verify_all(on_problem=on_problem)
        if not quiet:
            self.stdout.write(
                f"Kontrollerade {result['checked']} lagrade filer: "
                f"{result['checked'] - result['problems']} intakta, {result['problems']} med fel."
            )
        if problems:
            # CommandError gives exit code 1 from the console script and call_command raises.
            raise CommandError(f"{len(problems)} lagrade filer saknas eller är ändrade.", returncode=1)
