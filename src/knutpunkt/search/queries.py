"""Staff case search: full-text matching through the engine, the access policy in the
same database query, facets, relevance or date order and highlighted snippets.

How a case matches a query (parsing.py turns any input into terms): EVERY term must
match somewhere the reader may see in the case —

- always: reference and offentlig rubrik;
- the title, the description, the parties: where `policy.field_filter` lets the reader
  see that part of the case (a secret title is matched only through its offentlig
  rubrik by someone without full view);
- names of parties with skyddad identitet: also only in diaries where the reader has
  the explicit right (policy rule 5);
- its documents the reader may see: their reference and offentlig rubrik, their title,
  senders/recipients and file text where the document's own policy answer allows
  (a file marked secret on its own needs a full view of the document).

Hidden cases never appear (policy.case_filter), not even in counts or facets.

Until the background worker has indexed a change (a case with undispatched outbox
events), that case is matched the old way, with LIKE on the same visible fields, so a
registration is findable at once.

Callers: `search_cases(user, text, …)` returns a SearchResult for a page;
`text_match_q(user, text)` is the bare filter (registry.queries.search_cases uses it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import BooleanField, Count, Exists, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from knutpunkt.access import policy

from . import schema
from .engine import get_engine
from .parsing import ParsedQuery, parse
from .snippets import Snippet, highlight

MAX_PAGE_SIZE = 100
MATERIALIZE_LIMIT = 20_000  # matches counted for facets by id list (SQLite allows 32 766 parameters); beyond, the match runs again
SORTS = ("relevance", "date")


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


def _candidates(case_match, document_case_ids, pending_case_ids) -> Q:
    """Cases where the term occurs anywhere (or whose changes are not indexed yet), as
    ONE `id IN (… UNION …)` at the top level of the query: that is what lets the
    planners start from the index's hits instead of scanning every visible case (an OR
    of subqueries, or one nested under the OR below, made both SQLite and PostgreSQL
    scan the reader's diaries: seconds instead of milliseconds at 100 000 cases)."""
    if isinstance(case_match, RawSQL):
        parts, params = [case_match.sql], list(case_match.params)
        for qs in (document_case_ids, pending_case_ids):
            sql, more = qs.query.sql_with_params()
            parts.append(sql)
            params += more
        return Q(pk__in=RawSQL(" UNION ".join(parts), params))
    return Q(pk__in=case_match) | Q(pk__in=document_case_ids) | Q(pk__in=pending_case_ids)


def _term_parts(user, parsed: ParsedQuery):
    """Per term: (candidates, exact) — see text_match_q."""
    from knutpunkt.registry.models import Document

    engine = get_engine()
    reader = policy.reader_for(user)
    case_groups, document_groups = _case_groups(user, reader), _document_groups(user, reader)
    visible_documents = policy.document_filter(user)
    for term in parsed.terms:
        one = ParsedQuery((term,))
        document_hits = Document.objects.filter(pk__in=engine.match("documents", one), case__isnull=False)
        candidates = _candidates(
            engine.match("cases", one), document_hits.order_by().values("case_id"), _pending_case_ids().order_by()
        )
        documents = document_hits.filter(visible_documents).filter(_groups_q(engine, "documents", one, document_groups))
        exact = _groups_q(engine, "cases", one, case_groups) | Q(pk__in=documents.values("case_id"))
        yield candidates, exact


def indexed_match_q(user, parsed: ParsedQuery) -> Q:
    """The index half of the match (see the module docstring)."""
    result = Q()
    for candidates, exact in _term_parts(user, parsed):
        result &= candidates & exact
    return result


def _pending_case_ids():
    from knutpunkt.registry.models import CaseEvent

    return CaseEvent.objects.filter(dispatched_at__isnull=True, case__isnull=False).values("case_id")


def _unindexed_match_q(user, parsed: ParsedQuery) -> Q:
    """LIKE on visible fields, for cases whose changes the worker has not indexed yet."""
    from knutpunkt.registry.queries import _text_q

    result = Q()
    for term in parsed.terms:
        result &= _text_q(user, " ".join(term.words))
    return result


def text_match_q(user, text: str | ParsedQuery) -> Q | None:
    """A Q on registry.Case: the cases whose visible text matches `text`. None when
    the text has no searchable words (then there is nothing to filter on). Combine it
    with policy.case_filter — it does not hide cases by itself."""
    parsed = text if isinstance(text, ParsedQuery) else parse(text)
    if not parsed:
        return None
    pending = _pending_case_ids()
    candidates, exact = Q(), Q()
    for term_candidates, term_exact in _term_parts(user, parsed):
        candidates &= term_candidates
        exact &= term_exact
    return candidates & ((exact & ~Q(pk__in=pending)) | (Q(pk__in=pending) & _unindexed_match_q(user, parsed)))


VISIBLE_RANK_FIELDS = ["reference", "title", "public_title", "description", "parties"]
PUBLIC_RANK_FIELDS = ["reference", "public_title"]


