"""The "Sekretess och åtkomst" panel on the case and document pages and its forms:
each happy path, and every bad input shown again in Swedish, at the field and in the
error summary, with what was typed kept — and nothing changed."""

import datetime as dt

import pytest
from django.urls import reverse

from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role
from knutpunkt.registry.models import CaseEvent, Document, SecrecyMarking
from tests.factories import AuthorityFactory, DiaryFactory, UserFactory, user_with_role
from tests.web.conftest import html_of, mark

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def marking_data(provisions=(), parts=(), public_title="", reason="", review_on="", expires_on=""):
    return {
        "mark-provisions": [str(getattr(p, "pk", p)) for p in provisions], "mark-secret_parts": list(parts),
        "mark-public_title": public_title, "mark-review_on": review_on, "mark-expires_on": expires_on, "mark-reason": reason,
    }


def assert_unchanged(case, sequence_before):
    case.refresh_from_db()
    assert case.event_sequence == sequence_before
    assert not case.is_secret and not case.restricted and case.personal_data_level == "publicerbar"
    assert not SecrecyMarking.objects.filter(case=case).exists()


# --- the panel ------------------------------------------------------------------------------

def test_open_case_panel_and_forms_for_a_registrator(reg_client, case):
    html = html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    assert "Sekretess och åtkomst" in html
    assert "<dt>Sekretessmarkering</dt><dd>Ingen</dd>" in html
    assert "Får publiceras" in html and "Öppen för myndighetens personal" in html
    for summary in ("Sekretessmarkera ärendet", "Ändra personuppgiftsskydd", "Ändra vem som får se"):
        assert f"<summary>{summary}</summary>" in html, summary
    assert "Häv sekretessmarkeringen" not in html  # nothing to revoke
    # Provisions ordered by chapter and paragraph as numbers: 18 kap. 8 § before 18 kap. 13 §.
    assert html.index("OSL 18 kap. 8 §") < html.index("OSL 18 kap. 13 §") < html.index("OSL 26 kap. 1 §")
    assert "(behöver kontrolleras)" in html


def test_mark_a_case_through_the_form(reg_client, case, registrator, sol_provision, health_provision):
    url = reverse("web:case_marking", args=[case.pk])
    response = reg_client.post(url, marking_data(
        [sol_provision, health_provision], ["title", "parties"], "Ansökan om ekonomiskt bistånd", "Individärende enligt SoL",
        review_on=(TODAY + dt.timedelta(days=365)).isoformat(),
    ))
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.title_secret and case.parties_secret and not case.description_secret
    assert case.public_title == "Ansökan om ekonomiskt bistånd"
    marking = SecrecyMarking.objects.get(case=case, revoked_at__isnull=True)
    assert set(marking.provisions.all()) == {sol_provision, health_provision} and marking.set_by == registrator

    html = html_of(reg_client.get(response.url))
    assert "Ärendets sekretessmarkering är sparad." in html
    assert "OSL 21 kap. 1 § – Hälsa eller sexualliv (alla verksamheter)" in html
    assert "OSL 26 kap. 1 § – Socialtjänst (inkl. LSS)" in html
    assert "Rubriken, parterna" in html and "Individärende enligt SoL" in html
    assert (TODAY + dt.timedelta(days=365)).isoformat() in html
    assert "Ärendet sekretessmarkerades" in html and "Lagrum: OSL 21 kap. 1 §, 26 kap. 1 §. Omfattar rubriken, parterna." in html
    assert "<summary>Ändra sekretessmarkeringen</summary>" in html and "Häv sekretessmarkeringen" in html
    # the change form starts from the active marking
    assert f'value="{sol_provision.pk}" id="id_mark-provisions_' in html
    assert 'name="mark-secret_parts" value="title" id="id_mark-secret_parts_0" checked' in html


def expired_provision():
    return LegalProvision.objects.create(reference="99 kap. 1 §", chapter=99, paragraph="1", short_title="Upphävd bestämmelse",
                                         valid_to=TODAY - dt.timedelta(days=1))


@pytest.mark.parametrize("kind", ["no_provision", "title_without_public_title", "expired_provision", "no_reason", "no_parts",
                                  "review_after_expiry"])
