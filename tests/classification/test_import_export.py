import copy
import io

import pytest
from openpyxl import Workbook, load_workbook

from knutpunkt.classification import queries, services, tabular
from knutpunkt.classification.models import CaseType, Class, ClassificationScheme, DocumentType, RetentionRule
from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.organisations.models import Role
from tests.factories import AuthorityFactory, OrganisationFactory, UserFactory, user_with_authority_role


def content(data: dict, *, rule_notes=True, scheme=True) -> dict:
    """The structure without what a format does not carry, in a fixed order."""
    data = copy.deepcopy(data)
    for key in ("retention_rules", "classes", "case_types", "document_types"):
        data[key] = sorted(data[key], key=lambda e: (e.get("process", ""), e["code"]))
    if not scheme:
        data.pop("scheme")
    if not rule_notes:
        for r in data["retention_rules"]:
            r["note"] = ""
    return data


def counts_everywhere():
    return (ClassificationScheme.objects.count(), Class.objects.count(), RetentionRule.objects.count(),
            CaseType.objects.count(), DocumentType.objects.count())


# --- JSON --------------------------------------------------------------------------------

def test_json_round_trip(organisation, structure_data):
    scheme = services.import_structure(organisation, structure_data)
    assert scheme.status == ClassificationScheme.Status.DRAFT
    exported = services.export_structure(scheme)
    assert content(exported) == content(structure_data)
    assert [c["code"] for c in exported["classes"]] == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "1.1.2", "1.1.2.1", "1.1.2.10"]

    other = OrganisationFactory()
    again = services.import_structure(other, services.read_json(services.export_json(scheme)))
    assert services.export_structure(again) == exported


def test_import_builds_the_tree(organisation, structure_data):
    scheme = services.import_structure(organisation, structure_data)
    process = Class.objects.get(scheme=scheme, code="1.1.1.1")
    assert process.level == Class.Level.PROCESS
    assert process.parent.code == "1.1.1" and process.parent.parent.parent.code == "1"
    assert {t.code for t in process.case_types.all()} == {"BYGGLOV", "RIVLOV"}
    assert process.document_types.get(code="H02").retention_rule.describe() == "Gallras vid inaktualitet"
    c = queries.counts(scheme)
    assert (c["verksamhetstyp"], c["verksamhetsomrade"], c["processgrupp"], c["process"]) == (1, 1, 2, 4)


def test_versions_are_numbered_and_never_reused(organisation, structure_data):
    services.import_structure(organisation, structure_data)
    with pytest.raises(RuleViolation, match="Version 1 .* finns redan"):
        services.import_structure(organisation, structure_data)
    structure_data["scheme"]["version"] = ""
    second = services.import_structure(organisation, structure_data)
    assert second.version == "2"