def _rank(rows, parsed: ParsedQuery) -> list[tuple[object, float]]:
    """(pk, score) best first, from rows (pk, registered_at, is_full): the engine scores
    every hit in one pass — over all visible fields for cases the reader sees in full,
    over reference and offentlig rubrik for the others (as in rank_annotation); ties
    newest first."""
    engine = get_engine()
    full = engine.scores("cases", parsed, VISIBLE_RANK_FIELDS)
    public = engine.scores("cases", parsed, PUBLIC_RANK_FIELDS)
    spec = schema.get("cases")
    scored = []
    for pk, registered_at, is_full in rows:
        score = (full if is_full else public).get(engine.db_key(spec, pk), 0.0)
        scored.append((-score, -registered_at.timestamp(), str(pk), pk))
    scored.sort()
    return [(pk, -score) for score, _, _, pk in scored]


def rank_annotation(user, text: str | ParsedQuery):
    """Relevance for ordering, from text the reader may see: all fields of cases they
    see in full, only reference and offentlig rubrik of the others (otherwise the order
    itself would hint at what a secret title says)."""
    parsed = text if isinstance(text, ParsedQuery) else parse(text)
    engine = get_engine()
    outer = f"{connection.ops.quote_name('registry_case')}.{connection.ops.quote_name('id')}"
    full = engine.rank_expression("cases", parsed, outer, VISIBLE_RANK_FIELDS)
    public = engine.rank_expression("cases", parsed, outer, PUBLIC_RANK_FIELDS)
    return CaseWhen(When(policy.field_filter(user, "case", "full"), then=full), default=public, output_field=FloatField())


# --- the staff search ----------------------------------------------------------------

@dataclass
class FacetValue:
    value: object
    label: str
    count: int


@dataclass
class SearchResult:
    items: list  # registry.Case rows, each with .view (ObjectView) and .shown_title
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    snippets: dict[str, list[Snippet]] = field(default_factory=dict)  # str(case.pk) → snippets
    query: ParsedQuery | None = None

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


FILTERS = (
    "reference", "party", "diary_id", "process_id", "officer_id", "status", "year", "direction",
    "date_from", "date_to", "include_voided",
)


def filtered_cases(user, text: str | ParsedQuery = "", **filters) -> QuerySet:
    """The policy-filtered cases matching text and filters (unordered). Filters are the
    fields of registry.queries.CaseSearch (reference, party, diary_id, process_id,
    officer_id, status — "open" or a Case.Status —, year, direction — cases with a
    visible document of it —, date_from, date_to, include_voided); unknown names raise
    TypeError, empty values filter nothing."""
    from knutpunkt.registry.queries import CaseSearch
    from knutpunkt.registry.queries import search_cases as registry_search

    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown search filters: {sorted(unknown)}")
    criteria = CaseSearch(**{k: v for k, v in filters.items() if v not in (None, "")})
    qs = registry_search(user, criteria).prefetch_related(None).order_by()
    match = text_match_q(user, text)
    if match is not None:
        qs = qs.filter(match)
    return qs


def criteria_filters(criteria) -> dict:
    """The filters of a registry.queries.CaseSearch, as keyword arguments for
    filtered_cases/search_cases (its text and sort are passed on their own)."""
    return {name: getattr(criteria, name) for name in FILTERS}


