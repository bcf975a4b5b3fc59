"""`knutpunkt load-demo`: load the demo municipality without starting anything."""

import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from knutpunkt.demo import loader


class Command(BaseCommand):
    help = "Läser in demokommunen Exempelby kommun (en gång) med ärenden, handlingar och filer."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=loader.DEFAULT_CASES, help="Antal ärenden (standard: %(default)s).")
        parser.add_argument("--seed", type=int, default=loader.DEFAULT_SEED, help="Slumpfrö; samma frö ger samma data.")

    def handle(self, *args, cases: int, seed: int, verbosity: int, **options):
        if cases < 0:
            raise CommandError("--cases kan inte vara negativt.")
        if loader.demo_loaded():
            self.stdout.write("Demokommunen finns redan inläst – inget att göra.")
            return
        say = self.stdout.write if verbosity >= 1 else (lambda _msg: None)
        say(f"Läser in demokommunen med {cases} ärenden …")
        with quiet_audit_log(verbosity < 2):
            summary = loader.load_demo(cases=cases, seed=seed, progress=say)
        say(format_summary(summary))


@contextmanager
def quiet_audit_log(quiet: bool):
    """The audit trail is still written; only its echo on the console (one line per
    role granted to a demo user) is held back."""
    logger = logging.getLogger("knutpunkt.audit")
    level = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def format_summary(s: loader.DemoSummary) -> str:
    series = ", ".join(f"{k}: {v}" for k, v in sorted(s.series.items()))
    return (
        f"Klart på {s.seconds:.1f} s: {s.cases} ärenden ({s.closed} avslutade, {s.voided_cases} makulerade), "
        f"{s.secret_cases} med sekretessmarkering, {s.documents} handlingar ({s.loose_documents} utan ärende, "
        f"{s.voided_documents} makulerade), {s.files} filer, "
        f"{s.parties} parter, {s.users} användare. Processer träffade: {s.process_match:.0%}.\n"
        f"Nummerserier: {series}"
    )
