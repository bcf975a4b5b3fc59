from knutpunkt.classification import queries, services
from knutpunkt.classification.models import CaseType
from tests.factories import OrganisationFactory


def test_active_scheme_and_processes(organisation, structure_data):
    assert queries.active_scheme(organisation) is None
    assert list(queries.processes(organisation)) == []
    scheme = services.import_structure(organisation, structure_data, activate=True)
    assert queries.active_scheme(organisation) == scheme
    assert queries.active_scheme(organisation.pk) == scheme

    processes = list(queries.processes(organisation))
    assert [p.code for p in processes] == ["1.1.1.1", "1.1.1.2", "1.1.2.1", "1.1.2.10"]
    first = processes[0]
    assert [t.code for t in first.case_types.all()] == ["BYGGLOV", "RIVLOV"]
    assert [t.code for t in first.document_types.all()] == ["H01", "H02"]
    assert queries.process_choices(organisation)[0] == (first.pk, "1.1.1.1 Pröva lov")


def test_inactive_types_are_left_out(organisation, structure_data):
    scheme = services.import_structure(organisation, structure_data, activate=True)
    CaseType.objects.filter(code="RIVLOV").update(active=False)
    assert [t.code for t in queries.case_types(organisation)] == ["BYGGLOV", "DETALJPLAN"]
    process = queries.processes(scheme)[0]
    assert [t.code for t in process.case_types.all()] == ["BYGGLOV"]
    assert [t.code for t in queries.document_types(organisation, process=process)] == ["H01", "H02"]


def test_other_organisations_structure_is_not_mine(organisation, structure_data):
    services.import_structure(OrganisationFactory(), structure_data, activate=True)
    assert queries.active_scheme(organisation) is None
    assert not queries.case_types(organisation).exists()
    assert not queries.document_types(organisation).exists()
    assert queries.tree(organisation) == []


def test_tree(organisation, structure_data):
    scheme = services.import_structure(organisation, structure_data)
    roots = queries.tree(scheme)
    assert [r.code for r in roots] == ["1"]
    assert [n.code for n in roots[0].walk()] == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "1.1.2", "1.1.2.1", "1.1.2.10"]
    process = next(n for n in roots[0].walk() if n.code == "1.1.1.1")
    assert process.is_process and process.level_label == "Process"
    assert [t.code for t in process.case_types] == ["BYGGLOV", "RIVLOV"]
    assert [t.retention_rule.describe() for t in process.document_types] == ["Bevaras", "Gallras vid inaktualitet"]


def test_schemes_of(organisation, structure_data):
    services.import_structure(organisation, structure_data, activate=True)
    structure_data["scheme"]["version"] = "2"
    services.import_structure(organisation, structure_data)
    versions = list(queries.schemes_of(organisation))
    assert [s.version for s in versions] == ["2", "1"]
    assert versions[0].process_count == 4
