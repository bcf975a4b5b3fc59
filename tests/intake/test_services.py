import datetime as dt
import io

import pytest

from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.files.models import Blob, File
from knutpunkt.intake.services import Registration, UploadedContent, register
from knutpunkt.organisations.models import NumberSeries, Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, CaseParty, Correspondent, Document, Party
from knutpunkt.registry.parties import PartyInput
from tests.factories import VALID_ORG_NUMBERS, VALID_PERSONAL_NUMBERS, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year


def person(pnr=VALID_PERSONAL_NUMBERS[0], first="Tolvan", last="Tolvansson"):
    return PartyInput(kind=Party.Kind.PERSON, personal_number=pnr, first_name=first, last_name=last)


def company(orgnr=VALID_ORG_NUMBERS[0], name="Bygg AB"):
    return PartyInput(kind=Party.Kind.ORGANISATION, org_number=orgnr, organisation_name=name)


def counts():
    return {
        "cases": Case.objects.count(),
        "documents": Document.objects.count(),
        "parties": Party.objects.count(),
        "case_parties": CaseParty.objects.count(),
        "correspondents": Correspondent.objects.count(),
        "files": File.objects.count(),
        "blobs": Blob.objects.count(),
        "events": CaseEvent.objects.count(),
        "series_total": sum(NumberSeries.objects.values_list("last_number", flat=True)),
    }


NOTHING = dict.fromkeys(["cases", "documents", "parties", "case_parties", "correspondents", "files", "blobs", "events", "series_total"], 0)


def test_one_call_registers_case_parties_document_and_files(diary, registrator, process, case_type, document_type):
    result = register(
        Registration(
            diary=diary,
            new_case_title="Bygglov för carport, Exempelby 1:23",
            case_type=case_type,
            document_title="Ansökan om bygglov",
            document_type=document_type,
            document_date=dt.date.today(),
            parties=[(person(), CaseParty.Role.APPLICANT), (company(), CaseParty.Role.REPRESENTATIVE)],
            files=[UploadedContent("ansokan.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n")), UploadedContent("karta.txt", io.BytesIO(b"karta"))],
        ),
        actor=registrator,
    )
    case, document = result.case, result.document
    assert result.case_created
    assert case.reference == f"KS {YEAR}/1" and case.process == process and case.case_type == case_type
    assert document.reference == f"KS {YEAR}/1-1" and document.case == case and document.document_type == document_type
    assert document.direction == Document.Direction.INCOMING
    roles = {(cp.party.personal_number or cp.party.org_number, cp.role) for cp in case.case_parties.select_related("party")}
    assert roles == {("191212121212", "sokande"), ("2120001355", "ombud")}
    # The applicant of an incoming document is its sender.
    assert [(c.party.personal_number, c.role) for c in document.correspondents.all()] == [("191212121212", "avsandare")]
    assert sorted(f.name for f in result.files) == ["ansokan.pdf", "karta.txt"]
    assert [f.document_id for f in result.files] == [document.pk, document.pk]
    types = list(case.events.order_by("sequence").values_list("type", "sequence"))
    assert types == [
        ("case.registered", 1),
        ("case.party_added", 2),
        ("case.party_added", 3),
        ("document.registered", 4),
        ("file.added", 5),
        ("file.added", 6),
    ]


def test_bad_personnummer_in_second_party_saves_nothing_and_keeps_the_number(diary, registrator):
    with pytest.raises(RuleViolation) as err:
        register(
            Registration(
                diary=diary,
                new_case_title="Ansökan",
                parties=[(person(), CaseParty.Role.APPLICANT), (person("19121212-1213", "Fel", "Siffra"), CaseParty.Role.CONCERNED)],
            ),
            actor=registrator,
        )
    assert err.value.code == "invalid_personal_number" and err.value.field == "personal_number"
    assert counts() == NOTHING
    assert register(Registration(diary=diary, new_case_title="Nästa"), actor=registrator).case.reference == f"KS {YEAR}/1"


