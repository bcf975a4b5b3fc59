import hashlib
import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knutpunkt.files.models import File, FileVersion
from knutpunkt.organisations.models import Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, Document
from tests.factories import user_with_role

from .conftest import TODAY, YEAR, assert_problem, b64, client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case(diary, registrator):
    return registry.register_case(diary, actor=registrator, title="Bygglov Sjövik 2:1")


@pytest.fixture
def document(case, registrator):
    return registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan om bygglov")


def upload(api, document, content=PDF, name="ritning.pdf", **extra):
    return api.post(f"/api/v1/documents/{document.pk}/files/", {"file": SimpleUploadedFile(name, content), **extra}, format="multipart")


# --- documents ------------------------------------------------------------------------------

def test_case_documents_list_and_create(api, case, document_type):
    body = {
        "direction": "utgaende",
        "title": "Beslut om bygglov",
        "document_type": document_type.pk,
        "correspondents": [{"role": "mottagare", "first_name": "Tolvan", "last_name": "Tolvansson", "personal_number": "191212121212"}],
        "files": [{"filename": "beslut.pdf", "content_base64": b64(PDF)}],
    }
    created = api.post(f"/api/v1/cases/{case.pk}/documents/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["reference"] == f"{case.reference}-1" and data["direction"] == "utgaende"
    assert data["correspondents"][0]["role"] == "mottagare"
    assert data["correspondents"][0]["party"]["personal_number"] == "19121212-1212"
    assert data["files"][0]["current_version"]["mime_type"] == "application/pdf"
    listed = api.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == data["id"]
    # Drawing up an outgoing document puts the case in progress.
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["status"] == "pagaende"


def test_case_documents_create_multipart(api, case):
    response = api.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"data": json.dumps({"title": "Komplettering"}), "files": [SimpleUploadedFile("foto.txt", b"bild")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "inkommande" and len(response.json()["files"]) == 1


def test_case_documents_create_rolls_back_on_bad_file(api, case):
    body = {"title": "Med tom fil", "files": [{"filename": "a.txt", "content_base64": b64(b"a")}, {"filename": "tom.txt", "content_base64": ""}]}
    assert_problem(api.post(f"/api/v1/cases/{case.pk}/documents/", body, format="json"), 422, "file_empty")
    assert Document.objects.count() == 0 and File.objects.count() == 0
    case.refresh_from_db()
    assert case.last_document_number == 0


def test_document_without_case(api, diary):
    response = api.post("/api/v1/documents/", {"diary": "KS", "title": "Inbjudan till regional konferens"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["reference"] == f"KS {YEAR}/H1" and response.json()["case"] is None
    assert Case.objects.count() == 0
    assert_problem(api.post("/api/v1/documents/", {"diary": "ZZ", "title": "x"}, format="json"), 422, "unknown_diary")
    assert_problem(api.post("/api/v1/documents/", {"diary": "KS", "title": ""}, format="json"), 422, "title_required")


def test_document_list_filters(api, diary, case, document, registrator):
    loose = registry.register_document(actor=registrator, diary=diary, direction=Document.Direction.INCOMING, title="Nyhetsbrev")
    everything = api.get("/api/v1/documents/").json()
    assert everything["count"] == 2
    assert [d["id"] for d in api.get("/api/v1/documents/", {"without_case": "true"}).json()["results"]] == [str(loose.pk)]
    assert [d["id"] for d in api.get("/api/v1/documents/", {"case": case.reference}).json()["results"]] == [str(document.pk)]
    assert [d["id"] for d in api.get("/api/v1/documents/", {"q": "nyhetsbrev"}).json()["results"]] == [str(loose.pk)]
    assert api.get("/api/v1/documents/", {"direction": "utgaende"}).json()["count"] == 0
    assert api.get("/api/v1/documents/", {"registered_from": TODAY.isoformat(), "registered_to": TODAY.isoformat()}).json()["count"] == 2


def test_document_detail_by_id_and_reference(api, document):
    data = api.get(f"/api/v1/documents/{document.pk}/").json()
    assert data["title"] == "Ansökan om bygglov" and data["case"]["id"] == str(document.case_id)
    assert data["files_url"].endswith(f"/api/v1/documents/{document.pk}/files/")
    by_ref = api.get(f"/api/v1/documents/{quote(document.reference, safe='')}/")
    assert by_ref.status_code == 200 and by_ref.json()["id"] == str(document.pk)


def test_document_patch_requires_reason(api, document):
    problem = assert_problem(api.patch(f"/api/v1/documents/{document.pk}/", {"title": "Ny"}, format="json"), 400)
    assert problem["errors"] == {"reason": ["Ange ett skäl."]}
    response = api.patch(f"/api/v1/documents/{document.pk}/", {"title": "Ansökan om bygglov, rev.", "reason": "Stavning"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Ansökan om bygglov, rev."
    assert document.events.filter(type="document.updated", reason="Stavning").exists()


def test_document_void(api, document):
    assert_problem(api.post(f"/api/v1/documents/{document.pk}/void/", {}, format="json"), 400)
    response = api.post(f"/api/v1/documents/{document.pk}/void/", {"reason": "Dubblett"}, format="json")
    assert response.status_code == 200 and response.json()["voided"] is True
    assert_problem(upload(api, document), 422, "voided")


# --- files -----------------------------------------------------------------------------------

def test_upload_list_version_and_download(api, document):
    created = upload(api, document, comment="Första versionen")
    assert created.status_code == 201, created.content
    file = created.json()
    assert file["name"] == "ritning.pdf" and file["current_version"]["version"] == 1
    assert file["current_version"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert file["current_version"]["comment"] == "Första versionen"

    listed = api.get(f"/api/v1/documents/{document.pk}/files/").json()
    assert [f["id"] for f in listed] == [file["id"]]
    assert api.get(f"/api/v1/files/{file['id']}/").json()["name"] == "ritning.pdf"

    v2 = PDF.replace(b"1.4", b"1.7")
    new = api.post(f"/api/v1/files/{file['id']}/versions/", {"file": SimpleUploadedFile("ritning-rev.pdf", v2)}, format="multipart")
    assert new.status_code == 201, new.content
    assert [v["version"] for v in new.json()["versions"]] == [1, 2] and new.json()["current_version"]["version"] == 2
    assert_problem(api.post(f"/api/v1/files/{file['id']}/versions/", {"file": SimpleUploadedFile("x.pdf", v2)}, format="multipart"), 422, "same_content")

    current = api.get(f"/api/v1/files/{file['id']}/download/")
    assert current.status_code == 200
    assert current["Content-Type"] == "application/pdf"
    assert current["Content-Disposition"] == 'attachment; filename="ritning-rev.pdf"'
    assert current["ETag"] == f'"{hashlib.sha256(v2).hexdigest()}"'
    assert b"".join(current.streaming_content) == v2

    first = api.get(f"/api/v1/files/{file['id']}/download/?version=1")
    assert b"".join(first.streaming_content) == PDF
    assert first["Content-Disposition"] == 'attachment; filename="ritning.pdf"'
    same = api.get(f"/api/v1/files/{file['id']}/versions/1/download/", HTTP_ACCEPT="application/pdf")
    assert same.status_code == 200 and b"".join(same.streaming_content) == PDF
    assert_problem(api.get(f"/api/v1/files/{file['id']}/versions/9/download/"), 404)
    assert FileVersion.objects.count() == 2


def test_download_non_ascii_name_and_text_type(api, document):
    created = upload(api, document, content="Hej på dig".encode(), name="Överklagande åäö.txt").json()
    response = api.get(f"/api/v1/files/{created['id']}/download/")
    assert response["Content-Type"].startswith("text/plain")
    assert "filename*=utf-8''%C3%96verklagande%20%C3%A5%C3%A4%C3%B6.txt" in response["Content-Disposition"]


def test_zero_byte_and_over_limit_uploads(api, document, settings):
    problem = assert_problem(upload(api, document, content=b"", name="tom.pdf"), 422, "file_empty")
    assert problem["errors"] == {"file": ["Filen är tom (0 byte)."]}
    problem = assert_problem(upload(api, document, content=b"x" * (settings.KNUTPUNKT_MAX_FILE_SIZE + 1), name="stor.bin"), 422, "file_too_large")
    assert "för stor" in problem["detail"]
    assert File.objects.count() == 0


def test_upload_without_file_is_400(api, document):
    problem = assert_problem(api.post(f"/api/v1/documents/{document.pk}/files/", {"comment": "x"}, format="multipart"), 400)
    assert "file" in problem["errors"]
    assert_problem(api.post(f"/api/v1/documents/{document.pk}/files/", {"file": "x"}, format="json"), 415, "unsupported_media_type")


def test_upload_is_idempotent(api, document):
    def post():
        return api.post(f"/api/v1/documents/{document.pk}/files/", {"file": SimpleUploadedFile("a.txt", b"innehall")},
                        format="multipart", HTTP_IDEMPOTENCY_KEY="upload-1")

    first, second = post(), post()
    assert second["Idempotent-Replayed"] == "true" and second.json()["id"] == first.json()["id"]
    assert File.objects.count() == 1


def test_reader_may_read_and_download_but_not_upload(diary, document, api):
    file_id = upload(api, document).json()["id"]
    reader = client_for(user_with_role(diary, Role.LASARE))
    assert reader.get(f"/api/v1/files/{file_id}/download/").status_code == 200
    assert_problem(upload(reader, document), 403, "may_not_edit")
