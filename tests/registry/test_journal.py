import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zlib
from unittest import mock

import pytest
from django.utils import timezone

from knutpunkt.core import clock
from knutpunkt.core.errors import RuleViolation
from knutpunkt.organisations.models import Role
from knutpunkt.registry import journal, services
from knutpunkt.registry.models import Correspondent, Document
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import DiaryFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return mock.patch.multiple(clock, now=lambda: moment, today=lambda: day)


@pytest.fixture
def period():
    return dt.date(2026, 3, 1), dt.date(2026, 3, 31)


@pytest.fixture
def registered(diary, registrator, document_type):
    org = diary.authority.organisation
    anna = find_or_create_party(org, PartyInput(kind="person", personal_number="19121212-1212", first_name="Anna", last_name="Ek"))
    bolag = find_or_create_party(org, PartyInput(kind="organisation", org_number="556036-0793", organisation_name="=Bygg & Co AB"))
    hidden = find_or_create_party(org, PartyInput(kind="person", first_name="Skyddad", last_name="Person", is_protected_identity=True))
    with at(dt.date(2026, 2, 27)):  # before the period
        early = services.register_case(diary, actor=registrator, title="Tidigare ärende")
        services.register_document(actor=registrator, case=early, direction="inkommande", title="Före perioden")
    with at(dt.date(2026, 3, 2)):
        case = services.register_case(diary, actor=registrator, title="Bygglov för carport, Björken 1:2")
        d1 = services.register_document(
            actor=registrator, case=case, direction="inkommande", title="Ansökan om bygglov", document_type=document_type,
            correspondents=[(anna, Correspondent.Role.SENDER), (hidden, Correspondent.Role.SENDER)],
        )
    with at(dt.date(2026, 3, 10)):
        d2 = services.register_document(
            actor=registrator, case=case, direction="utgaende", title="-Begäran om komplettering",
            correspondents=[(bolag, Correspondent.Role.RECIPIENT)],
        )
        d3 = services.register_document(actor=registrator, diary=diary, direction="inkommande", title="Inbjudan till kurs")
    with at(dt.date(2026, 3, 31), hour=23):
        d4 = services.register_document(actor=registrator, case=case, direction="upprattad", title="Tjänsteskrivelse")
        services.void_document(d4, actor=registrator, reason="Fel ärende")
    with at(dt.date(2026, 4, 1), hour=0):
        services.register_document(actor=registrator, case=case, direction="upprattad", title="Efter perioden")
    return case, [d1, d2, d3, d4]


def test_rows_cover_the_period_in_order(diary, registrator, registered, period):
    case, docs = registered
    rows = journal.journal_rows(registrator, diary, *period)
    assert [r["reference"] for r in rows] == [d.reference for d in docs]
    first = rows[0]
    assert first["case_reference"] == case.reference and first["case_title"] == case.title
    assert first["registered_date"] == dt.date(2026, 3, 2) and first["document_date"] == dt.date(2026, 3, 2)
    assert first["direction"] == "inkommande" and first["direction_label"] == "Inkommande"
    assert first["document_type"] == docs[0].document_type.title
    # A party with skyddad identitet is not named to a reader without that right.
    assert first["correspondents"] == "Anna Ek; Skyddad identitet"
    assert first["status"] == "Pågående" and not first["voided"] and not first["masked"]
    assert rows[1]["correspondents"] == "=Bygg & Co AB"
    loose = rows[2]
    assert loose["case_reference"] == "" and loose["case_id"] is None and loose["reference"].endswith("/H1")
    voided = rows[3]
    assert voided["status"] == "Makulerad" and voided["voided"]
    assert voided["registered_date"] == dt.date(2026, 3, 31)


