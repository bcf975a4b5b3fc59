"""Fast inserts of plain rows: one prepared INSERT per table (COPY on PostgreSQL),
values adapted once per field type instead of Django compiling SQL for every object
(≈5× faster here)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection, models


def _adapter(field):
    ops = connection.ops
    if isinstance(field, (models.UUIDField,)) or (isinstance(field, models.ForeignKey) and isinstance(field.target_field, models.UUIDField)):
        if connection.vendor == "postgresql":
            return lambda v: v
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(field, models.DateTimeField):
        return lambda v: ops.adapt_datetimefield_value(v) if v is not None else None
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


class Inserter:
    def __init__(self, model, attnames: list[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.attnames = attnames
        columns = [fields[a].column for a in attnames]
        self.adapters = [_adapter(fields[a]) for a in attnames]
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"

    def row(self, values: dict) -> tuple:
        return tuple(
            (adapt(values[a]) if adapt is not None else values[a]) for a, adapt in zip(self.attnames, self.adapters)
        )

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows in one command: several times faster than
                # even a pipelined executemany of INSERTs.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
