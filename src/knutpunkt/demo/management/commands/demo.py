"""`knutpunkt demo`: the whole of Knutpunkt on one machine, with Exempelby kommun.

Prepares the embedded SQLite database (migrations), loads the demo municipality the
first time, collects static files, and then runs the web server and the background
worker together until Ctrl-C.
"""

import os
import shutil
import socket
import sys
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from knutpunkt.demo import content, loader
from knutpunkt.demo.runner import supervise

LOGINS = [
    ("admin", "global administratör (ser allt, Django-admin)"),
    ("registrator", "registrator i alla sex diarier"),
    ("handlaggare", "handläggare i BN och MN"),
    ("lasare", "läsare i KF och KS"),
    ("arkivarie", "arkivarie i alla myndigheter"),
    ("lokaladmin", "lokal administratör i KF och KS"),
]


class Command(BaseCommand):
    help = "Kör demon: databas, demokommun, webbserver och bakgrundsjobb på http://127.0.0.1:8000 (Ctrl-C stoppar)."
    requires_system_checks = []  # migrate runs them once the database is ready

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1", help="Adress att lyssna på (standard: %(default)s).")
        parser.add_argument("--port", type=int, default=8000, help="Port (standard: %(default)s).")
        parser.add_argument("--cases", type=int, default=loader.DEFAULT_CASES, help="Antal ärenden i demokommunen första gången.")
        parser.add_argument("--seed", type=int, default=loader.DEFAULT_SEED, help="Slumpfrö för demodata.")
        parser.add_argument("--reset", action="store_true", help="Radera demodatabasen och filerna och börja om.")
        parser.add_argument("--yes", action="store_true", help="Fråga inte innan --reset raderar.")
        parser.add_argument("--no-serve", action="store_true", help="Förbered allt men starta ingen server (för test).")

    def handle(self, *args, addr, port, cases, seed, reset, yes, no_serve, verbosity, **options):
        database = settings.DATABASES["default"]
        if reset:
            self.reset(database, yes)
        self.say(f"Databas: {database['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        if loader.demo_loaded():
            self.say("Demokommunen finns redan (börja om med: knutpunkt demo --reset).")
        else:
            call_command("load_demo", cases=cases, seed=seed, verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=0)
        if no_serve:
            return
        self.check_port_free(addr, port)
        url = f"http://{'127.0.0.1' if addr in ('0.0.0.0', '') else addr}:{port}/"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE, "PYTHONUNBUFFERED": "1"}
        cli = [sys.executable, "-m", "knutpunkt.cli"]
        code = supervise(
            {
                "webbservern": [*cli, "runserver", f"{addr}:{port}", "--noreload", "--skip-checks"],
                "bakgrundsjobben": [*cli, "worker", "--no-startup-delay"],
            },
            env=env,
            ready=lambda: answers(url),
            on_ready=lambda: self.banner(url),
            say=self.say,
        )
        if code:
            raise SystemExit(code)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def banner(self, url: str) -> None:
        width = max(len(u) for u, _ in LOGINS)
        lines = [
            "",
            f"Knutpunkt-demon körs: {url}",
            f"Logga in (lösenord för alla: {content.DEMO_PASSWORD}):",
            *(f"  {user.ljust(width)}  {what}" for user, what in LOGINS),
            "Tryck Ctrl-C för att stoppa webbservern och bakgrundsjobben.",
            "",
        ]
        self.say("\n".join(lines))

    def check_port_free(self, addr: str, port: int) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((addr, port))
            except OSError as exc:
                raise CommandError(f"Port {port} på {addr} är upptagen ({exc.strerror}). Välj en annan med --port.") from None

    def reset(self, database: dict, yes: bool) -> None:
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("--reset gäller bara demons inbyggda SQLite-databas, inte en konfigurerad databasserver.")
        db_file = Path(database["NAME"])
        media = Path(settings.MEDIA_ROOT)
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("--reset raderar demodata; bekräfta med --yes.")
            answer = input(f"Radera {db_file} och filerna i {media}? Skriv ja: ")
            if answer.strip().lower() != "ja":
                raise CommandError("Avbrutet; inget raderades.")
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"), Path(f"{db_file}-journal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(media, ignore_errors=True)
        self.say("Demodatabasen och filerna är raderade.")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False
