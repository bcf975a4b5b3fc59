"""Tiny predicates that compile both to a database filter (Q) and to a Python test.

The access policy writes each rule once with these, so the answer a list gets from the
database and the answer a page gets for one loaded object cannot drift apart.
Field paths use Django's `__` syntax; `test` follows them with getattr.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.lookups import In as InLookup


def _resolve(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


class Predicate:
    def q(self, prefix: str = "") -> Q:
        raise NotImplementedError

    def test(self, obj) -> bool:
        raise NotImplementedError

    def __and__(self, other: Predicate) -> Predicate:
        return And((self, other))

    def __or__(self, other: Predicate) -> Predicate:
        return Or((self, other))

    def __invert__(self) -> Predicate:
        return Not(self)


@dataclass(frozen=True)
class Const(Predicate):
    value: bool

    def q(self, prefix=""):
        return Q() if self.value else Q(pk__in=[])

    def test(self, obj):
        return self.value


ALWAYS = Const(True)
NEVER = Const(False)


@dataclass(frozen=True)
class Eq(Predicate):
    path: str
    value: object

    def q(self, prefix=""):
        return Q(**{f"{prefix}{self.path}": self.value})

    def test(self, obj):
        return _resolve(obj, self.path) == self.value


@dataclass(frozen=True)
class In(Predicate):
    path: str
    values: frozenset

    def q(self, prefix=""):
        if not self.values:
            return Q(pk__in=[])
        if len(self.values) > 1 and connection.vendor == "sqlite":
            # `diary_id + 0 IN (…)`: SQLite otherwise answers "the newest 50 cases in my
            # diaries" by looking up every case of each diary and sorting them all
            # (1 s at a million cases for a läsare of two diaries); without an index on
            # the expression it walks the newest-first index and stops after 50 (36 ms).
            # One diary keeps the plain form, whose index serves it in order already.
            # PostgreSQL plans the plain IN well. benchmarks/access.py.
            return Q(InLookup(F(f"{prefix}{self.path}") + Value(0), sorted(self.values)))
        return Q(**{f"{prefix}{self.path}__in": sorted(self.values)})

    def test(self, obj):
        return _resolve(obj, self.path) in self.values


@dataclass(frozen=True)
class InGroups(Predicate):
    """The object's access groups (an M2M on the model) share one of `group_ids`.

    Compiled to a subquery on the through table, so a row never appears twice."""

    model: str  # "registry.Case"
    group_ids: frozenset

    def q(self, prefix=""):
        if not self.group_ids:
            return Q(pk__in=[])
        through = apps.get_model(self.model).access_groups.through
        owner = apps.get_model(self.model)._meta.model_name
        ids = through.objects.filter(accessgroup_id__in=sorted(self.group_ids)).values(f"{owner}_id")
        return Q(**{f"{prefix}pk__in": ids})

    def test(self, obj):
        if not self.group_ids or obj is None:
            return False
        return any(g.pk in self.group_ids for g in obj.access_groups.all())


@dataclass(frozen=True)
class And(Predicate):
    parts: tuple

    def q(self, prefix=""):
        if any(isinstance(p, Const) and not p.value for p in self.parts):
            return NEVER.q(prefix)
        result = Q()
        for p in self.parts:
            if not (isinstance(p, Const) and p.value):
                result &= p.q(prefix)
        return result

    def test(self, obj):
        return all(p.test(obj) for p in self.parts)


@dataclass(frozen=True)
class Or(Predicate):
    parts: tuple

    def q(self, prefix=""):
        if any(isinstance(p, Const) and p.value for p in self.parts):
            return Q()
        live = [p for p in self.parts if not isinstance(p, Const)]
        if not live:
            return NEVER.q(prefix)
        result = live[0].q(prefix)
        for p in live[1:]:
            result |= p.q(prefix)
        return result

    def test(self, obj):
        return any(p.test(obj) for p in self.parts)


@dataclass(frozen=True)
class Not(Predicate):
    part: Predicate

    def q(self, prefix=""):
        if isinstance(self.part, Const):
            return Const(not self.part.value).q(prefix)
        return ~self.part.q(prefix)

    def test(self, obj):
        return not self.part.test(obj)