def test_marking_bad_input_is_explained_and_changes_nothing(reg_client, case, sol_provision, kind):
    values = {"provisions": [sol_provision], "parts": ["title"], "public_title": "Bistånd", "reason": "SoL-ärende"}
    expected, anchor = {
        "no_provision": ("Ange minst ett lagrum för sekretessmarkeringen.", "id_mark-provisions_0"),
        "title_without_public_title": ("En sekretessbelagd rubrik kräver en offentlig rubrik.", "id_mark-public_title"),
        "expired_provision": ("Lagrummet 99 kap. 1 § gäller inte längre.", "id_mark-provisions_0"),
        "no_reason": ("Ange ett skäl för sekretessmarkeringen.", "id_mark-reason"),
        "no_parts": ("Ange vilka delar som omfattas av sekretess.", "id_mark-secret_parts_0"),
        "review_after_expiry": ("Omprövningsdatum kan inte ligga efter upphörandedatum.", "id_mark-review_on"),
    }[kind]
    extra = {}
    if kind == "no_provision":
        values["provisions"] = []
    elif kind == "title_without_public_title":
        values["public_title"] = ""
    elif kind == "expired_provision":
        values["provisions"] = [expired_provision()]
    elif kind == "no_reason":
        values["reason"] = "  "
    elif kind == "no_parts":
        values["parts"] = []
    else:
        extra = {"review_on": (TODAY + dt.timedelta(days=30)).isoformat(), "expires_on": (TODAY + dt.timedelta(days=10)).isoformat()}
    case.refresh_from_db()
    before = case.event_sequence
    response = reg_client.post(reverse("web:case_marking", args=[case.pk]), marking_data(**values, **extra))
    html = html_of(response)
    assert response.status_code == 200
    assert expected in html and f'href="#{anchor}"' in html, kind
    assert "<title>Fel:" in html
    assert 'id="secrecy-marking" open' in html
    if values["reason"].strip():
        assert values["reason"] in html  # what was typed is kept
    assert_unchanged(case, before)


def test_expired_provision_is_not_offered_but_kept_when_chosen(reg_client, case):
    old = expired_provision()
    assert "99 kap. 1 §" not in html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    html = html_of(reg_client.post(reverse("web:case_marking", args=[case.pk]), marking_data([old], ["description"], reason="x")))
    assert "OSL 99 kap. 1 § – Upphävd bestämmelse (gäller inte längre)" in html


def test_provision_of_another_organisation_cannot_be_chosen(reg_client, case):
    foreign = LegalProvision.objects.create(organisation=DiaryFactory().authority.organisation, reference="1 kap. 1 §",
                                            short_title="Annan kommuns lagrum")
    html = html_of(reg_client.post(reverse("web:case_marking", args=[case.pk]), marking_data([foreign], ["description"], reason="x")))
    assert "Välj ett av alternativen i listan." in html
    assert not SecrecyMarking.objects.exists()


