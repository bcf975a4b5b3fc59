import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from knutpunkt.core.management.commands import worker
from knutpunkt.registry.models import CaseEvent
from knutpunkt.registry import services

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def restore_signals():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def parse(*args):
    command = worker.Command()
    return vars(command.create_parser("knutpunkt", "worker").parse_args(list(args)))


@override_settings(TASKS=DB_TASKS)
def test_defaults_suit_a_service():
    options = parse()
    assert options["reload"] is False
    assert options["queue_name"] == "default"
    assert options["interval"] == 1.0
    assert options["batch"] is False and options["max_tasks"] is None


@override_settings(TASKS=DB_TASKS)
def test_options_pass_through():
    options = parse("--reload", "--interval", "0.2", "--queue-name", "default,mail", "--batch", "--max-tasks", "3")
    assert options["reload"] is True and options["interval"] == 0.2
    assert options["queue_name"] == "default,mail" and options["batch"] and options["max_tasks"] == 3


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_batch_runs_waiting_tasks_and_exits(diary, registrator, restore_signals):
    from django_tasks_db.models import DBTaskResult

    from knutpunkt.registry.tasks import dispatch_events

    services.register_case(diary, actor=registrator, title="Bygglov för carport")
    DBTaskResult.objects.all().delete()
    dispatch_events.enqueue()
    assert CaseEvent.objects.filter(dispatched_at__isnull=True).exists()
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stops_gracefully_on_signal(tmp_path: Path, signum):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "knutpunkt.settings.base",
        "KNUTPUNKT_DATA_DIR": str(tmp_path),
        "KNUTPUNKT_DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "KNUTPUNKT_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONUNBUFFERED": "1",
    }
    cli = [sys.executable, "-m", "knutpunkt.cli"]
    subprocess.run([*cli, "migrate", "django_tasks_database", "-v", "0"], env=env, check=True, timeout=120)
    proc = subprocess.Popen(
        [*cli, "worker", "--no-startup-delay", "--interval", "0.2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        started = time.monotonic()
        output = ""
        while "Starting worker" not in output:
            line = proc.stdout.readline()
            assert line, f"worker ended before it started: {output}"
            output += line
            assert time.monotonic() - started < 60
        time.sleep(0.5)
        proc.send_signal(signum)
        assert proc.wait(timeout=15) == 0
        assert "shutting down gracefully" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
