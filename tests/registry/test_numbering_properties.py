"""Property: whatever mix of registrations happens — across diaries and years, with some
rolling back after they took a number — each series is exactly 1..N: no gap, no
duplicate. Document numbers within each case likewise, and each case's events."""

import datetime as dt
import io
from collections import Counter, defaultdict
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knutpunkt.core.errors import RuleViolation
from knutpunkt.intake.services import Registration, UploadedContent, register
from knutpunkt.organisations.models import NumberSeries, Role
from knutpunkt.registry import numbering
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, Document
from knutpunkt.registry.parties import PartyInput
from tests.factories import AuthorityFactory, DiaryFactory, user_with_authority_role

pytestmark = pytest.mark.django_db

YEARS = (2024, 2025, 2026)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Boom(Exception):
    """A failure after the registration took its number (e.g. a crash before commit)."""


class Rollback(Exception):
    pass


@contextmanager
def in_year(year: int):
    """Move the clock (clock.today / clock.now) to the middle of `year`."""
    moment = dt.datetime(year, 6, 15, 10, 0, tzinfo=STOCKHOLM)
    with mock.patch("knutpunkt.core.clock.today", return_value=moment.date()), mock.patch(
        "knutpunkt.core.clock.now", return_value=moment
    ):
        yield


@pytest.fixture
def world(db):
    """Two authorities, three diaries, one registrator per authority."""
    ks, bn = AuthorityFactory(code="KS"), AuthorityFactory(code="BN")
    diaries = [DiaryFactory(authority=ks, prefix="KS"), DiaryFactory(authority=ks, prefix="KSU"), DiaryFactory(authority=bn, prefix="BN")]
    users = {ks.pk: user_with_authority_role(ks, Role.REGISTRATOR), bn.pk: user_with_authority_role(bn, Role.REGISTRATOR)}
    return diaries, users


operations = st.lists(
    st.tuples(
        st.sampled_from(["case", "case_with_party", "document", "loose", "intake_existing"]),
        st.integers(0, 2),  # diary
        st.sampled_from(YEARS),
        st.sampled_from([None, None, "after", "bad_file", "bad_party"]),  # how it fails, if it does
        st.integers(0, 1000),  # which earlier case, for documents
    ),
    min_size=1,
    max_size=30,
)


def perform(op, diaries, users, cases):
    kind, d, year, failure, pick = op
    diary = diaries[d]
    actor = users[diary.authority_id]
    bad_party = PartyInput(kind="person", personal_number="19121212-1213", first_name="Fel", last_name="Siffra")
    good_party = PartyInput(kind="person", personal_number="19121212-1212", first_name="Tolvan", last_name="Tolvansson")
    files = [UploadedContent("tom.pdf", io.BytesIO(b""))] if failure == "bad_file" else []
    parties = [(good_party, "sokande")] + ([(bad_party, "berord")] if failure == "bad_party" else [])
    own_cases = [c for c in cases if c.diary_id == diary.pk]
    if kind in ("document", "intake_existing") and not own_cases:
        kind = "case"
    with in_year(year), transaction.atomic():
        if kind == "case":
            result = register(Registration(diary=diary, new_case_title=f"Ärende {year}", parties=parties if failure == "bad_party" else [], files=files), actor=actor)
        elif kind == "case_with_party":
            result = register(Registration(diary=diary, new_case_title="Med part", parties=parties, files=files), actor=actor)
        elif kind == "loose":
            result = register(Registration(diary=diary, without_case=True, document_title="Brev", parties=parties, files=files), actor=actor)
        else:
            case = own_cases[pick % len(own_cases)]
            if kind == "document" and failure not in ("bad_file", "bad_party"):
                result = registry.register_document(actor=actor, case=case, direction=Document.Direction.OUTGOING, title="Beslut")
            else:
                result = register(Registration(case=case, document_title="Komplettering", parties=parties, files=files), actor=actor)
        if failure == "after":
            raise Boom
    return getattr(result, "case", None) if kind in ("case", "case_with_party") else None


