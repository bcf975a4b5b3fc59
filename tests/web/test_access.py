"""Nobody sees a case through the staff pages without a role in its diary: hidden is
404 (never 403), and not a trace of it in lists, searches or lookups. Every page asks
for a login."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from knutpunkt.organisations.models import Role
from knutpunkt.registry import services
from tests.factories import user_with_role
from tests.web.conftest import SECRET_MARKER

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider_client(client, diary):
    """A registrator in KS only; the secret case is in SN."""
    client.force_login(user_with_role(diary, Role.REGISTRATOR))
    return client


def test_hidden_case_document_and_file_are_404(outsider_client, secret):
    case, document, file = secret["case"], secret["document"], secret["file"]
    urls = [
        reverse("web:case_detail", args=[case.pk]),
        f"/arende/{case.reference}/",
        reverse("web:case_edit", args=[case.pk]),
        reverse("web:document_detail", args=[document.pk]),
        f"/handling/{document.reference}/",
        reverse("web:document_edit", args=[document.pk]),
        reverse("web:file_download", args=[file.pk]),
        reverse("web:file_download", args=[file.pk]) + "?version=1",
    ]
    for url in urls:
        response = outsider_client.get(url)
        assert response.status_code == 404, url
        assert SECRET_MARKER not in response.content.decode(), url


def test_actions_on_hidden_case_are_404_and_change_nothing(outsider_client, secret):
    case, document, file = secret["case"], secret["document"], secret["file"]
    posts = [
        (reverse("web:case_close", args=[case.pk]), {"close-reason": "x"}),
        (reverse("web:case_reopen", args=[case.pk]), {"reopen-reason": "x"}),
        (reverse("web:case_void", args=[case.pk]), {"void-reason": "x"}),
        (reverse("web:case_status", args=[case.pk]), {"status-status": "vilande"}),
        (reverse("web:case_add_deadline", args=[case.pk]), {"deadline-due_date": "2020-01-01", "deadline-description": "x"}),
        (reverse("web:case_add_party", args=[case.pk]), {"party-kind": "person", "party-last_name": "X", "party-role": "sokande"}),
        (reverse("web:case_add_document", args=[case.pk]), {"doc-direction": "inkommande", "doc-title": "x", "doc-kind": "person"}),
        (reverse("web:case_link", args=[case.pk]), {"link-reference": case.reference}),
        (reverse("web:case_edit", args=[case.pk]), {"title": "x", "reason": "x"}),
        (reverse("web:deadline_complete", args=[case.pk, case.deadlines.get().pk]), {}),
        (reverse("web:document_edit", args=[document.pk]), {"title": "x", "reason": "x"}),
        (reverse("web:document_void", args=[document.pk]), {"void-reason": "x"}),
        (reverse("web:document_add_file", args=[document.pk]), {}),
        (reverse("web:file_add_version", args=[file.pk]), {}),
    ]
    case.refresh_from_db()
    before = case.event_sequence
    for url, data in posts:
        response = outsider_client.post(url, data)
        assert response.status_code == 404, url
    case.refresh_from_db()
    assert case.event_sequence == before and case.is_open and not case.is_voided


def test_marker_never_shown_on_pages_the_outsider_can_open(outsider_client, secret, diary, case):
    # Give the secret case an officer's deadline context too: the outsider is not it.
    pages = [
        reverse("web:my_work"),
        reverse("web:search"),
        reverse("web:search") + "?status=",
        reverse("web:search") + f"?text={SECRET_MARKER}",
        reverse("web:search") + "?text=Orosanmälan",
        reverse("web:search") + f"?reference={secret['case'].reference}",
        reverse("web:search") + f"?party={SECRET_MARKER}",
        reverse("web:search") + f"?diary={secret['case'].diary_id}",
        reverse("web:register"),
        reverse("web:journal"),
        reverse("web:case_lookup") + f"?case_reference={secret['case'].reference}",
        reverse("web:case_detail", args=[case.pk]),
    ]
    for url in pages:
        response = outsider_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # What the outsider typed is echoed in the search form; nothing else may match.
        assert html.count(SECRET_MARKER) == html.count(f'value="{SECRET_MARKER}"'), url
        assert html.count("Orosanmälan") == html.count('value="Orosanmälan"'), url
    # the empty search lists all the outsider may see: their own case only
    html = outsider_client.get(reverse("web:search") + "?status=").content.decode()
    assert case.reference in html and secret["case"].reference not in html
    assert "SN –" not in outsider_client.get(reverse("web:journal")).content.decode()


def test_owner_does_see_it(client, secret):
    """The same pages do show the case to someone with a role: the test above is not
    passing because nothing is ever shown."""
    owner = secret["owner"]
    services.update_case(secret["case"], actor=owner, reason="Fördelning", officer=owner)
    client.force_login(owner)
    assert SECRET_MARKER in client.get(reverse("web:my_work")).content.decode()
    assert SECRET_MARKER in client.get(reverse("web:search") + "?text=Orosanm").content.decode()
    assert client.get(reverse("web:file_download", args=[secret["file"].pk])).status_code == 200


def test_journal_refuses_a_diary_without_role(outsider_client, other_diary):
    html = outsider_client.get(reverse("web:journal"), {"diary": other_diary.pk, "date_from": "2020-01-01",
                                                         "date_to": "2030-01-01", "format": "csv"}).content.decode()
    assert "Välj ett av alternativen i listan." in html


def test_user_without_any_role_sees_nothing(client, secret):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    for url in (reverse("web:my_work"), reverse("web:search") + "?status="):
        html = client.get(url).content.decode()
        assert SECRET_MARKER not in html and secret["case"].reference not in html
    assert client.get(reverse("web:case_detail", args=[secret["case"].pk])).status_code == 404


def _all_web_patterns():
    resolver = get_resolver()
    web = next(p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace == "web")
    return [p for p in web.url_patterns if isinstance(p, URLPattern)]


def _example_kwargs(pattern):
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__
        kwargs[name] = uuid.uuid4() if kind == "UUIDConverter" else (1 if kind == "IntConverter" else "KS 2026/1")
    return kwargs


def test_login_required_everywhere(client):
    open_pages = {"login"}
    names = [p.name for p in _all_web_patterns()]
    assert "case_detail" in names and "file_download" in names
    for pattern in _all_web_patterns():
        if pattern.name in open_pages or pattern.name == "logout":
            continue
        url = reverse(f"web:{pattern.name}", kwargs=_example_kwargs(pattern))
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), (pattern.name, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith(reverse("web:login")), pattern.name


def test_masked_reader_sees_public_title_only(client, diary, registrator):
    from knutpunkt.access.models import LegalProvision
    from knutpunkt.registry import secrecy

    case = services.register_case(diary, actor=registrator, title=f"Utredning om {SECRET_MARKER}")
    provision = LegalProvision.objects.filter(reference="26 kap. 1 §").first()
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title"}, reason="Socialtjänst",
                        public_title="Utredning enligt SoL")
    client.force_login(user_with_role(diary, Role.LASARE))
    for url in (reverse("web:case_detail", args=[case.pk]), reverse("web:search") + "?status=",
                reverse("web:search") + "?text=Utredning"):
        html = client.get(url).content.decode()
        assert "Utredning enligt SoL" in html, url
        assert SECRET_MARKER not in html, url
    html = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "maskerat" in html and "Ärendets uppgifter ändrades" not in html


def test_secret_files_are_not_listed_or_downloadable_for_a_reader(client, diary, registrator, document_with_file):
    from knutpunkt.access.models import LegalProvision
    from knutpunkt.registry import secrecy

    document, file = document_with_file
    provision = LegalProvision.objects.filter(reference="21 kap. 1 §").first()
    secrecy.set_marking(document, actor=registrator, provisions=[provision], secret_parts={"files"}, reason="Hälsouppgifter")
    reader = user_with_role(diary, Role.LASARE)
    client.force_login(reader)
    case_page = client.get(reverse("web:case_detail", args=[document.case_id])).content.decode()
    assert document.reference in case_page and "ritning åäö.pdf" not in case_page
    assert "ritning åäö.pdf" not in client.get(reverse("web:document_detail", args=[document.pk])).content.decode()
    assert client.get(reverse("web:file_download", args=[file.pk])).status_code == 404
    client.force_login(registrator)
    assert client.get(reverse("web:file_download", args=[file.pk])).status_code == 200
