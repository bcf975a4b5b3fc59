import io

import pytest
from django.core.management import CommandError, call_command

from knutpunkt import cli
from knutpunkt.files import services
from knutpunkt.files.models import Blob
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_files(case, document, registrator, media):
    other = registry.register_document(actor=registrator, case=case, direction=Document.Direction.OUTGOING, title="Beslut")
    intact = services.add_file(document, io.BytesIO(b"oforandrad"), "ansokan.pdf", actor=registrator)
    altered = services.add_file(document, io.BytesIO(b"original"), "ritning.pdf", actor=registrator)
    missing = services.add_file(other, io.BytesIO(b"beslutet"), "beslut.pdf", actor=registrator)
    return intact, altered, missing


def path_of(media, file):
    return media / file.current_version.blob.storage_name


def test_all_intact(three_files, capsys):
    call_command("verify_files")
    out, err = capsys.readouterr()
    assert "Kontrollerade 3 lagrade filer: 3 intakta, 0 med fel." in out and err == ""
    assert Blob.objects.filter(last_verified_at__isnull=True).count() == 0


def test_tampered_and_deleted_files_are_reported_with_their_documents(three_files, media, capsys):
    intact, altered, missing = three_files
    path_of(media, altered).write_bytes(b"forfalskad")
    path_of(media, missing).unlink()
    with pytest.raises(CommandError) as exc:
        call_command("verify_files")
    assert exc.value.returncode == 1
    out, err = capsys.readouterr()
    assert "3 lagrade filer: 1 intakta, 2 med fel" in out
    assert f"FEL {altered.current_version.blob_id}: ändrad (kontrollsumman stämmer inte)" in err
    assert f"handling {altered.document.reference}: ritning.pdf (version 1)" in err
    assert f"FEL {missing.current_version.blob_id}: saknas" in err
    assert f"handling {missing.document.reference}: beslut.pdf (version 1)" in err
    assert "ansokan.pdf" not in err
    # An intact blob is stamped as verified; a broken one is not.
    assert Blob.objects.get(pk=intact.current_version.blob_id).last_verified_at is not None
    assert Blob.objects.get(pk=altered.current_version.blob_id).last_verified_at is None


def test_one_blob_in_several_documents_names_them_all(case, document, registrator, media, capsys):
    other = registry.register_document(actor=registrator, case=case, direction=Document.Direction.OUTGOING, title="Kopia")
    a = services.add_file(document, io.BytesIO(b"delat"), "original.txt", actor=registrator)
    services.add_file(other, io.BytesIO(b"delat"), "kopia.txt", actor=registrator)
    path_of(media, a).write_bytes(b"delat!")  # same length would also be caught by the hash
    with pytest.raises(CommandError):
        call_command("verify_files", "--quiet")
    out, err = capsys.readouterr()
    assert out == ""
    assert f"handling {document.reference}: original.txt (version 1)" in err
    assert f"handling {other.reference}: kopia.txt (version 1)" in err


def test_an_old_version_is_checked_too(document, registrator, media, capsys):
    file = services.add_file(document, io.BytesIO(b"v1"), "a.txt", actor=registrator)
    v1_blob = file.current_version.blob
    services.add_version(file, io.BytesIO(b"v2"), actor=registrator)
    (media / v1_blob.storage_name).unlink()
    with pytest.raises(CommandError):
        call_command("verify_files")
    assert f"handling {document.reference}: a.txt (version 1)" in capsys.readouterr().err


def test_quiet_prints_nothing_when_all_is_well(three_files, capsys):
    call_command("verify_files", "--quiet")
    assert capsys.readouterr() == ("", "")


def test_console_script_exits_1_on_a_problem(three_files, media, capsys):
    _, altered, _ = three_files
    path_of(media, altered).write_bytes(b"x")
    with pytest.raises(SystemExit) as exc:
        cli.main(["knutpunkt", "verify-files", "--quiet"])
    assert exc.value.code == 1
    assert "ritning.pdf" in capsys.readouterr().err


def test_console_script_exits_0_when_intact(three_files, capsys):
    cli.main(["knutpunkt", "verify-files"])  # returns normally: exit code 0
    assert "3 intakta" in capsys.readouterr().out
