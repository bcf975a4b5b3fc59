"""`knutpunkt worker`: runs the background tasks (event dispatch, indexing, mail …).

A thin layer over django-tasks-db's `db_worker` with defaults for running as a
service: no autoreload (a reload can cut a task in half), the "default" queue,
one-second polling. SIGINT and SIGTERM finish the task in hand and then stop; a
second signal stops at once.
"""

from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    help = "Kör bakgrundsjobb (händelser, indexering m.m.) tills den stoppas med Ctrl-C eller SIGTERM."

    DEFAULTS = {"reload": False, "queue_name": "default", "interval": 1.0}

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(**self.DEFAULTS)
        for action in parser._actions:
            if action.dest == "reload":
                action.help = "Starta om vid kodändringar (bara för utveckling; standard: av)."
            elif action.dest == "batch":
                action.help = "Kör alla väntande jobb och avsluta sedan."
