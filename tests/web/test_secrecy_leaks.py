"""No secret leaks through the staff pages. A registrator marks a case and its documents
through the UI; its title, description, party, file name and file content carry a
unique marker. A läsare of the same diary — and a colleague handläggare outside a
restricted case — then open every page they can, and the marker is in none of them."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from knutpunkt.access.models import AccessGroup
from knutpunkt.core.models import AuditEntry
from knutpunkt.files.models import File
from knutpunkt.organisations.models import Role
from knutpunkt.registry import outbox
from knutpunkt.registry.models import Case, Document
from tests.factories import user_with_role
from tests.web.conftest import PDF, html_of, upload
from tests.web.test_register import form_data, post
from tests.web.test_secrecy_registration import secrecy

pytestmark = pytest.mark.django_db

MARKER = "LÄCKMARKÖR-91c4"
PUBLIC_TITLE = "Ansökan om ekonomiskt bistånd"
PERSONNUMMER = "19121212-1212"


@pytest.fixture
def marked(reg_client, diary, registrator, sol_provision):
    """Registered and marked through the forms, as a registrator would."""
    data = {
        **form_data(diary, case_title=f"Bistånd {MARKER}", case_description=f"Skulder och hälsa {MARKER}",
                    document_title=f"Ansökan från {MARKER}", sender_first_name="Kalle", sender_last_name=MARKER,
                    sender_personal_number=PERSONNUMMER, sender_street_address=f"{MARKER}vägen 3",
                    sender_email="kalle@example.se"),
        **secrecy(provisions=[sol_provision], parts=["title", "description", "parties", "files"], public_title=PUBLIC_TITLE,
                  reason="Individärende enligt SoL", scope="bada"),
    }
    assert post(reg_client, data, files=[upload(f"{MARKER}.pdf", PDF + MARKER.encode())]).status_code == 302
    case = Case.objects.get()
    second = reg_client.post(reverse("web:case_add_document", args=[case.pk]), {
        "doc-direction": "upprattad", "doc-title": f"Utredning {MARKER}", "doc-document_type": "", "doc-document_date": "",
        "doc-kind": "person", "doc-files": [upload(f"utredning-{MARKER}.pdf", PDF + b"2" + MARKER.encode())],
        "doc-sek-choice": "arendets",
    })
    assert second.status_code == 302
    reg_client.post(reverse("web:case_add_deadline", args=[case.pk]), {"deadline-due_date": dt.date.today().isoformat(),
                                                                       "deadline-description": f"Följ upp {MARKER}"})
    assert Document.objects.filter(title_secret=True).count() == 2
    return case


def pages_of(case) -> list[str]:
    documents = list(Document.objects.filter(case=case))
    return [
        reverse("web:my_work"),
        reverse("web:search") + "?status=",
        reverse("web:search") + f"?text={MARKER}",
        reverse("web:search") + "?text=bistånd",
        # Words beside the marker in the secret texts: the search engine finds the case
        # by them; its snippets, facets and sort links must show nothing secret.
        *[reverse("web:search") + f"?text={word}" for word in ("skulder", "hälsa", "ansökan", "utredning", "kalle", "följ", "vägen")],
        reverse("web:search") + "?text=bistånd&sort=date",
        reverse("web:search") + f"?party={MARKER}",
        reverse("web:search") + f"?party={PERSONNUMMER}",
        reverse("web:search") + f"?reference={case.reference}",
        reverse("web:case_detail", args=[case.pk]),
        reverse("web:case_lookup") + f"?case_reference={case.reference}",
        reverse("web:journal"),
        *[reverse("web:document_detail", args=[d.pk]) for d in documents],
    ]


def assert_no_marker(client, urls):
    # Both ways the search engine matches: before the worker has indexed the case (LIKE
    # on visible fields) and after (the index).
    for indexed in (False, True):
        if indexed:
            while outbox.dispatch_pending():
                pass
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            # What the reader typed is echoed in the search form; nothing else may match.
            html = html_of(response).replace(f'value="{MARKER}"', "").replace(f'value="{PERSONNUMMER}"', "")
            assert MARKER not in html, url
            assert "Kalle" not in html and "kalle@example.se" not in html and "1212" not in html, url
            if url.startswith(reverse("web:search")):
                # The search page's own links (facets, sort, pages) lead to more searches.
                for href in re.findall(r'href="(\?[^"]*)"', html):
                    linked = client.get(reverse("web:search") + unescape(href))
                    assert linked.status_code == 200, href
                    text = html_of(linked)
                    assert MARKER not in text and "Kalle" not in text and "1212" not in text, href


def test_a_reader_sees_the_public_title_and_nothing_secret(client, marked, reader, registrator):
    client.force_login(reader)
    assert_no_marker(client, pages_of(marked) + [f"/arende/{marked.reference}/"]
                     + [f"/handling/{d.reference}/" for d in Document.objects.all()])
    html = html_of(client.get(reverse("web:case_detail", args=[marked.pk])))
    assert PUBLIC_TITLE in html and "maskerat" in html and "Sekretessmarkerat" in html
    assert "Parter" not in html and "Inga filer" not in html  # no parties section, no files section either
    assert "26 kap." not in html and "Individärende enligt SoL" not in html  # no marking details for a masked reader
    results = html_of(client.get(reverse("web:search") + "?text=bistånd"))
    assert marked.reference in results and PUBLIC_TITLE in results
    assert "Inga ärenden matchar" in html_of(client.get(reverse("web:search") + f"?text={MARKER}"))
    assert "Inga ärenden matchar" in html_of(client.get(reverse("web:search") + f"?party={PERSONNUMMER}"))
    for file in File.objects.all():
        for url in (reverse("web:file_download", args=[file.pk]), reverse("web:file_download", args=[file.pk]) + "?version=1"):
            response = client.get(url)
            assert response.status_code == 404 and MARKER.encode() not in response.content, url

    # … while the registrator does see all of it (the test would pass if nothing were shown)
    client.force_login(registrator)
    html = html_of(client.get(reverse("web:case_detail", args=[marked.pk])))
    for text in (f"Bistånd {MARKER}", f"Skulder och hälsa {MARKER}", f"{MARKER}.pdf", "Kalle", PERSONNUMMER, f"Följ upp {MARKER}"):
        assert text in html, text
    # The same searches give the registrator the secret text in hits and snippets.
    html = html_of(client.get(reverse("web:search") + "?text=skulder"))
    assert f"<mark>Skulder</mark> och hälsa {MARKER}" in html and f"Bistånd {MARKER}" in html
    assert "Kalle" in html_of(client.get(reverse("web:search") + "?text=kalle"))


def test_journal_csv_shows_only_the_public_title(client, marked, reader):
    client.force_login(reader)
    today = dt.date.today().isoformat()
    response = client.get(reverse("web:journal"), {"diary": marked.diary_id, "date_from": today, "date_to": today, "format": "csv"})
    assert response.status_code == 200
    content = response.content.decode()
    assert PUBLIC_TITLE in content and MARKER not in content and "Kalle" not in content


def test_opening_by_reference_is_audited_once(client, marked, reader):
    client.force_login(reader)
    AuditEntry.objects.all().delete()
    response = client.get(f"/arende/{marked.reference}/", follow=True)
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="case.read").count() == 1
    document = Document.objects.order_by("number").first()
    client.get(f"/handling/{document.reference}/", follow=True)
    assert AuditEntry.objects.filter(action="document.read").count() == 1
    assert client.get("/arende/KS 1999/1/").status_code == 404


def test_lookup_while_typing_is_not_audited(reg_client, marked):
    AuditEntry.objects.all().delete()
    for typed in (marked.reference[:4], marked.reference[:8], marked.reference):
        reg_client.get(reverse("web:case_lookup"), {"case_reference": typed})
    assert not AuditEntry.objects.exists()


# --- restricted: a colleague in the same diary ---------------------------------------------------------

@pytest.fixture
def restricted(reg_client, diary):
    group = AccessGroup.objects.create(authority=diary.authority, name="Personalgruppen")
    # Restricted, not marked: the titles stay visible to colleagues (masked view, policy
    # rule 4); description, parties and files do not.
    data = {**form_data(diary, case_title="Personalärende", case_description=f"Om {MARKER}", document_title="Anmälan",
                        sender_first_name="Kalle", sender_last_name=MARKER, sender_street_address=f"{MARKER}vägen 3",
                        sender_email="kalle@example.se"),
            **secrecy(restricted="begransad", groups=[group], reason="Gäller en kollega", scope="bada")}
    assert post(reg_client, data, files=[upload(f"{MARKER}.pdf", PDF + MARKER.encode())]).status_code == 302
    return Case.objects.get(diary=diary), group


def test_colleague_sees_a_restricted_case_masked_and_cannot_act(client, diary, restricted):
    case, group = restricted
    document = Document.objects.get()
    file = File.objects.get()
    colleague = user_with_role(diary, Role.HANDLAGGARE)
    client.force_login(colleague)
    html = html_of(client.get(reverse("web:case_detail", args=[case.pk])))
    assert "maskerat" in html and "Begränsad åtkomst" in html
    assert "Personalgruppen" not in html and "Gäller en kollega" not in html  # no details of who may see
    for form_marker in ("Ändra uppgifter", "Registrera ny handling i ärendet", "Lägg till part", "Ändra vem som får se",
                        "Sekretessmarkera", 'name="csrfmiddlewaretoken" value'):
        if form_marker == 'name="csrfmiddlewaretoken" value':
            # the only form left is "Logga ut" in the header
            assert html.count(form_marker) == 1
        else:
            assert form_marker not in html, form_marker
    assert_no_marker(client, pages_of(case))

    case.refresh_from_db()
    before = case.event_sequence
    refused = [
        (reverse("web:case_edit", args=[case.pk]), {"title": "x", "reason": "x"}),
        (reverse("web:case_close", args=[case.pk]), {"close-reason": "x"}),
        (reverse("web:case_add_document", args=[case.pk]), {"doc-direction": "inkommande", "doc-title": "x", "doc-kind": "person"}),
        (reverse("web:case_add_party", args=[case.pk]), {"party-kind": "person", "party-last_name": "X", "party-role": "sokande"}),
        (reverse("web:case_marking", args=[case.pk]), {"mark-reason": "x"}),
        (reverse("web:case_restriction", args=[case.pk]), {"access-restricted": "oppen", "access-reason": "x"}),
        (reverse("web:document_edit", args=[document.pk]), {"title": "x", "reason": "x"}),
        (reverse("web:document_restriction", args=[document.pk]), {"access-restricted": "oppen", "access-reason": "x"}),
    ]
    for url, data in refused:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("web:case_edit", args=[case.pk])).status_code == 403
    assert client.get(reverse("web:file_download", args=[file.pk])).status_code == 404
    assert client.post(reverse("web:file_secrecy", args=[file.pk]), {}).status_code == 404
    case.refresh_from_db()
    assert case.event_sequence == before and case.restricted

    # A member of the access group sees it in full.
    group.members.add(colleague)
    client.force_login(colleague)  # a new request: the reader's groups are read again
    html = html_of(client.get(reverse("web:case_detail", args=[case.pk])))
    assert f"Om {MARKER}" in html and "Personalgruppen" in html and "visas <strong>maskerat</strong>" not in html


def test_counts_do_not_reveal_hidden_cases(client, diary, secret, restricted):
    """The search heading counts what the reader may see: the other diary's case is not
    in the count, the restricted one is (masked, as it is listed)."""
    client.force_login(user_with_role(diary, Role.HANDLAGGARE))
    html = html_of(client.get(reverse("web:search") + "?status="))
    assert re.search(r"<h2 id=\"results-heading\">1 ärende\b", html)
    assert secret["case"].reference not in html