def test_change_and_revoke_a_marking(reg_client, case, registrator, sol_provision, health_provision):
    mark(case, registrator, sol_provision, parts=("title",))
    reg_client.post(reverse("web:case_marking", args=[case.pk]), marking_data([health_provision], ["description"], reason="Omprövat"))
    case.refresh_from_db()
    assert case.description_secret and not case.title_secret
    assert SecrecyMarking.objects.filter(case=case).count() == 2
    assert SecrecyMarking.objects.filter(case=case, revoked_at__isnull=True).get().provisions.get() == health_provision

    url = reverse("web:case_revoke", args=[case.pk])
    before = case.event_sequence
    html = html_of(reg_client.post(url, {"unmark-reason": ""}))
    assert "Ange ett skäl för att häva sekretessmarkeringen." in html and 'href="#id_unmark-reason"' in html
    assert 'id="secrecy-revoke" open' in html
    case.refresh_from_db()
    assert case.is_secret and case.event_sequence == before

    response = reg_client.post(url, {"unmark-reason": "Sekretessen har upphört"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_secret and not SecrecyMarking.objects.filter(case=case, revoked_at__isnull=True).exists()
    html = html_of(reg_client.get(response.url))
    assert "Ärendets sekretessmarkering är hävd." in html and "Ärendets sekretessmarkering hävdes" in html
    assert "Sekretessen har upphört" in html


def test_personal_data_level(reg_client, case):
    url = reverse("web:case_personal_data", args=[case.pk])
    html = html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    for text in ("Skyddad externt", "Syns för myndighetens personal men aldrig på webben eller i öppna data.",
                 "Parterna syns bara för handläggare och registratorer i diariet."):
        assert text in html
    before = case.event_sequence
    html = html_of(reg_client.post(url, {"pd-personal_data_level": "skyddad", "pd-reason": ""}))
    assert "Ange ett skäl för ändringen." in html and 'href="#id_pd-reason"' in html
    assert 'value="skyddad" id="id_pd-personal_data_level_2" required checked' in html
    assert_unchanged(case, before)

    html = html_of(reg_client.post(url, {"pd-personal_data_level": "okänd", "pd-reason": "x"}))
    assert "Välj ett av alternativen i listan." in html

    response = reg_client.post(url, {"pd-personal_data_level": "skyddad", "pd-reason": "Känsliga uppgifter om barn"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.personal_data_level == "skyddad"
    assert "Personuppgiftsskyddet är nu: skyddad." in html_of(reg_client.get(response.url))
    response = reg_client.post(url, {"pd-personal_data_level": "skyddad", "pd-reason": ""}, follow=True)
    assert "Inga uppgifter ändrades." in html_of(response)


@pytest.fixture
def groups(diary):
    own = AccessGroup.objects.create(authority=diary.authority, name="Personalfrågor")
    other_authority = AuthorityFactory(organisation=diary.authority.organisation)
    foreign = AccessGroup.objects.create(authority=other_authority, name="Socialnämndens utredare")
    return own, foreign


def restriction_data(restricted="begransad", groups=(), reason="Personalärende"):
    return {"access-restricted": restricted, "access-access_groups": [str(g.pk) for g in groups], "access-reason": reason}


def test_restrict_to_an_access_group(reg_client, case, groups):
    own, foreign = groups
    html = html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    assert "Personalfrågor" in html and "Socialnämndens utredare" not in html  # only the case's authority's groups
    response = reg_client.post(reverse("web:case_restriction", args=[case.pk]), restriction_data(groups=[own]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.restricted and list(case.access_groups.all()) == [own]
    html = html_of(reg_client.get(response.url))
    assert "Åtkomsten är nu begränsad." in html
    assert "Handläggaren, diariets registratorer och åtkomstgrupperna Personalfrågor." in html
    assert "Åtkomsten till ärendet ändrades" in html and "”öppen” ändrades till ”begränsad”" in html
    assert "”(tomt)” ändrades till ”Personalfrågor”" in html


@pytest.mark.parametrize("kind", ["other_authority", "groups_when_open", "no_reason"])
def test_restriction_bad_input(reg_client, case, groups, kind):
    own, foreign = groups
    data, expected, anchor = {
        "other_authority": (restriction_data(groups=[foreign]), "Åtkomstgruppen Socialnämndens utredare hör till en annan myndighet.",
                            "id_access-access_groups_0"),
        "groups_when_open": (restriction_data("oppen", groups=[own]), "Åtkomstgrupper gäller bara när åtkomsten är begränsad.",
                             "id_access-access_groups_0"),
        "no_reason": (restriction_data(groups=[own], reason=""), "Ange ett skäl för ändringen.", "id_access-reason"),
    }[kind]
    before = case.event_sequence
    response = reg_client.post(reverse("web:case_restriction", args=[case.pk]), data)
    html = html_of(response)
    assert response.status_code == 200 and expected in html and f'href="#{anchor}"' in html
    assert 'id="secrecy-restriction" open' in html
    assert_unchanged(case, before)
    assert not case.access_groups.exists()


def test_document_panel_and_marking(reg_client, document_with_file, health_provision):
    document, _file = document_with_file
    page = reverse("web:document_detail", args=[document.pk])
    html = html_of(reg_client.get(page))
    assert "Sekretess och åtkomst" in html and "<summary>Sekretessmarkera handlingen</summary>" in html
    bad = reg_client.post(reverse("web:document_marking", args=[document.pk]), marking_data([health_provision], ["files"], reason=""))
    assert "Ange ett skäl för sekretessmarkeringen." in html_of(bad)
    document.refresh_from_db()
    assert not document.is_secret
    response = reg_client.post(reverse("web:document_marking", args=[document.pk]),
                               marking_data([health_provision], ["files"], reason="Läkarintyg"))
    assert response.status_code == 302 and response.url == page
    document.refresh_from_db()
    assert document.files_secret
    html = html_of(reg_client.get(page))
    assert "Handlingens sekretessmarkering är sparad." in html and "Handlingen sekretessmarkerades" in html
    assert "Vem har öppnat ärendet?" not in html  # the audit link is the case's


def test_one_file_marked_through_the_page(reg_client, client, diary, registrator, document_with_file, health_provision, reader):
    document, file = document_with_file
    page = reverse("web:document_detail", args=[document.pk])
    assert "Sekretessmarkera filen" not in html_of(reg_client.get(page))  # the document has no marking yet
    mark(document, registrator, health_provision, parts=("description",))
    html = html_of(reg_client.get(page))
    assert "Sekretessmarkera filen" in html
    url = reverse("web:file_secrecy", args=[file.pk])
    prefix = f"fs-{file.pk.hex[:12]}"
    html = html_of(reg_client.post(url, {f"{prefix}-secret": "1", f"{prefix}-reason": ""}))
    assert "Ange ett skäl för filens sekretess." in html and f'href="#id_{prefix}-reason"' in html
    file.refresh_from_db()
    assert not file.is_secret

    response = reg_client.post(url, {f"{prefix}-secret": "1", f"{prefix}-reason": "Läkarintyg", "return_to": "case"})
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[document.case_id])
    file.refresh_from_db()
    assert file.is_secret
    assert "Filen ritning åäö.pdf är sekretessmarkerad." in html_of(reg_client.get(response.url))
    html = html_of(reg_client.get(page))
    assert '<span class="tag tag-secret">Sekretess</span>' in html and "Häv filens sekretess" in html
    assert "En fil sekretessmarkerades" in html

    client.force_login(reader)
    assert "ritning åäö.pdf" not in html_of(client.get(page))
    assert client.get(reverse("web:file_download", args=[file.pk])).status_code == 404
    assert client.post(url, {f"{prefix}-secret": "0", f"{prefix}-reason": "x"}).status_code == 404  # hidden from them


def test_who_opened_link_for_those_the_audit_admin_lets_in(client, diary, case):
    url = reverse("web:case_detail", args=[case.pk])
    link = f"/admin/core/auditentry/?object_id={case.pk}"
    for user, shown in ((user_with_role(diary, Role.LOKAL_ADMIN), True), (user_with_role(diary, Role.REGISTRATOR), False),
                        (user_with_role(diary, Role.HANDLAGGARE), False),
                        (user_with_role(diary, Role.LASARE), False), (UserFactory(is_global_admin=True), True)):
        client.force_login(user)
        html = html_of(client.get(url))
        assert (link in html) is shown and ("Vem har öppnat ärendet?" in html) is shown


@pytest.mark.parametrize("role", [Role.LASARE, Role.ARKIVARIE])
def test_readers_get_no_forms_and_are_refused(client, diary, case, sol_provision, role):
    client.force_login(user_with_role(diary, role))
    html = html_of(client.get(reverse("web:case_detail", args=[case.pk])))
    assert "Sekretess och åtkomst" in html and "Sekretessmarkera ärendet" not in html and "mark-reason" not in html
    before = case.event_sequence
    for name, data in (("case_marking", marking_data([sol_provision], ["description"], reason="x")),
                       ("case_revoke", {"unmark-reason": "x"}),
                       ("case_personal_data", {"pd-personal_data_level": "skyddad", "pd-reason": "x"}),
                       ("case_restriction", restriction_data(reason="x"))):
        assert client.post(reverse(f"web:{name}", args=[case.pk]), data).status_code == 403, name
    assert_unchanged(case, before)


def test_hidden_case_forms_are_404(client, secret, sol_provision):
    client.force_login(user_with_role(DiaryFactory(), Role.REGISTRATOR))
    for name in ("case_marking", "case_revoke", "case_personal_data", "case_restriction"):
        assert client.post(reverse(f"web:{name}", args=[secret["case"].pk]), {}).status_code == 404
    for name in ("document_marking", "document_revoke", "document_personal_data", "document_restriction"):
        assert client.post(reverse(f"web:{name}", args=[secret["document"].pk]), {}).status_code == 404
    assert client.post(reverse("web:file_secrecy", args=[secret["file"].pk]), {}).status_code == 404
    assert not CaseEvent.objects.filter(type__contains="secrecy").exists()


def test_marking_is_audited(reg_client, case, sol_provision):
    reg_client.post(reverse("web:case_marking", args=[case.pk]), marking_data([sol_provision], ["description"], reason="SoL"))
    entry = AuditEntry.objects.filter(action="case.secrecy_marked").get()
    assert entry.object_id == str(case.pk) and entry.details["reason"] == "SoL"


def test_voided_case_keeps_only_revoking(reg_client, case, registrator, sol_provision):
    from knutpunkt.registry import services

    mark(case, registrator, sol_provision, parts=("description",))
    services.void_case(case, actor=registrator, reason="Felregistrering")
    html = html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    assert "Häv sekretessmarkeringen" in html
    assert "Ändra sekretessmarkeringen" not in html and "Ändra vem som får se" not in html


def test_document_in_marked_case_list_shows_tags(reg_client, case, registrator, health_provision):
    from knutpunkt.registry import services

    document = services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Läkarintyg")
    mark(document, registrator, health_provision, parts=("files",))
    html = html_of(reg_client.get(reverse("web:case_detail", args=[case.pk])))
    assert '<span class="tag tag-secret">Sekretessmarkerad</span>' in html
