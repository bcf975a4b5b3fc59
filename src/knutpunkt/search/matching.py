"""How a text matches cases: the per-term, per-field composition of the engine's
matches with the access policy's conditions (see search.queries for the rules).

Everything here builds ONE database query: the match is never materialised in
Python, so it combines with the policy filter, other filters, counts and ordering.
"""

from __future__ import annotations

from django.db.models import Q
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


def _groups_q(engine, collection: str, term: ParsedQuery, groups) -> Q:
    q = None
    for cond, fields in groups:
        part = cond & Q(pk__in=engine.match(collection, term, fields))
        q = part if q is None else q | part
    return q


PENDING_LIMIT = 2_000  # unindexed cases handled as a literal id list; beyond, as a subquery


def _union(parts: list) -> RawSQL:
    """ONE `SELECT … UNION SELECT …` of RawSQL matches and querysets of ids."""
    sqls, params = [], []
    for part in parts:
        if isinstance(part, RawSQL):
            sql, more = part.sql, list(part.params)
        else:
            sql, more = part.query.sql_with_params()
        sqls.append(sql)
        params += more
    return RawSQL(" UNION ".join(sqls), params)


def _candidates(parts: list) -> Q:
    """Cases where the term occurs anywhere (or whose changes are not indexed yet), as
    ONE `id IN (… UNION …)` at the top level of the query: that is what lets the
    planners start from the index's hits instead of scanning every visible case (an OR
    of subqueries, or one nested under the OR below, made both SQLite and PostgreSQL
    scan the reader's diaries: seconds instead of milliseconds at 100 000 cases)."""
    if all(isinstance(p, RawSQL) or hasattr(p, "query") for p in parts):
        return Q(pk__in=_union(parts))
    q = Q(pk__in=[])  # an external engine's key lists
    for part in parts:
        q |= Q(pk__in=part)
    return q


def _unconditional(groups) -> list[str] | None:
    """The fields when the reader may match all of them everywhere (one group, no
    condition) — then the exact match IS the candidate set and is not run twice."""
    if len(groups) == 1 and groups[0][0] == Q():
        return groups[0][1]
    return None


def _term_parts(user, parsed: ParsedQuery, pending: list | None):
    """Per term a Q: the cases where the term matches text the reader may see (see
    the module docstring), restricted to the term's candidates. `pending` — cases not
    yet indexed — are added to the candidates (they are matched by LIKE instead)."""
    from knutpunkt.registry.models import Case, Document

    engine = get_engine()
    reader = policy.reader_for(user)
    case_groups, document_groups = _case_groups(user, reader), _document_groups(user, reader)
    visible_documents = policy.document_filter(user)
    pending_part = []
    if pending:
        pending_part = [Case.objects.filter(pk__in=pending).order_by().values("pk")]
    elif pending is None:  # too many to list
        pending_part = [_pending_case_ids().order_by()]
    case_fields, document_fields = _unconditional(case_groups), _unconditional(document_groups)
    for term in parsed.terms:
        one = ParsedQuery((term,))
        if case_fields is not None and document_fields is not None and visible_documents == Q():
            # A reader who may match the same fields of every case and document (a
            # global administrator): the exact match is one union, run once.
            exact_documents = Document.objects.filter(pk__in=engine.match("documents", one, document_fields), case__isnull=False)
            yield _candidates([engine.match("cases", one, case_fields), exact_documents.order_by().values("case_id"), *pending_part])
            continue
        document_hits = Document.objects.filter(pk__in=engine.match("documents", one), case__isnull=False).order_by()
        candidates = _candidates([engine.match("cases", one), document_hits.values("case_id"), *pending_part])
        documents = document_hits.filter(visible_documents).filter(_groups_q(engine, "documents", one, document_groups))
        exact = _groups_q(engine, "cases", one, case_groups) | Q(pk__in=documents.values("case_id"))
        yield candidates & exact if not pending_part else candidates & (exact | Q(pk__in=pending_part[0]))


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
    at all, documents by their visible title or offentlig rubrik."""
    from knutpunkt.registry.models import Document

    pending_q = Q(pk__in=pending) if pending is not None else Q(pk__in=_pending_case_ids())
    title_ok = policy.field_filter(user, "case", "title")
    description_ok = policy.field_filter(user, "case", "description")
    document_title_ok = policy.field_filter(user, "document", "title")
    documents = Document.objects.filter(policy.document_filter(user))
    documents = documents.filter(case_id__in=pending) if pending is not None else documents.filter(case_id__in=_pending_case_ids())
    result = pending_q
    for term in parsed.terms:
        word = " ".join(term.words)
        doc_ids = documents.filter((Q(title__icontains=word) & document_title_ok) | Q(public_title__icontains=word)).values("case_id")
        result &= (
            Q(reference__icontains=word)
            | (Q(title__icontains=word) & title_ok)
            | Q(public_title__icontains=word)
            | (Q(description__icontains=word) & description_ok)
            | Q(pk__in=doc_ids)
        )
    return result


def text_match_q(user, text: str | ParsedQuery) -> Q | None:
    """A Q on registry.Case: the cases whose visible text matches `text`. None when
    the text has no searchable words (then there is nothing to filter on). Combine it
    with policy.case_filter — it does not hide cases by itself."""
    parsed = text if isinstance(text, ParsedQuery) else parse(text)
    if not parsed:
        return None
    pending = pending_cases()
    indexed = Q()
    for part in _term_parts(user, parsed, pending):
        indexed &= part
    if pending == []:
        return indexed
    # The index may hold an older text of a pending case: match those by LIKE only.
    not_pending = ~Q(pk__in=pending) if pending is not None else ~Q(pk__in=_pending_case_ids())
    return indexed & (not_pending | _unindexed_match_q(user, parsed, pending))


def indexed_match_q(user, parsed: ParsedQuery) -> Q:
    """The index half of the match alone (as if every change were indexed)."""
    result = Q()
    for part in _term_parts(user, parsed, []):
        result &= part
    return result
