"""Writing case events. Only services call this, inside their transaction."""

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Model

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
        sequence = next_event_sequence(case)
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


def next_event_sequence(case: Case) -> int:
    """Advance the case's event counter and read it — in one statement (UPDATE …
    RETURNING) where the database has it. The UPDATE locks the case row until commit,
    which also serialises concurrent writers to the same case."""
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    table, column = qn(Case._meta.db_table), qn("event_sequence")
    params = [Case._meta.pk.get_db_prep_value(case.pk, connection)]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:  # PostgreSQL, SQLite ≥ 3.35
            cursor.execute(f"UPDATE {table} SET {column} = {column} + 1 WHERE {qn('id')} = %s RETURNING {column}", params)
        else:
            cursor.execute(f"UPDATE {table} SET {column} = {column} + 1 WHERE {qn('id')} = %s", params)
            cursor.execute(f"SELECT {column} FROM {table} WHERE {qn('id')} = %s", params)
        row = cursor.fetchone()
    if row is None:
        raise Case.DoesNotExist(f"Ärendet {case.pk} finns inte.")
    return row[0]


def changes_between(obj, new_values: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs, ready for an event."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [jsonable(old), jsonable(new)]
    return changes
