"""Diary numbers: gap-free, never reused, per diary, year and kind.

The counter is advanced with an UPDATE inside the caller's transaction. On PostgreSQL
the UPDATE locks the series row until commit, so a concurrent registration waits and
then sees the new value; on SQLite the IMMEDIATE transaction holds the database write
lock. If the registration rolls back, so does the counter: no gap, no duplicate.
"""

from django.db import transaction
from django.db.models import F

from knutpunkt.organisations.models import Diary, NumberSeries


def take_next_number(diary: Diary, year: int, kind: str = NumberSeries.Kind.CASE) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next_number must run inside the registering transaction")
    updated = NumberSeries.objects.filter(diary=diary, year=year, kind=kind).update(last_number=F("last_number") + 1)
    if not updated:
        NumberSeries.objects.bulk_create(
            [NumberSeries(diary=diary, year=year, kind=kind, last_number=0)], ignore_conflicts=True
        )
        NumberSeries.objects.filter(diary=diary, year=year, kind=kind).update(last_number=F("last_number") + 1)
    return NumberSeries.objects.filter(diary=diary, year=year, kind=kind).values_list("last_number", flat=True).get()


def case_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix} {year}/{number}"


def document_reference(case_ref: str, number: int) -> str:
    return f"{case_ref}-{number}"


def loose_document_reference(prefix: str, year: int, number: int) -> str:
    """A document kept without a case: its own series, marked H (handling)."""
    return f"{prefix} {year}/H{number}"
