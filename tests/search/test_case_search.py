"""Staff case search: the access policy decides what can be matched, counted and shown."""

import io

import pytest

from knutpunkt.access import policy
from knutpunkt.files import services as files
from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import secrecy, services
from knutpunkt.registry.models import CaseEvent, Party
from knutpunkt.registry.queries import CaseSearch
from knutpunkt.registry.queries import search_cases as registry_search
from knutpunkt.search.queries import filtered_cases, search_cases
from tests.factories import DiaryFactory, user_with_role

pytestmark = pytest.mark.django_db

MARKER = "Hemligmarkör"


def ids(result):
    return [c.pk for c in result.items]


def person(diary, first, last, protected=False):
    return Party.objects.create(
        organisation=diary.authority.organisation, kind="person", first_name=first, last_name=last, is_protected_identity=protected
    )


@pytest.fixture
def reader(diary):
    return user_with_role(diary, Role.LASARE)


@pytest.fixture
def secret_case(diary, registrator, provision, dispatch):
    case = services.register_case(
        diary, actor=registrator, title=f"Bistånd till {MARKER} Svensson", description=f"Utredning om {MARKER} och familjen",
    )
    secrecy.set_marking(
        case, actor=registrator, provisions=[provision], secret_parts={"title", "description", "parties"}, reason="SoL",
        public_title="Ansökan om ekonomiskt bistånd",
    )
    services.add_party(case, person(diary, "Kerstin", MARKER), "sokande", actor=registrator)
    dispatch()
    return case


def test_index_is_used_once_events_are_dispatched(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="Bygglov för Åre fjällstuga")
    dispatch()
    assert not CaseEvent.objects.filter(case=case, dispatched_at__isnull=True).exists()
    assert ids(search_cases(registrator, "åre")) == [case.pk]
    assert ids(search_cases(registrator, "are")) == []
    assert ids(search_cases(registrator, "fjäll bygg")) == [case.pk]
    assert ids(search_cases(registrator, '"bygglov för åre"')) == [case.pk]
    assert ids(search_cases(registrator, '"för bygglov"')) == []


def test_a_case_not_yet_indexed_is_found_at_once(diary, registrator):
    case = services.register_case(diary, actor=registrator, title="Strandskyddsdispens")
    assert ids(search_cases(registrator, "strandskydd")) == [case.pk]


def test_reader_without_role_finds_nothing(secret_case, diary, dispatch):
    other = user_with_role(DiaryFactory(), Role.REGISTRATOR)
    result = search_cases(other, "bistånd")
    assert result.total == 0 and result.items == [] and all(not v for v in result.facets.values())
    assert list(filtered_cases(other, "bistånd")) == []


def test_secret_title_matched_only_by_full_readers_public_title_by_all(secret_case, registrator, reader):
    assert ids(search_cases(registrator, MARKER)) == [secret_case.pk]
    assert ids(search_cases(reader, MARKER)) == []
    assert ids(search_cases(reader, "svensson")) == []
    assert ids(search_cases(reader, "utredning")) == []  # secret description
    assert ids(search_cases(reader, "ekonomiskt bistånd")) == [secret_case.pk]
    assert list(filtered_cases(reader, MARKER)) == []
    assert list(filtered_cases(reader, "ekonomiskt")) == [secret_case]


def test_secret_parties(secret_case, registrator, reader):
    assert ids(search_cases(registrator, "kerstin")) == [secret_case.pk]
    assert ids(search_cases(reader, "kerstin")) == []


def test_open_parties_are_matched(diary, registrator, reader, dispatch):
    case = services.register_case(diary, actor=registrator, title="Tillstånd")
    services.add_party(case, person(diary, "Olle", "Öppensson"), "sokande", actor=registrator)
    dispatch()
    assert ids(search_cases(reader, "öppensson tillstånd")) == [case.pk]


def test_protected_identity_only_with_the_right(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="Adressändring")
    services.add_party(case, person(diary, "Greta", "Skyddadsson", protected=True), "sokande", actor=registrator)
    dispatch()
    assert ids(search_cases(registrator, "skyddadsson")) == []
    RoleAssignment.objects.filter(user=registrator).update(protected_identity_access=True)
    policy.forget(registrator)
    assert ids(search_cases(registrator, "skyddadsson")) == [case.pk]
    assert all(MARKER not in s.html and "Skyddadsson" not in s.html for s in search_cases(registrator, "skyddadsson").snippets[str(case.pk)])


