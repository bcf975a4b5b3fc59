"""How a text matches cases: the per-term, per-field composition of the engine's
matches with the access policy's conditions (see search.queries for the rules).

The engine's hits come back to Python once per term (keys with the field groups
they match in); the result is a Q over plain id lists, so it combines with the
policy filter, other filters, counts and ordering in one database query.
"""

from __future__ import annotations

import heapq
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import ForeignKey, Lookup, Q, UUIDField
from django.db.models.expressions import RawSQL

from knutpunkt.access import policy

from .engine import get_engine
from .parsing import ParsedQuery, parse

def _protected_ok(reader: policy.Reader, parties: Q) -> Q | None:
    # Explicit right only, also for global administrators (policy rule 5).
    if not reader.protected_identity_diaries:
        return None
    return parties & Q(diary_id__in=sorted(reader.protected_identity_diaries))


def _merge(groups: list[tuple[Q, list[str]]]) -> list[tuple[Q, list[str]]]:
    """Fields whose visibility condition is the same are matched together (one
    subquery instead of several); for a global administrator most conditions are Q()."""
    merged: list[tuple[Q, list[str]]] = []
    for cond, fields in groups:
        if cond is None:  # the reader may never see these fields
            continue
        for i, (other, other_fields) in enumerate(merged):
            if other == cond:
                merged[i] = (other, other_fields + fields)
                break
        else:
            merged.append((cond, list(fields)))
    return merged


def _case_groups(user, reader) -> list[tuple[Q, list[str]]]:
    parties = policy.field_filter(user, "case", "parties")
    return _merge([
        (Q(), ["reference", "public_title"]),
        (policy.field_filter(user, "case", "title"), ["title"]),
        (policy.field_filter(user, "case", "description"), ["description"]),
        (parties, ["parties"]),
        (_protected_ok(reader, parties), ["protected_parties"]),
    ])


def _document_groups(user, reader) -> list[tuple[Q, list[str]]]:
    parties = policy.field_filter(user, "document", "parties")
    return _merge([
        (Q(), ["reference", "public_title"]),
        (policy.field_filter(user, "document", "title"), ["title"]),
        (parties, ["parties"]),
        (_protected_ok(reader, parties), ["protected_parties"]),
        (policy.field_filter(user, "document", "files"), ["files"]),
        (policy.field_filter(user, "document", "full"), ["secret_files"]),
    ])


PENDING_LIMIT = 2_000  # unindexed cases handled as a literal id list; beyond, as a subquery


