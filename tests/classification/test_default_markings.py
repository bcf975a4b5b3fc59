"""Default markings on case and document types in the structure: imported and exported in
JSON, CSV and XLSX, checked like a marking itself, all or nothing."""

import copy
import datetime as dt
import io

import pytest

from knutpunkt.access.models import LegalProvision
from knutpunkt.classification import services, tabular
from knutpunkt.classification.models import CaseType, DocumentType
from knutpunkt.core.errors import RuleViolation
from tests.factories import OrganisationFactory

from .test_import_export import content, counts_everywhere

pytestmark = pytest.mark.django_db

SOCIAL = {"provisions": ["26 kap. 1 §"], "parts": ["title", "parties"], "public_title": "Ansökan om bygglov (sekretess)",
          "personal_data_level": "skyddad"}
HEALTH = {"provisions": ["21 kap. 1 §", "26 kap. 5 §"], "parts": ["files"], "public_title": "", "personal_data_level": ""}


@pytest.fixture
def marked(structure_data):
    data = copy.deepcopy(structure_data)
    data["case_types"][0]["default_marking"] = dict(SOCIAL)
    data["document_types"][1]["default_marking"] = dict(HEALTH)
    data["document_types"][2]["default_marking"] = {"provisions": [], "parts": [], "public_title": "", "personal_data_level": "skyddad_externt"}
    return data


def test_json_import_and_export(organisation, marked):
    scheme = services.import_structure(organisation, marked)
    bygglov = CaseType.objects.get(process__scheme=scheme, code="BYGGLOV")
    assert [p.reference for p in bygglov.default_provisions.all()] == ["26 kap. 1 §"]
    assert bygglov.default_secret_parts == ["title", "parties"] and bygglov.default_personal_data_level == "skyddad"
    assert bygglov.default_public_title == "Ansökan om bygglov (sekretess)" and bygglov.has_default_marking
    assert not CaseType.objects.get(process__scheme=scheme, code="RIVLOV").has_default_marking
    health = DocumentType.objects.get(process__scheme=scheme, process__code="1.1.1.1", code="H02")
    assert sorted(p.reference for p in health.default_provisions.all()) == ["21 kap. 1 §", "26 kap. 5 §"]
    exported = services.export_structure(scheme)
    assert content(exported) == content(marked)
    assert "default_marking" not in exported["case_types"][1]  # optional: only types that have one
    again = services.import_structure(OrganisationFactory(), services.read_json(services.export_json(scheme)))
    assert services.export_structure(again) == exported


