from django.core.management.base import BaseCommand

from knutpunkt.core import audit
from knutpunkt.core.models import AuditEntry


class Command(BaseCommand):
    help = "Kontrollerar granskningsloggens kedja: ändrade, borttagna eller omordnade poster."

    def handle(self, *args, **options):
        problems = audit.verify_chain()
        total = AuditEntry.objects.count()
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"Granskningsloggen är oförändrad ({total} poster kontrollerade)."))
            return
        for p in problems:
            self.stderr.write(f"Post {p.sequence}: {p.what}")
        self.stderr.write(self.style.ERROR(f"{len(problems)} fel i granskningsloggen ({total} poster)."))
        raise SystemExit(1)
