"""Writing case events. Only services call this, inside their transaction."""

import datetime as dt
import uuid
from decimal import Decimal

from django.db.models import F, Model

from knutpunkt.core import clock

from . import outbox
from .models import Case, CaseEvent, Document


def jsonable(value):
    """A value as it should stand in an event's data: ids for rows, ISO 8601 for dates."""
    if isinstance(value, Model):
        return {"id": str(value.pk), "text": str(value)}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    return value


def record_event(
    type: str,
    *,
    actor,
    case: Case | None = None,
    document: Document | None = None,
    data: dict | None = None,
    reason: str = "",
) -> CaseEvent:
    sequence = None
    payload = {k: jsonable(v) for k, v in (data or {}).items()}
    if case is not None:
        # The per-case sequence is taken by an UPDATE, which also serialises concurrent
        # writers to the same case.
        Case.objects.filter(pk=case.pk).update(event_sequence=F("event_sequence") + 1)
        sequence = Case.objects.filter(pk=case.pk).values_list("event_sequence", flat=True).get()
        case.event_sequence = sequence
        payload.setdefault("case_reference", case.reference)
        main_ref = case.main_case.reference if case.main_case_id else case.reference
        payload.setdefault("main_case_reference", main_ref)
    if document is not None:
        payload.setdefault("document_reference", document.reference)
    outbox.schedule_dispatch()
    return CaseEvent.objects.create(
        type=type,
        case=case,
        document=document,
        sequence=sequence,
        occurred_at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        data=payload,
    )


def changes_between(obj, new_values: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs, ready for an event."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [jsonable(old), jsonable(new)]
    return changes
