"""knutpunkt import-classification PATH --organisation KORTNAMN [--activate]"""

from django.core.management.base import BaseCommand, CommandError

from knutpunkt.classification import queries, services
from knutpunkt.core.errors import DomainError
from knutpunkt.organisations.models import Organisation


class Command(BaseCommand):
    help = "Importerar en klassificeringsstruktur (.json, .csv eller .xlsx) som en ny version."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fil att importera; formatet avgörs av filändelsen")
        parser.add_argument("--organisation", required=True, help="Organisationens kortnamn")
        parser.add_argument("--activate", action="store_true", help="Låt den nya versionen börja gälla direkt")
        parser.add_argument("--name", help="Strukturens namn (för CSV/XLSX; annars den gällande strukturens namn)")
        parser.add_argument("--scheme-version", dest="scheme_version", help="Versionsbeteckning (annars nästa lediga nummer)")

    def handle(self, *args, path, organisation, activate, name, scheme_version, **options):
        try:
            org = Organisation.objects.get(short_name=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"Organisationen ”{organisation}” finns inte.") from None
        try:
            scheme = services.import_file(org, path, activate=activate, name=name, version=scheme_version)
        except FileNotFoundError:
            raise CommandError(f"Filen {path} finns inte.") from None
        except DomainError as exc:
            problems = exc.errors.get("structure") or [exc.message]
            raise CommandError("Inget importerades.\n" + "\n".join(problems)) from None
        c = queries.counts(scheme)
        self.stdout.write(self.style.SUCCESS(
            f"Importerade {scheme} för {org}: {c['verksamhetsomrade']} verksamhetsområden, {c['process']} processer, "
            f"{c['case_types']} ärendetyper, {c['document_types']} handlingstyper, {c['retention_rules']} regler."
        ))
