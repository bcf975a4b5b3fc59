"""The secrecy endpoints: mark, revoke, personal-data level, restriction, and the
vocabulary (legal provisions, access groups). Each refusal is a 422 problem that
changes nothing."""

import datetime as dt

import pytest

from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, Document, SecrecyMarking
from tests.factories import AuthorityFactory, DiaryFactory, OrganisationFactory, UserFactory, user_with_role

from .conftest import assert_problem, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sol():
    return LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")


@pytest.fixture
def case(diary, registrator):
    return registry.register_case(diary, actor=registrator, title="Ansökan om bistånd – Kalle Hemlig", description="Skuld hos Kronofogden")


@pytest.fixture
def document(case, registrator):
    return registry.register_document(actor=registrator, case=case, direction="inkommande", title="Läkarintyg Kalle Hemlig")


@pytest.fixture
def reader(diary):
    return client_for(user_with_role(diary, Role.LASARE))


def url(obj, what="secrecy") -> str:
    kind = "documents" if isinstance(obj, Document) else "cases"
    return f"/api/v1/{kind}/{obj.pk}/{what}/"


MARK = {"provisions": ["26 kap. 1 §"], "secret_parts": ["title", "parties"], "public_title": "Ansökan om ekonomiskt bistånd",
        "reason": "Individärende inom socialtjänsten"}


def unchanged(obj) -> None:
    """Nothing of a refused request was saved: no marking, no event, no flag."""
    obj.refresh_from_db()
    assert not obj.is_secret and not obj.restricted and obj.personal_data_level == "publicerbar"
    assert not SecrecyMarking.objects.exists()
    assert not CaseEvent.objects.filter(type__contains="secrecy").exists()
    assert not CaseEvent.objects.filter(type__endswith=("restriction_changed")).exists()


# --- marking -----------------------------------------------------------------------------------

def test_mark_read_and_revoke_a_case(api, case, reader, sol):
    assert api.get(url(case)).json() == {
        "marked": False, "masked": False, "marking": None, "history": [], "public_title": "",
        "personal_data_level": "publicerbar", "restricted": False, "access_groups": [],
    }
    response = api.put(url(case), {**MARK, "review_on": "2030-01-01"}, format="json")
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["marked"] is True and state["marking"]["secret_parts"] == ["title", "parties"]
    assert [p["reference"] for p in state["marking"]["provisions"]] == ["26 kap. 1 §"]
    assert state["marking"]["review_on"] == "2030-01-01" and state["marking"]["reason"] == MARK["reason"]
    assert state["marking"]["set_by"]["username"] and state["public_title"] == "Ansökan om ekonomiskt bistånd"
    case.refresh_from_db()
    assert case.title_secret and case.parties_secret and not case.description_secret

    # A läsare now sees the case masked, and of the marking only that there is one.
    shown = reader.get(f"/api/v1/cases/{case.pk}/").json()
    assert shown["masked"] and shown["title"] == "Ansökan om ekonomiskt bistånd" and shown["is_secret"] is None
    assert reader.get(url(case)).json() == {"marked": True, "masked": True}
    full = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert full["is_secret"] is True and full["secret_parts"] == ["title", "parties"] and full["restricted"] is False
    assert full["personal_data_level"] == "publicerbar" and full["secrecy_url"].endswith(url(case))

    # Replacing keeps the old one in the history; provisions by id work too.
    other = LegalProvision.objects.get(organisation=None, reference="26 kap. 5 §")
    replaced = api.put(url(case), {**MARK, "provisions": [sol.pk, other.pk], "reason": "Även anmälaren"}, format="json").json()
    assert [p["reference"] for p in replaced["marking"]["provisions"]] == ["26 kap. 1 §", "26 kap. 5 §"]
    assert [m["active"] for m in replaced["history"]] == [True, False]

    # Revoking needs a reason (in the body or as ?reason=) and keeps the history.
    assert_problem(api.delete(url(case)), 422, "reason_required")
    revoked = api.delete(url(case) + "?reason=Sekretessen%20har%20upph%C3%B6rt")
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["marked"] is False and len(revoked.json()["history"]) == 2
    assert revoked.json()["history"][0]["revoke_reason"] == "Sekretessen har upphört"
    assert_problem(api.delete(url(case), {"reason": "Igen"}, format="json"), 422, "no_marking")
    assert reader.get(f"/api/v1/cases/{case.pk}/").json()["title"] == case.title
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert types.count("case.secrecy_marked") == 2 and "case.secrecy_revoked" in types
    assert AuditEntry.objects.filter(action="case.secrecy_marked").count() == 2


