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

Callers: `search_cases(user, text, …)` returns a SearchResult for a page (the web
page, /api/v1/search/cases/); `filtered_cases(user, text, **filters)` the queryset
(/api/v1/cases/?q=); `text_match_q(user, text)` is the bare filter. How the match runs
is in search/matching.py.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from operator import itemgetter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import BooleanField, Count, FloatField, Q, QuerySet, Value, When

from knutpunkt.access import policy
from knutpunkt.registry.queries import REFERENCE_RE

from .engine import get_engine
from .parsing import ParsedQuery, parse
from .snippets import Snippet, highlight

MAX_PAGE_SIZE = 100
DIRECTION_FACET_LIMIT = 20_000  # matches; above, the direction facet is not counted
SORTS = ("relevance", "date")


from .matching import id_list, indexed_match_q, max_candidates, pending_cases, raw_rows, text_match, text_match_q  # noqa: F401 (re-exported)


VISIBLE_RANK_FIELDS = ["reference", "title", "public_title", "description", "parties"]
PUBLIC_RANK_FIELDS = ["reference", "public_title"]


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
    # The words matched more cases than the search looks at (max_candidates()): only
    # the most recently created were searched — say so, and ask for more words.
    truncated: bool = False

    @property
    def omitted_facets(self) -> list[str]:
        """Facets not counted because there were too many matches (narrow the search
        to see them)."""
        if self.facets and self.total > DIRECTION_FACET_LIMIT:
            return ["direction"]
        return []

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
    return _filtered(user, text, filters)[0]


def _filtered(user, text, filters: dict) -> tuple[QuerySet, bool]:
    from knutpunkt.registry.queries import CaseSearch
    from knutpunkt.registry.queries import search_cases as registry_search

    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown search filters: {sorted(unknown)}")
    criteria = CaseSearch(**{k: v for k, v in filters.items() if v not in (None, "")})
    qs = registry_search(user, criteria).prefetch_related(None).order_by()
    match = text_match(user, text)
    if match.q is not None:
        qs = qs.filter(match.q)
    return qs, match.truncated


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
    with_snippets: bool = True,
    **filters,
) -> SearchResult:
    """One page of matching cases, with facets and snippets. `text` is the query text
    or a registry.queries.CaseSearch (its filters are then used; keyword filters
    override them). Filters: see filtered_cases. Sort "relevance" (then newest) or
    "date" (newest first); without searchable words relevance is date. A text that is
    a diarienummer ("KS 2025/12", "KS 2025/12-3") finds that case. Never raises on odd
    input: page and page size are clamped."""
    from knutpunkt.registry.models import Case

    if not isinstance(text, (str, ParsedQuery)):  # a registry.queries.CaseSearch
        filters = {**criteria_filters(text), **filters}
        text = text.text
    if isinstance(text, str) and not filters.get("reference") and REFERENCE_RE.match(text):
        by_reference = search_cases(user, "", sort="date", page=page, page_size=page_size, with_facets=with_facets,
                                    with_snippets=with_snippets, **{**filters, "reference": text})
        # Not found is the answer: the words of a diarienummer ("ks", "2025") would
        # otherwise match half the diary.
        by_reference.query = parse(text)
        return by_reference
    parsed = text if isinstance(text, ParsedQuery) else parse(text)
    qs, truncated = _filtered(user, parsed, filters)
    # The match runs ONCE: the matching ids, with what ordering and facets need, come
    # back as plain rows (no model objects, no value conversion — at tens of thousands
    # of matches Django's per-value conversion costs more than the query). They are
    # ordered and counted here; the page is then fetched by id.
    columns = qs.annotate(is_full=_flag(policy.field_filter(user, "case", "full"))).values_list(*ROW_COLUMNS)
    rows = raw_rows(columns)
    total = len(rows)
    page_size = max(1, min(_int(page_size or 25), MAX_PAGE_SIZE))
    pages = max(1, math.ceil(total / page_size))
    page = max(1, min(_int(page), pages))
    start = (page - 1) * page_size
    rows.sort(key=itemgetter(REGISTERED, PK), reverse=True)
    if sort == "relevance" and parsed:
        ranked = _rank(rows, parsed)
    else:
        ranked = [(r[PK], 0.0) for r in rows]
    ranked = ranked[start : start + page_size]
    by_key = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[key for key, _ in ranked])
        .select_related("diary__authority", "process", "officer").prefetch_related("access_groups")
    }
    items = []
    for key, score in ranked:
        case = by_key.get(_uuid(key))
        if case is not None:
            case.rank = score
            case.view = policy.case_view(user, case)
            case.shown_title = policy.shown_title(case, case.view)
            items.append(case)
    return SearchResult(
        items=items, total=total, page=page, page_size=page_size,
        facets=facets_for(user, rows, include_voided=filters.get("include_voided", False)) if with_facets else {},
        snippets=snippets_for(user, items, parsed) if with_snippets else {}, query=parsed, truncated=truncated,
    )


