"""The access policy: the one module that decides who sees what (DESIGN.md principle 1).

Every read of case and document data asks here. Two forms of the same answer:
- `case_filter` / `document_filter` give a Q for the database, so lists, searches and
  counts are filtered in the query itself and stay fast at millions of rows;
- `case_visibility` / `document_visibility` answer for one object already loaded.
Both must always agree; tests/access checks that they do.

Today's rule (issue 2): a reader sees the cases and documents of the diaries where
they hold a role (directly or through the diary's authority); a global administrator
sees everything. Secrecy markings, restrictions and protected identities extend the
`_visibility_of` / `_filter` pair below, and MASKED comes into use with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from django.db.models import Q

from knutpunkt.organisations.models import Diary, Role, RoleAssignment

READ_ROLES = frozenset(Role.values)
REGISTER_ROLES = frozenset({Role.REGISTRATOR, Role.HANDLAGGARE})
EDIT_ROLES = frozenset({Role.REGISTRATOR, Role.HANDLAGGARE})
VOID_ROLES = frozenset({Role.REGISTRATOR})


class Visibility(IntEnum):
    HIDDEN = 0
    MASKED = 1  # reference, public title, dates; no names
    FULL = 2


@dataclass(frozen=True)
class Reader:
    """What the policy needs to know about whoever is reading."""

    user_id: int | None
    is_global_admin: bool = False
    diary_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def readable_diary_ids(self) -> frozenset[int]:
        return frozenset(d for d, roles in self.diary_roles.items() if roles & READ_ROLES)

    def has_role(self, diary_id: int, roles: frozenset[str]) -> bool:
        return bool(self.diary_roles.get(diary_id, frozenset()) & roles)


ANONYMOUS = Reader(user_id=None)
_CACHE_ATTR = "_knutpunkt_reader"


def reader_for(user) -> Reader:
    """The Reader for a user, computed once per user object (i.e. per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    assignments = RoleAssignment.objects.filter(user_id=user.pk).values_list("role", "diary_id", "authority_id")
    authority_roles: dict[int, set[str]] = {}
    for role, diary_id, authority_id in assignments:
        if diary_id:
            roles.setdefault(diary_id, set()).add(role)
        else:
            authority_roles.setdefault(authority_id, set()).add(role)
    if authority_roles:
        for diary_id, authority_id in Diary.objects.filter(authority_id__in=authority_roles).values_list("id", "authority_id"):
            roles.setdefault(diary_id, set()).update(authority_roles[authority_id])
    reader = Reader(
        user_id=user.pk,
        is_global_admin=bool(user.is_global_admin or user.is_superuser),
        diary_roles={d: frozenset(r) for d, r in roles.items()},
    )
    setattr(user, _CACHE_ATTR, reader)
    return reader


def forget(user) -> None:
    """Drop the cached Reader (after roles change within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _as_reader(who) -> Reader:
    return who if isinstance(who, Reader) else reader_for(who)


# --- reading -------------------------------------------------------------------------

def case_filter(who, prefix: str = "") -> Q:
    """A Q selecting the cases the reader may see at least masked. `prefix` lets other
    models filter through a relation, e.g. prefix="case__" on documents."""
    reader = _as_reader(who)
    if reader.is_global_admin:
        return Q()
    ids = reader.readable_diary_ids
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{prefix}diary_id__in": sorted(ids)})


def document_filter(who, prefix: str = "") -> Q:
    reader = _as_reader(who)
    if reader.is_global_admin:
        return Q()
    ids = reader.readable_diary_ids
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{prefix}diary_id__in": sorted(ids)})


def case_visibility(who, case) -> Visibility:
    reader = _as_reader(who)
    if reader.is_global_admin or case.diary_id in reader.readable_diary_ids:
        return Visibility.FULL
    return Visibility.HIDDEN


def document_visibility(who, document) -> Visibility:
    reader = _as_reader(who)
    if reader.is_global_admin or document.diary_id in reader.readable_diary_ids:
        return Visibility.FULL
    return Visibility.HIDDEN


def file_visibility(who, document) -> Visibility:
    """Files are content: only a FULL view of the document gives them."""
    return Visibility.FULL if document_visibility(who, document) == Visibility.FULL else Visibility.HIDDEN


# --- acting ----------------------------------------------------------------------------

def may_register_in(who, diary) -> bool:
    reader = _as_reader(who)
    return reader.is_global_admin or reader.has_role(diary.pk, REGISTER_ROLES)


def may_edit_case(who, case) -> bool:
    reader = _as_reader(who)
    return reader.is_global_admin or reader.has_role(case.diary_id, EDIT_ROLES)


def may_edit_document(who, document) -> bool:
    reader = _as_reader(who)
    return reader.is_global_admin or reader.has_role(document.diary_id, EDIT_ROLES)


def may_void(who, diary_id: int) -> bool:
    reader = _as_reader(who)
    return reader.is_global_admin or reader.has_role(diary_id, VOID_ROLES)


def registrable_diary_ids(who) -> frozenset[int] | None:
    """Diaries the reader may register in; None means all (global administrator)."""
    reader = _as_reader(who)
    if reader.is_global_admin:
        return None
    return frozenset(d for d, roles in reader.diary_roles.items() if roles & REGISTER_ROLES)


def readable_diaries(who):
    reader = _as_reader(who)
    qs = Diary.objects.select_related("authority")
    if reader.is_global_admin:
        return qs
    return qs.filter(pk__in=sorted(reader.readable_diary_ids))
