"""Two registrations at the same moment never share or skip a number (issue 2, "Bad
input"): threads register in the same diary at once, some failing after they took
their number, and the series must come out exactly 1..N.

These run with real transactions (transaction=True) and one connection per thread.
The PostgreSQL tests are marked `postgres` and run when KNUTPUNKT_TEST_DATABASE_URL
points at a PostgreSQL server; tests/registry/test_numbering_concurrency_sqlite.py
runs the same load against SQLite.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from knutpunkt.intake.services import Registration, register
from knutpunkt.organisations.models import NumberSeries, Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, Document
from knutpunkt.registry.parties import PartyInput
from tests.factories import DiaryFactory, user_with_role

THREADS = 8
PER_THREAD = 25
FAILING_PER_THREAD = 5


class Boom(Exception):
    """A crash after the registration took its number, before commit."""


def personnummer(i: int) -> str:
    """A valid personnummer (12 digits) for each i < 999 * 28."""
    day, serial = divmod(i, 999)
    ten = f"8001{day + 1:02d}{serial + 1:03d}"
    digits = [int(c) * (2 - k % 2) for k, c in enumerate(ten[:9] + "0")][:9]
    total = sum(d // 10 + d % 10 for d in digits)
    return "19" + ten[:9] + str((10 - total % 10) % 10)


def run_in_threads(n: int, work) -> None:
    """Run work(thread_index, barrier) in n threads that start together; re-raise the
    first error. Each thread closes its own database connection."""
    barrier = threading.Barrier(n, timeout=120)
    errors: list[BaseException] = []

    def target(k: int):
        try:
            work(k, barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a registering thread hung"
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real or errors:
        raise (real or errors)[0]


def parallel_case_registrations(threads: int = THREADS, per_thread: int = PER_THREAD, failing: int = FAILING_PER_THREAD):
    """`threads` registrators each register `per_thread` cases (with a party) through the
    one-call service, plus `failing` that crash after taking a number — all starting
    each round together. Checks the series is exactly 1..threads*per_thread."""
    diary = DiaryFactory(prefix="KS")
    users = [user_with_role(diary, Role.REGISTRATOR) for _ in range(threads)]
    total = threads * per_thread
    fail_rounds = set(range(0, per_thread + failing, max(1, (per_thread + failing) // max(failing, 1))))
    fail_rounds = set(sorted(fail_rounds)[:failing])

    def work(k: int, barrier: threading.Barrier):
        done = 0
        for rnd in range(per_thread + failing):
            barrier.wait()
            if rnd in fail_rounds:
                with pytest.raises(Boom), transaction.atomic():
                    registry.register_case(diary, actor=users[k], title=f"Rullas tillbaka {k}/{rnd}")
                    raise Boom
                continue
            party = PartyInput(kind="person", personal_number=personnummer(k * 1000 + rnd), first_name="Test", last_name=f"Person{k}-{rnd}")
            register(Registration(diary=diary, new_case_title=f"Ärende {k}/{rnd}", document_title="Ansökan", parties=[(party, "sokande")]), actor=users[k])
            done += 1
        assert done == per_thread

    run_in_threads(threads, work)

    numbers = sorted(Case.objects.filter(diary=diary).values_list("number", flat=True))
    assert numbers == list(range(1, total + 1)), f"gaps or duplicates: {[n for n, c in Counter(numbers).items() if c > 1]}"
    series = NumberSeries.objects.get(diary=diary, kind=NumberSeries.Kind.CASE)
    assert series.last_number == total
    assert Case.objects.values("reference").distinct().count() == total
    assert Document.objects.filter(diary=diary).count() == total
    assert set(Document.objects.values_list("number", flat=True)) == {1}
    # Every case: events 1..n (registered, party added, document registered).
    per_case = Counter(CaseEvent.objects.values_list("case_id", flat=True))
    assert set(per_case.values()) == {3}
    assert CaseEvent.objects.filter(type="case.registered").count() == total
    return diary


def parallel_documents(threads: int = THREADS, per_thread: int = 10):
    """Documents registered at once into one case and, without a case, into the diary's
    postlista series; some crash after taking their number."""
    diary = DiaryFactory(prefix="KS")
    users = [user_with_role(diary, Role.REGISTRATOR) for _ in range(threads)]
    case = registry.register_case(diary, actor=users[0], title="Stort ärende")

    def work(k: int, barrier: threading.Barrier):
        for rnd in range(per_thread + 2):
            barrier.wait()
            fail = rnd in (1, per_thread)
            loose = (k + rnd) % 2 == 0
            try:
                with transaction.atomic():
                    registry.register_document(
                        actor=users[k],
                        case=None if loose else case,
                        diary=diary if loose else None,
                        direction=Document.Direction.INCOMING,
                        title=f"Handling {k}/{rnd}",
                    )
                    if fail:
                        raise Boom
            except Boom:
                pass

    run_in_threads(threads, work)

    in_case = sorted(Document.objects.filter(case=case).values_list("number", flat=True))
    loose = sorted(Document.objects.filter(diary=diary, case__isnull=True).values_list("number", flat=True))
    assert len(in_case) + len(loose) == threads * per_thread
    assert in_case == list(range(1, len(in_case) + 1))
    assert loose == list(range(1, len(loose) + 1))
    case.refresh_from_db()
    assert case.last_document_number == len(in_case)
    assert NumberSeries.objects.get(diary=diary, kind=NumberSeries.Kind.DOCUMENT).last_number == len(loose)
    sequence = sorted(CaseEvent.objects.filter(case=case).values_list("sequence", flat=True))
    assert sequence == list(range(1, len(in_case) + 2)) and case.event_sequence == len(in_case) + 1


def require(vendor: str):
    if connection.vendor != vendor:
        pytest.skip(f"needs {vendor}; this run uses {connection.vendor} (set KNUTPUNKT_TEST_DATABASE_URL=postgres://… to run it)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_case_registrations_on_postgresql():
    require("postgresql")
    parallel_case_registrations()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_documents_on_postgresql():
    require("postgresql")
    parallel_documents()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_counter_is_not_taken_outside_a_transaction():
    require("postgresql")
    from knutpunkt.registry import numbering

    with pytest.raises(RuntimeError):
        numbering.take_next_number(DiaryFactory(), 2026)


def test_personnummer_helper_gives_valid_numbers():
    from knutpunkt.registry.identity import normalise_personal_number

    for i in (0, 1, 998, 999, 5000, 27000):
        assert normalise_personal_number(personnummer(i)) == personnummer(i)


def parallel_first_registrations_of_one_person(threads: int = 6):
    """Several registrations at once name the same person, new to the authority: one
    party, not one each (intake locks the identity number on PostgreSQL)."""
    from knutpunkt.registry.models import Party

    diary = DiaryFactory(prefix="KS")
    users = [user_with_role(diary, Role.REGISTRATOR) for _ in range(threads)]

    def work(k: int, barrier: threading.Barrier):
        one = PartyInput(kind="person", personal_number=personnummer(42), first_name="Samma", last_name="Person")
        other = PartyInput(kind="person", personal_number=personnummer(43), first_name="Andra", last_name="Personen")
        # Half name them in the other order: the locks must not deadlock crosswise.
        parties = [(one, "sokande"), (other, "ombud")] if k % 2 else [(other, "ombud"), (one, "sokande")]
        barrier.wait()
        register(Registration(diary=diary, new_case_title=f"Ärende {k}", parties=parties), actor=users[k])

    run_in_threads(threads, work)
    assert Case.objects.filter(diary=diary).count() == threads
    assert Party.objects.filter(personal_number=personnummer(43)).count() == 1
    return Party.objects.filter(personal_number=personnummer(42)).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_first_registrations_of_one_person_make_one_party_on_postgresql():
    require("postgresql")
    assert parallel_first_registrations_of_one_person() == 1
