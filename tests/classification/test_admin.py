import io

import pytest
from django.urls import reverse

from knutpunkt.classification import services
from knutpunkt.classification.models import CaseType, Class, ClassificationScheme, DocumentType, RetentionRule
from knutpunkt.organisations.models import Role
from tests.factories import AuthorityFactory, OrganisationFactory, UserFactory, user_with_authority_role

MODELS = (ClassificationScheme, Class, RetentionRule, CaseType, DocumentType)


def url(model, view="changelist", *args):
    return reverse(f"admin:classification_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def boss(db):
    return UserFactory(is_global_admin=True, is_staff=True)


@pytest.fixture
def active(organisation, structure_data):
    return services.import_structure(organisation, structure_data, activate=True)


def test_changelists_and_pages_load(client, boss, active):
    client.force_login(boss)
    for model in MODELS:
        assert client.get(url(model)).status_code == 200, model
    page = client.get(url(ClassificationScheme)).content.decode()
    assert "Importera struktur" in page and "Aktivera" in page and "Exportera CSV" in page
    assert client.get(url(ClassificationScheme, "change", active.pk)).status_code == 200
    process = Class.objects.get(scheme=active, code="1.1.1.1")
    process_page = client.get(url(Class, "change", process.pk)).content.decode()
    assert "BYGGLOV" in process_page and "Ansökan om lov" in process_page
    rules = client.get(url(RetentionRule)).content.decode()
    assert "Gallras 2 år efter ärendets avslut" in rules
    tree = client.get(reverse("admin:classification_classificationscheme_tree", args=[active.pk]))
    assert tree.status_code == 200
    assert "Pröva lov" in tree.content.decode() and "Gallras vid inaktualitet" in tree.content.decode()


def test_demo_structure_pages(client, boss, organisation):
    scheme = services.load_demo_structure(organisation)
    client.force_login(boss)
    assert client.get(url(DocumentType)).status_code == 200
    tree = client.get(reverse("admin:classification_classificationscheme_tree", args=[scheme.pk]))
    assert "Strandskyddsdispens" in tree.content.decode()


def test_active_version_is_read_only(client, boss, active):
    client.force_login(boss)
    process = Class.objects.get(scheme=active, code="1.1.1.1")
    response = client.post(url(Class, "change", process.pk), {"scheme": active.pk, "level": "process", "code": "1.1.1.1", "title": "Ändrad"})
    assert response.status_code == 403
    process.refresh_from_db()
    assert process.title == "Pröva lov"
    assert client.post(url(ClassificationScheme, "delete", active.pk), {"post": "yes"}).status_code == 403
    assert ClassificationScheme.objects.filter(pk=active.pk).exists()


def test_draft_is_editable_and_can_be_discarded(client, boss, active):
    draft = services.copy_scheme(active, actor=None)
    client.force_login(boss)
    process = Class.objects.get(scheme=draft, code="1.1.1.1")
    response = client.post(url(Class, "change", process.pk), {
        "scheme": draft.pk, "parent": process.parent_id, "level": "process", "code": "1.1.1.1", "title": "Pröva lov och förhandsbesked",
        "description": "",
        "case_types-TOTAL_FORMS": "0", "case_types-INITIAL_FORMS": "0",
        "document_types-TOTAL_FORMS": "0", "document_types-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    process.refresh_from_db()
    assert process.title == "Pröva lov och förhandsbesked"

    bad = client.post(url(Class, "add"), {"scheme": draft.pk, "parent": process.pk, "level": "process", "code": "1.1.1.1.1", "title": "Under"})
    assert bad.status_code == 200 and "kan inte ligga under" in bad.content.decode()
    bad_rule = client.post(url(RetentionRule, "add"), {"scheme": draft.pk, "code": "X", "action": "dispose", "trigger": ""})
    assert bad_rule.status_code == 200 and "måste ange varifrån" in bad_rule.content.decode()

    response = client.post(url(ClassificationScheme, "delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not ClassificationScheme.objects.filter(pk=draft.pk).exists()
    assert Class.objects.filter(scheme=active).count() == 8


def test_activate_and_export_actions(client, boss, active):
    draft = services.copy_scheme(active, actor=None)
    client.force_login(boss)
    response = client.post(url(ClassificationScheme), {"action": "activate_selected", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    active.refresh_from_db()
    assert draft.status == "active" and active.status == "retired"

    for action, kind in (("export_json", "json"), ("export_csv", "csv"), ("export_xlsx", "xlsx")):
        response = client.post(url(ClassificationScheme), {"action": action, "_selected_action": [draft.pk]})
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{kind}"')
        assert response.content == services.export_as(draft, kind)
    link = client.get(reverse("admin:classification_classificationscheme_export", args=[draft.pk, "csv"]))
    assert link.content.startswith("\ufeffVerksamhetstyp-kod".encode())


def test_import_view(client, boss, organisation, active):
    client.force_login(boss)
    assert client.get(reverse("admin:classification_classificationscheme_import")).status_code == 200
    upload = io.BytesIO(services.export_csv(active))
    upload.name = "plan.csv"
    response = client.post(reverse("admin:classification_classificationscheme_import"), {"organisation": organisation.pk, "file": upload})
    assert response.status_code == 302
    imported = ClassificationScheme.objects.get(organisation=organisation, version="2")
    assert imported.status == "draft" and DocumentType.objects.filter(process__scheme=imported).count() == 5


def test_import_view_shows_every_problem_and_saves_nothing(client, boss, organisation):
    client.force_login(boss)
    rows = ("Verksamhetstyp-kod;Verksamhetstyp;Verksamhetsområde-kod;Verksamhetsområde;Processgrupp-kod;Processgrupp;Process-kod;Process;"
            "Ärendetyp-kod;Ärendetyp;Handlingstyp-kod;Handlingstyp;Registrering;Bevaras/Gallras;Gallringsfrist;Räknas från;Anmärkning\n"
            "1;Stöd;1.1;Ekonomi;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Verifikation;;Gallras;när som helst;;\n"
            "1;Stöd;1.1;Ekonomi;;Redovisning;1.1.1.2;Budget;;;;Budget;;Bevaras;;;\n")
    upload = io.BytesIO(rows.encode())
    upload.name = "plan.csv"
    response = client.post(reverse("admin:classification_classificationscheme_import"), {"organisation": organisation.pk, "file": upload, "activate": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget importerades" in page and "Rad 2:" in page and "Rad 3:" in page
    assert not ClassificationScheme.objects.exists()

    wrong = io.BytesIO(b"x")
    wrong.name = "plan.pdf"
    response = client.post(reverse("admin:classification_classificationscheme_import"), {"organisation": organisation.pk, "file": wrong})
    assert ".json, .csv eller .xlsx" in response.content.decode()


def test_archivist_manages_own_organisation_only(client, organisation, structure_data, active):
    other = services.import_structure(OrganisationFactory(name="Grannby kommun"), structure_data)
    archivist = user_with_authority_role(AuthorityFactory(organisation=organisation), Role.ARKIVARIE, is_staff=True)
    client.force_login(archivist)
    page = client.get(url(ClassificationScheme)).content.decode()
    assert "Testby kommun" in page and "Grannby kommun" not in page
    assert client.get(url(ClassificationScheme, "change", other.pk)).status_code in (302, 403, 404)
    assert client.get(reverse("admin:classification_classificationscheme_export", args=[other.pk, "json"])).status_code == 404
    assert client.get(reverse("admin:classification_classificationscheme_export", args=[active.pk, "json"])).status_code == 200


def test_clerks_get_no_classification_admin(client, organisation, active):
    clerk = user_with_authority_role(AuthorityFactory(organisation=organisation), Role.REGISTRATOR, is_staff=True)
    client.force_login(clerk)
    for model in MODELS:
        assert client.get(url(model)).status_code == 403
    assert client.get(reverse("admin:classification_classificationscheme_import")).status_code == 403