def test_provisions_of_the_organisation(organisation, marked):
    own = LegalProvision.objects.create(organisation=organisation, law="PBL", reference="9 kap. 1 §", chapter=9, paragraph="1",
                                        short_title="Kommunens eget lagrum")
    marked["case_types"][0]["default_marking"]["provisions"] = ["PBL 9 kap. 1 §", "26:1"]
    scheme = services.import_structure(organisation, marked)
    bygglov = CaseType.objects.get(process__scheme=scheme, code="BYGGLOV")
    assert set(bygglov.default_provisions.all()) == {own, LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")}
    exported = services.export_structure(scheme)["case_types"][0]["default_marking"]["provisions"]
    assert exported == ["26 kap. 1 §", "PBL 9 kap. 1 §"]
    # Another organisation does not know the first one's own provision.
    with pytest.raises(RuleViolation, match="lagrummet ”PBL 9 kap. 1 §” finns inte"):
        services.import_structure(OrganisationFactory(), marked)


@pytest.mark.parametrize("marking,message", [
    ({**SOCIAL, "provisions": ["99 kap. 9 §"]}, "lagrummet ”99 kap. 9 §” finns inte"),
    ({**SOCIAL, "provisions": ["UPPHÖRD 1 kap. 1 §"]}, "gäller inte längre"),
    ({**SOCIAL, "provisions": ["ANNAN 1 kap. 1 §"]}, "finns inte"),
    ({**SOCIAL, "parts": ["title", "namn"]}, "okänd del ”namn”"),
    ({**SOCIAL, "public_title": ""}, "en sekretessbelagd rubrik kräver en offentlig rubrik"),
    ({**SOCIAL, "provisions": []}, "ange minst ett lagrum"),
    ({**SOCIAL, "parts": []}, "ange vilka delar som är sekretessbelagda"),
    ({**SOCIAL, "personal_data_level": "hemlig"}, "okänt personuppgiftsskydd ”hemlig”"),
    ({**SOCIAL, "provisions": "26 kap. 1 §; 5"}, "finns inte"),
    ({**SOCIAL, "provisions": [26]}, "ska vara en lista med text"),
    ({**SOCIAL, "sekretess": True}, "okänt fält ”sekretess”"),
    ("26 kap. 1 §", "ska vara ett objekt"),
])
def test_bad_default_markings_are_refused_whole(organisation, structure_data, marking, message):
    LegalProvision.objects.create(organisation=organisation, law="UPPHÖRD", reference="1 kap. 1 §", chapter=1, paragraph="1",
                                  short_title="Upphävd", valid_to=dt.date(2020, 1, 1))
    LegalProvision.objects.create(organisation=OrganisationFactory(), law="ANNAN", reference="1 kap. 1 §", chapter=1,
                                  paragraph="1", short_title="Annan kommuns")
    structure_data["case_types"][1]["default_marking"] = marking
    before = counts_everywhere()
    with pytest.raises(RuleViolation) as err:
        services.import_structure(organisation, structure_data)
    assert message in err.value.message and "Ärendetyp rad 2 (kod ”RIVLOV”)" in err.value.message
    assert counts_everywhere() == before


def test_inactive_provision_refused(organisation, structure_data):
    LegalProvision.objects.filter(organisation=None, reference="26 kap. 5 §").update(active=False)
    structure_data["document_types"][0]["default_marking"] = HEALTH
    with pytest.raises(RuleViolation, match=r"Handlingstyp rad 1 \(kod ”H01”\): förvald sekretess: lagrummet ”26 kap. 5 §” gäller inte längre"):
        services.import_structure(organisation, structure_data)


def test_csv_and_xlsx_round_trip(organisation, marked):
    scheme = services.import_structure(organisation, marked)
    raw = services.export_csv(scheme)
    header = raw.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[-4:] == ["Förvald sekretess (lagrum)", "Sekretessbelagda delar", "Offentlig rubrik", "Personuppgiftsskydd"]
    text = raw.decode("utf-8-sig")
    assert "26 kap. 1 §;rubrik, parter;Ansökan om bygglov (sekretess);Skyddad" in text
    assert '"21 kap. 1 §; 26 kap. 5 §";filer' in text and "Skyddad externt" in text
    for kind, data in (("csv", raw), ("xlsx", services.export_xlsx(scheme))):
        again = services.import_stream(OrganisationFactory(), io.BytesIO(data), kind, name=scheme.name, version="1")
        assert content(services.export_structure(again), rule_notes=False, scheme=False) == content(marked, rule_notes=False, scheme=False), kind
    assert services.export_csv(again) == raw


HEADER = ("Verksamhetstyp-kod;Verksamhetstyp;Verksamhetsområde-kod;Verksamhetsområde;Processgrupp-kod;Processgrupp;"
          "Process-kod;Process;Ärendetyp-kod;Ärendetyp;Handlingstyp-kod;Handlingstyp;Registrering;Bevaras/Gallras;"
          "Gallringsfrist;Räknas från;Anmärkning;Förvald sekretess (lagrum);Sekretessbelagda delar;Offentlig rubrik;"
          "Personuppgiftsskydd\n")


def test_csv_from_a_plan_with_swedish_words(organisation):
    raw = HEADER + (
        "2;Kärnverksamhet;2.1;Socialtjänst;2.1.1;Ekonomiskt stöd;2.1.1.1;Ekonomiskt bistånd;EKB;Ekonomiskt bistånd;;;;;;;;"
        "26 kap. 1 §;Rubriken, parterna;Ansökan om ekonomiskt bistånd;Skyddad\n"
        ";;;;;;;;;;;Ansökan;Hålls ordnad;Gallras;5 år;sista anteckning;;26:1, 26 kap. 5 §;parter, filer;;får publiceras\n"
        ";;;;;;;;;;;Utbetalning;Hålls ordnad;Gallras;7 år;registrering;;;;;\n"
    )
    scheme = services.import_stream(organisation, io.BytesIO(raw.encode()), "csv")
    ekb = CaseType.objects.get(process__scheme=scheme, code="EKB")
    assert ekb.default_secret_parts == ["title", "parties"] and ekb.default_personal_data_level == "skyddad"
    application = DocumentType.objects.get(process__scheme=scheme, title="Ansökan")
    assert application.default_secret_parts == ["parties", "files"] and application.default_personal_data_level == "publicerbar"
    assert sorted(p.reference for p in application.default_provisions.all()) == ["26 kap. 1 §", "26 kap. 5 §"]
    assert not DocumentType.objects.get(process__scheme=scheme, title="Utbetalning").has_default_marking


def test_csv_problems_name_their_rows(organisation):
    raw = HEADER + (
        "2;Kärnverksamhet;2.1;Socialtjänst;2.1.1;Ekonomiskt stöd;2.1.1.1;Ekonomiskt bistånd;EKB;Ekonomiskt bistånd;;;;;;;;"
        "26 kap. 99 §;rubrik;;\n"
        ";;;;;;;;;;;Ansökan;Hålls ordnad;Gallras;5 år;;;26 kap. 1 §;hemligheter;;\n"
        ";;;;;;2.1.1.2;Återkrav;;;;;;;;;;26 kap. 1 §;;;\n"
    )
    before = counts_everywhere()
    with pytest.raises(RuleViolation) as err:
        services.import_stream(organisation, io.BytesIO(raw.encode()), "csv")
    problems = err.value.errors["structure"]
    assert problems == ["Rad 4: förvald sekretess anges för en ärende- eller handlingstyp, men raden har ingen."]
    raw = raw.rsplit("\n", 2)[0] + "\n"  # without the class row: the structure's own checks, by row
    with pytest.raises(RuleViolation) as err:
        services.import_stream(organisation, io.BytesIO(raw.encode()), "csv")
    problems = err.value.errors["structure"]
    assert "Ärendetyp rad 2 (kod ”EKB”): förvald sekretess: lagrummet ”26 kap. 99 §” finns inte." in problems
    assert "Ärendetyp rad 2 (kod ”EKB”): förvald sekretess: en sekretessbelagd rubrik kräver en offentlig rubrik." in problems
    assert any(p.startswith("Handlingstyp rad 3") and "okänd del ”hemligheter”" in p for p in problems)
    assert counts_everywhere() == before


def test_same_case_type_on_two_rows_with_different_markings(organisation):
    raw = HEADER + (
        "2;K;2.1;S;2.1.1;E;2.1.1.1;P;EKB;Ekonomiskt bistånd;;;;;;;;26 kap. 1 §;parter;;\n"
        ";;;;;;;;EKB;Ekonomiskt bistånd;;;;;;;;21 kap. 1 §;parter;;\n"
        ";;;;;;;;;;;Ansökan;;Bevaras;;;;;;;\n"
    )
    with pytest.raises(RuleViolation, match="Rad 3: ärendetypen ”EKB” har en annan förvald sekretess"):
        services.import_stream(organisation, io.BytesIO(raw.encode()), "csv")


def test_columns_are_known_to_the_reader():
    assert tabular.HEADERS[-4:] == ["Förvald sekretess (lagrum)", "Sekretessbelagda delar", "Offentlig rubrik", "Personuppgiftsskydd"]


def test_demo_structure_proposes_markings_for_typical_secret_types(organisation):
    scheme = services.load_demo_structure(organisation)

    def refs(t):
        return sorted(p.reference for p in t.default_provisions.all())

    ekb = CaseType.objects.get(process__scheme=scheme, code="EKB")
    assert refs(ekb) == ["26 kap. 1 §"] and ekb.default_secret_parts == ["title", "parties"]
    assert ekb.default_public_title == "Ekonomiskt bistånd" and ekb.default_personal_data_level == "skyddad"
    assert refs(CaseType.objects.get(process__scheme=scheme, code="OROSANM")) == ["26 kap. 1 §", "26 kap. 5 §"]
    assert CaseType.objects.get(process__scheme=scheme, code="LSS").has_default_marking
    assert not CaseType.objects.get(process__scheme=scheme, code="BYGGLOV").has_default_marking

    def doc(process_title, title):
        return DocumentType.objects.get(process__scheme=scheme, process__title=process_title, title=title)

    report = doc("Utreda barn som kan behöva skydd eller stöd", "Orosanmälan")
    assert refs(report) == ["26 kap. 1 §", "26 kap. 5 §"] and report.default_public_title == "Orosanmälan"
    application = doc("Utreda och besluta om ekonomiskt bistånd", "Ansökan om ekonomiskt bistånd")
    assert application.default_secret_parts == ["title", "parties", "files"]
    assert application.default_public_title == "Ansökan om ekonomiskt bistånd"
    certificate = doc("Handlägga bostadsanpassningsbidrag", "Läkarintyg")
    assert refs(certificate) == ["21 kap. 1 §"] and certificate.default_secret_parts == ["files"]
    assert refs(doc("Upphandla varor och tjänster", "Anbud som inte antagits")) == ["19 kap. 3 §"]
    assert refs(doc("Bedriva elevhälsa", "Kuratorsjournal")) == ["23 kap. 2 §"]
    assert not doc("Pröva lov och förhandsbesked", "Ansökan om lov").has_default_marking
    # Every marked type obeys the marking rules (what the import checked).
    for t in [*CaseType.objects.filter(process__scheme=scheme), *DocumentType.objects.filter(process__scheme=scheme)]:
        if t.default_secret_parts:
            assert t.default_provisions.exists()
        if "title" in t.default_secret_parts:
            assert t.default_public_title
