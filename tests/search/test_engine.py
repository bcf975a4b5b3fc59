"""The engine on its own: tokenising (å/ä/ö stay letters of their own), prefixes,
phrases, field restriction, replace/delete — and that no input is ever an error."""

import uuid

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knutpunkt.search.engine import get_engine
from knutpunkt.search.parsing import parse

pytestmark = pytest.mark.django_db


def keys(raw) -> set[str]:
    if raw is None:
        return set()
    with connection.cursor() as cur:
        cur.execute(raw.sql, raw.params)
        return {uuid.UUID(str(r[0])).hex for r in cur.fetchall()}


@pytest.fixture
def engine():
    e = get_engine()
    e.clear("cases")
    return e


def put(engine, **fields):
    key = uuid.uuid4()
    engine.index("cases", key, fields)
    return key.hex


def test_a_ring_and_umlauts_stay_distinct(engine):
    are = put(engine, title="Evenemang i Åre")
    plain = put(engine, title="Are you sure")
    assert keys(engine.match("cases", "åre")) == {are}
    assert keys(engine.match("cases", "ÅRE")) == {are}
    assert keys(engine.match("cases", "are")) == {plain}
    ol = put(engine, title="Tillstånd för öl")
    assert keys(engine.match("cases", "ol")) == set()
    assert keys(engine.match("cases", "öl")) == {ol}


def test_prefix_and_all_words_must_match(engine):
    a = put(engine, title="Ansökan om bygglov", description="Tillbyggnad av garage")
    b = put(engine, title="Bygglov för carport")
    assert keys(engine.match("cases", "bygg")) == {a, b}
    assert keys(engine.match("cases", "bygg garage")) == {a}  # words may match in different fields
    assert keys(engine.match("cases", "bygg ansökan carport")) == set()


def test_phrase(engine):
    a = put(engine, title="Ansökan om bygglov")
    put(engine, title="Bygglov, ansökan om rivning")
    assert keys(engine.match("cases", '"ansökan om bygglov"')) == {a}


def test_match_only_in_given_fields(engine):
    a = put(engine, title="Hemlig rubrik", public_title="Offentlig rubrik")
    assert keys(engine.match("cases", "hemlig", ["public_title"])) == set()
    assert keys(engine.match("cases", "hemlig", ["title"])) == {a}
    assert keys(engine.match("cases", "offentlig rubrik", ["public_title", "reference"])) == {a}


def test_reference_words(engine):
    a = put(engine, reference="KS 2024/17")
    put(engine, reference="KS 2023/17")
    assert keys(engine.match("cases", "KS 2024/17")) == {a}
    assert keys(engine.match("cases", "2024/17")) == {a}


def test_replace_and_delete(engine):
    key = uuid.uuid4()
    engine.index("cases", key, {"title": "Gammal rubrik"})
    engine.index("cases", key, {"title": "Ny rubrik"})
    assert keys(engine.match("cases", "gammal")) == set()
    assert keys(engine.match("cases", "ny")) == {key.hex}
    assert engine.count("cases") == 1
    engine.delete("cases", str(key))
    assert keys(engine.match("cases", "ny")) == set()
    assert engine.count("cases") == 0


def test_stored_text_and_rank(engine):
    key = uuid.uuid4()
    engine.index("cases", key, {"title": "Bygglov", "description": "Om bygglov för bygglov"})
    assert engine.stored("cases", [key], ["description"]) == {str(key): {"description": "Om bygglov för bygglov"}}


def test_swedish_inflections_on_postgres(engine):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is PostgreSQL's")
    a = put(engine, title="Ansökningar om ärendet")
    assert keys(engine.match("cases", "ärendet")) == {a}
    assert keys(engine.match("cases", "ärend")) == {a}


@pytest.mark.parametrize("text", [
    '"', '""', '"unclosed', "(", ")", "a OR b", "NOT", "AND", "NEAR(a b)", "*", "-", "-bygg", ":", "title:x",
    "{title}: x", "^a", "a'b", "\\", "\x00\x01\x1f", "😀 bygglov 🏠", "a" * 5000, "ord " * 400, "'; DROP TABLE x; --",
    "och", "\u0301", "e\u0301", "＊", "ß", "İ", "ǅ", "١٢٣", "所有", "a:*", "!a & b | c", "<->", "a<2>b",
])
def test_no_input_is_an_error(engine, text):
    put(engine, title="Bygglov och ärende")
    engine.match("cases", text)  # builds
    keys(engine.match("cases", text))  # and runs
    keys(engine.match("cases", text, ["title"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_fuzz_arbitrary_text_never_raises(engine, text):
    parse(text)
    keys(engine.match("cases", text))
    keys(engine.match("cases", text, ["public_title", "reference"]))


def test_parsing():
    assert [t.words for t in parse('Ansökan om "bygglov för" garage* -x (NOT) OR ÅRE').terms] == [
        ("ansökan",), ("bygglov", "för"), ("garage",), ("x",), ("not",), ("or",), ("åre",),
    ]
    assert [t.words for t in parse("om och").terms] == [("om",), ("och",)]  # only stop words: kept
    assert not parse("*** ---- 😀")
    assert len(parse("ord" + " ord".join(str(i) for i in range(100))).terms) == 8
