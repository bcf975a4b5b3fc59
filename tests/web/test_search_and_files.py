"""Finding cases (GET, bookmarkable, paginated), downloading files and the journal."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse

from knutpunkt.registry import services
from knutpunkt.registry.models import Case, CaseParty
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.web.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_cases(diary, registrator):
    return [services.register_case(diary, actor=registrator, title=f"Ärende nummer {i:02d}") for i in range(1, 31)]


def results(client, **params):
    """The results part of the search page (the form above it has its own examples)."""
    html = client.get(reverse("web:search"), params).content.decode()
    return html.split('id="results-heading"', 1)[1] if 'id="results-heading"' in html else html.split("</form>", 1)[1]


def test_search_by_reference_text_party_status_and_diary(reg_client, diary, registrator, process, case):
    party = find_or_create_party(diary.authority.organisation, PartyInput(kind="person", personal_number="191212121212",
                                                                         first_name="Tolvan", last_name="Tolvansson"))
    services.add_party(case, party, CaseParty.Role.APPLICANT, actor=registrator)
    other = services.register_case(diary, actor=registrator, title="Strandskyddsdispens", process=process)
    services.close_case(other, actor=registrator)

    assert case.reference in results(reg_client, reference=case.reference)
    assert other.reference not in results(reg_client, reference=case.reference)
    html = results(reg_client, text="carport")
    assert case.reference in html and other.reference not in html
    assert case.reference in results(reg_client, party="Tolvansson")
    assert case.reference in results(reg_client, party="19121212-1212")
    assert other.reference not in results(reg_client, party="Tolvansson")
    html = results(reg_client, status="open")
    assert case.reference in html and other.reference not in html
    html = results(reg_client, status="avslutat")
    assert other.reference in html and case.reference not in html
    html = results(reg_client, process=process.pk)
    assert other.reference in html and case.reference not in html
    assert case.reference in results(reg_client, diary=diary.pk)
    today = dt.date.today()
    assert case.reference in results(reg_client, date_from=today.isoformat(), date_to=today.isoformat())
    assert "Inga ärenden matchar" in results(reg_client, date_to=(today - dt.timedelta(days=400)).isoformat())


def test_bad_dates_are_explained(reg_client):
    html = results(reg_client, date_from="igår")
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in html and "data-error-summary" in html
    html = results(reg_client, date_from="2026-05-01", date_to="2026-04-01")
    assert "Slutdatumet ligger före startdatumet." in html


def test_pagination(reg_client, many_cases):
    html = results(reg_client, status="open")
    assert "30 ärenden, visar 1–25" in html
    assert "Ärende nummer 30" in html and "Ärende nummer 05" not in html
    assert 'href="?status=open&amp;page=2"' in html
    html = results(reg_client, status="open", page=2)
    assert "visar 26–30" in html and "Ärende nummer 05" in html
    for absurd in ("999999", "-3", "abc", "1e9", ""):
        response = reg_client.get(reverse("web:search"), {"status": "open", "page": absurd})
        assert response.status_code == 200, absurd
        assert "ärenden, visar" in response.content.decode(), absurd


def test_search_url_is_bookmarkable(reg_client, case):
    url = reverse("web:search") + "?text=carport&status=open"
    html = reg_client.get(url).content.decode()
    assert 'value="carport"' in html and '<option value="open" selected>' in html and case.reference in html
    assert 'method="get"' in html


def test_download_streams_with_type_and_filename(reg_client, document_with_file):
    _document, file = document_with_file
    response = reg_client.get(reverse("web:file_download", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "ritning åäö.pdf"
    assert b"".join(response.streaming_content) == PDF


def test_download_versions(reg_client, document_with_file, registrator):
    from io import BytesIO

    from knutpunkt.files import services as file_services

    _document, file = document_with_file
    file_services.add_version(file, BytesIO(b"second version"), "ritning.txt", actor=registrator)
    latest = reg_client.get(reverse("web:file_download", args=[file.pk]))
    assert b"".join(latest.streaming_content) == b"second version"
    assert latest["Content-Disposition"] == 'attachment; filename="ritning.txt"'
    first = reg_client.get(reverse("web:file_download", args=[file.pk]), {"version": 1})
    assert b"".join(first.streaming_content) == PDF
    assert reg_client.get(reverse("web:file_download", args=[file.pk]), {"version": 7}).status_code == 404
    assert reg_client.get(reverse("web:file_download", args=[file.pk]), {"version": "x"}).status_code == 404


def test_journal_downloads(reg_client, diary, document_with_file):
    pytest.importorskip("knutpunkt.registry.journal")
    today = dt.date.today().isoformat()
    params = {"diary": diary.pk, "date_from": today, "date_to": today}
    csv_response = reg_client.get(reverse("web:journal"), {**params, "format": "csv"})
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"] and ".csv" in csv_response["Content-Disposition"]
    assert "Ansökan om bygglov" in csv_response.content.decode("utf-8-sig")
    pdf_response = reg_client.get(reverse("web:journal"), {**params, "format": "pdf"})
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF")


def test_journal_period_checked(reg_client, diary):
    html = reg_client.get(reverse("web:journal"), {"diary": diary.pk, "date_from": "2026-05-01", "date_to": "2026-01-01",
                                                   "format": "pdf"}).content.decode()
    assert "Slutdatumet ligger före startdatumet." in html


def test_search_excludes_voided_by_default(reg_client, case, registrator):
    services.void_case(case, actor=registrator, reason="Fel")
    assert case.reference not in results(reg_client, status="")
    assert Case.objects.filter(pk=case.pk).exists()
