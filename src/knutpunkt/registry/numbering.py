"""Diary numbers: gap-free, never reused, per diary, year and kind.

The counter is advanced with an UPDATE inside the caller's transaction. On PostgreSQL
the UPDATE locks the series row until commit, so a concurrent registration waits and
then sees the new value; on SQLite the IMMEDIATE transaction holds the database write
lock. If the registration rolls back, so does the counter: no gap, no duplicate.
"""

from django.db import transaction

from knutpunkt.organisations.models import Diary, NumberSeries


def take_next_number(diary: Diary, year: int, kind: str = NumberSeries.Kind.CASE) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next_number must run inside the registering transaction")
    number = _increment(diary.pk, year, kind)
    if number is None:
        # The year's first registration: create the row (a concurrent first one may win
        # the insert; ours then waits on its row lock and counts on from its value).
        NumberSeries.objects.bulk_create(
            [NumberSeries(diary=diary, year=year, kind=kind, last_number=0)], ignore_conflicts=True
        )
        number = _increment(diary.pk, year, kind)
    return number


def _increment(diary_id: int, year: int, kind: str) -> int | None:
    """Advance the counter and read the new value — in one statement (UPDATE …
    RETURNING) where the database has it: the row stays locked by our transaction, and
    a registration costs one round trip here instead of two."""
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    where = f"WHERE {qn('diary_id')} = %s AND {qn('year')} = %s AND {qn('kind')} = %s"
    table, column, params = qn(NumberSeries._meta.db_table), qn("last_number"), [diary_id, year, str(kind)]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:  # PostgreSQL, SQLite ≥ 3.35
            cursor.execute(f"UPDATE {table} SET {column} = {column} + 1 {where} RETURNING {column}", params)
            row = cursor.fetchone()
        else:
            cursor.execute(f"UPDATE {table} SET {column} = {column} + 1 {where}", params)
            if not cursor.rowcount:
                return None
            cursor.execute(f"SELECT {column} FROM {table} {where}", params)
            row = cursor.fetchone()
    return row[0] if row else None


def case_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix} {year}/{number}"


def document_reference(case_ref: str, number: int) -> str:
    return f"{case_ref}-{number}"


def loose_document_reference(prefix: str, year: int, number: int) -> str:
    """A document kept without a case: its own series, marked H (handling)."""
    return f"{prefix} {year}/H{number}"