def check_series(diaries):
    for diary in diaries:
        by_year = defaultdict(list)
        for year, number in Case.objects.filter(diary=diary).values_list("year", "number"):
            by_year[year].append(number)
        loose = defaultdict(list)
        for doc in Document.objects.filter(diary=diary, case__isnull=True):
            loose[doc.registered_at.astimezone(STOCKHOLM).year].append(doc.number)
            assert doc.reference == numbering.loose_document_reference(diary.prefix, doc.registered_at.astimezone(STOCKHOLM).year, doc.number)
        for kind, numbers_by_year in ((NumberSeries.Kind.CASE, by_year), (NumberSeries.Kind.DOCUMENT, loose)):
            series = dict(NumberSeries.objects.filter(diary=diary, kind=kind).values_list("year", "last_number"))
            for year in YEARS:
                numbers = sorted(numbers_by_year.get(year, []))
                assert numbers == list(range(1, len(numbers) + 1)), (diary.prefix, kind, year, numbers)
                assert series.get(year, 0) == len(numbers), (diary.prefix, kind, year, series, numbers)
    for case in Case.objects.all():
        assert case.reference == numbering.case_reference(case.diary.prefix, case.year, case.number)
        numbers = sorted(case.documents.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)) and case.last_document_number == len(numbers)
        assert {d.reference for d in case.documents.all()} == {numbering.document_reference(case.reference, n) for n in numbers}
        sequence = sorted(case.events.values_list("sequence", flat=True))
        assert sequence == list(range(1, len(sequence) + 1)) and case.event_sequence == len(sequence)
    assert not [r for r, n in Counter(Case.objects.values_list("reference", flat=True)).items() if n > 1]
    assert not [r for r, n in Counter(Document.objects.values_list("reference", flat=True)).items() if n > 1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_every_series_is_exactly_one_to_n(world, ops):
    diaries, users = world
    try:
        # Each example runs in a savepoint that is undone afterwards, so the next one
        # starts from the same empty world.
        with transaction.atomic():
            cases: list[Case] = []
            for op in ops:
                try:
                    case = perform(op, diaries, users, cases)
                except (Boom, RuleViolation):
                    continue
                if case is not None:
                    cases.append(case)
            check_series(diaries)
            # Nothing of a failed registration is left: every event belongs to a
            # registration that succeeded.
            assert CaseEvent.objects.filter(case__isnull=True, document__isnull=True).count() == 0
            raise Rollback
    except Rollback:
        pass


def test_the_number_of_a_rolled_back_registration_is_taken_by_the_next(world):
    diaries, users = world
    diary = diaries[0]
    actor = users[diary.authority_id]
    with in_year(2025):
        registry.register_case(diary, actor=actor, title="Ett")
        with pytest.raises(Boom), transaction.atomic():
            registry.register_case(diary, actor=actor, title="Två (rullas tillbaka)")
            raise Boom
        case = registry.register_case(diary, actor=actor, title="Två")
    assert case.reference == "KS 2025/2"
    with in_year(2026):
        assert registry.register_case(diary, actor=actor, title="Nytt år").reference == "KS 2026/1"
    with in_year(2025):
        assert registry.register_case(diary, actor=actor, title="Sent").reference == "KS 2025/3"



def test_counters_without_update_returning(world, monkeypatch):
    """Older SQLite (< 3.35) has no UPDATE … RETURNING: the counters fall back to
    UPDATE then SELECT, with the same result."""
    from django.db import connection

    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    diaries, users = world
    diary = diaries[0]
    actor = users[diary.authority_id]
    with in_year(2025):
        a = registry.register_case(diary, actor=actor, title="Ett")
        b = registry.register_case(diary, actor=actor, title="Två")
        registry.register_document(actor=actor, case=a, direction=Document.Direction.INCOMING, title="Handling")
    assert (a.number, b.number) == (1, 2)
    assert list(a.events.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
    assert NumberSeries.objects.get(diary=diary, year=2025).last_number == 2
