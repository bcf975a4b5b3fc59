"""Every staff page renders for a registrator, in Swedish, with the shared layout."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_page(response, *texts):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    for text in texts:
        assert text in html, text
    return html


def test_login_page_renders_in_swedish(client):
    html = assert_page(client.get(reverse("web:login")), "Logga in", "Användarnamn", "Lösenord")
    assert "csrfmiddlewaretoken" in html


def test_login_and_logout(client, registrator):
    response = client.post(reverse("web:login"), {"username": registrator.username, "password": "losenord-123"})
    assert response.status_code == 302 and response.url == reverse("web:my_work")
    assert_page(client.get(reverse("web:my_work")), "Mitt arbete")
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:my_work")).status_code == 302


def test_wrong_password_is_explained_in_swedish_whatever_the_browser_language(client, registrator):
    response = client.post(
        reverse("web:login"), {"username": registrator.username, "password": "fel"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    html = assert_page(response, "Fel användarnamn eller lösenord")
    assert "<title>Fel: Logga in" in html


def test_my_work(reg_client, registrator, case, document_with_file):
    from knutpunkt.registry import services

    services.update_case(case, actor=registrator, reason="Tilldelad", officer=registrator)
    html = assert_page(reg_client.get(reverse("web:my_work")), "Mitt arbete", "Mina öppna ärenden", "Passerade bevakningar",
                       "Kommande bevakningar", "Senast registrerade handlingar")
    assert case.reference in html and "Ansökan om bygglov" in html
    assert 'aria-current="page">Mitt arbete' in html


def test_navigation(reg_client):
    html = assert_page(reg_client.get(reverse("web:my_work")))
    for label in ("Mitt arbete", "Registrera", "Sök ärenden", "Diarieutdrag"):
        assert f">{label}</a>" in html
    assert ">Admin</a>" not in html  # only for staff and global administrators


def test_admin_link_for_global_admin(client, registrator):
    registrator.is_global_admin = True
    registrator.save()
    client.force_login(registrator)
    assert ">Admin</a>" in client.get(reverse("web:my_work")).content.decode()


def test_register_page(reg_client, diary, process, case_type, document_type):
    html = assert_page(reg_client.get(reverse("web:register")), "Registrera handling", "Ett nytt ärende", "Ett befintligt ärende",
                       "Inget ärende (postlista)", "Avsändare", "Filer", 'enctype="multipart/form-data"')
    assert "Hantera bygglov" in html and case_type.title in html and document_type.title in html
    assert "<fieldset" in html and "<legend" in html


def test_case_page(reg_client, case, document_with_file):
    document, file = document_with_file
    html = assert_page(reg_client.get(reverse("web:case_detail", args=[case.pk])), case.reference, case.title, "Handlingar",
                       "Parter", "Bevakningar", "Historik", "Ärendet registrerades", "Ansökan om bygglov", "ritning åäö.pdf")
    assert reverse("web:file_download", args=[file.pk]) in html
    assert reverse("web:case_edit", args=[case.pk]) in html


def test_case_by_reference_redirects(reg_client, case):
    response = reg_client.get(f"/arende/{case.reference}/")
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[case.pk])
    assert reg_client.get(f"/arende/{case.reference.lower()}/", follow=True).status_code == 200


def test_case_edit_page(reg_client, case):
    assert_page(reg_client.get(reverse("web:case_edit", args=[case.pk])), "Ändra uppgifter", "Skäl för ändringen", case.title)


def test_document_pages(reg_client, case, document_with_file):
    document, _ = document_with_file
    assert_page(reg_client.get(reverse("web:document_detail", args=[document.pk])), document.reference, "Ansökan om bygglov",
                "ritning åäö.pdf", "Makulera handlingen", "Inkommande handling registrerades")
    assert_page(reg_client.get(reverse("web:document_edit", args=[document.pk])), "Skäl för ändringen")
    response = reg_client.get(f"/handling/{document.reference}/")
    assert response.status_code == 302 and response.url == reverse("web:document_detail", args=[document.pk])


def test_search_page(reg_client, case):
    assert_page(reg_client.get(reverse("web:search")), "Sök ärenden", "Diarienummer", "Fritext", "Alla öppna")
    html = assert_page(reg_client.get(reverse("web:search"), {"text": "carport"}), "1 träff", case.reference)
    assert reverse("web:case_detail", args=[case.pk]) in html


def test_journal_page(reg_client, diary):
    assert_page(reg_client.get(reverse("web:journal")), "Diarieutdrag", "PDF", "CSV", diary.prefix)


def test_not_found_page_is_swedish(reg_client):
    response = reg_client.get("/arende/00000000-0000-7000-8000-000000000000/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_static_assets_are_local(reg_client):
    html = reg_client.get(reverse("web:my_work")).content.decode()
    assert "/static/web/vendor/htmx.min.js" in html and "/static/web/css/knutpunkt.css" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