@pytest.mark.parametrize("body,code,field", [
    ({**MARK, "provisions": []}, "provision_required", "provisions"),
    ({**MARK, "public_title": ""}, "public_title_required", "public_title"),
    ({**MARK, "public_title": None}, "public_title_required", "public_title"),
    ({**MARK, "reason": ""}, "reason_required", "reason"),
    ({k: v for k, v in MARK.items() if k != "reason"}, "reason_required", "reason"),
    ({**MARK, "secret_parts": []}, "parts_required", "secret_parts"),
    ({**MARK, "secret_parts": ["title", "namn"]}, "parts_required", "secret_parts"),
    ({**MARK, "provisions": ["99 kap. 9 §"]}, "unknown_provision", "provisions.0"),
    ({**MARK, "provisions": ["26 kap. 1 §", 999999]}, "unknown_provision", "provisions.1"),
    ({**MARK, "review_on": "2031-01-01", "expires_on": "2030-01-01"}, "review_after_expiry", "review_on"),
])
def test_bad_markings_are_refused_and_change_nothing(api, case, document, body, code, field):
    for obj in (case, document):
        problem = assert_problem(api.put(url(obj), body, format="json"), 422, code)
        assert field in problem["errors"], problem
        assert problem["detail"] and problem["detail"][0].isupper()  # a Swedish sentence for people
        unchanged(obj)


def test_expired_and_other_organisations_provisions(api, case, diary):
    org = diary.authority.organisation
    LegalProvision.objects.create(organisation=org, reference="99 kap. 1 §", chapter=99, paragraph="1", short_title="Upphävd",
                                  valid_to=dt.date(2020, 1, 1))
    LegalProvision.objects.create(organisation=org, reference="98 kap. 1 §", chapter=98, paragraph="1", short_title="Inaktiv",
                                  active=False)
    foreign = LegalProvision.objects.create(organisation=OrganisationFactory(), reference="97 kap. 1 §", chapter=97,
                                            paragraph="1", short_title="Annan kommuns")
    problem = assert_problem(api.put(url(case), {**MARK, "provisions": ["99 kap. 1 §"]}, format="json"), 422, "expired_provision")
    assert "gäller inte längre" in problem["detail"]
    assert_problem(api.put(url(case), {**MARK, "provisions": ["98 kap. 1 §"]}, format="json"), 422, "expired_provision")
    for ref in ("97 kap. 1 §", foreign.pk):
        assert_problem(api.put(url(case), {**MARK, "provisions": [ref]}, format="json"), 422, "unknown_provision")
    unchanged(case)


def test_provision_references_in_common_spellings(api, case, diary):
    own = LegalProvision.objects.create(organisation=diary.authority.organisation, law="OSL", reference="26 kap. 1 §",
                                        chapter=26, paragraph="1", short_title="Vår egen formulering")
    for ref in ("26 kap. 1 §", "OSL 26 kap. 1 §", "26 kap 1 §", "26:1", "26 kap. 1"):
        state = api.put(url(case), {**MARK, "provisions": [ref]}, format="json")
        assert state.status_code == 200, (ref, state.content)
        # The organisation's own provision goes before the shared one with the same reference.
        assert state.json()["marking"]["provisions"][0]["id"] == own.pk