def id_list(keys) -> RawSQL:
    """A subquery yielding the given keys (as the database stores them: 32 hex digits
    on SQLite, uuid on PostgreSQL), for `…__in=` over many ids in ONE parameter:
    SQLite allows 32 766 parameters, and PostgreSQL plans `= ANY(array)` well."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [_json_keys(keys)])
    # One text literal: psycopg adapting a list of uuid objects one by one costs more
    # than the query at tens of thousands of ids.
    return RawSQL("SELECT unnest(%s::uuid[])", ["{" + ",".join(map(str, keys)) + "}"])


@UUIDField.register_lookup
@ForeignKey.register_lookup
class IdsIn(Lookup):
    """`pk__kp_ids_in=keys`: the column is one of many ids, given as ONE parameter.

    PostgreSQL gets `= ANY('{…}'::uuid[])` — it knows the array's length, so it looks
    the ids up by key when they are few (an `IN (SELECT unnest(…))` is estimated at 200
    rows and made it scan the reader's diaries instead); SQLite gets `IN (SELECT value
    FROM json_each(…))`, as it allows only 32 766 parameters."""

    lookup_name = "kp_ids_in"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys = self.rhs
        if connection.vendor == "postgresql":
            # One text literal: psycopg adapting a list of uuid objects one by one costs
            # more than the query at tens of thousands of ids.
            return f"{lhs} = ANY(%s::uuid[])", [*lhs_params, "{" + ",".join(map(str, keys)) + "}"]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, _json_keys(keys)]


def _json_keys(keys) -> str:
    keys = list(keys)
    if keys and not isinstance(keys[0], str):  # uuid objects (PostgreSQL's or the ORM's)
        keys = [k.hex if isinstance(k, uuid.UUID) else str(k) for k in keys]
    return json.dumps(keys)


def raw_rows(qs) -> list[tuple]:
    """The rows of a values_list queryset as the database driver returns them (keys
    stay as stored, no per-value conversion: at tens of thousands of rows Django's
    conversion costs more than the query)."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: Django knows there are no rows
        return []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _db_key(key):
    return key.hex if connection.vendor == "sqlite" and isinstance(key, uuid.UUID) else key


@dataclass
class TermHits:
    cases: dict  # case key → bit mask of case groups the term matches in
    documents: dict  # document key → bit mask of document groups
    document_case: dict  # document key → its case key

    def case_keys(self) -> set:
        return set(self.cases) | set(self.document_case.values())


def _term_hits(engine, term: ParsedQuery, case_groups, document_groups) -> TermHits:
    from knutpunkt.registry.models import Document

    cases = engine.hits("cases", term, [fields for _, fields in case_groups]) if case_groups else {}
    documents = engine.hits("documents", term, [fields for _, fields in document_groups]) if document_groups else {}
    document_case = {}
    if documents:
        rows = Document.objects.filter(pk__kp_ids_in=list(documents), case__isnull=False).values_list("pk", "case_id")
        document_case = dict(raw_rows(rows))
    return TermHits(cases, documents, document_case)


def _exact_q(hits: TermHits, candidates: set, case_groups, document_groups, visible_documents: Q) -> Q | None:
    """The cases among `candidates` where the term matches in a part the reader may
    see: per group of fields, the hits in that group AND the group's policy condition
    (on the case, or on the document and then its case). None: no case."""
    from knutpunkt.registry.models import Document

    exact = None
    for i, (cond, _) in enumerate(case_groups):
        bit = 1 << i
        keys = [k for k, mask in hits.cases.items() if mask & bit and k in candidates]
        if keys:
            part = cond & Q(pk__kp_ids_in=keys)
            exact = part if exact is None else exact | part
    documents = None
    for i, (cond, _) in enumerate(document_groups):
        bit = 1 << i
        keys = [d for d, mask in hits.documents.items() if mask & bit and hits.document_case.get(d) in candidates]
        if keys:
            part = cond & Q(pk__kp_ids_in=keys)
            documents = part if documents is None else documents | part
    if documents is not None:
        part = Q(pk__in=Document.objects.filter(visible_documents).filter(documents).order_by().values("case_id"))
        exact = part if exact is None else exact | part
    return exact


def max_candidates() -> int:
    return int(getattr(settings, "KNUTPUNKT_SEARCH_MAX_CANDIDATES", 50_000))


def _indexed_q(user, parsed: ParsedQuery, pending: list | None, truncated: list | None = None) -> Q:
    """The cases where every term matches text the reader may see, by the index.

    The engine is asked once per term and collection (hits with a mask of the field
    groups they match in); the candidate cases — where every term occurs somewhere —
    are intersected here, so the database gets plain id lists: the policy's
    conditions are then checked only on those rows, with a plan that cannot go wrong
    (looking up ids), whatever the words. `pending` cases (not yet indexed) are kept
    as candidates; text_match_q matches them by LIKE.

    Above max_candidates() cases (a short prefix or a very common word at millions of
    cases) only the most recently created ones are kept — keys are UUIDv7, ordered by
    creation — and True is appended to `truncated`: the caller says so."""
    engine = get_engine()
    reader = policy.reader_for(user)
    case_groups, document_groups = _case_groups(user, reader), _document_groups(user, reader)
    visible_documents = policy.document_filter(user)
    per_term, candidates = [], None
    for term in parsed.terms:
        hits = _term_hits(engine, ParsedQuery((term,)), case_groups, document_groups)
        per_term.append(hits)
        keys = hits.case_keys()
        candidates = keys if candidates is None else candidates & keys
    candidates = candidates or set()
    limit = max_candidates()
    if len(candidates) > limit:
        candidates = set(heapq.nlargest(limit, candidates))
        if truncated is not None:
            truncated.append(True)
    pending_keys = {_db_key(k) for k in pending} if pending else set()
    candidates |= pending_keys
    if not candidates and pending is not None:
        return Q(pk__in=[])
    result = Q(pk__kp_ids_in=list(candidates))
    unconditional = all(cond == Q() for cond, _ in case_groups + document_groups) and visible_documents == Q()
    if pending is None:  # too many unindexed cases to list: match them all by LIKE
        result |= Q(pk__in=_pending_case_ids())
    elif unconditional:
        # Every hit is visible to this reader (a global administrator): the
        # candidates are the answer.
        return result
    for hits in per_term:
        exact = _exact_q(hits, candidates, case_groups, document_groups, visible_documents)
        if pending_keys:
            pending_q = Q(pk__kp_ids_in=list(pending_keys))
            exact = pending_q if exact is None else exact | pending_q
        elif pending is None:
            exact = Q(pk__in=_pending_case_ids()) if exact is None else exact | Q(pk__in=_pending_case_ids())
        if exact is None:
            return Q(pk__in=[])
        result &= exact
    return result


def _pending_case_ids():
    from knutpunkt.registry.models import CaseEvent

    return CaseEvent.objects.filter(dispatched_at__isnull=True, case__isnull=False).values("case_id")


def pending_cases() -> list | None:
    """Cases with changes the worker has not indexed yet: normally none or a handful.
    None when there are more than PENDING_LIMIT (the worker is behind)."""
    ids = list(_pending_case_ids().order_by().distinct()[: PENDING_LIMIT + 1].values_list("case_id", flat=True))
    return None if len(ids) > PENDING_LIMIT else ids


def _unindexed_match_q(user, parsed: ParsedQuery, pending) -> Q:
    """LIKE on visible fields, for cases whose changes the worker has not indexed yet:
    a secret title is matched through its offentlig rubrik, a secret description not
    at all, documents by their visible title or offentlig rubrik, parties by name where
    the parties are visible (skyddad identitet only with the right, rule 5).
    (SQLite's LIKE folds only ASCII case: "ärende" misses "Ärende" until indexed.)"""
    from knutpunkt.registry.models import CaseParty, Document

    pending_q = Q(pk__in=pending) if pending is not None else Q(pk__in=_pending_case_ids())
    parties_ok = policy.field_filter(user, "case", "parties")
    protected_ok = _protected_ok(policy.reader_for(user), Q())
    party_rows = CaseParty.objects.filter(case_id__in=pending) if pending is not None else CaseParty.objects.filter(case_id__in=_pending_case_ids())
    may_match = Q(party__is_protected_identity=False)
    if protected_ok is not None:
        may_match |= Q(party__is_protected_identity=True, case__diary_id__in=sorted(policy.reader_for(user).protected_identity_diaries))
    title_ok = policy.field_filter(user, "case", "title")
    description_ok = policy.field_filter(user, "case", "description")
    document_title_ok = policy.field_filter(user, "document", "title")
    documents = Document.objects.filter(policy.document_filter(user))
    documents = documents.filter(case_id__in=pending) if pending is not None else documents.filter(case_id__in=_pending_case_ids())
    result = pending_q
    for term in parsed.terms:
        word = " ".join(term.words)
        doc_ids = documents.filter((Q(title__icontains=word) & document_title_ok) | Q(public_title__icontains=word)).values("case_id")
        names = Q(party__first_name__icontains=word) | Q(party__last_name__icontains=word) | Q(party__organisation_name__icontains=word)
        party_case_ids = party_rows.filter(names & may_match).values("case_id")
        result &= (
            (parties_ok & Q(pk__in=party_case_ids))
            | Q(reference__icontains=word)
            | (Q(title__icontains=word) & title_ok)
            | Q(public_title__icontains=word)
            | (Q(description__icontains=word) & description_ok)
            | Q(pk__in=doc_ids)
        )
    return result


@dataclass
class Match:
    q: Q | None  # None: the text has no searchable words
    truncated: bool = False  # more candidates than max_candidates(); only the newest kept


def text_match(user, text: str | ParsedQuery) -> Match:
    """The match of `text` for this reader (see text_match_q), and whether it was cut."""
    parsed = text if isinstance(text, ParsedQuery) else parse(text)
    if not parsed:
        return Match(None)
    pending = pending_cases()
    truncated: list = []
    indexed = _indexed_q(user, parsed, pending, truncated)
    if pending == []:
        return Match(indexed, bool(truncated))
    # The index may hold an older text of a pending case: match those by LIKE only.
    not_pending = ~Q(pk__in=pending) if pending is not None else ~Q(pk__in=_pending_case_ids())
    return Match(indexed & (not_pending | _unindexed_match_q(user, parsed, pending)), bool(truncated))


def text_match_q(user, text: str | ParsedQuery) -> Q | None:
    """A Q on registry.Case: the cases whose visible text matches `text`. None when
    the text has no searchable words (then there is nothing to filter on). Combine it
    with policy.case_filter — it does not hide cases by itself."""
    return text_match(user, text).q


def indexed_match_q(user, parsed: ParsedQuery) -> Q:
    """The index half of the match alone (as if every change were indexed)."""
    return _indexed_q(user, parsed, [])