def test_activate_on_import_and_activation_retires_the_old(organisation, structure_data):
    first = services.import_structure(organisation, structure_data, activate=True)
    assert first.status == ClassificationScheme.Status.ACTIVE
    structure_data["scheme"]["version"] = "2"
    second = services.import_structure(organisation, structure_data)
    assert second.status == ClassificationScheme.Status.DRAFT
    services.activate_scheme(second, actor=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ClassificationScheme.Status.RETIRED and first.valid_to is not None
    assert second.status == ClassificationScheme.Status.ACTIVE
    assert queries.active_scheme(organisation) == second
    assert ClassificationScheme.objects.filter(organisation=organisation, status="active").count() == 1


def test_one_active_scheme_is_a_database_constraint(organisation, structure_data):
    from django.db import IntegrityError, transaction

    services.import_structure(organisation, structure_data, activate=True)
    structure_data["scheme"]["version"] = "2"
    second = services.import_structure(organisation, structure_data)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassificationScheme.objects.filter(pk=second.pk).update(status="active")


def test_empty_scheme_cannot_be_activated(organisation):
    scheme = ClassificationScheme.objects.create(organisation=organisation, name="Tom", version="1")
    with pytest.raises(RuleViolation, match="inga processer"):
        services.activate_scheme(scheme, actor=None)


def test_copy_and_discard_draft(organisation, structure_data):
    active = services.import_structure(organisation, structure_data, activate=True)
    draft = services.copy_scheme(active, actor=None)
    assert draft.status == ClassificationScheme.Status.DRAFT and draft.version == "2"
    assert content(services.export_structure(draft), scheme=False) == content(structure_data, scheme=False)
    services.discard_draft(draft, actor=None)
    assert not ClassificationScheme.objects.filter(pk=draft.pk).exists()
    with pytest.raises(RuleViolation, match="Bara utkast"):
        services.discard_draft(active, actor=None)


# --- bad input: a Swedish message naming the row, and nothing saved ------------------------

def _mutate(data, section, index, **changes):
    data[section][index].update(changes)
    return data


BAD = [
    ("level order", lambda d: _mutate(d, "classes", 3, parent="1.1"), r"Klass rad 4 \(kod ”1\.1\.1\.1”\).*fel ordning"),
    ("root not a verksamhetstyp", lambda d: _mutate(d, "classes", 1, parent=None), r"Klass rad 2 .*måste ha en överordnad"),
    ("unknown level", lambda d: _mutate(d, "classes", 2, level="avdelning"), r"Klass rad 3 .*okänd nivå ”avdelning”"),
    ("unknown parent", lambda d: _mutate(d, "classes", 4, parent="9.9"), r"Klass rad 5 .*”9\.9” finns inte"),
    ("duplicate class code", lambda d: _mutate(d, "classes", 5, code="1.1.1"), r"Klass rad 6 \(kod ”1\.1\.1”\): koden finns redan"),
    ("unknown retention code", lambda d: _mutate(d, "document_types", 0, retention_rule="G99"), r"Handlingstyp rad 1 .*”G99” finns inte"),
    ("duplicate document type", lambda d: _mutate(d, "document_types", 1, code="H01"), r"Handlingstyp rad 2 \(kod ”H01”\): koden finns redan"),
    ("duplicate rule code", lambda d: _mutate(d, "retention_rules", 1, code="B"), r"Bevarande- och gallringsregel rad 2 .*koden finns redan"),
    ("dispose without trigger", lambda d: _mutate(d, "retention_rules", 1, trigger=""), r"rad 2 \(kod ”G2”\): en gallringsregel måste ange varifrån"),
    ("dispose without period", lambda d: _mutate(d, "retention_rules", 1, period_months=None), r"rad 2 \(kod ”G2”\): en gallringsregel måste ha en gallringsfrist"),
    ("keep with period", lambda d: _mutate(d, "retention_rules", 0, period_months=12), r"rad 1 \(kod ”B”\): en regel som bevarar"),
    ("bad action", lambda d: _mutate(d, "retention_rules", 0, action="spara"), r"åtgärden ska vara"),
    ("type under a non-process", lambda d: _mutate(d, "case_types", 0, process="1.1.1"), r"Ärendetyp rad 1 .*är en processgrupp, inte en process"),
    ("unknown process", lambda d: _mutate(d, "document_types", 2, process="7.7.7.7"), r"Handlingstyp rad 3 .*processen ”7\.7\.7\.7” finns inte"),
    ("bad registration", lambda d: _mutate(d, "document_types", 2, registration="arkiveras"), r"registreringen ska vara"),
    ("missing title", lambda d: _mutate(d, "case_types", 1, title=""), r"Ärendetyp rad 2 .*”title” saknas"),
    ("bad handling days", lambda d: _mutate(d, "case_types", 0, handling_days="tio"), r"ska vara ett heltal"),
    ("bad date", lambda d: d["scheme"].update(valid_from="1 januari") or d, r"ÅÅÅÅ-MM-DD"),
    ("no name", lambda d: d["scheme"].update(name="") or d, r"”name” saknas"),
    ("no classes", lambda d: d.update(classes=[], case_types=[], document_types=[]) or d, r"inga klasser"),
]


@pytest.mark.parametrize("label, mutate, message", BAD, ids=[b[0] for b in BAD])
def test_bad_structure_is_refused_whole(organisation, structure_data, label, mutate, message):
    before = counts_everywhere()
    with pytest.raises(RuleViolation, match=message) as exc:
        services.import_structure(organisation, mutate(structure_data))
    assert exc.value.errors["structure"]
    assert counts_everywhere() == before


def test_every_problem_is_reported(organisation, structure_data):
    structure_data["classes"][3]["parent"] = "1.1"
    structure_data["document_types"][0]["retention_rule"] = "X"
    structure_data["case_types"][0]["process"] = "nope"
    with pytest.raises(RuleViolation, match="Strukturen har 3 fel") as exc:
        services.import_structure(organisation, structure_data)
    assert len(exc.value.errors["structure"]) == 3


def test_not_json(organisation):
    with pytest.raises(RuleViolation, match="inte giltig JSON"):
        services.import_stream(organisation, io.BytesIO(b"{nope"), "json")
    with pytest.raises(RuleViolation, match="ska innehålla ett JSON-objekt"):
        services.import_structure(organisation, ["a list"])


def test_failure_while_writing_leaves_nothing(organisation, structure_data, monkeypatch):
    from knutpunkt.classification import services as svc

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc.DocumentType.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.import_structure(organisation, structure_data)
    assert counts_everywhere() == (0, 0, 0, 0, 0)


# --- permissions ---------------------------------------------------------------------------

def test_who_may_import(organisation, structure_data):
    authority = AuthorityFactory(organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.import_structure(organisation, structure_data, actor=user_with_authority_role(authority, Role.HANDLAGGARE))
    archivist = user_with_authority_role(authority, Role.ARKIVARIE)
    scheme = services.import_structure(organisation, structure_data, actor=archivist, activate=True)
    assert scheme.status == ClassificationScheme.Status.ACTIVE
    foreign_archivist = user_with_authority_role(AuthorityFactory(), Role.ARKIVARIE)
    with pytest.raises(PermissionDenied):
        services.activate_scheme(scheme, actor=foreign_archivist)
    services.copy_scheme(scheme, actor=UserFactory(is_global_admin=True))


# --- CSV -----------------------------------------------------------------------------------

def test_csv_round_trip(organisation, structure_data):
    scheme = services.import_structure(organisation, structure_data)
    raw = services.export_csv(scheme)
    assert raw.startswith("\ufeff".encode())
    header = raw.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:17] == [
        "Verksamhetstyp-kod", "Verksamhetstyp", "Verksamhetsområde-kod", "Verksamhetsområde", "Processgrupp-kod",
        "Processgrupp", "Process-kod", "Process", "Ärendetyp-kod", "Ärendetyp", "Handlingstyp-kod", "Handlingstyp",
        "Registrering", "Bevaras/Gallras", "Gallringsfrist", "Räknas från", "Anmärkning",
    ]
    other = OrganisationFactory()
    again = services.import_stream(other, io.BytesIO(raw), "csv", name="Testkommuns struktur", version="7")
    assert again.version == "7"
    assert content(services.export_structure(again), rule_notes=False, scheme=False) == content(structure_data, rule_notes=False, scheme=False)
    assert services.export_csv(again) == raw


def test_csv_of_the_demo_structure_round_trips(organisation):
    demo = services.load_demo_structure(organisation)
    raw = services.export_csv(demo)
    again = services.import_stream(OrganisationFactory(), io.BytesIO(raw), "csv", name=demo.name)
    assert services.export_csv(again) == raw
    assert queries.counts(again) == {**queries.counts(demo), "retention_rules": queries.counts(again)["retention_rules"]}


MUNICIPAL_CSV = """Klassificeringsstruktur för Testby kommun;;;;;;;;;;;;;;;;
Verksamhetstyp-kod,Verksamhetstyp,Verksamhetsomrade-kod,Verksamhetsområde,Processgrupp-kod,Processgrupp,Process-kod,Process,Ärendetyp-kod,Ärendetyp,Handlingstyp-kod,Handlingstyp,Registrering,Bevaras/Gallras,Gallringsfrist,Räknas från,Anmärkning
2,Kärnverksamhet,2.3,Miljö,2.3.1,Tillsyn,2.3.1.1,Tillsyn enligt miljöbalken,MBT,Tillsyn,,Inspektionsrapport,Diarieförs,Bevaras,,,
,,,,,,,,MBT,,,Föreläggande,diarieförs,B,,,Viktigt
,,,,,,,,,,,Mätprotokoll,Hålls ordnad,,10 år,,
,,,,,,,,,,,Tips utan åtgärd,D,Gallras efter 2 år,,,
,,,,,,2.3.1.2,Livsmedelskontroll,,,,,,,,,Offentlig kontroll
,,,,,,,,,,,Kontrollrapport,Diarieförs,,5 år efter avslut,,
,,,,,,,,,,,Arbetsanteckningar,Hålls ordnad,,vid inaktualitet,,
"""


def test_csv_from_a_municipal_spreadsheet(organisation):
    """Comma separated, no BOM, a title row above the header, merged cells (empty levels),
    no handlingstyp codes, retention in several phrasings."""
    scheme = services.import_stream(organisation, io.BytesIO(MUNICIPAL_CSV.encode("utf-8")), "csv", name="Testby")
    data = services.export_structure(scheme)
    assert [(c["code"], c["level"], c["parent"]) for c in data["classes"]] == [
        ("2", "verksamhetstyp", None), ("2.3", "verksamhetsomrade", "2"), ("2.3.1", "processgrupp", "2.3"),
        ("2.3.1.1", "process", "2.3.1"), ("2.3.1.2", "process", "2.3.1"),
    ]
    assert next(c for c in data["classes"] if c["code"] == "2.3.1.2")["description"] == "Offentlig kontroll"
    assert data["case_types"] == [{"process": "2.3.1.1", "code": "MBT", "title": "Tillsyn", "description": "", "handling_days": None}]
    docs = {d["title"]: d for d in data["document_types"]}
    rules = {r["code"]: r for r in data["retention_rules"]}
    assert [docs[t]["code"] for t in ("Inspektionsrapport", "Föreläggande", "Mätprotokoll", "Tips utan åtgärd")] == ["H01", "H02", "H03", "H04"]
    assert docs["Föreläggande"]["description"] == "Viktigt"
    assert docs["Mätprotokoll"]["registration"] == "halls_ordnad"

    def rule(title):
        r = rules[docs[title]["retention_rule"]]
        return r["action"], r["period_months"], r["trigger"]

    assert rule("Inspektionsrapport") == ("keep", None, "")
    assert rule("Mätprotokoll") == ("dispose", 120, "case_closed")
    assert rule("Tips utan åtgärd") == ("dispose", 24, "case_closed")
    assert rule("Kontrollrapport") == ("dispose", 60, "case_closed")
    assert rule("Arbetsanteckningar") == ("dispose", None, "inactual")
    assert sorted(rules) == ["B", "G-INAKT", "G10", "G2", "G5"]


def test_csv_windows_1252_and_semicolons(organisation):
    text = MUNICIPAL_CSV.replace(",", ";")
    scheme = services.import_stream(organisation, io.BytesIO(text.encode("cp1252")), "csv")
    assert DocumentType.objects.filter(process__scheme=scheme, title="Mätprotokoll").exists()


HEADER = ("Verksamhetstyp-kod;Verksamhetstyp;Verksamhetsområde-kod;Verksamhetsområde;Processgrupp-kod;Processgrupp;"
          "Process-kod;Process;Ärendetyp-kod;Ärendetyp;Handlingstyp-kod;Handlingstyp;Registrering;Bevaras/Gallras;Gallringsfrist;Räknas från;Anmärkning\n")
GOOD_ROW = "1;Stöd;1.1;Ekonomi;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Verifikation;Hålls ordnad;Gallras;7 år;registrering;\n"

BAD_CSV = [
    ("bad retention phrase", GOOD_ROW + "1;Stöd;1.1;Ekonomi;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Huvudbok;Hålls ordnad;Gallras;när det passar;;\n",
     r"Rad 3: bevarande/gallring: kan inte tolka ”Gallras när det passar”"),
    ("keep with period", GOOD_ROW + ";;;;;;;;;;;Huvudbok;;Bevaras;5 år;;\n", r"Rad 3: .*bevaras kan inte ha gallringsfrist"),
    ("dispose without period", GOOD_ROW + ";;;;;;;;;;;Huvudbok;;Gallras;;;\n", r"Rad 3: .*gallringsfrist saknas"),
    ("bad registration", GOOD_ROW + ";;;;;;;;;;;Huvudbok;Arkiveras;Bevaras;;;\n", r"Rad 3: registreringen ”Arkiveras”"),
    ("level code missing", "1;Stöd;1.1;Ekonomi;;Redovisning;1.1.1.1;Bokföra;;;;Huvudbok;;Bevaras;;;\n", r"Rad 2: Processgrupp ”Redovisning” saknar kod"),
    ("no levels at all", ";;;;;;;;;;;Huvudbok;;Bevaras;;;\n", r"Rad 2: Verksamhetstyp saknas"),
    ("same code, other title", GOOD_ROW + "1;Stöd;1.1;Ekonomin;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Huvudbok;;Bevaras;;;\n",
     r"Rad 3: koden ”1\.1” heter ”Ekonomi” på rad 2 men ”Ekonomin” här"),
    ("moved class", GOOD_ROW + "1;Stöd;1.2;Personal;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Huvudbok;;Bevaras;;;\n",
     r"Rad 3: klassen ”1\.1\.1” ligger under ”1\.1” på rad 2 men under ”1\.2” här"),
    ("duplicate handlingstyp", GOOD_ROW + ";;;;;;;;;;;Verifikation;Diarieförs;Bevaras;;;\n", r"handlingstypen ”Verifikation” finns redan"),
    ("retention on a class row", GOOD_ROW + ";;;;;;1.1.1.2;Budgetera;;;;;;Bevaras;;;\n", r"Rad 3: .*raden har ingen handlingstyp"),
]


@pytest.mark.parametrize("label, rows, message", BAD_CSV, ids=[b[0] for b in BAD_CSV])
def test_bad_csv_names_the_row_and_saves_nothing(organisation, label, rows, message):
    before = counts_everywhere()
    with pytest.raises(RuleViolation, match=message):
        services.import_stream(organisation, io.BytesIO((HEADER + rows).encode()), "csv")
    assert counts_everywhere() == before


def test_csv_rule_code_must_mean_one_thing(organisation):
    raw = (HEADER.strip() + ";Handläggningstid (dagar);Regelkod;Lagrum/beslut\n"
           "1;Stöd;1.1;Ekonomi;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Verifikation;;Gallras;7 år;registrering;;;G7;LKBR\n"
           ";;;;;;;;;;;Huvudbok;;Bevaras;;;;;G7;\n")
    with pytest.raises(RuleViolation, match=r"Rad 3: regelkoden ”G7” betyder ”Gallras 7 år efter registrering” på rad 2"):
        services.import_stream(organisation, io.BytesIO(raw.encode()), "csv")


def test_csv_without_the_columns(organisation):
    with pytest.raises(RuleViolation, match="saknar en rubrikrad"):
        services.import_stream(organisation, io.BytesIO("a;b;c\n1;2;3\n".encode()), "csv")
    with pytest.raises(RuleViolation, match="kolumnen ”Verksamhetstyp-kod” saknas"):
        services.import_stream(organisation, io.BytesIO("Process-kod;Process;Handlingstyp\n1;A;B\n".encode()), "csv")


# --- XLSX ----------------------------------------------------------------------------------

def test_xlsx_round_trip(organisation, structure_data):
    scheme = services.import_structure(organisation, structure_data)
    raw = services.export_xlsx(scheme)
    sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Verksamhetstyp-kod", "Verksamhetstyp", "Verksamhetsområde-kod"]
    other = OrganisationFactory()
    again = services.import_stream(other, io.BytesIO(raw), "xlsx")
    exported = services.export_structure(again)
    assert exported["scheme"]["name"] == "Testkommuns struktur" and exported["scheme"]["version"] == "1"
    assert exported["scheme"]["valid_from"] == "2025-01-01"
    assert content(exported, rule_notes=False) == content(structure_data, rule_notes=False)


def test_xlsx_with_numbers_and_merged_cells(organisation):
    """Excel turns codes into numbers and merged cells into empty ones."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Informationshanteringsplan"])
    ws.append(tabular.HEADERS[:17])
    ws.append([1, "Stöd", 1.1, "Ekonomi", "1.1.1", "Redovisning", "1.1.1.1", "Bokföra", None, None, None, "Verifikation", "Hålls ordnad", "Gallras", "7 år", "registrering", None])
    ws.append([None, None, None, None, None, None, None, None, None, None, None, "Huvudbok", "Hålls ordnad", "Bevaras", None, None, None])
    ws.merge_cells("A3:A4")
    out = io.BytesIO()
    wb.save(out)
    scheme = services.import_stream(organisation, io.BytesIO(out.getvalue()), "xlsx")
    assert sorted(DocumentType.objects.filter(process__scheme=scheme).values_list("title", flat=True)) == ["Huvudbok", "Verifikation"]
    assert Class.objects.get(scheme=scheme, code="1.1").parent.code == "1"


def test_not_an_xlsx(organisation):
    with pytest.raises(RuleViolation, match="kunde inte läsas som Excel"):
        services.import_stream(organisation, io.BytesIO(b"PK not really"), "xlsx")


def test_import_file_by_extension(organisation, structure_data, tmp_path):
    scheme = services.import_structure(organisation, structure_data)
    for kind in ("json", "csv", "xlsx"):
        path = tmp_path / f"struktur.{kind}"
        path.write_bytes(services.export_as(scheme, kind))
        imported = services.import_file(OrganisationFactory(), path)
        assert queries.counts(imported)["document_types"] == 5
    (tmp_path / "struktur.txt").write_text("x")
    with pytest.raises(RuleViolation, match="Okänt filformat"):
        services.import_file(organisation, tmp_path / "struktur.txt")


# --- the demo ------------------------------------------------------------------------------

def test_demo_structure(organisation):
    scheme = services.load_demo_structure(organisation)
    assert scheme.status == ClassificationScheme.Status.ACTIVE
    c = queries.counts(scheme)
    assert c["verksamhetsomrade"] >= 6
    assert c["process"] >= 40
    assert c["document_types"] >= 150
    assert c["case_types"] >= 40
    titles = set(CaseType.objects.filter(process__scheme=scheme).values_list("title", flat=True))
    for wanted in ("Bygglov", "Strandskyddsdispens", "Tillsyn enligt miljöbalken", "Registrering av livsmedelsanläggning",
                   "Ekonomiskt bistånd", "Insats enligt LSS", "Skolskjuts", "Medborgarförslag", "Motion", "Detaljplan",
                   "Bostadsanpassningsbidrag", "Serveringstillstånd", "Begäran om allmän handling", "Upphandling"):
        assert wanted in titles
    actions = set(DocumentType.objects.filter(process__scheme=scheme).values_list("retention_rule__action", flat=True))
    registrations = set(DocumentType.objects.filter(process__scheme=scheme).values_list("registration", flat=True))
    assert actions == {"keep", "dispose"} and registrations == {"diariefors", "halls_ordnad"}
    # every process has at least one handlingstyp
    assert not Class.objects.filter(scheme=scheme, level="process", document_types__isnull=True).exists()


def test_demo_structure_loads_once(organisation):
    first = services.load_demo_structure(organisation)
    assert services.load_demo_structure(organisation) == first
    assert ClassificationScheme.objects.filter(organisation=organisation).count() == 1


def test_csv_same_period_other_legal_basis_is_another_rule(organisation):
    raw = (HEADER.strip() + ";Lagrum/beslut\n"
           "1;Stöd;1.1;Ekonomi;1.1.1;Redovisning;1.1.1.1;Bokföra;;;;Kvitto;;Gallras;2 år;;;Beslut A\n"
           ";;;;;;;;;;;Påminnelse;;Gallras;2 år;;;Beslut B\n"
           ";;;;;;;;;;;Kopia;;Gallras;2 år;;;Beslut A\n")
    scheme = services.import_stream(organisation, io.BytesIO(raw.encode()), "csv")
    rules = dict(RetentionRule.objects.filter(scheme=scheme).values_list("code", "legal_basis"))
    assert rules == {"G2": "Beslut A", "G2-2": "Beslut B"}
    assert DocumentType.objects.get(process__scheme=scheme, title="Kopia").retention_rule.code == "G2"
