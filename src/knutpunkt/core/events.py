"""The outbox's dispatch side.

State changes write their event rows inside the same transaction (see
registry.services). After commit a background task hands each new event to the
handlers registered here — search indexing, the hub, webhooks — so a slow or failing
subscriber never blocks or undoes a registration.
"""

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[Any], None]
_handlers: list[tuple[str, Handler]] = []


def subscribe(prefix: str, handler: Handler) -> None:
    """Call handler(event) for every event whose type starts with prefix ("" = all)."""
    if (prefix, handler) not in _handlers:
        _handlers.append((prefix, handler))


def handlers_for(event_type: str) -> list[Handler]:
    return [h for p, h in _handlers if event_type.startswith(p)]


def deliver(event) -> list[str]:
    """Run every handler for one event; return the errors (a handler failing is logged,
    the others still run, and the event is retried later)."""
    errors = []
    for handler in handlers_for(event.type):
        try:
            handler(event)
        except Exception as exc:  # noqa: BLE001 - a subscriber must not stop the others
            log.exception("event handler %s failed for %s", handler, event.pk)
            errors.append(f"{getattr(handler, '__name__', handler)}: {exc}")
    return errors
