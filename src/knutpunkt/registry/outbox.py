"""The outbox's delivery: after a transaction that wrote events commits, a background
task hands the new events to core.events subscribers and marks them dispatched."""

from django.db import transaction

from knutpunkt.core import clock
from knutpunkt.core import events as core_events

from .models import CaseEvent

BATCH = 500
MAX_ATTEMPTS = 10


def schedule_dispatch() -> None:
    """Enqueue one dispatch task when the current transaction commits, however many
    events it wrote."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(getattr(item[1], "_knutpunkt_outbox", False) for item in conn.run_on_commit):
        return

    def enqueue():
        from .tasks import dispatch_events

        if not _dispatch_already_waiting(dispatch_events):
            dispatch_events.enqueue()

    enqueue._knutpunkt_outbox = True
    if conn.in_atomic_block:
        transaction.on_commit(enqueue)
    else:
        enqueue()


def _dispatch_already_waiting(task) -> bool:
    """Is a dispatch task already queued and not yet started (database task queue)?

    Then it will deliver our events too: we look after our commit, and a waiting task
    reads the outbox only after a worker has claimed it. Without this every
    registration queued its own task, and at a few hundred registrations a second the
    worker spent its time on tasks that found nothing left to do (and, on SQLite,
    competed with registrations for the write lock)."""
    from django_tasks.base import TaskResultStatus

    try:
        from django_tasks_db import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another task backend
        return False
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=task.module_path, queue_name=task.queue_name, backend_name=backend.alias
    ).exists()


def _deliver(event) -> list[str]:
    """core.events.deliver, but each subscriber in its own savepoint: on PostgreSQL one
    failed statement aborts the whole transaction, so a subscriber's bad SQL would
    otherwise fail the other subscribers and the marking of the whole batch — and the
    same event would stop the outbox again on every retry."""
    errors = []
    for handler in core_events.handlers_for(event.type):
        try:
            with transaction.atomic():
                handler(event)
        except Exception as exc:  # noqa: BLE001 - a subscriber must not stop the others
            core_events.log.exception("event handler %s failed for %s", handler, event.pk)
            errors.append(f"{getattr(handler, '__name__', handler)}: {exc}")
    return errors


def dispatch_pending(limit: int = BATCH) -> int:
    """Deliver up to `limit` undispatched events, oldest first. Returns how many."""
    done = 0
    with transaction.atomic():
        qs = CaseEvent.objects.filter(dispatched_at__isnull=True, dispatch_attempts__lt=MAX_ATTEMPTS).order_by("occurred_at")
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        for event in qs[:limit]:
            errors = _deliver(event)
            if errors:
                event.dispatch_attempts += 1
                event.dispatch_error = "\n".join(errors)[:4000]
                event.save(update_fields=["dispatch_attempts", "dispatch_error"])
            else:
                event.dispatched_at = clock.now()
                event.save(update_fields=["dispatched_at"])
                done += 1
    return done
