import copy

import pytest

from tests.factories import OrganisationFactory

SMALL = {
    "scheme": {"name": "Testkommuns struktur", "version": "1", "description": "För test", "valid_from": "2025-01-01"},
    "retention_rules": [
        {"code": "B", "action": "keep", "period_months": None, "trigger": "", "legal_basis": "KS 2025/1", "note": "Bevaras"},
        {"code": "G2", "action": "dispose", "period_months": 24, "trigger": "case_closed", "legal_basis": "KS 2025/1", "note": ""},
        {"code": "G18M-ANT", "action": "dispose", "period_months": 18, "trigger": "last_entry", "legal_basis": "", "note": ""},
        {"code": "GI", "action": "dispose", "period_months": None, "trigger": "inactual", "legal_basis": "", "note": ""},
    ],
    "classes": [
        {"code": "1", "level": "verksamhetstyp", "title": "Kärnverksamhet", "description": "Det kommunen finns till för", "parent": None},
        {"code": "1.1", "level": "verksamhetsomrade", "title": "Samhällsbyggnad", "description": "", "parent": "1"},
        {"code": "1.1.1", "level": "processgrupp", "title": "Bygglov", "description": "", "parent": "1.1"},
        {"code": "1.1.1.1", "level": "process", "title": "Pröva lov", "description": "Bygglov och rivningslov", "parent": "1.1.1"},
        {"code": "1.1.1.2", "level": "process", "title": "Utöva tillsyn", "description": "", "parent": "1.1.1"},
        {"code": "1.1.2", "level": "processgrupp", "title": "Planering", "description": "", "parent": "1.1"},
        {"code": "1.1.2.1", "level": "process", "title": "Ta fram detaljplan", "description": "", "parent": "1.1.2"},
        {"code": "1.1.2.10", "level": "process", "title": "Arkivera planer", "description": "", "parent": "1.1.2"},
    ],
    "case_types": [
        {"process": "1.1.1.1", "code": "BYGGLOV", "title": "Bygglov", "description": "Tio veckor", "handling_days": 70},
        {"process": "1.1.1.1", "code": "RIVLOV", "title": "Rivningslov", "description": "", "handling_days": None},
        {"process": "1.1.2.1", "code": "DETALJPLAN", "title": "Detaljplan", "description": "", "handling_days": None},
    ],
    "document_types": [
        {"process": "1.1.1.1", "code": "H01", "title": "Ansökan om lov", "description": "", "registration": "diariefors", "retention_rule": "B"},
        {"process": "1.1.1.1", "code": "H02", "title": "Bekräftelse", "description": "Kvitto", "registration": "diariefors", "retention_rule": "GI"},
        {"process": "1.1.1.2", "code": "H01", "title": "Tjänsteanteckning", "description": "", "registration": "halls_ordnad", "retention_rule": "G2"},
        {"process": "1.1.2.1", "code": "H01", "title": "Plankarta", "description": "", "registration": "diariefors", "retention_rule": "B"},
        {"process": "1.1.2.1", "code": "H02", "title": "Minnesanteckning", "description": "", "registration": "halls_ordnad", "retention_rule": "G18M-ANT"},
    ],
}


@pytest.fixture
def structure_data():
    return copy.deepcopy(SMALL)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(short_name="testby", name="Testby kommun")