def test_shape_errors_are_400(api, case):
    assert_problem(api.put(url(case), {**MARK, "provisions": "26 kap. 1 §"}, format="json"), 400, "validation_error")
    assert_problem(api.put(url(case), {**MARK, "provisions": [{"id": 1}]}, format="json"), 400, "validation_error")
    assert_problem(api.put(url(case), {**MARK, "review_on": "i morgon"}, format="json"), 400, "validation_error")
    assert_problem(api.put(url(case), {**MARK, "hemligt": True}, format="json"), 400, "validation_error")
    unchanged(case)


def test_who_may_mark(api, case, diary, reader, outsider_api):
    api.put(url(case), MARK, format="json")
    # A läsare may read (masked) but not mark; an outsider does not even learn the case exists.
    assert_problem(reader.put(url(case), MARK, format="json"), 403, "may_not_mark")
    assert_problem(reader.delete(url(case), {"reason": "x"}, format="json"), 403, "may_not_mark")
    assert_problem(reader.put(url(case, "restriction"), {"restricted": True, "reason": "x"}, format="json"), 403, "may_not_mark")
    for method in ("get", "put", "delete"):
        assert_problem(getattr(outsider_api, method)(url(case), MARK, format="json"), 404)
    assert_problem(outsider_api.put(url(case, "personal-data-level"), {"personal_data_level": "skyddad", "reason": "x"},
                                    format="json"), 404)


def test_mark_a_document(api, case, document, reader, registrator):
    body = {"provisions": ["21 kap. 1 §"], "secret_parts": ["title", "files"], "public_title": "Läkarintyg", "reason": "Hälsouppgifter"}
    state = api.put(url(document), body, format="json").json()
    assert state["marked"] and state["marking"]["provisions"][0]["reference"] == "21 kap. 1 §"
    assert reader.get(f"/api/v1/documents/{document.pk}/").json()["title"] == "Läkarintyg"
    assert reader.get(url(document)).json() == {"marked": True, "masked": True}
    # The case itself stays as it was: a marking on a document is the document's.
    assert reader.get(f"/api/v1/cases/{case.pk}/").json()["masked"] is False
    assert api.delete(url(document), {"reason": "Fel handling"}, format="json").json()["marked"] is False


# --- personal-data level ------------------------------------------------------------------------

def test_personal_data_level(api, case, document, reader):
    for obj in (case, document):
        target = url(obj, "personal-data-level")
        assert_problem(api.put(target, {"personal_data_level": "hemlig", "reason": "x"}, format="json"), 422,
                       "invalid_personal_data_level")
        assert_problem(api.put(target, {"personal_data_level": "skyddad"}, format="json"), 422, "reason_required")
        assert_problem(api.put(target, {"reason": "x"}, format="json"), 400, "validation_error")
        unchanged(obj)
        state = api.put(target, {"personal_data_level": "skyddad", "reason": "Känsliga uppgifter"}, format="json")
        assert state.status_code == 200, state.content
        assert state.json()["personal_data_level"] == "skyddad"
    # "Skyddad" personal data: a läsare sees the case masked, without parties.
    assert reader.get(f"/api/v1/cases/{case.pk}/").json()["masked"] is True
    assert CaseEvent.objects.filter(type="case.personal_data_level_changed").count() == 1


# --- restriction -----------------------------------------------------------------------------------