def test_restricted_case(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="Personalärende", description="Rehabilitering av Nisse")
    secrecy.set_restriction(case, actor=registrator, restricted=True, reason="Personalärende")
    dispatch()
    handlaggare = user_with_role(diary, Role.HANDLAGGARE)
    assert ids(search_cases(registrator, "rehabilitering")) == [case.pk]  # the diary's registrator
    assert ids(search_cases(handlaggare, "rehabilitering")) == []  # masked: description not visible
    assert ids(search_cases(handlaggare, "personalärende")) == [case.pk]  # the title is not secret


def test_secret_document_title_and_file_text(diary, registrator, reader, provision, dispatch):
    case = services.register_case(diary, actor=registrator, title="Bostadsanpassning")
    doc = services.register_document(actor=registrator, case=case, direction="inkommande", title="Läkarintyg")
    files.add_file(doc, io.BytesIO("Diagnos: ryggskada".encode()), "intyg.txt", actor=registrator)
    dispatch()
    assert ids(search_cases(reader, "ryggskada")) == [case.pk]
    assert ids(search_cases(reader, "läkarintyg")) == [case.pk]
    secrecy.set_marking(doc, actor=registrator, provisions=[provision], secret_parts={"files", "title"}, reason="OSL 21:1", public_title="Intyg")
    dispatch()
    assert ids(search_cases(registrator, "ryggskada")) == [case.pk]
    assert ids(search_cases(reader, "ryggskada")) == []
    assert ids(search_cases(reader, "läkarintyg")) == []
    assert ids(search_cases(reader, "intyg bostadsanpassning")) == [case.pk]


def test_words_may_match_in_case_and_document(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="Bygglov")
    services.register_document(actor=registrator, case=case, direction="inkommande", title="Ritning fasad")
    dispatch()
    assert ids(search_cases(registrator, "bygglov ritning")) == [case.pk]
    assert ids(search_cases(registrator, "bygglov planritning")) == []


def test_facets_count_only_visible_cases(diary, registrator, dispatch):
    other_diary = DiaryFactory(authority=diary.authority)
    hidden_diary = DiaryFactory()
    mine = services.register_case(diary, actor=registrator, title="Detaljplan norr")
    services.register_document(actor=registrator, case=mine, direction="inkommande", title="Yttrande")
    services.register_case(diary, actor=registrator, title="Detaljplan söder")
    services.register_case(other_diary, actor=user_with_role(other_diary, Role.REGISTRATOR), title="Detaljplan väster")
    services.register_case(hidden_diary, actor=user_with_role(hidden_diary, Role.REGISTRATOR), title="Detaljplan öster")
    dispatch()
    result = search_cases(registrator, "detaljplan")
    assert result.total == 2
    assert [(f.value, f.count) for f in result.facets["diary"]] == [(diary.pk, 2)]
    assert [(f.value, f.count) for f in result.facets["status"]] == [("oppnat", 2)]
    assert [(f.value, f.count) for f in result.facets["direction"]] == [("inkommande", 1)]
    assert sum(f.count for f in result.facets["year"]) == 2
    assert ids(search_cases(registrator, "detaljplan", direction="inkommande")) == [mine.pk]


def test_snippets_never_contain_hidden_text(secret_case, reader, registrator):
    # The word "bistånd" is in the secret title and in the offentlig rubrik.
    result = search_cases(reader, "bistånd")
    assert ids(result) == [secret_case.pk]
    assert result.items[0].shown_title == "Ansökan om ekonomiskt bistånd"
    html = " ".join(s.html for s in result.snippets[str(secret_case.pk)])
    assert "<mark>bistånd</mark>" in html
    assert MARKER not in html and "Svensson" not in html and "Kerstin" not in html
    full = search_cases(registrator, "bistånd")
    assert MARKER in " ".join(s.html for s in full.snippets[str(secret_case.pk)])


def test_snippets_escape_html(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="<script>alert(1)</script> Skolskjuts")
    dispatch()
    html = search_cases(registrator, "skolskjuts").snippets[str(case.pk)][0].html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>Skolskjuts</mark>" in html


def test_sorting_and_paging(diary, registrator, dispatch):
    weak = services.register_case(diary, actor=registrator, title="Övrigt", description="nämner parkering en gång")
    strong = services.register_case(diary, actor=registrator, title="Parkering", description="Parkering parkering")
    dispatch()
    assert ids(search_cases(registrator, "parkering", sort="relevance")) == [strong.pk, weak.pk]
    assert ids(search_cases(registrator, "parkering", sort="date")) == [strong.pk, weak.pk]  # newest first
    assert ids(search_cases(registrator, "parkering nämner", sort="relevance")) == [weak.pk]
    page = search_cases(registrator, "parkering", page=99, page_size=1)
    assert page.page == 2 and page.num_pages == 2 and ids(page) == [weak.pk]
    assert search_cases(registrator, "parkering", page="x", page_size=10_000).page_size == 100
    assert ids(search_cases(registrator, CaseSearch(text="parkering"), sort="relevance")) == [strong.pk, weak.pk]
    with pytest.raises(ValueError):  # registry.queries does not search text (it would drop it)
        registry_search(registrator, CaseSearch(text="parkering"))


