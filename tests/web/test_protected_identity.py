"""Skyddade personuppgifter on the staff pages: a warning on every case and document page
that holds such a party, for everyone who sees it; the name, number, address and
contact details only for those with the explicit right — and every such reveal logged."""

import pytest
from django.urls import reverse

from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import services
from knutpunkt.registry.models import Correspondent, Document, Party
from tests.factories import user_with_role
from tests.web.conftest import html_of

pytestmark = pytest.mark.django_db

BANNER = "innehåller skyddade personuppgifter – lämna inte ut adress eller kontaktuppgifter"
SECRETS = ("Skyddadsson", "Gömdavägen 7", "gomd@example.se", "070-123 45 67", "19900101-0017", "199001010017")


@pytest.fixture
def protected_party(diary):
    return Party.objects.create(
        organisation=diary.authority.organisation, kind=Party.Kind.PERSON, first_name="Sara", last_name="Skyddadsson",
        personal_number="199001010017", street_address="Gömdavägen 7", postal_code="123 45", city="Exempelby",
        email="gomd@example.se", phone="070-123 45 67", is_protected_identity=True,
    )


@pytest.fixture
def case_with_protected(case, registrator, protected_party):
    services.add_party(case, protected_party, "sokande", actor=registrator)
    document = services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING,
                                           title="Ansökan", correspondents=[(protected_party, Correspondent.Role.SENDER)])
    return case, document


def pages(case, document):
    return [reverse("web:case_detail", args=[case.pk]), reverse("web:document_detail", args=[document.pk]),
            reverse("web:search") + "?status=", reverse("web:search") + "?party=Skyddadsson", reverse("web:my_work")]


@pytest.mark.parametrize("role", [Role.REGISTRATOR, Role.HANDLAGGARE, Role.LASARE])
def test_without_the_right_nothing_of_the_identity_is_shown(client, diary, case_with_protected, role):
    case, document = case_with_protected
    client.force_login(user_with_role(diary, role))
    for url in pages(case, document):
        html = html_of(client.get(url))
        for secret in SECRETS:
            assert secret not in html.replace('value="Skyddadsson"', ""), (url, secret)
    case_page = html_of(client.get(reverse("web:case_detail", args=[case.pk])))
    assert f"Ärendet {BANNER}" in case_page
    assert "Skyddad identitet" in case_page
    assert "Skyddad identitet – sökande" in case_page  # the timeline's "Part lades till" uses the shown name
    document_page = html_of(client.get(reverse("web:document_detail", args=[document.pk])))
    assert f"Ärendet {BANNER}" in document_page and "Avsändare</dt><dd>Skyddad identitet</dd>" in document_page
    assert not AuditEntry.objects.filter(action="party.identity_read").exists()


def test_with_the_right_the_identity_is_shown_and_logged(client, diary, case_with_protected):
    case, document = case_with_protected
    officer = user_with_role(diary, Role.HANDLAGGARE)
    RoleAssignment.objects.filter(user=officer).update(protected_identity_access=True)
    client.force_login(officer)
    html = html_of(client.get(reverse("web:case_detail", args=[case.pk])))
    assert f"Ärendet {BANNER}" in html
    for text in ("Sara Skyddadsson", "19900101-0017", "Gömdavägen 7", "gomd@example.se", "070-123 45 67"):
        assert text in html, text
    assert '<span class="tag tag-danger">Skyddad identitet</span>' in html
    entry = AuditEntry.objects.filter(action="party.identity_read").first()
    assert entry is not None and entry.actor == officer


def test_no_banner_without_a_protected_party(reg_client, case):
    assert BANNER not in html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))


def test_postlista_document_banner(reg_client, diary, registrator, protected_party):
    document = services.register_document(actor=registrator, diary=diary, direction=Document.Direction.INCOMING, title="Brev",
                                           correspondents=[(protected_party, Correspondent.Role.SENDER)])
    html = html_of(reg_client.get(reverse("web:document_detail", args=[document.pk])))
    assert f"Handlingen {BANNER}" in html
    assert "Skyddadsson" not in html and "Gömdavägen" not in html


def test_a_protected_correspondent_in_another_document_warns_on_the_case(reg_client, case, registrator, protected_party):
    services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Brev",
                               correspondents=[(protected_party, Correspondent.Role.SENDER)])
    html = html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    assert f"Ärendet {BANNER}" in html and "Avsändare: Skyddad identitet" in html
