import base64
import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from knutpunkt.core.models import IdempotencyRecord
from knutpunkt.files.models import Blob, File
from knutpunkt.organisations.models import NumberSeries
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, CaseParty, Correspondent, Document, Party
from tests.factories import SchemeFactory, case_type_in, process_in

from .conftest import TODAY, YEAR, assert_problem, b64, client_for, registration_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"


def counts():
    return {
        "cases": Case.objects.count(),
        "documents": Document.objects.count(),
        "parties": Party.objects.count(),
        "case_parties": CaseParty.objects.count(),
        "correspondents": Correspondent.objects.count(),
        "files": File.objects.count(),
        "blobs": Blob.objects.count(),
        "events": CaseEvent.objects.count(),
        "numbers_taken": sum(NumberSeries.objects.values_list("last_number", flat=True)),
    }


def test_register_new_case_with_party_document_and_file(api, diary, registrator, process, case_type, document_type):
    body = registration_body(process=process.pk, case_type=case_type.pk, officer=registrator.pk)
    body["document"]["document_type"] = document_type.pk
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["case_created"] is True
    case = data["case"]
    assert case["reference"] == f"KS {YEAR}/1"
    assert case["title"] == "Bygglov för carport, Exempelby 1:23"
    assert case["diary"] == "KS" and case["status"] == "oppnat" and case["voided"] is False
    assert case["process"]["id"] == process.pk and case["case_type"]["id"] == case_type.pk
    assert case["officer"]["id"] == registrator.pk
    assert case["opened_date"] == TODAY.isoformat()
    [party] = case["parties"]
    assert party["role"] == "sokande"
    assert party["party"]["personal_number"] == "19121212-1212"  # formatted, stored as 12 digits
    assert Party.objects.get().personal_number == "191212121212"
    document = data["document"]
    assert document["reference"] == f"KS {YEAR}/1-1" and document["direction"] == "inkommande"
    assert document["case"]["reference"] == case["reference"]
    assert document["document_type"]["id"] == document_type.pk
    # The applicant became the sender of the incoming document.
    assert [c["role"] for c in document["correspondents"]] == ["avsandare"]
    [file] = data["files"]
    assert file["name"] == "ansokan.txt" and file["current_version"]["size"] == len("Jag ansöker om bygglov.".encode())
    assert file["current_version"]["mime_type"] == "text/plain"
    assert document["files"][0]["id"] == file["id"]
    assert response["Location"] == document["url"]


