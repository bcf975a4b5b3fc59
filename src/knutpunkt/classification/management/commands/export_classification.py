"""knutpunkt export-classification --organisation KORTNAMN [--scheme ID] --format json|csv|xlsx -o PATH"""

import sys

from django.core.management.base import BaseCommand, CommandError

from knutpunkt.classification import queries, services
from knutpunkt.classification.models import ClassificationScheme
from knutpunkt.organisations.models import Organisation


class Command(BaseCommand):
    help = "Exporterar en klassificeringsstruktur (som standard den gällande) som JSON, CSV eller XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Organisationens kortnamn")
        parser.add_argument("--scheme", type=int, help="Id för en viss version (annars den gällande)")
        parser.add_argument("--format", choices=services.FORMATS, default="json")
        parser.add_argument("-o", "--output", required=True, help="Fil att skriva, eller - för standard ut (json/csv)")

    def handle(self, *args, organisation, scheme, format, output, **options):
        try:
            org = Organisation.objects.get(short_name=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"Organisationen ”{organisation}” finns inte.") from None
        if scheme is not None:
            chosen = ClassificationScheme.objects.filter(organisation=org, pk=scheme).first()
            if chosen is None:
                raise CommandError(f"{org} har ingen struktur med id {scheme}.")
        else:
            chosen = queries.active_scheme(org)
            if chosen is None:
                raise CommandError(f"{org} har ingen gällande struktur; ange --scheme.")
        content = services.export_as(chosen, format)
        if output == "-":
            if format == "xlsx":
                raise CommandError("XLSX kan inte skrivas till standard ut; ange en fil med -o.")
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        with open(output, "wb") as fh:
            fh.write(content)
        self.stderr.write(self.style.SUCCESS(f"Skrev {chosen} till {output}."))