def test_restriction_and_access_groups(api, case, document, diary, registrator):
    colleague = user_with_role(diary, Role.HANDLAGGARE)
    member = user_with_role(diary, Role.LASARE)
    group = AccessGroup.objects.create(authority=diary.authority, name="Utredare")
    group.members.add(member)
    other_authority = AuthorityFactory(organisation=diary.authority.organisation)
    foreign_group = AccessGroup.objects.create(authority=other_authority, name="Miljöinspektörer")
    far_group = AccessGroup.objects.create(authority=AuthorityFactory(), name="Annan kommun")
    inactive = AccessGroup.objects.create(authority=diary.authority, name="Nedlagd", active=False)

    target = url(case, "restriction")
    problem = assert_problem(api.put(target, {"restricted": True, "access_groups": [foreign_group.pk], "reason": "x"}, format="json"),
                             422, "group_other_authority")
    assert "annan myndighet" in problem["detail"] and "access_groups" in problem["errors"]
    assert_problem(api.put(target, {"restricted": True, "access_groups": [far_group.pk], "reason": "x"}, format="json"),
                   422, "unknown_access_group")
    assert_problem(api.put(target, {"restricted": True, "access_groups": [inactive.pk], "reason": "x"}, format="json"),
                   422, "group_inactive")
    assert_problem(api.put(target, {"restricted": True, "access_groups": [group.pk]}, format="json"), 422, "reason_required")
    assert_problem(api.put(target, {"access_groups": [group.pk], "reason": "x"}, format="json"), 400, "validation_error")
    unchanged(case)

    state = api.put(target, {"restricted": True, "access_groups": [group.pk], "reason": "Personalärende"}, format="json")
    assert state.status_code == 200, state.content
    assert state.json()["restricted"] is True and state.json()["access_groups"] == [{"id": group.pk, "name": "Utredare"}]
    # A handläggare outside the group sees it masked; the group's läsare sees it in full.
    assert client_for(colleague).get(f"/api/v1/cases/{case.pk}/").json()["masked"] is True
    assert client_for(member).get(f"/api/v1/cases/{case.pk}/").json()["masked"] is False
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["restricted"] is True

    doc_state = api.put(url(document, "restriction"), {"restricted": True, "reason": "Personalärende"}, format="json").json()
    assert doc_state["restricted"] is True and doc_state["access_groups"] == []
    assert client_for(colleague).get(f"/api/v1/documents/{document.pk}/").json()["masked"] is True
    opened = api.put(target, {"restricted": False, "reason": "Inte längre känsligt"}, format="json").json()
    assert opened["restricted"] is False and opened["access_groups"] == []


# --- vocabulary ----------------------------------------------------------------------------------

def test_legal_provisions(api, diary):
    org = diary.authority.organisation
    LegalProvision.objects.create(organisation=org, reference="40 kap. 2 §", chapter=40, paragraph="2", short_title="Egen")
    LegalProvision.objects.create(organisation=org, reference="40 kap. 3 §", chapter=40, paragraph="3", short_title="Upphörd",
                                  valid_to=dt.date(2020, 1, 1))
    LegalProvision.objects.create(organisation=org, reference="40 kap. 4 §", chapter=40, paragraph="4", short_title="Inaktiv",
                                  active=False)
    LegalProvision.objects.create(organisation=OrganisationFactory(), reference="40 kap. 5 §", chapter=40, paragraph="5",
                                  short_title="Annan kommuns")
    listed = api.get("/api/v1/legal-provisions/", {"page_size": 500}).json()
    references = [p["reference"] for p in listed["results"]]
    assert listed["count"] == len(references) >= 20
    assert "26 kap. 1 §" in references and "40 kap. 2 §" in references
    assert not {"40 kap. 3 §", "40 kap. 4 §", "40 kap. 5 §"} & set(references)
    chapter = [p["reference"] for p in api.get("/api/v1/legal-provisions/", {"chapter": 26}).json()["results"]]
    assert chapter and all(r.startswith("26 kap.") for r in chapter)
    assert chapter.index("26 kap. 1 §") < chapter.index("26 kap. 5 §")
    found = api.get("/api/v1/legal-provisions/", {"q": "anmälare"}).json()["results"]
    assert [p["reference"] for p in found] == ["26 kap. 5 §"] and found[0]["shared"] is True
    assert_problem(api.get("/api/v1/legal-provisions/", {"chapter": "tjugosex"}), 400)


def test_access_groups_of_the_users_authorities(api, diary, registrator):
    mine = AccessGroup.objects.create(authority=diary.authority, name="Utredare")
    mine.members.add(registrator)
    AccessGroup.objects.create(authority=diary.authority, name="Nedlagd", active=False)
    elsewhere = DiaryFactory(authority__organisation=diary.authority.organisation)
    AccessGroup.objects.create(authority=elsewhere.authority, name="Miljö")
    listed = api.get("/api/v1/access-groups/").json()["results"]
    assert [(g["name"], g["member"], g["authority"]["code"]) for g in listed] == [("Utredare", True, diary.authority.code)]
    assert api.get("/api/v1/access-groups/", {"authority": elsewhere.authority.code}).json()["results"] == []
    assert client_for(UserFactory(organisation=diary.authority.organisation)).get("/api/v1/access-groups/").json()["count"] == 0
    admin = client_for(UserFactory(is_global_admin=True))
    assert {g["name"] for g in admin.get("/api/v1/access-groups/").json()["results"]} == {"Utredare", "Miljö"}


