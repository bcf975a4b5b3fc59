import io

import pytest

from knutpunkt.core.errors import NotFound, PermissionDenied, RuleViolation
from knutpunkt.files import queries, services
from knutpunkt.files.models import Blob, File, FileVersion
from knutpunkt.organisations.models import Role
from knutpunkt.registry.models import CaseEvent
from tests.factories import UserFactory, user_with_role

from .conftest import stored_files

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def read_all(version) -> bytes:
    with services.open_blob(version.blob) as fh:
        return fh.read()


def test_same_content_twice_is_one_blob_two_files(document, registrator, media):
    a = services.add_file(document, io.BytesIO(b"samma innehall"), "a.txt", actor=registrator)
    b = services.add_file(document, io.BytesIO(b"samma innehall"), "b.txt", actor=registrator)
    assert a.pk != b.pk
    assert a.current_version.blob_id == b.current_version.blob_id
    assert Blob.objects.count() == 1 and File.objects.count() == 2
    sha = a.current_version.blob_id
    assert stored_files(media) == [f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"]
    assert list(CaseEvent.objects.filter(type="file.added").values_list("data__filename", flat=True)) == ["a.txt", "b.txt"]


def test_new_version_never_overwrites_the_old(document, registrator):
    file = services.add_file(document, io.BytesIO(b"version ett"), "beslut.txt", actor=registrator)
    v2 = services.add_version(file, io.BytesIO(b"version tva"), actor=registrator, comment="Rättat")
    assert v2.version == 2
    file.refresh_from_db()
    assert file.current_version_id == v2.pk
    assert read_all(queries.get_version(registrator, file.pk, 1)) == b"version ett"
    assert read_all(queries.get_version(registrator, file.pk, 2)) == b"version tva"
    assert read_all(queries.get_version(registrator, file.pk)) == b"version tva"
    assert FileVersion.objects.filter(file=file).count() == 2 and Blob.objects.count() == 2


def test_same_content_as_current_version_is_refused(document, registrator):
    file = services.add_file(document, io.BytesIO(b"samma"), "a.txt", actor=registrator)
    with pytest.raises(RuleViolation) as err:
        services.add_version(file, io.BytesIO(b"samma"), actor=registrator)
    assert err.value.code == "same_content"
    assert file.versions.count() == 1


@pytest.mark.parametrize(
    "content, filename, expected",
    [
        (PDF, "brev.txt", "application/pdf"),
        (PNG, "bild.pdf", "image/png"),
        (b"Hej!\nDetta ar en vanlig text.\n", "skrivelse.pdf", "text/plain"),
    ],
)
def test_mime_type_comes_from_the_content_not_the_name(document, registrator, content, filename, expected):
    file = services.add_file(document, io.BytesIO(content), filename, actor=registrator)
    assert file.current_version.blob.mime_type == expected
    assert file.name == filename


@pytest.mark.parametrize(
    "content, code",
    [(b"", "file_empty"), (b"x" * (1024 * 1024 + 1), "file_too_large")],
    ids=["0-byte", "over-limit"],
)
def test_empty_and_over_limit_files_are_refused_with_nothing_saved(document, registrator, media, content, code):
    events_before = CaseEvent.objects.count()
    with pytest.raises(RuleViolation) as err:
        services.add_file(document, io.BytesIO(content), "fil.bin", actor=registrator)
    assert err.value.code == code and err.value.field == "file"
    assert (Blob.objects.count(), File.objects.count(), FileVersion.objects.count()) == (0, 0, 0)
    assert CaseEvent.objects.count() == events_before
    assert stored_files(media) == []


def test_file_exactly_at_the_limit_is_accepted(document, registrator):
    file = services.add_file(document, io.BytesIO(b"x" * (1024 * 1024)), "max.bin", actor=registrator)
    assert file.current_version.blob.size == 1024 * 1024


def test_over_limit_new_version_leaves_the_file_as_it_was(document, registrator):
    file = services.add_file(document, io.BytesIO(b"forsta"), "a.txt", actor=registrator)
    with pytest.raises(RuleViolation):
        services.add_version(file, io.BytesIO(b"y" * (1024 * 1024 + 1)), actor=registrator)
    file.refresh_from_db()
    assert file.versions.count() == 1 and file.current_version.version == 1


@pytest.mark.parametrize(
    "given, kept",
    [
        ("../../x", "x"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/etc/passwd", "passwd"),
        ("  ansökan om bygglov.pdf ", "ansökan om bygglov.pdf"),
        ("ny\x00rad\n.txt", "nyrad.txt"),
    ],
)
def test_filenames_are_sanitised(document, registrator, media, given, kept):
    file = services.add_file(document, io.BytesIO(b"innehall " + given.encode()), given, actor=registrator)
    assert file.name == kept and file.current_version.filename == kept
    # Content is stored under its hash, never under a name the uploader chose.
    assert all(path.startswith("sha256/") for path in stored_files(media))
    assert not (media.parent / "x").exists()


@pytest.mark.parametrize("given", ["", "   ", "..", "../", "a/.."])
def test_a_name_that_is_no_name_is_refused(document, registrator, given):
    with pytest.raises(RuleViolation) as err:
        services.add_file(document, io.BytesIO(b"data"), given, actor=registrator)
    assert err.value.code == "filename_required"
    assert File.objects.count() == 0


def test_overlong_filename_is_cut_to_255(document, registrator):
    file = services.add_file(document, io.BytesIO(b"data"), "a" * 300 + ".txt", actor=registrator)
    assert len(file.name) == 255


def test_reader_cannot_add_files_or_versions(document, registrator, diary):
    reader = user_with_role(diary, Role.LASARE)
    with pytest.raises(PermissionDenied):
        services.add_file(document, io.BytesIO(b"data"), "a.txt", actor=reader)
    assert File.objects.count() == 0
    file = services.add_file(document, io.BytesIO(b"data"), "a.txt", actor=registrator)
    with pytest.raises(PermissionDenied):
        services.add_version(file, io.BytesIO(b"annat"), actor=reader)
    assert file.versions.count() == 1
    # ... but may read them.
    assert queries.get_file(reader, file.pk) == file


def test_user_without_role_sees_nothing_of_the_files(document, registrator):
    file = services.add_file(document, io.BytesIO(b"hemligt"), "a.txt", actor=registrator)
    outsider = UserFactory()
    with pytest.raises(NotFound):
        queries.get_file(outsider, file.pk)
    with pytest.raises(NotFound):
        queries.get_version(outsider, file.pk, 1)
    assert list(queries.files_of(outsider, document)) == []
    with pytest.raises(PermissionDenied):
        services.ensure_may_download(outsider, document)
    with pytest.raises(PermissionDenied):
        services.add_file(document, io.BytesIO(b"data"), "b.txt", actor=outsider)


def test_user_with_role_in_another_diary_gets_not_found(document, registrator):
    from tests.factories import DiaryFactory

    file = services.add_file(document, io.BytesIO(b"hemligt"), "a.txt", actor=registrator)
    other = user_with_role(DiaryFactory(authority=document.diary.authority), Role.REGISTRATOR)
    with pytest.raises(NotFound):
        queries.get_file(other, file.pk)


def test_unknown_file_and_version_are_not_found(document, registrator):
    import uuid

    file = services.add_file(document, io.BytesIO(b"data"), "a.txt", actor=registrator)
    with pytest.raises(NotFound):
        queries.get_file(registrator, uuid.uuid4())
    with pytest.raises(NotFound):
        queries.get_version(registrator, file.pk, 7)


def test_no_files_on_a_voided_document(document, registrator):
    from knutpunkt.registry import services as registry

    registry.void_document(document, actor=registrator, reason="Felregistrerad")
    with pytest.raises(RuleViolation) as err:
        services.add_file(document, io.BytesIO(b"data"), "a.txt", actor=registrator)
    assert err.value.code == "voided"


def test_events_carry_hash_and_size(document, registrator):
    file = services.add_file(document, io.BytesIO(PDF), "brev.pdf", actor=registrator)
    services.add_version(file, io.BytesIO(PDF + b"%"), actor=registrator)
    added, versioned = CaseEvent.objects.filter(type__startswith="file.").order_by("sequence")
    assert added.data["sha256"] == file.versions.get(version=1).blob_id and added.data["size"] == len(PDF)
    assert versioned.data["version"] == 2 and added.case_id == document.case_id


def test_a_leftover_file_with_wrong_content_is_replaced_on_upload(document, registrator, media):
    import hashlib

    content = b"ratt innehall"
    sha = hashlib.sha256(content).hexdigest()
    path = media / services.storage_name_for(sha)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"halvskri")  # as left by a crash half-way through a write
    file = services.add_file(document, io.BytesIO(content), "a.txt", actor=registrator)
    assert read_all(file.current_version) == content
    assert services.verify_blob(file.current_version.blob) is None
    # The stranger is left alone (it may be another upload's file still being written).
    assert path.read_bytes() == b"halvskri" and file.current_version.blob.storage_name != services.storage_name_for(sha)


def test_a_leftover_file_with_right_content_is_reused(document, registrator, media):
    import hashlib

    content = b"ratt innehall"
    path = media / services.storage_name_for(hashlib.sha256(content).hexdigest())
    path.parent.mkdir(parents=True)
    path.write_bytes(content)  # left by a registration that rolled back
    file = services.add_file(document, io.BytesIO(content), "a.txt", actor=registrator)
    assert read_all(file.current_version) == content
    assert len(stored_files(media)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_new_content_uploaded_at_once_is_stored_whole(media):
    """Concurrent uploads of one new content (to different documents): one blob, and
    whatever file it names is complete."""
    import threading

    from django.db import connection

    from knutpunkt.registry import services as registry
    from knutpunkt.registry.models import Document
    from tests.factories import DiaryFactory

    diary = DiaryFactory(prefix="KS")
    user = user_with_role(diary)
    case = registry.register_case(diary, actor=user, title="Ärende")
    documents = [registry.register_document(actor=user, case=case, direction=Document.Direction.INCOMING, title=f"{n}") for n in range(6)]
    content = b"samma stora innehall " * 40000  # ~840 kB, written in chunks
    barrier = threading.Barrier(len(documents))
    errors = []

    def upload(document):
        try:
            barrier.wait()
            services.add_file(document, io.BytesIO(content), "bilaga.txt", actor=user)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(d,)) for d in documents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Blob.objects.count() == 1 and File.objects.count() == len(documents)
    assert services.verify_all() == {"checked": 1, "problems": 0}
