"""The access policy: the one module that decides who sees what (DESIGN.md principle 1).

Every read of case and document data asks here, in one of two forms of the same rule:
- `case_filter` / `document_filter` (and `field_filter`) give a Q for the database, so
  lists, searches and counts are filtered in the query itself and stay fast at
  millions of rows;
- `case_view` / `document_view` (and `case_visibility` …) answer for one loaded object.
Both are compiled from the same predicates (access/predicates.py), so they agree.

The rules (docs/secrecy.md explains them for registrators):

1. Hidden unless the reader holds a role in the object's diary (directly or through
   its authority). An authority is a secrecy boundary: a role elsewhere gives nothing.
   A global administrator sees everything (and every such read is audited).
2. Full for registrators and handläggare of the diary — unless the object is
   restricted ("begränsad åtkomst"): then full only for the case's handläggare, the
   diary's registrators and members of the object's access groups.
3. Full for other readers of the diary (läsare, arkivarie) only when nothing is secret,
   the object is not restricted and its personal data is not "skyddad".
4. Whoever does not get full sees the object masked: reference, dates, the title (or
   the offentlig rubrik when the title is secret) — and of description, parties and
   files only what is neither secret nor restricted (parties also not "skyddad").
5. A party with skyddad identitet shows as "Skyddad identitet" to everyone without the
   explicit right in that diary (RoleAssignment.protected_identity_access).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from django.db.models import Q

from knutpunkt.organisations.models import Diary, Role, RoleAssignment

from .predicates import ALWAYS, NEVER, Eq, In, InGroups, Predicate

READ_ROLES = frozenset(Role.values)
REGISTER_ROLES = frozenset({Role.REGISTRATOR, Role.HANDLAGGARE})
EDIT_ROLES = frozenset({Role.REGISTRATOR, Role.HANDLAGGARE})
CASEWORKER_ROLES = frozenset({Role.REGISTRATOR, Role.HANDLAGGARE})
VOID_ROLES = frozenset({Role.REGISTRATOR})
MARK_ROLES = frozenset({Role.REGISTRATOR, Role.HANDLAGGARE})

PROTECTED_IDENTITY_LABEL = "Skyddad identitet"
PERSONAL_DATA_PROTECTED = "skyddad"


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
    group_ids: frozenset[int] = frozenset()
    protected_identity_diaries: frozenset[int] = frozenset()

    def diaries_with(self, roles: frozenset[str]) -> frozenset[int]:
        return frozenset(d for d, held in self.diary_roles.items() if held & roles)

    @property
    def readable_diary_ids(self) -> frozenset[int]:
        return self.diaries_with(READ_ROLES)

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
    protected: set[int] = set()
    authority_roles: dict[int, set[str]] = {}
    authority_protected: set[int] = set()
    assignments = RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "diary_id", "authority_id", "protected_identity_access"
    )
    for role, diary_id, authority_id, pi_access in assignments:
        if diary_id:
            roles.setdefault(diary_id, set()).add(role)
            if pi_access:
                protected.add(diary_id)
        else:
            authority_roles.setdefault(authority_id, set()).add(role)
            if pi_access:
                authority_protected.add(authority_id)
    if authority_roles:
        for diary_id, authority_id in Diary.objects.filter(authority_id__in=authority_roles).values_list("id", "authority_id"):
            roles.setdefault(diary_id, set()).update(authority_roles[authority_id])
            if authority_id in authority_protected:
                protected.add(diary_id)
    from .models import AccessGroup

    groups = frozenset(AccessGroup.objects.filter(members=user.pk, active=True).values_list("pk", flat=True))
    reader = Reader(
        user_id=user.pk,
        is_global_admin=bool(user.is_global_admin or user.is_superuser),
        diary_roles={d: frozenset(r) for d, r in roles.items()},
        group_ids=groups,
        protected_identity_diaries=frozenset(protected),
    )
    setattr(user, _CACHE_ATTR, reader)
    return reader


def forget(user) -> None:
    """Drop the cached Reader (after roles or groups change within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _as_reader(who) -> Reader:
    return who if isinstance(who, Reader) else reader_for(who)


# --- the rules, as predicates ----------------------------------------------------------

_MODELS = {"case": "registry.Case", "document": "registry.Document"}
_OFFICER_PATH = {"case": "officer_id", "document": "case__officer_id"}

_NOTHING_SECRET = (
    Eq("title_secret", False) & Eq("description_secret", False) & Eq("parties_secret", False) & Eq("files_secret", False)
)
_UNRESTRICTED = Eq("restricted", False)
_PERSONAL_DATA_OPEN = ~Eq("personal_data_level", PERSONAL_DATA_PROTECTED)


def _visible(reader: Reader, kind: str) -> Predicate:
    if reader.is_global_admin:
        return ALWAYS
    return In("diary_id", reader.readable_diary_ids)


def _full(reader: Reader, kind: str) -> Predicate:
    if reader.is_global_admin:
        return ALWAYS
    readable = In("diary_id", reader.readable_diary_ids)
    caseworker = In("diary_id", reader.diaries_with(CASEWORKER_ROLES)) & _UNRESTRICTED
    plain = readable & _UNRESTRICTED & _NOTHING_SECRET & _PERSONAL_DATA_OPEN
    insider = (
        Eq(_OFFICER_PATH[kind], reader.user_id)
        | In("diary_id", reader.diaries_with(frozenset({Role.REGISTRATOR})))
        | InGroups(_MODELS[kind], reader.group_ids)
    )
    restricted_insider = readable & Eq("restricted", True) & insider
    return caseworker | plain | restricted_insider


def _field(reader: Reader, kind: str, name: str) -> Predicate:
    """Among visible objects: may the reader see this part?"""
    full = _full(reader, kind)
    if name == "title":
        return full | Eq("title_secret", False)
    if name == "description":
        return full | (Eq("description_secret", False) & _UNRESTRICTED)
    if name == "parties":
        return full | (Eq("parties_secret", False) & _UNRESTRICTED & _PERSONAL_DATA_OPEN)
    if name == "files":
        return full | (Eq("files_secret", False) & _UNRESTRICTED)
    if name == "full":
        return full
    raise ValueError(f"unknown part {name!r}")


# --- reading: database form ------------------------------------------------------------

def case_filter(who, prefix: str = "") -> Q:
    """A Q selecting the cases the reader may see at least masked. `prefix` lets other
    models filter through a relation, e.g. prefix="case__" on deadlines."""
    return _visible(_as_reader(who), "case").q(prefix)


def document_filter(who, prefix: str = "") -> Q:
    return _visible(_as_reader(who), "document").q(prefix)


def field_filter(who, kind: str, part: str, prefix: str = "") -> Q:
    """A Q selecting, among visible objects of `kind` ("case"/"document"), those whose
    `part` ("title", "description", "parties", "files", "full") the reader may see.
    Search uses it so that text is only matched where it may be shown."""
    return _field(_as_reader(who), kind, part).q(prefix)


# --- reading: one object ---------------------------------------------------------------

@dataclass(frozen=True)
class ObjectView:
    """The policy's answer for one (reader, object), field by field."""

    level: Visibility
    title: bool = False
    description: bool = False
    parties: bool = False
    files: bool = False

    @property
    def hidden(self) -> bool:
        return self.level == Visibility.HIDDEN

    @property
    def full(self) -> bool:
        return self.level == Visibility.FULL


HIDDEN_VIEW = ObjectView(Visibility.HIDDEN)


def _view(reader: Reader, kind: str, obj) -> ObjectView:
    if obj is None or not _visible(reader, kind).test(obj):
        return HIDDEN_VIEW
    if _full(reader, kind).test(obj):
        return ObjectView(Visibility.FULL, True, True, True, True)
    return ObjectView(
        Visibility.MASKED,
        title=_field(reader, kind, "title").test(obj),
        description=_field(reader, kind, "description").test(obj),
        parties=_field(reader, kind, "parties").test(obj),
        files=_field(reader, kind, "files").test(obj),
    )


def case_view(who, case) -> ObjectView:
    return _view(_as_reader(who), "case", case)


def document_view(who, document) -> ObjectView:
    return _view(_as_reader(who), "document", document)


def case_visibility(who, case) -> Visibility:
    return case_view(who, case).level


def document_visibility(who, document) -> Visibility:
    return document_view(who, document).level


def shown_title(obj, view: ObjectView) -> str:
    """The title as this reader may see it: the real one, or the offentlig rubrik."""
    if view.title:
        return obj.title
    return obj.public_title or "Sekretessbelagd rubrik"


def file_visibility(who, document, file=None) -> Visibility:
    """Files are content: the document's files part must be visible, and a file marked
    secret on its own needs a full view of the document."""
    view = document_view(who, document)
    if not view.files:
        return Visibility.HIDDEN
    if file is not None and getattr(file, "is_secret", False) and not view.full:
        return Visibility.HIDDEN
    return Visibility.FULL


def may_see_protected_identity(who, diary_id: int) -> bool:
    return diary_id in _as_reader(who).protected_identity_diaries


def party_name(who, party, diary_id: int) -> str:
    """How a party's name is shown to this reader in this diary."""
    if party.is_protected_identity and not may_see_protected_identity(who, diary_id):
        return PROTECTED_IDENTITY_LABEL
    return party.display_name


# --- acting ----------------------------------------------------------------------------

def may_register_in(who, diary) -> bool:
    reader = _as_reader(who)
    return reader.is_global_admin or reader.has_role(diary.pk, REGISTER_ROLES)


def may_edit_case(who, case) -> bool:
    reader = _as_reader(who)
    if reader.is_global_admin:
        return True
    return reader.has_role(case.diary_id, EDIT_ROLES) and case_view(reader, case).full


def may_edit_document(who, document) -> bool:
    reader = _as_reader(who)
    if reader.is_global_admin:
        return True
    return reader.has_role(document.diary_id, EDIT_ROLES) and document_view(reader, document).full


def may_void(who, diary_id: int) -> bool:
    reader = _as_reader(who)
    return reader.is_global_admin or reader.has_role(diary_id, VOID_ROLES)


def may_mark(who, obj) -> bool:
    """Setting or changing a secrecy marking, restriction or personal-data level."""
    reader = _as_reader(who)
    if reader.is_global_admin:
        return True
    kind = "document" if hasattr(obj, "direction") else "case"
    return reader.has_role(obj.diary_id, MARK_ROLES) and _view(reader, kind, obj).full


def registrable_diary_ids(who) -> frozenset[int] | None:
    """Diaries the reader may register in; None means all (global administrator)."""
    reader = _as_reader(who)
    if reader.is_global_admin:
        return None
    return reader.diaries_with(REGISTER_ROLES)


def readable_diaries(who):
    reader = _as_reader(who)
    qs = Diary.objects.select_related("authority")
    if reader.is_global_admin:
        return qs
    return qs.filter(pk__in=sorted(reader.readable_diary_ids))


__all__ = [
    "ANONYMOUS", "NEVER", "ObjectView", "Reader", "Visibility", "case_filter", "case_view", "case_visibility",
    "document_filter", "document_view", "document_visibility", "field_filter", "file_visibility", "forget",
    "may_edit_case", "may_edit_document", "may_mark", "may_register_in", "may_see_protected_identity", "may_void",
    "party_name", "readable_diaries", "reader_for", "registrable_diary_ids", "shown_title",
]