def test_case_list_counts_and_fields_for_a_masked_reader(api, case, reader, diary, registrator):
    """Lists show a masked case with its public title and without the protection details,
    and a search only counts what may be matched."""
    api.put(url(case), {**MARK, "secret_parts": ["title", "description", "parties"]}, format="json")
    registry.register_case(diary, actor=registrator, title="Bygglov Kalle")
    results = reader.get("/api/v1/cases/").json()
    assert results["count"] == 2
    masked = next(r for r in results["results"] if r["id"] == str(case.pk))
    assert masked["title"] == "Ansökan om ekonomiskt bistånd" and masked["description"] is None
    assert all(masked[k] is None for k in ("is_secret", "secret_parts", "public_title", "personal_data_level", "restricted"))
    assert reader.get("/api/v1/cases/", {"q": "Kalle"}).json()["count"] == 1  # only the open one
    assert reader.get("/api/v1/cases/", {"q": "Kronofogden"}).json()["count"] == 0
    assert api.get("/api/v1/cases/", {"q": "Kalle"}).json()["count"] == 2
    assert Case.objects.count() == 2


# --- one file ----------------------------------------------------------------------------------

def test_one_file_secret(api, case, document, reader, outsider_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = lambda name: api.post(f"/api/v1/documents/{document.pk}/files/",  # noqa: E731
                                   {"file": SimpleUploadedFile(name, b"innehall")}, format="multipart").json()
    drawing, certificate = upload("ritning.txt"), upload("intyg.txt")
    target = f"/api/v1/files/{certificate['id']}/secrecy/"
    # The document must be marked first; a reason is needed; shape errors are 400.
    problem = assert_problem(api.put(target, {"is_secret": True, "reason": "Hälsa"}, format="json"), 422, "document_not_marked")
    assert "is_secret" in problem["errors"]
    api.put(url(document), {"provisions": ["21 kap. 1 §"], "secret_parts": ["title"], "public_title": "Ansökan",
                            "reason": "Hälsouppgifter"}, format="json")
    assert_problem(api.put(target, {"is_secret": True}, format="json"), 422, "reason_required")
    assert_problem(api.put(target, {"reason": "x"}, format="json"), 400, "validation_error")
    assert_problem(reader.put(target, {"is_secret": True, "reason": "x"}, format="json"), 403, "may_not_mark")
    assert_problem(outsider_api.put(target, {"is_secret": True, "reason": "x"}, format="json"), 404)

    marked = api.put(target, {"is_secret": True, "reason": "Läkarintyg, OSL 21:1"}, format="json")
    assert marked.status_code == 200, marked.content
    assert marked.json()["is_secret"] is True and marked.json()["id"] == certificate["id"]
    # A reader who sees the document masked gets its other files, not this one.
    listed = reader.get(f"/api/v1/documents/{document.pk}/files/").json()
    assert [f["id"] for f in listed] == [drawing["id"]] and listed[0]["is_secret"] is None
    assert_problem(reader.get(f"/api/v1/files/{certificate['id']}/download/"), 404)
    assert reader.get(f"/api/v1/files/{drawing['id']}/download/").status_code == 200
    assert {f["id"] for f in api.get(f"/api/v1/documents/{document.pk}/files/").json()} == {drawing["id"], certificate["id"]}
    lifted = api.put(target, {"is_secret": False, "reason": "Felaktigt markerad"}, format="json").json()
    assert lifted["is_secret"] is False
    assert len(reader.get(f"/api/v1/documents/{document.pk}/files/").json()) == 2
