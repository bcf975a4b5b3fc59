"""The outbox (DESIGN.md principle 3): events are written in the registering
transaction with a per-case gap-free sequence; after commit one dispatch task hands
them to the core.events subscribers and marks them dispatched."""

from unittest import mock

import pytest
from django.db import transaction

from knutpunkt.core import events as core_events
from knutpunkt.registry import outbox, services
from knutpunkt.registry.models import CaseEvent, Document
from knutpunkt.registry.tasks import dispatch_events

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def subscribers(monkeypatch):
    """Only this test's subscribers (other apps' are set aside for the test)."""
    monkeypatch.setattr(core_events, "_handlers", [])
    return core_events


@pytest.fixture
def enqueued():
    """The dispatch tasks enqueued during the test (the immediate backend runs them)."""
    from django_tasks.signals import task_enqueued

    results = []

    def receiver(sender, task_result, **kwargs):
        if task_result.task.name == dispatch_events.name:
            results.append(task_result)

    task_enqueued.connect(receiver, weak=False)
    yield results
    task_enqueued.disconnect(receiver)


def test_events_get_a_gap_free_sequence_per_case(diary, registrator):
    a = services.register_case(diary, actor=registrator, title="A")
    b = services.register_case(diary, actor=registrator, title="B")
    services.register_document(actor=registrator, case=a, direction=Document.Direction.INCOMING, title="1")
    services.register_document(actor=registrator, case=b, direction=Document.Direction.INCOMING, title="1")
    services.update_case(a, actor=registrator, reason="Stavfel", title="A2")
    with pytest.raises(Boom), transaction.atomic():
        services.close_case(a, actor=registrator, reason="")
        raise Boom
    services.close_case(a, actor=registrator)
    a.refresh_from_db()
    assert list(a.events.order_by("sequence").values_list("sequence", "type")) == [
        (1, "case.registered"), (2, "document.registered"), (3, "case.updated"), (4, "case.closed"),
    ]
    assert a.event_sequence == 4
    assert list(b.events.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
    event = a.events.get(sequence=2)
    assert event.data["case_reference"] == a.reference and event.data["main_case_reference"] == a.reference
    assert event.data["document_reference"] == f"{a.reference}-1"


def test_main_case_reference_is_carried(diary, registrator):
    main = services.register_case(diary, actor=registrator, title="Huvudärende")
    sub = services.register_case(diary, actor=registrator, title="Delärende", main_case=main)
    event = sub.events.get()
    assert event.data["case_reference"] == sub.reference and event.data["main_case_reference"] == main.reference


def test_after_commit_the_task_dispatches_and_marks_events(diary, registrator, subscribers, enqueued, django_capture_on_commit_callbacks):
    seen = []
    subscribers.subscribe("case.", lambda e: seen.append(("case", e.type, e.sequence)))
    subscribers.subscribe("", lambda e: seen.append(("all", e.type, e.sequence)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = services.register_case(diary, actor=registrator, title="Ärende")
    # Nothing is delivered or enqueued before commit ...
    assert seen == [] and enqueued == [] and case.events.get().dispatched_at is None
    # ... then the task runs and marks the event.
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(enqueued) == 1 and enqueued[0].status == "SUCCESSFUL" and enqueued[0].return_value == 1
    assert sorted(seen) == [("all", "case.registered", 1), ("case", "case.registered", 1)]
    event = case.events.get()
    assert event.dispatched_at is not None and (event.dispatch_attempts, event.dispatch_error) == (0, "")


@pytest.mark.django_db(transaction=True)
def test_each_commit_dispatches_its_events(subscribers, enqueued):
    """With real commits: every registering transaction enqueues one task."""
    from tests.factories import DiaryFactory, user_with_role

    seen = []
    subscribers.subscribe("", lambda e: seen.append(e.type))
    diary = DiaryFactory(prefix="KS")
    user = user_with_role(diary)
    case = services.register_case(diary, actor=user, title="Ärende")
    services.register_document(actor=user, case=case, direction=Document.Direction.INCOMING, title="Ansökan")
    assert len(enqueued) == 2
    assert seen == ["case.registered", "document.registered"]
    assert not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_one_task_per_transaction(diary, registrator, subscribers, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            case = services.register_case(diary, actor=registrator, title="Ärende")
            for n in range(3):
                services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title=f"{n}")
    assert CaseEvent.objects.filter(case=case).count() == 4
    assert len(callbacks) == 1 and len(enqueued) == 1
    assert not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_a_failing_subscriber_leaves_the_event_for_retry_and_others_still_run(diary, registrator, subscribers, django_capture_on_commit_callbacks):
    seen = []

    def flaky(event):
        if event.type == "document.registered":
            raise RuntimeError("sökindexet svarar inte")

    subscribers.subscribe("", flaky)
    subscribers.subscribe("", lambda e: seen.append(e.type))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            case = services.register_case(diary, actor=registrator, title="Ärende")
            services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan")
    registered, document_registered = case.events.order_by("sequence")
    assert registered.dispatched_at is not None and registered.dispatch_attempts == 0
    assert document_registered.dispatched_at is None and document_registered.dispatch_attempts == 1
    assert "flaky: sökindexet svarar inte" in document_registered.dispatch_error
    assert seen == ["case.registered", "document.registered"]
    # The next run retries it (and only it); once the subscriber recovers it is marked.
    assert outbox.dispatch_pending() == 0
    document_registered.refresh_from_db()
    assert document_registered.dispatch_attempts == 2 and seen[-1] == "document.registered" and len(seen) == 3
    subscribers._handlers.remove(("", flaky))
    assert outbox.dispatch_pending() == 1
    document_registered.refresh_from_db()
    assert document_registered.dispatched_at is not None


def test_an_event_is_given_up_after_max_attempts(diary, registrator, subscribers):
    subscribers.subscribe("", mock.Mock(side_effect=RuntimeError("nere"), __name__="nere"))
    case = services.register_case(diary, actor=registrator, title="Ärende")
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        outbox.dispatch_pending()
    event = case.events.get()
    assert event.dispatch_attempts == outbox.MAX_ATTEMPTS and event.dispatched_at is None


def test_a_subscriber_whose_sql_fails_does_not_poison_the_batch(diary, registrator, subscribers):
    """On PostgreSQL a failed statement aborts the whole transaction; a subscriber's
    bad SQL must not stop the other events of the batch from being marked."""
    from django.db import connection

    def bad_sql(event):
        if event.sequence == 1 and event.case.title == "Första":
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_here")

    subscribers.subscribe("", bad_sql)
    first = services.register_case(diary, actor=registrator, title="Första")
    second = services.register_case(diary, actor=registrator, title="Andra")
    assert outbox.dispatch_pending() == 1
    assert second.events.get().dispatched_at is not None
    failed = first.events.get()
    assert failed.dispatched_at is None and failed.dispatch_attempts == 1 and "no_such_table_here" in failed.dispatch_error


def test_rolled_back_transaction_writes_no_event_and_enqueues_nothing(diary, registrator, subscribers, enqueued, django_capture_on_commit_callbacks):
    seen = []
    subscribers.subscribe("", seen.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            case = services.register_case(diary, actor=registrator, title="Ärende")
            services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan")
            raise Boom
    assert CaseEvent.objects.count() == 0
    assert callbacks == [] and len(enqueued) == 0 and seen == []


def test_rolled_back_inner_part_keeps_the_outer_events_dispatch(diary, registrator, subscribers, enqueued, django_capture_on_commit_callbacks):
    """The enqueue of a rolled-back savepoint is dropped with it; a later event of the
    surrounding transaction must still enqueue one."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            with pytest.raises(Boom), transaction.atomic():
                services.register_case(diary, actor=registrator, title="Rullas tillbaka")
                raise Boom
            case = services.register_case(diary, actor=registrator, title="Blir kvar")
    assert len(callbacks) == 1 and len(enqueued) == 1
    assert case.events.get().dispatched_at is not None


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_dispatch_is_enqueued_at_once(subscribers, enqueued):
    outbox.schedule_dispatch()
    assert len(enqueued) == 1


def test_the_task_delivers_more_than_one_batch(diary, registrator, subscribers, monkeypatch):
    seen = []
    subscribers.subscribe("", seen.append)
    monkeypatch.setattr(outbox, "BATCH", 2)
    case = services.register_case(diary, actor=registrator, title="Ärende")
    for n in range(4):
        services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title=f"{n}")
    assert dispatch_events.call() == 5
    assert len(seen) == 5 and not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.fixture
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_one_waiting_dispatch_task_serves_many_commits(database_task_queue, subscribers):
    """With the database task queue, a commit does not queue a second dispatch task
    while one is still waiting: that one will deliver its events too."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from tests.factories import DiaryFactory, user_with_role

    seen = []
    subscribers.subscribe("", lambda e: seen.append(e.type))
    diary = DiaryFactory(prefix="KS")
    user = user_with_role(diary)
    for n in range(3):
        services.register_case(diary, actor=user, title=f"Ärende {n}")
    assert DBTaskResult.objects.count() == 1 and seen == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert seen == ["case.registered"] * 3
    assert not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()
    # Once that task has run, the next commit queues a new one.
    services.register_case(diary, actor=user, title="Ärende 4")
    assert DBTaskResult.objects.filter(status="READY").count() == 1 and DBTaskResult.objects.count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(seen) == 4
