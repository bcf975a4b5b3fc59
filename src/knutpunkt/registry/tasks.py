from django_tasks import task

from . import outbox


@task()
def dispatch_events() -> int:
    """Deliver new case events to their subscribers (search index, hub, webhooks)."""
    total = 0
    while True:
        n = outbox.dispatch_pending()
        total += n
        if n < outbox.BATCH:
            return total
