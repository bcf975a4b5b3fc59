import datetime as dt

import pytest

from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.organisations.models import Role
from knutpunkt.registry import services
from knutpunkt.registry.models import Case, CaseEvent, Document
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import DiaryFactory, SchemeFactory, case_type_in, process_in, user_with_role

pytestmark = pytest.mark.django_db


def test_register_case_takes_next_number_and_writes_event(diary, registrator):
    year = dt.date.today().year
    a = services.register_case(diary, actor=registrator, title="Bygglov för carport")
    b = services.register_case(diary, actor=registrator, title="Strandskyddsdispens")
    assert (a.reference, b.reference) == (f"KS {year}/1", f"KS {year}/2")
    event = CaseEvent.objects.get(case=a)
    assert event.type == "case.registered" and event.sequence == 1 and event.actor == registrator
    assert event.data["case_reference"] == a.reference


def test_numbers_are_per_diary(diary, registrator):
    other = DiaryFactory(prefix="BN", authority=diary.authority)
    user = user_with_role(other, Role.REGISTRATOR)
    services.register_case(diary, actor=registrator, title="Ett")
    case = services.register_case(other, actor=user, title="Två")
    assert case.number == 1


def test_failed_registration_gives_the_number_back(diary, registrator, scheme):
    foreign_scheme = SchemeFactory()  # another organisation's structure
    foreign_type = case_type_in(process_in(foreign_scheme, "9.9.9.9"))
    with pytest.raises(RuleViolation) as err:
        services.register_case(diary, actor=registrator, title="Fel", case_type=foreign_type)
    assert err.value.code == "case_type_wrong_scheme"
    assert Case.objects.count() == 0
    case = services.register_case(diary, actor=registrator, title="Rätt")
    assert case.number == 1


def test_reader_cannot_register(diary):
    reader = user_with_role(diary, Role.LASARE)
    with pytest.raises(PermissionDenied):
        services.register_case(diary, actor=reader, title="X")


def test_title_required(diary, registrator):
    with pytest.raises(RuleViolation) as err:
        services.register_case(diary, actor=registrator, title="   ")
    assert err.value.field == "title"


def test_document_numbers_within_case(diary, registrator):
    case = services.register_case(diary, actor=registrator, title="Ärende")
    d1 = services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan")
    d2 = services.register_document(actor=registrator, case=case, direction=Document.Direction.OUTGOING, title="Beslut")
    assert d1.reference == f"{case.reference}-1" and d2.reference == f"{case.reference}-2"
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert list(case.events.values_list("sequence", flat=True)) == [1, 2, 3]


def test_document_without_case_gets_its_own_series(diary, registrator):
    doc = services.register_document(actor=registrator, diary=diary, direction=Document.Direction.INCOMING, title="Inbjudan")
    assert doc.case is None and doc.reference == f"KS {dt.date.today().year}/H1"


def test_update_keeps_history_with_reason(diary, registrator):
    case = services.register_case(diary, actor=registrator, title="Gammal")
    with pytest.raises(RuleViolation):
        services.update_case(case, actor=registrator, reason="", title="Ny")
    services.update_case(case, actor=registrator, reason="Stavfel", title="Ny")
    event = case.events.get(type="case.updated")
    assert event.data["changes"] == {"title": ["Gammal", "Ny"]} and event.reason == "Stavfel"


def test_close_reopen_void(diary, registrator):
    case = services.register_case(diary, actor=registrator, title="X")
    services.close_case(case, actor=registrator)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at
    with pytest.raises(RuleViolation):
        services.reopen_case(case, actor=registrator, reason="")
    services.reopen_case(case, actor=registrator, reason="Nytt yttrande")
    services.void_case(case, actor=registrator, reason="Felregistrerat")
    case.refresh_from_db()
    assert case.is_voided and Case.objects.filter(pk=case.pk).exists()
    with pytest.raises(RuleViolation):
        services.update_case(case, actor=registrator, reason="x", title="Y")


def test_handlaggare_cannot_void(diary, registrator):
    case = services.register_case(diary, actor=registrator, title="X")
    officer = user_with_role(diary, Role.HANDLAGGARE)
    with pytest.raises(PermissionDenied):
        services.void_case(case, actor=officer, reason="x")


def test_future_date_refused(diary, registrator):
    case = services.register_case(diary, actor=registrator, title="X")
    with pytest.raises(RuleViolation) as err:
        services.register_document(
            actor=registrator, case=case, direction="inkommande", title="Y", document_date=dt.date.today() + dt.timedelta(days=3)
        )
    assert err.value.field == "document_date"


def test_party_reused_by_personal_number(diary):
    org = diary.authority.organisation
    a = find_or_create_party(org, PartyInput(kind="person", personal_number="191212121212", first_name="Tolvan", last_name="Tolvansson"))
    b = find_or_create_party(org, PartyInput(kind="person", personal_number="19121212-1212", first_name="T", last_name="T", contact={"email": "t@example.se"}))
    assert a.pk == b.pk
    b.refresh_from_db()
    assert b.first_name == "Tolvan" and b.email == "t@example.se"
