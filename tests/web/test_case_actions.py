"""Actions on the case and document pages: each a POST form calling one service;
refusals come back in Swedish at the field, with the form open and values kept."""

import datetime as dt

import pytest
from django.urls import reverse

from knutpunkt.files.models import File
from knutpunkt.organisations.models import Role
from knutpunkt.registry.models import Case, CaseEvent, Deadline, Document
from tests.factories import user_with_role
from tests.web.conftest import upload

pytestmark = pytest.mark.django_db


def edit_data(case, **overrides):
    data = {
        "title": case.title, "description": case.description, "process": "", "case_type": "", "officer": "",
        "responsible_unit": "", "opened_date": case.opened_date.isoformat(), "main_case_reference": "", "reason": "",
    }
    data.update(overrides)
    return data


def test_edit_requires_a_reason_and_shows_in_timeline(reg_client, case):
    url = reverse("web:case_edit", args=[case.pk])
    response = reg_client.post(url, edit_data(case, title="Bygglov för carport och förråd"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange ett skäl för ändringen." in html and 'href="#id_reason"' in html
    assert 'value="Bygglov för carport och förråd"' in html  # what was typed is kept
    case.refresh_from_db()
    assert case.title == "Bygglov för carport på Storgatan 1"

    response = reg_client.post(url, edit_data(case, title="Bygglov för carport och förråd", reason="Sökanden kompletterade"))
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.title == "Bygglov för carport och förråd"
    page = reg_client.get(response.url).content.decode()
    assert "Ärendets uppgifter ändrades" in page
    assert "”Bygglov för carport på Storgatan 1” ändrades till ”Bygglov för carport och förråd”" in page
    assert "Sökanden kompletterade" in page
    assert "Ändringarna är sparade" in page


def test_edit_without_changes_says_so(reg_client, case):
    response = reg_client.post(reverse("web:case_edit", args=[case.pk]), edit_data(case), follow=True)
    assert "Inga uppgifter ändrades." in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, type="case.updated").exists()


def test_edit_officer_and_main_case(reg_client, case, registrator, diary):
    from knutpunkt.registry import services

    main = services.register_case(diary, actor=registrator, title="Huvudärende")
    data = edit_data(case, officer=str(registrator.pk), main_case_reference=main.reference, reason="Fördelat")
    assert reg_client.post(reverse("web:case_edit", args=[case.pk]), data).status_code == 302
    case.refresh_from_db()
    assert case.officer == registrator and case.main_case == main
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Huvudärende:" in page and main.reference in page
    assert case.reference in reg_client.get(reverse("web:my_work")).content.decode()


def test_edit_future_opened_date_refused(reg_client, case):
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    html = reg_client.post(reverse("web:case_edit", args=[case.pk]), edit_data(case, opened_date=future, reason="x")).content.decode()
    assert "Datumet kan inte ligga i framtiden." in html and 'href="#id_opened_date"' in html


def test_close_and_reopen(reg_client, case):
    response = reg_client.post(reverse("web:case_close", args=[case.pk]), {"close-reason": "Beslut fattat"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Ärendet avslutades" in page and "Återöppna ärendet" in page and "Avsluta ärendet" not in page

    html = reg_client.post(reverse("web:case_reopen", args=[case.pk]), {"reopen-reason": ""}).content.decode()
    assert "Ange ett skäl för att återöppna ärendet." in html
    assert 'href="#id_reopen-reason"' in html and "<details" in html and " open>" in html
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    assert reg_client.post(reverse("web:case_reopen", args=[case.pk]), {"reopen-reason": "Överklagat"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Ärendet återöppnades" in page and "Överklagat" in page


def test_status_change(reg_client, case):
    reg_client.post(reverse("web:case_status", args=[case.pk]), {"status-status": "vilande", "status-reason": "Inväntar komplettering"})
    case.refresh_from_db()
    assert case.status == Case.Status.DORMANT
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "”Pågående” ändrades till ”Vilande”" in page or "”Öppnat” ändrades till ”Vilande”" in page


def test_void_needs_reason_and_registrator(client, reg_client, case, diary):
    html = reg_client.post(reverse("web:case_void", args=[case.pk]), {"void-reason": ""}).content.decode()
    assert "Ange ett skäl för makuleringen." in html
    officer = user_with_role(diary, Role.HANDLAGGARE)
    client.force_login(officer)
    assert "Makulera ärendet" not in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert client.post(reverse("web:case_void", args=[case.pk]), {"void-reason": "Fel"}).status_code == 403
    case.refresh_from_db()
    assert not case.is_voided


def test_void_case(reg_client, case):
    assert reg_client.post(reverse("web:case_void", args=[case.pk]), {"void-reason": "Dubbelregistrering"}).status_code == 302
    case.refresh_from_db()
    assert case.is_voided
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Ärendet är makulerat" in page and "Dubbelregistrering" in page and "Ändra uppgifter" not in page


def test_add_document_with_files(reg_client, case):
    data = {"doc-direction": "utgaende", "doc-title": "Beslut om bygglov", "doc-document_type": "", "doc-document_date": "",
            "doc-kind": "person", "doc-first_name": "Tolvan", "doc-last_name": "Tolvansson", "doc-personal_number": "",
            "doc-files": [upload("beslut.pdf"), upload("bilaga.pdf", b"%PDF-1.4 bilaga")]}
    response = reg_client.post(reverse("web:case_add_document", args=[case.pk]), data)
    assert response.status_code == 302
    document = case.documents.get()
    assert document.direction == "utgaende" and document.files.count() == 2
    assert document.correspondents.get().role == "mottagare"
    page = reg_client.get(response.url).content.decode()
    assert f"Handlingen {document.reference} med 2 filer är registrerad i ärendet {case.reference}." in page


def test_add_document_empty_file_refused_nothing_saved(reg_client, case):
    data = {"doc-direction": "inkommande", "doc-title": "Komplettering", "doc-kind": "person", "doc-files": [upload("tom.pdf", b"")]}
    html = reg_client.post(reverse("web:case_add_document", args=[case.pk]), data).content.decode()
    assert "Filen är tom (0 byte)." in html and "Välj filerna igen" in html and 'value="Komplettering"' in html
    assert Document.objects.count() == 0


def test_deadline_add_and_complete(reg_client, case):
    due = dt.date.today().isoformat()
    html = reg_client.post(reverse("web:case_add_deadline", args=[case.pk]), {"deadline-due_date": due, "deadline-description": ""}).content.decode()
    assert "Ange vad bevakningen avser." in html
    reg_client.post(reverse("web:case_add_deadline", args=[case.pk]), {"deadline-due_date": due, "deadline-description": "Begär komplettering"})
    deadline = Deadline.objects.get()
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Begär komplettering" in page and "Bevakning lades till" in page
    reg_client.post(reverse("web:deadline_complete", args=[case.pk, deadline.pk]))
    deadline.refresh_from_db()
    assert deadline.completed_at is not None


def test_add_party(reg_client, case):
    html = reg_client.post(reverse("web:case_add_party", args=[case.pk]),
                           {"party-kind": "person", "party-last_name": "Svensson", "party-personal_number": "19121212-1213",
                            "party-role": "sokande"}).content.decode()
    assert "Personnumrets kontrollsiffra stämmer inte." in html and 'href="#id_party-personal_number"' in html
    reg_client.post(reverse("web:case_add_party", args=[case.pk]),
                    {"party-kind": "person", "party-first_name": "Tolvan", "party-last_name": "Tolvansson",
                     "party-personal_number": "191212121212", "party-role": "motpart"})
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Tolvan Tolvansson" in page and "19121212-1212" in page and "Motpart" in page and "Part lades till" in page


def test_link_cases(reg_client, case, diary, registrator):
    from knutpunkt.registry import services

    other = services.register_case(diary, actor=registrator, title="Strandskydd")
    reg_client.post(reverse("web:case_link", args=[case.pk]), {"link-reference": other.reference, "link-note": "Samma fastighet"})
    page = reg_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Relaterat ärende:" in page and other.reference in page and "Samma fastighet" in page


def test_new_file_version_from_case_page(reg_client, case, document_with_file):
    document, file = document_with_file
    prefix = f"v-{file.pk.hex[:12]}"
    response = reg_client.post(reverse("web:file_add_version", args=[file.pk]),
                               {f"{prefix}-file": upload("ritning v2.pdf", b"%PDF-1.4 v2"), f"{prefix}-comment": "Reviderad", "return_to": "case"})
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[case.pk])
    file.refresh_from_db()
    assert file.current_version.version == 2
    page = reg_client.get(response.url).content.decode()
    assert "Versioner (2)" in page and "?version=1" in page and "Reviderad" in page

    html = reg_client.post(reverse("web:file_add_version", args=[file.pk]),
                           {f"{prefix}-file": upload("tom.pdf", b""), "return_to": "case"}).content.decode()
    assert "Filen är tom (0 byte)." in html and f'href="#id_{prefix}-file"' in html


def test_document_edit_and_void(reg_client, document_with_file):
    document, _ = document_with_file
    url = reverse("web:document_edit", args=[document.pk])
    data = {"title": "Ansökan om bygglov, komplett", "direction": "inkommande", "document_type": "",
            "document_date": document.document_date.isoformat(), "reason": ""}
    assert "Ange ett skäl för ändringen." in reg_client.post(url, data).content.decode()
    data["reason"] = "Komplettering inkom"
    assert reg_client.post(url, data).status_code == 302
    page = reg_client.get(reverse("web:document_detail", args=[document.pk])).content.decode()
    assert "Handlingens uppgifter ändrades" in page and "Komplettering inkom" in page

    reg_client.post(reverse("web:document_void", args=[document.pk]), {"void-reason": "Fel ärende"})
    document.refresh_from_db()
    assert document.is_voided
    assert "Handlingen är makulerad" in reg_client.get(reverse("web:document_detail", args=[document.pk])).content.decode()


def test_add_file_on_document_page(reg_client, document_with_file):
    document, _ = document_with_file
    reg_client.post(reverse("web:document_add_file", args=[document.pk]), {"file-file": upload("foto.jpg", b"\xff\xd8\xff\xe0jpeg")})
    assert File.objects.filter(document=document).count() == 2


def test_reader_sees_no_actions(client, case, diary):
    client.force_login(user_with_role(diary, Role.LASARE))
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert case.title in page and "Åtgärder" not in page and "Ändra uppgifter" not in page
    assert client.get(reverse("web:case_edit", args=[case.pk])).status_code == 403
    assert client.post(reverse("web:case_close", args=[case.pk]), {}).status_code == 403


def test_actions_need_post_and_csrf(reg_client, case):
    from django.test import Client

    assert reg_client.get(reverse("web:case_close", args=[case.pk])).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(case.registered_by)
    assert strict.post(reverse("web:case_close", args=[case.pk]), {}).status_code == 403
    case.refresh_from_db()
    assert case.is_open
