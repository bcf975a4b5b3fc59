import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from knutpunkt.demo import loader
from knutpunkt.organisations.models import Organisation
from tests.demo.conftest import tiny_structure


@pytest.mark.django_db
def test_load_demo_command_loads_once(monkeypatch):
    monkeypatch.setattr(loader, "default_structure", tiny_structure)
    out = StringIO()
    call_command("load_demo", cases=12, seed=3, stdout=out)
    assert "Klart på" in out.getvalue() and "12 ärenden" in out.getvalue()
    out = StringIO()
    call_command("load_demo", cases=12, stdout=out)
    assert "finns redan" in out.getvalue()
    assert Organisation.objects.filter(short_name="exempelby").count() == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "KNUTPUNKT_DATABASE_URL")}
    env.update(KNUTPUNKT_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


def test_demo_serves_and_stops_on_ctrl_c(tmp_path):
    """The whole `knutpunkt demo` as a user runs it: database, demo data with the real
    classification structure, web server and worker; Ctrl-C stops both."""
    port = free_port()
    cli = [sys.executable, "-m", "knutpunkt.cli", "demo"]
    proc = subprocess.Popen(
        [*cli, "--cases", "15", "--port", str(port)], cwd=tmp_path, env=demo_env(tmp_path / "var"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        started = time.monotonic()
        while not any("Tryck Ctrl-C" in line for line in output):
            line = proc.stdout.readline()
            assert line, "".join(output)
            output.append(line)
            assert time.monotonic() - started < 180, "".join(output)
        text = "".join(output)
        assert "15 ärenden" in text and f"http://127.0.0.1:{port}/" in text and "Demo-2026!" in text
        assert "knutpunkt.settings.demo" in text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200  # the sign-in page, after the redirect
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "var" / "knutpunkt.sqlite3").exists()
    assert any((tmp_path / "var" / "media").rglob("*"))

    # Second start: the data is there already; --no-serve prepares without serving.
    again = subprocess.run([*cli, "--no-serve"], cwd=tmp_path, env=demo_env(tmp_path / "var"), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "finns redan" in again.stdout

    # --reset wants a confirmation it cannot get without a terminal.
    refused = subprocess.run([*cli, "--reset", "--no-serve"], cwd=tmp_path, env=demo_env(tmp_path / "var"),
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert (tmp_path / "var" / "knutpunkt.sqlite3").exists()