def search_cases(
    user,
    text="",
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 25,
    with_facets: bool = True,
    **filters,
) -> SearchResult:
    """One page of matching cases, with facets and snippets. `text` is the query text
    or a registry.queries.CaseSearch (its filters are then used; keyword filters
    override them). Filters: see filtered_cases. Sort "relevance" (then newest) or "date" (newest first); without
    searchable words relevance is date. Never raises on odd input: page and page size
    are clamped."""
    from knutpunkt.registry.models import Case

    if not isinstance(text, (str, ParsedQuery)):  # a registry.queries.CaseSearch
        filters = {**criteria_filters(text), **filters}
        text = text.text
    parsed = text if isinstance(text, ParsedQuery) else parse(text)
    qs = filtered_cases(user, parsed, **filters)
    # The match runs ONCE: its ids (with date and full-view flag) come back to Python,
    # are ordered here, and the facets count over `pk IN (those ids)` — instead of the
    # database evaluating the full-text match again for the count, the page and every facet.
    rows = list(
        qs.annotate(
            is_full=CaseWhen(When(policy.field_filter(user, "case", "full"), then=Value(True)), default=Value(False), output_field=BooleanField())
        ).values_list("pk", "registered_at", "is_full")
    )
    total = len(rows)
    page_size = max(1, min(_int(page_size or 25), MAX_PAGE_SIZE))
    pages = max(1, math.ceil(total / page_size))
    page = max(1, min(_int(page), pages))
    start = (page - 1) * page_size
    if sort == "relevance" and parsed:
        ranked = _rank(rows, parsed)
    else:
        ranked = [(pk, 0.0) for pk, _, _ in sorted(rows, key=lambda r: (r[1], str(r[0])), reverse=True)]
    ranked = ranked[start : start + page_size]
    by_pk = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[pk for pk, _ in ranked])
        .select_related("diary__authority", "process", "officer").prefetch_related("access_groups")
    }
    items = []
    for pk, score in ranked:
        if pk in by_pk:
            by_pk[pk].rank = score
            items.append(by_pk[pk])
    matched = Case.objects.filter(pk__in=[r[0] for r in rows]) if total <= MATERIALIZE_LIMIT else qs
    for case in items:
        case.view = policy.case_view(user, case)
        case.shown_title = policy.shown_title(case, case.view)
    return SearchResult(
        items=items, total=total, page=page, page_size=page_size,
        facets=facets_for(user, matched, include_voided=filters.get("include_voided", False)) if with_facets else {},
        snippets=snippets_for(user, items, parsed), query=parsed,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 1


def facets_for(user, qs: QuerySet, *, include_voided: bool = False) -> dict[str, list[FacetValue]]:
    """Counts over the matched (already policy-filtered) cases, computed in the database."""
    from knutpunkt.classification.models import Class
    from knutpunkt.organisations.models import Diary
    from knutpunkt.registry.models import Case, Document

    def grouped(column):
        return list(qs.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n"))

    diaries = grouped("diary_id")
    names = {d.pk: f"{d.prefix} – {d.name}" for d in Diary.objects.filter(pk__in=[d for d, _ in diaries])}
    processes = grouped("process_id")
    titles = {c.pk: f"{c.code} {c.title}" for c in Class.objects.filter(pk__in=[p for p, _ in processes if p])}
    statuses = dict(Case.Status.choices)
    # One count per direction with EXISTS: PostgreSQL planned "documents whose case is
    # among the matches" as a nested loop over the whole match (minutes at 100 000 cases).
    documents = Document.objects.filter(policy.document_filter(user), case_id=OuterRef("pk"))
    if not include_voided:
        documents = documents.filter(voided_at__isnull=True)
    directions = []
    for direction in Document.Direction.values:
        n = qs.filter(Exists(documents.filter(direction=direction))).count()
        if n:
            directions.append((direction, n))
    labels = dict(Document.Direction.choices)

    def by_count(values):
        return sorted(values, key=lambda v: (-v.count, str(v.label)))

    return {
        "diary": by_count([FacetValue(d, names.get(d, str(d)), n) for d, n in diaries]),
        "process": by_count([FacetValue(p, titles.get(p, "Utan process") if p else "Utan process", n) for p, n in processes]),
        "status": by_count([FacetValue(s, statuses.get(s, s), n) for s, n in grouped("status")]),
        "year": sorted((FacetValue(y, str(y), n) for y, n in grouped("year")), key=lambda v: -v.value),
        "direction": by_count([FacetValue(d, labels.get(d, d), n) for d, n in directions]),
    }


def snippets_for(user, cases: list, parsed: ParsedQuery, *, per_case: int = 3) -> dict[str, list[Snippet]]:
    """Snippets for a page of cases, ONLY from text the reader may see: the shown
    title, the description and party names when visible (never a skyddad identitet),
    the shown titles of visible documents and the text of files they may open."""
    from knutpunkt.registry.models import CaseParty, Document

    if not parsed or not cases:
        return {}
    out: dict[str, list[Snippet]] = {}
    ids = [c.pk for c in cases]
    party_names: dict = {}
    for row in CaseParty.objects.filter(case_id__in=ids, party__is_protected_identity=False).select_related("party"):
        party_names.setdefault(row.case_id, []).append(row.party.display_name)
    documents: dict = {}
    for doc in Document.objects.filter(policy.document_filter(user), case_id__in=ids).prefetch_related("access_groups").select_related("case"):
        documents.setdefault(doc.case_id, []).append(doc)
    doc_views = {d.pk: policy.document_view(user, d) for docs in documents.values() for d in docs}
    file_fields = {}
    for doc_id, view in doc_views.items():
        wanted = (["files"] if view.files else []) + (["secret_files"] if view.full else [])
        if wanted:
            file_fields[doc_id] = wanted
    stored = get_engine().stored("documents", list(file_fields), ["files", "secret_files"]) if file_fields else {}
    for case in cases:
        view = getattr(case, "view", None) or policy.case_view(user, case)
        if view.hidden:
            continue
        candidates = [("Rubrik", policy.shown_title(case, view))]
        if view.description:
            candidates.append(("Beskrivning", case.description))
        if view.parties:
            candidates.append(("Parter", ", ".join(party_names.get(case.pk, []))))
        for doc in documents.get(case.pk, []):
            dview = doc_views[doc.pk]
            candidates.append((f"Handling {doc.reference}", policy.shown_title(doc, dview)))
            texts = stored.get(str(doc.pk), {})
            for name in file_fields.get(doc.pk, []):
                candidates.append((f"Fil i {doc.reference}", texts.get(name) or ""))
        found = []
        for label, text in candidates:
            html = highlight(text, parsed)
            if html is not None:
                found.append(Snippet(label, html))
            if len(found) >= per_case:
                break
        out[str(case.pk)] = found
    return out


__all__ = ["FacetValue", "SearchResult", "Snippet", "filtered_cases", "search_cases", "text_match_q"]
