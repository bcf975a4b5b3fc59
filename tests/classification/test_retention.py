import pytest

from knutpunkt.classification import retention
from knutpunkt.classification.models import RetentionRule
from knutpunkt.classification.retention import Retention


@pytest.mark.parametrize(
    "columns, expected",
    [
        (("Bevaras",), Retention("keep")),
        (("B",), Retention("keep")),
        (("bevaras", "", ""), Retention("keep")),
        (("Gallras efter 2 år",), Retention("dispose", 24, "case_closed")),
        (("", "2 år"), Retention("dispose", 24, "case_closed")),
        (("", "10 år"), Retention("dispose", 120, "case_closed")),
        (("", "5 år efter avslut"), Retention("dispose", 60, "case_closed")),
        (("", "vid inaktualitet"), Retention("dispose", None, "inactual")),
        (("Gallras", "Vid inaktualitet"), Retention("dispose", None, "inactual")),
        (("G", "6 mån", "registrering"), Retention("dispose", 6, "registered")),
        (("Gallras", "18 månader", "ärendets avslut"), Retention("dispose", 18, "case_closed")),
        (("Gallras", "ett år", "sista anteckning"), Retention("dispose", 12, "last_entry")),
        (("gallras 5 år efter sista anteckningen",), Retention("dispose", 60, "last_entry")),
        (("Gallras 2 ar efter inaktualitet",), Retention("dispose", 24, "inactual")),
        (("GALLRAS", "3 ÅR", "efter beslut"), Retention("dispose", 36, "case_closed")),
        (("Gallras", "omedelbart", "ärendets avslut"), Retention("dispose", 0, "case_closed")),
    ],
)
def test_parses_swedish_phrases(columns, expected):
    assert retention.parse(*columns) == expected


@pytest.mark.parametrize(
    "columns, message",
    [
        (("snart",), "kan inte tolka"),
        (("Gallras",), "gallringsfrist saknas"),
        (("Bevaras", "2 år"), "bevaras kan inte ha gallringsfrist"),
        (("", "2 veckor"), "år eller månader"),
        (("Bevaras eller gallras",), "både bevaras och gallras"),
        (("Gallras efter 2 år om det regnar",), "kan inte tolka"),
        (("", "", ""), "saknas"),
        (("", "2000 år"), "orimligt"),
    ],
)
def test_rejects_what_it_cannot_read(columns, message):
    with pytest.raises(ValueError, match=message):
        retention.parse(*columns)


@pytest.mark.parametrize(
    "rule",
    [Retention("keep"), Retention("dispose", 24, "case_closed"), Retention("dispose", None, "inactual"),
     Retention("dispose", 18, "last_entry"), Retention("dispose", 24, "inactual"), Retention("dispose", 0, "registered"),
     Retention("dispose", 84, "registered")],
)
def test_columns_read_back(rule):
    assert retention.parse(*retention.columns(rule.action, rule.period_months, rule.trigger)) == rule


def test_describe_and_codes():
    assert Retention("keep").describe() == "Bevaras"
    assert Retention("dispose", 24, "case_closed").describe() == "Gallras 2 år efter ärendets avslut"
    assert Retention("dispose", None, "inactual").describe() == "Gallras vid inaktualitet"
    assert Retention("dispose", 24, "inactual").describe() == "Gallras 2 år efter inaktualitet"
    assert Retention("dispose", 18, "last_entry").describe() == "Gallras 18 mån efter sista anteckning"
    assert [r.default_code() for r in (Retention("keep"), Retention("dispose", 24, "case_closed"),
                                       Retention("dispose", 18, "last_entry"), Retention("dispose", None, "inactual"))] == ["B", "G2", "G18M-ANT", "G-INAKT"]
    assert RetentionRule(action="dispose", period_months=120, trigger="case_closed").describe() == "Gallras 10 år efter ärendets avslut"


def test_problems_of_stored_rules():
    assert retention.problems("keep", None, "") == []
    assert retention.problems("dispose", None, "inactual") == []
    assert retention.problems("dispose", 24, "") and retention.problems("dispose", None, "case_closed")
    assert retention.problems("keep", 24, "") and retention.problems("keep", None, "case_closed")
    assert retention.problems("forever", None, "")