@pytest.mark.parametrize("text", ['"', "(", "*", "-", ":", "NOT", "a OR", "😀", "\x00", "x" * 10_000, 'title:"a', "NEAR(a"])
def test_odd_input_is_never_an_error(diary, registrator, dispatch, text):
    services.register_case(diary, actor=registrator, title="Något")
    dispatch()
    search_cases(registrator, text)
    list(filtered_cases(registrator, text))


def test_global_administrator_searches_with_relevance_and_facets(diary, registrator, dispatch):
    from tests.factories import UserFactory

    admin = UserFactory(is_global_admin=True)
    case = services.register_case(diary, actor=registrator, title="Strandskydd vid sjön")
    services.register_document(actor=registrator, case=case, direction="inkommande", title="Karta")
    dispatch()
    result = search_cases(admin, "strandskydd karta", sort="relevance")
    assert ids(result) == [case.pk] and result.items[0].rank > 0
    assert [(f.value, f.count) for f in result.facets["direction"]] == [("inkommande", 1)]


def test_a_diarienummer_finds_its_case_and_nothing_else(diary, registrator, reader, dispatch):
    case = services.register_case(diary, actor=registrator, title="Tillsyn")
    other = services.register_case(diary, actor=registrator, title=f"Hänvisar till {case.reference}")
    dispatch()
    assert ids(search_cases(registrator, case.reference)) == [case.pk]
    assert ids(search_cases(registrator, f"  {case.reference.lower()}-1 ")) == [case.pk]
    assert ids(search_cases(reader, f"{diary.prefix} 1999/4711")) == []
    assert other.pk in ids(search_cases(registrator, "hänvisar"))
    outsider = user_with_role(DiaryFactory(), Role.REGISTRATOR)
    assert ids(search_cases(outsider, case.reference)) == []


def test_too_many_candidates_keeps_the_newest_and_says_so(diary, registrator, dispatch, settings):
    cases = [services.register_case(diary, actor=registrator, title=f"Vägbelysning etapp {i}") for i in range(5)]
    dispatch()
    settings.KNUTPUNKT_SEARCH_MAX_CANDIDATES = 3
    result = search_cases(registrator, "vägbelysning", sort="date")
    assert result.truncated and result.total == 3
    # Keys are UUIDv7, ordered by creation to the millisecond: the largest are kept.
    assert set(ids(result)) == set(sorted(c.pk for c in cases)[-3:])
    settings.KNUTPUNKT_SEARCH_MAX_CANDIDATES = 50
    assert not search_cases(registrator, "vägbelysning").truncated


def test_a_party_of_a_case_not_yet_indexed_is_found_by_name(diary, registrator, reader):
    case = services.register_case(diary, actor=registrator, title="Serveringstillstånd")
    services.add_party(case, person(diary, "Olle", "Krögarsson"), "sokande", actor=registrator)
    services.add_party(case, person(diary, "Hemlig", "Gömdsson", protected=True), "sokande", actor=registrator)
    assert CaseEvent.objects.filter(case=case, dispatched_at__isnull=True).exists()
    assert ids(search_cases(reader, "krögarsson")) == [case.pk]
    assert ids(search_cases(reader, "gömdsson")) == []  # skyddad identitet: not without the right


def test_process_facet_and_filter_count_only_cases_seen_in_full(secret_case, diary, registrator, reader, dispatch):
    from tests.factories import SchemeFactory, process_in

    process = process_in(SchemeFactory(organisation=diary.authority.organisation))
    type(secret_case).objects.filter(pk=secret_case.pk).update(process=process)
    open_case = services.register_case(diary, actor=registrator, title="Ansökan om ekonomiskt bistånd, öppen")
    dispatch()
    masked = search_cases(reader, "bistånd")
    assert {c.pk for c in masked.items} == {secret_case.pk, open_case.pk}
    assert all(f.value != process.pk for f in masked.facets["process"])
    assert ids(search_cases(reader, "bistånd", process_id=process.pk)) == []
    full = search_cases(registrator, "bistånd", process_id=process.pk)
    assert ids(full) == [secret_case.pk]