@pytest.mark.parametrize(
    "files, code",
    [
        ([UploadedContent("tom.pdf", io.BytesIO(b""))], "file_empty"),
        ([UploadedContent("ok.txt", io.BytesIO(b"ok")), UploadedContent("stor.bin", io.BytesIO(b"x" * (1024 * 1024 + 1)))], "file_too_large"),
        ([UploadedContent("../", io.BytesIO(b"namnlos"))], "filename_required"),
    ],
    ids=["0-byte", "second-over-limit", "no-name"],
)
def test_bad_file_saves_nothing_and_keeps_the_number(diary, registrator, files, code):
    with pytest.raises(RuleViolation) as err:
        register(
            Registration(diary=diary, new_case_title="Ansökan", parties=[(person(), CaseParty.Role.APPLICANT)], files=files),
            actor=registrator,
        )
    assert err.value.code == code
    assert counts() == NOTHING
    result = register(Registration(diary=diary, new_case_title="Nästa", files=[UploadedContent("a.txt", io.BytesIO(b"a"))]), actor=registrator)
    assert (result.case.number, result.document.number) == (1, 1)


def test_bad_input_in_an_existing_case_takes_no_document_number(diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Pågående ärende")
    before = counts()
    with pytest.raises(RuleViolation):
        register(
            Registration(case=case, document_title="Komplettering", parties=[(person("abc"), CaseParty.Role.APPLICANT)]),
            actor=registrator,
        )
    with pytest.raises(RuleViolation):
        register(Registration(case=case, document_title="Komplettering", files=[UploadedContent("tom", io.BytesIO(b""))]), actor=registrator)
    assert counts() == before
    case.refresh_from_db()
    assert (case.last_document_number, case.event_sequence) == (0, 1)
    document = register(Registration(case=case, document_title="Komplettering"), actor=registrator).document
    assert document.reference == f"{case.reference}-1"


def test_register_into_an_existing_case(diary, registrator):
    first = register(
        Registration(diary=diary, new_case_title="Strandskydd", parties=[(person(), CaseParty.Role.APPLICANT)]), actor=registrator
    )
    case = first.case
    second = register(
        Registration(
            case=case,
            document_title="Yttrande från grannen",
            parties=[(person(), CaseParty.Role.APPLICANT), (person(VALID_PERSONAL_NUMBERS[1], "Granne", "Grannsson"), CaseParty.Role.CONCERNED)],
            files=[UploadedContent("yttrande.txt", io.BytesIO(b"Jag har synpunkter."))],
        ),
        actor=registrator,
    )
    assert not second.case_created and second.case == case
    assert second.document.reference == f"{case.reference}-2"
    # The applicant is the same party (found by personnummer), added once.
    assert Party.objects.count() == 2
    assert sorted(case.case_parties.values_list("role", flat=True)) == ["berord", "sokande"]
    assert Case.objects.count() == 1
    assert NumberSeries.objects.get(diary=diary, kind=NumberSeries.Kind.CASE).last_number == 1
    seqs = list(case.events.order_by("sequence").values_list("sequence", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_register_into_existing_case_of_another_diary_uses_that_diary(diary, registrator):
    from tests.factories import DiaryFactory

    other = DiaryFactory(prefix="BN", authority=diary.authority)
    case = registry.register_case(diary, actor=registrator, title="Ärende i KS")
    result = register(Registration(diary=other, case=case, document_title="Handling"), actor=registrator)
    assert result.document.diary == diary and result.document.reference == f"{case.reference}-1"


def test_without_case_goes_to_the_postlista_series(diary, registrator):
    a = register(
        Registration(diary=diary, without_case=True, document_title="Inbjudan till seminarium", correspondents=[(company(), Correspondent.Role.SENDER)]),
        actor=registrator,
    )
    b = register(Registration(diary=diary, without_case=True, document_title="Nyhetsbrev"), actor=registrator)
    assert a.case is None and not a.case_created
    assert (a.document.reference, b.document.reference) == (f"KS {YEAR}/H1", f"KS {YEAR}/H2")
    assert Case.objects.count() == 0
    assert NumberSeries.objects.get(diary=diary, kind=NumberSeries.Kind.DOCUMENT).last_number == 2
    assert not NumberSeries.objects.filter(kind=NumberSeries.Kind.CASE).exists()
    assert a.document.correspondents.get().party.org_number == "2120001355"
    event = CaseEvent.objects.get(document=a.document)
    assert event.case is None and event.sequence is None and event.type == "document.registered"


def test_without_case_failure_keeps_the_postlista_number(diary, registrator):
    with pytest.raises(RuleViolation):
        register(
            Registration(diary=diary, without_case=True, document_title="Brev", files=[UploadedContent("x", io.BytesIO(b""))]),
            actor=registrator,
        )
    assert register(Registration(diary=diary, without_case=True, document_title="Brev"), actor=registrator).document.number == 1


def test_no_diary_is_refused(registrator):
    with pytest.raises(RuleViolation) as err:
        register(Registration(new_case_title="Ingenstans"), actor=registrator)
    assert err.value.code == "diary_required" and err.value.field == "diary"


def test_reader_and_outsider_cannot_register_and_nothing_is_saved(diary):
    for user in (user_with_role(diary, Role.LASARE), UserFactory()):
        with pytest.raises(PermissionDenied):
            register(
                Registration(diary=diary, new_case_title="X", parties=[(person(), CaseParty.Role.APPLICANT)], files=[UploadedContent("a", io.BytesIO(b"a"))]),
                actor=user,
            )
    assert counts() == NOTHING


def test_future_document_date_is_refused_and_nothing_saved(diary, registrator):
    with pytest.raises(RuleViolation) as err:
        register(
            Registration(diary=diary, new_case_title="X", document_date=dt.date.today() + dt.timedelta(days=1)), actor=registrator
        )
    assert err.value.code == "date_in_future"
    assert counts() == NOTHING


def test_case_type_from_another_scheme_is_refused_and_nothing_saved(diary, registrator, scheme):
    from tests.factories import SchemeFactory, case_type_in, process_in

    foreign = case_type_in(process_in(SchemeFactory(), "9.9.9.9"))
    with pytest.raises(RuleViolation) as err:
        register(Registration(diary=diary, new_case_title="X", case_type=foreign, parties=[(person(), "sokande")]), actor=registrator)
    assert err.value.code == "case_type_wrong_scheme"
    assert counts() == NOTHING


def test_title_falls_back_between_case_and_document(diary, registrator):
    result = register(Registration(diary=diary, document_title="Ansökan om serveringstillstånd"), actor=registrator)
    assert result.case.title == "Ansökan om serveringstillstånd"
    result = register(Registration(diary=diary, new_case_title="Tillsyn"), actor=registrator)
    assert result.document.title == "Tillsyn"


def test_the_same_person_twice_in_one_registration_is_one_party(diary, registrator):
    """A person both sökande and avsändare (or given twice) is one party, even the
    first time the authority meets them."""
    result = register(
        Registration(
            diary=diary,
            new_case_title="Ansökan",
            parties=[(person(), CaseParty.Role.APPLICANT), (person("191212121212"), CaseParty.Role.REPRESENTATIVE)],
            correspondents=[(person("121212+1212"), Correspondent.Role.SENDER)],  # 10 digits, + = born 1912
        ),
        actor=registrator,
    )
    assert Party.objects.count() == 1
    party = Party.objects.get()
    assert sorted(result.case.case_parties.values_list("role", flat=True)) == ["ombud", "sokande"]
    assert [c.party for c in result.document.correspondents.all()] == [party]


def test_a_person_without_identity_number_is_not_merged(diary, registrator):
    anon = PartyInput(kind=Party.Kind.PERSON, first_name="Anna", last_name="Andersson")
    register(Registration(diary=diary, new_case_title="X", parties=[(anon, "sokande")], correspondents=[(anon, "avsandare")]), actor=registrator)
    assert Party.objects.count() == 2