ROW_COLUMNS = ("pk", "registered_at", "is_full", "diary_id", "process_id", "status", "year")
PK, REGISTERED, IS_FULL, DIARY, PROCESS, STATUS, YEAR = range(len(ROW_COLUMNS))


def _uuid(key) -> uuid.UUID:
    return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))


def _rank(rows, parsed: ParsedQuery) -> list[tuple[object, float]]:
    """(key, score) best first, from rows already in date order (newest first): the
    engine scores every hit in one pass — over all visible fields for cases the
    reader sees in full, over reference and offentlig rubrik for the others (as in
    rank_annotation); ties keep the date order."""
    engine = get_engine()
    full: Counter = Counter()
    public: Counter = Counter()
    # Term by term: the words of a query may be spread over a case and its documents,
    # and a case's own text should still count for the words it does hold.
    any_full = any(r[IS_FULL] for r in rows)
    any_masked = not all(r[IS_FULL] for r in rows)
    for term in parsed.terms:
        one = ParsedQuery((term,))
        if any_full:
            full.update(engine.scores("cases", one, VISIBLE_RANK_FIELDS))
        if any_masked:
            public.update(engine.scores("cases", one, PUBLIC_RANK_FIELDS))
    scored = [(r[PK], (full if r[IS_FULL] else public).get(r[PK], 0.0)) for r in rows]
    scored.sort(key=itemgetter(1), reverse=True)  # stable (also reversed): equal scores stay newest first
    return scored


def _flag(condition: Q):
    """A boolean column for a policy condition (Q() — always — cannot be a When)."""
    if condition == Q():
        return Value(True, output_field=BooleanField())
    return CaseWhen(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 1


def facets_for(user, rows: list[tuple], *, include_voided: bool = False) -> dict[str, list[FacetValue]]:
    """Counts over the matched (already policy-filtered) rows: diary, process, status
    and year counted here from the rows; direction by one query over the visible
    documents of the matched cases."""
    from knutpunkt.classification.models import Class
    from knutpunkt.organisations.models import Diary
    from knutpunkt.registry.models import Case, Document

    diaries = Counter(map(itemgetter(DIARY), rows))
    # The process shows only in a full view (as on the case page): masked cases are
    # not counted here, so the facet cannot tell a masked case's process.
    processes = Counter(r[PROCESS] for r in rows if r[IS_FULL])
    statuses = Counter(map(itemgetter(STATUS), rows))
    years = Counter(map(itemgetter(YEAR), rows))
    names = {d.pk: f"{d.prefix} – {d.name}" for d in Diary.objects.filter(pk__in=list(diaries))}
    titles = {c.pk: f"{c.code} {c.title}" for c in Class.objects.filter(pk__in=[p for p in processes if p])}
    status_labels = dict(Case.Status.choices)
    directions: list[tuple[str, int]] = []
    # Counting directions means reading every visible document of every match: above
    # the limit the facet is left out (the others cost nothing extra) — see
    # SearchResult.omitted_facets.
    if rows and len(rows) <= DIRECTION_FACET_LIMIT:
        documents = Document.objects.filter(policy.document_filter(user), case__kp_ids_in=[r[PK] for r in rows])
        if not include_voided:
            documents = documents.filter(voided_at__isnull=True)
        directions = list(
            documents.order_by().values("direction").annotate(n=Count("case_id", distinct=True)).values_list("direction", "n")
        )
    labels = dict(Document.Direction.choices)

    def by_count(values):
        return sorted(values, key=lambda v: (-v.count, str(v.label)))

    return {
        "diary": by_count([FacetValue(d, names.get(d, str(d)), n) for d, n in diaries.items()]),
        "process": by_count([FacetValue(p, titles.get(p, "Utan process") if p else "Utan process", n) for p, n in processes.items()]),
        "status": by_count([FacetValue(s, status_labels.get(s, s), n) for s, n in statuses.items()]),
        "year": sorted((FacetValue(y, str(y), n) for y, n in years.items()), key=lambda v: -v.value),
        "direction": by_count([FacetValue(d, labels.get(d, d), n) for d, n in directions if n]),
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