def test_register_into_existing_case_by_reference(api, diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Detaljplan för Norra hamnen")
    body = registration_body(case=case.reference, diary=None, parties=[], files=[])
    body["document"] = {"direction": "inkommande", "title": "Yttrande från Trafikverket", "document_type": None, "document_date": None}
    body["correspondents"] = [{"role": "avsandare", "kind": "organisation", "org_number": "212000-1355", "organisation_name": "Trafikverket"}]
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["case_created"] is False and data["case"]["id"] == str(case.pk)
    assert data["document"]["reference"] == f"{case.reference}-1"
    assert data["document"]["correspondents"][0]["party"]["org_number"] == "212000-1355"
    assert Case.objects.count() == 1


def test_register_into_existing_case_by_uuid_and_matching_diary(api, diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Ett ärende")
    response = api.post(URL, registration_body(case=str(case.pk), diary=str(diary.pk), files=[]), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["case"]["reference"] == case.reference


def test_case_in_another_diary_than_named_is_refused(api, diary, registrator, other_diary):
    case = registry.register_case(diary, actor=registrator, title="Ett ärende")
    body = assert_problem(api.post(URL, registration_body(case=case.reference, diary="SN"), format="json"), 422, "case_in_other_diary")
    assert "diary" in body["errors"]


def test_register_without_case(api, diary):
    body = registration_body(without_case=True, parties=[], files=[])
    body["document"]["title"] = "Inbjudan till konferens"
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["case"] is None and data["case_created"] is False
    assert data["document"]["reference"] == f"KS {YEAR}/H1"
    assert Case.objects.count() == 0


def test_register_multipart_with_json_part_and_file_parts(api, diary):
    body = registration_body(files=[])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = api.post(
        URL,
        {
            "data": json.dumps(body),
            "files": [SimpleUploadedFile("ansokan.pdf", pdf), SimpleUploadedFile("bilaga.txt", b"Bilaga 1")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    files = response.json()["files"]
    assert [f["name"] for f in files] == ["ansokan.pdf", "bilaga.txt"]
    assert files[0]["current_version"]["mime_type"] == "application/pdf"


def test_multipart_without_valid_json_is_a_problem(api, diary):
    assert_problem(api.post(URL, {"data": "{inte json"}, format="multipart"), 400, "parse_error")


# --- bad input: a clear problem and nothing half-saved -----------------------------------

def test_bad_personal_number_is_reported_at_its_place_and_nothing_is_saved(api, diary):
    before = counts()
    body = registration_body()
    body["parties"].append({"role": "motpart", "kind": "person", "personal_number": "19121212-1213", "last_name": "Fel"})
    problem = assert_problem(api.post(URL, body, format="json"), 422, "invalid_personal_number")
    assert problem["errors"] == {"parties.1.personal_number": ["Personnumrets kontrollsiffra stämmer inte."]}
    assert problem["detail"] == "Personnumrets kontrollsiffra stämmer inte."
    assert counts() == before


def test_bad_org_number_in_correspondent(api, diary):
    body = registration_body(correspondents=[{"role": "avsandare", "kind": "organisation", "org_number": "556036-0794", "organisation_name": "X"}])
    problem = assert_problem(api.post(URL, body, format="json"), 422, "invalid_org_number")
    assert list(problem["errors"]) == ["correspondents.0.org_number"]
    assert Case.objects.count() == 0


def test_unknown_diary(api, diary):
    before = counts()
    problem = assert_problem(api.post(URL, registration_body(diary="XX"), format="json"), 422, "unknown_diary")
    assert problem["errors"] == {"diary": ["Diariet XX finns inte."]}
    assert counts() == before


def test_missing_diary(api, diary):
    assert_problem(api.post(URL, registration_body(diary=None), format="json"), 422, "diary_required")


def test_empty_file_saves_nothing_and_takes_no_number(api, diary):
    before = counts()
    body = registration_body(files=[{"filename": "tom.txt", "content_base64": ""}])
    problem = assert_problem(api.post(URL, body, format="json"), 422, "file_empty")
    assert problem["errors"] == {"file": ["Filen är tom (0 byte)."]}
    assert counts() == before


def test_over_limit_file_saves_nothing_and_takes_no_number(api, diary, settings):
    assert settings.KNUTPUNKT_MAX_FILE_SIZE == 1024 * 1024
    before = counts()
    body = registration_body(files=[
        {"filename": "ok.txt", "content_base64": b64(b"liten fil")},
        {"filename": "stor.bin", "content_base64": b64(b"\0" * (1024 * 1024 + 1))},
    ])
    assert_problem(api.post(URL, body, format="json"), 422, "file_too_large")
    assert counts() == before
    # The number was not used up: the next registration gets number 1.
    response = api.post(URL, registration_body(), format="json")
    assert response.json()["case"]["reference"] == f"KS {YEAR}/1"


def test_case_type_from_another_scheme_saves_nothing(api, diary, scheme):
    foreign = case_type_in(process_in(SchemeFactory(), "9.9.9.9"))  # another organisation's structure
    before = counts()
    problem = assert_problem(api.post(URL, registration_body(case_type=foreign.pk), format="json"), 422, "case_type_wrong_scheme")
    assert "case_type" in problem["errors"]
    assert counts() == before


def test_unknown_ids_are_problems(api, diary):
    assert_problem(api.post(URL, registration_body(case_type=999999), format="json"), 422, "unknown_case_type")
    assert_problem(api.post(URL, registration_body(officer=999999), format="json"), 422, "unknown_user")
    assert_problem(api.post(URL, registration_body(case="KS 1999/1"), format="json"), 422, "unknown_case")


def test_shape_errors_are_400_with_field_paths_in_swedish(api, diary):
    body = registration_body(without_case="kanske", files=[{"filename": "x.txt", "content_base64": "inte base64!!"}])
    body["document"]["direction"] = "baklanges"
    body["document"]["document_date"] = "2026-13-45"
    body["extra"] = 1
    problem = assert_problem(api.post(URL, body, format="json"), 400, "validation_error")
    assert problem["errors"] == {"extra": ["Okänt fält."]}  # unknown keys are refused first
    del body["extra"]
    problem = assert_problem(api.post(URL, body, format="json"), 400, "validation_error")
    errors = problem["errors"]
    assert set(errors) == {"without_case", "document.direction", "document.document_date", "files.0.content_base64"}
    assert errors["files.0.content_base64"] == ["Innehållet är inte giltig base64."]
    assert "baklanges" in errors["document.direction"][0]
    assert Case.objects.count() == 0


def test_reader_may_not_register(diary):
    from knutpunkt.organisations.models import Role
    from tests.factories import user_with_role

    reader = client_for(user_with_role(diary, Role.LASARE))
    assert_problem(reader.post(URL, registration_body(), format="json"), 403, "may_not_register")
    assert Case.objects.count() == 0


# --- idempotency ----------------------------------------------------------------------------

def test_same_key_twice_creates_one_case_and_replays_the_answer(api, diary):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reg-0001"}
    first = api.post(URL, registration_body(), format="json", **headers)
    assert first.status_code == 201
    assert not first.has_header("Idempotent-Replayed")
    second = api.post(URL, registration_body(), format="json", **headers)
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second["Location"] == first["Location"]
    assert Case.objects.count() == 1 and Document.objects.count() == 1 and File.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert record.scope == "registrations" and record.status_code == 201


def test_same_key_with_different_body_is_a_conflict(api, diary):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reg-0002"}
    assert api.post(URL, registration_body(), format="json", **headers).status_code == 201
    problem = assert_problem(api.post(URL, registration_body(case_title="Något annat"), format="json", **headers), 409, "idempotency_key_reused")
    assert "Idempotensnyckeln" in problem["detail"]
    assert Case.objects.count() == 1


def test_key_order_does_not_change_the_request(api, diary):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reg-0003"}
    body = registration_body()
    assert api.post(URL, body, format="json", **headers).status_code == 201
    reordered = dict(reversed(list(body.items())))
    assert api.post(URL, reordered, format="json", **headers)["Idempotent-Replayed"] == "true"


def test_keys_are_per_user(api, diary, registrator):
    from knutpunkt.organisations.models import Role
    from tests.factories import user_with_role

    colleague = client_for(user_with_role(diary, Role.REGISTRATOR))
    headers = {"HTTP_IDEMPOTENCY_KEY": "samma-nyckel"}
    assert api.post(URL, registration_body(), format="json", **headers).status_code == 201
    second = colleague.post(URL, registration_body(), format="json", **headers)
    assert second.status_code == 201 and not second.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2


def test_failed_request_is_not_stored_so_a_corrected_retry_works(api, diary):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reg-0004"}
    assert api.post(URL, registration_body(diary="XX"), format="json", **headers).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    assert api.post(URL, registration_body(), format="json", **headers).status_code == 201


def test_multipart_replay_compares_file_content(api, diary):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reg-0005"}

    def post(content):
        return api.post(URL, {"data": json.dumps(registration_body(files=[])), "files": [SimpleUploadedFile("a.txt", content)]},
                        format="multipart", **headers)

    assert post(b"version ett").status_code == 201
    assert post(b"version ett")["Idempotent-Replayed"] == "true"
    assert_problem(post(b"version tva"), 409, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_invalid_key_is_refused(api, diary):
    problem = assert_problem(api.post(URL, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300), 400, "validation_error")
    assert "Idempotency-Key" in problem["errors"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_case(diary, registrator):
    """Parallel requests with one key: one registers, the others wait and replay."""
    token_client = client_for(registrator)
    auth = token_client._credentials
    results = []
    barrier = threading.Barrier(4)

    def worker():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(**auth)
        try:
            barrier.wait()
            response = client.post(URL, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="parallell-1")
            results.append((response.status_code, response.get("Idempotent-Replayed"), response.json()["case"]["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert {status for status, _, _ in results} == {201}
    assert sorted(replayed or "" for _, replayed, _ in results) == ["", "true", "true", "true"]
    assert len({case_id for _, _, case_id in results}) == 1
    assert Case.objects.count() == 1
    assert NumberSeries.objects.get(kind="case").last_number == 1


def test_base64_with_line_breaks_is_accepted(api, diary):
    encoded = base64.encodebytes(b"x" * 200).decode()  # MIME style, with newlines
    response = api.post(URL, registration_body(files=[{"filename": "a.txt", "content_base64": encoded}]), format="json")
    assert response.status_code == 201, response.content


def test_oversized_json_body_is_413_and_saves_nothing(api, diary, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = registration_body(files=[{"filename": "a.bin", "content_base64": b64(b"x" * 3000)}])
    problem = assert_problem(api.post(URL, body, format="json"), 413, "request_too_large")
    assert "multipart" in problem["detail"]
    assert_problem(api.post(URL, {"data": json.dumps(body)}, format="multipart"), 413, "request_too_large")
    # The same file as a multipart part is fine: parts are streamed, not held in memory.
    small = registration_body(files=[])
    response = api.post(URL, {"data": json.dumps(small), "files": [SimpleUploadedFile("a.bin", b"x" * 3000)]}, format="multipart")
    assert response.status_code == 201, response.content
    assert Case.objects.count() == 1