def test_period_must_run_forwards(diary, registrator):
    with pytest.raises(RuleViolation) as err:
        journal.journal_rows(registrator, diary, dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    assert err.value.field == "date_from" and "Från-datum" in err.value.message
    for fn in (journal.journal_csv, journal.journal_pdf):
        with pytest.raises(RuleViolation):
            fn(registrator, diary, dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    with pytest.raises(RuleViolation):
        journal.journal_rows(registrator, diary, None, dt.date(2026, 3, 1))


def test_single_day_period(diary, registrator, registered):
    rows = journal.journal_rows(registrator, diary, dt.date(2026, 3, 10), dt.date(2026, 3, 10))
    assert len(rows) == 2


def test_user_without_role_in_diary_sees_nothing(diary, registered, period):
    outsider = user_with_role(DiaryFactory(prefix="MN"), Role.REGISTRATOR)
    nobody = UserFactory()
    for user in (outsider, nobody):
        assert journal.journal_rows(user, diary, *period) == []
        text = journal.journal_csv(user, diary, *period)
        assert text.count("\r\n") == 1  # the header only
        assert "Bygglov" not in journal.journal_html(user, diary, *period)


def test_protected_identity_named_only_with_the_right(diary, registered, period):
    from knutpunkt.organisations.models import RoleAssignment

    entitled = user_with_role(diary, Role.REGISTRATOR)
    RoleAssignment.objects.filter(user=entitled).update(protected_identity_access=True)
    first = journal.journal_rows(entitled, diary, *period)[0]
    assert first["correspondents"] == "Anna Ek; Skyddad Person"


def test_secret_title_and_parties_are_masked_for_a_reader(diary, registrator, registered, period):
    from knutpunkt.access.models import LegalProvision
    from knutpunkt.registry import secrecy

    case, docs = registered
    provision = LegalProvision.objects.filter(reference="26 kap. 1 §").first()
    secrecy.set_marking(docs[0], actor=registrator, provisions=[provision], secret_parts={"title", "parties"},
                        reason="Socialtjänst", public_title="Ansökan (sekretess)")
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title"},
                        reason="Socialtjänst", public_title="Ärende enligt SoL")
    reader = user_with_role(diary, Role.LASARE)
    row = journal.journal_rows(reader, diary, *period)[0]
    assert row["masked"] and row["title"] == "Ansökan (sekretess)" and row["correspondents"] == ""
    assert row["case_title"] == "Ärende enligt SoL" and row["reference"] == docs[0].reference
    text = journal.journal_csv(reader, diary, *period) + journal.journal_html(reader, diary, *period)
    assert "Ansökan om bygglov" not in text and "Anna Ek" not in text and "Björken 1:2" not in text
    own = journal.journal_rows(registrator, diary, *period)[0]
    assert own["title"] == "Ansökan om bygglov" and own["case_title"] == case.title and not own["masked"]


def test_reader_and_global_admin_see_the_rows(diary, registered, period):
    reader = user_with_role(diary, Role.LASARE)
    admin = UserFactory(is_global_admin=True)
    assert len(journal.journal_rows(reader, diary, *period)) == 4
    assert len(journal.journal_rows(admin, diary, *period)) == 4


def test_csv_is_excel_friendly_and_escapes_formulas(diary, registrator, registered, period):
    _case, docs = registered
    text = journal.journal_csv(registrator, diary, *period)
    assert text.startswith("\ufeffHandlingsnummer;Diarienummer;Registrerad;Handlingens datum;Riktning;")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == [label for _key, label in journal.CSV_COLUMNS]
    assert header[6] == "Avsändare/Mottagare" and header[-1] == "Status"
    assert [r[0] for r in body] == [d.reference for d in docs]
    outgoing = body[1]
    assert outgoing[7] == "'-Begäran om komplettering"
    assert outgoing[6] == "'=Bygg & Co AB"
    assert body[0][2] == "2026-03-02" and body[0][4] == "Inkommande"
    assert body[3][-1] == "Makulerad"


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+46", "'+46"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("KS 2026/1", "KS 2026/1"), ("", ""), (None, ""), (dt.date(2026, 1, 2), "2026-01-02"),
])
def test_csv_cell(value, expected):
    assert journal._csv_cell(value) == expected


def pdf_streams(pdf: bytes):
    """The inflated streams of a PDF (enough to read its XMP metadata without a PDF library)."""
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            yield zlib.decompress(pdf[match.end():end])
        except zlib.error:
            continue


def test_pdf(diary, registrator, registered, period):
    case, docs = registered
    html = journal.journal_html(registrator, diary, *period)
    for text in (docs[0].reference, case.title, "Sida", "A4 landscape", diary.authority.name, "2026-03-01 – 2026-03-31"):
        assert text in html
    pdf = journal.journal_pdf(registrator, diary, *period)
    assert pdf.startswith(b"%PDF-")
    xmp = b"".join(s for s in pdf_streams(pdf) if b"pdfaid" in s)
    assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp  # PDF/A-2b
    assert "Diarieutdrag KS 2026-03-01 – 2026-03-31".encode() in xmp
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert docs[0].reference in text and "Sida 1 av" in text


def test_pdf_without_rows(diary, registrator):
    pdf = journal.journal_pdf(registrator, diary, dt.date(2020, 1, 1), dt.date(2020, 1, 2))
    assert pdf.startswith(b"%PDF-")
    assert "Inga registreringar" in journal.journal_html(registrator, diary, dt.date(2020, 1, 1), dt.date(2020, 1, 2))


def test_filename(diary):
    assert journal.journal_filename(diary, dt.date(2026, 1, 1), dt.date(2026, 1, 31), "pdf") == "diarieutdrag-KS-2026-01-01-2026-01-31.pdf"
