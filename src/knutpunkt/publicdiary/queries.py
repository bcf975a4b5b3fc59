"""Reading the published projection — the only thing the public pages, feed and API
read. Any text is safe here: the search engine's own parser cuts it into words
(search.parsing), and the ORM fallback matches plain substrings; nothing is pasted
into SQL or a query language.

Text search goes through the search engine's "public" collection (publicdiary.
search_index): words match as prefixes, all words must match, "a phrase" matches
consecutive words, å/ä/ö are letters of their own. Results are newest first, or by
relevance on request. Counts stop at COUNT_CAP: beyond it the page says "fler än
10 000 träffar" (an exact count of hundreds of thousands of matches costs more than
the whole page, and nobody pages that far — narrowing the search is the answer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from . import search_index
from .models import PublicationSettings, PublishedEntry

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MAX_PAGE_SIZE = 100
COUNT_CAP = 10_000

SORT_DATE = "datum"
SORT_RELEVANCE = "relevans"
SORTS = (SORT_DATE, SORT_RELEVANCE)
DATE_ORDER = ("-registered_at", "reference")


@dataclass
class EntrySearch:
    text: str = ""
    reference: str = ""
    authority_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    sort: str = SORT_DATE  # "datum" (newest first) or "relevans"


def words_of(text: str) -> list[str]:
    """At most MAX_WORDS words of the first MAX_QUERY_LENGTH characters; quotes and
    operator characters are just characters (a bare `*` or `"` finds nothing special).
    Only for the ORM fallback, when no search engine has the public collection."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in (text or "")[:MAX_QUERY_LENGTH])
    words = [w.strip("\"'*()") for w in cleaned.split()]
    return [w for w in words if w][:MAX_WORDS]


def published_authorities() -> QuerySet:
    from knutpunkt.organisations.models import Authority

    return Authority.objects.filter(publication__enabled=True).order_by("name")


def search_entries(search: EntrySearch) -> QuerySet:
    """The matching entries, newest first (the sort option is applied by results())."""
    qs = PublishedEntry.objects.all()
    text = (search.text or "")[:MAX_QUERY_LENGTH]
    if text.strip():
        if search_index.engine() is not None:
            keys = search_index.match(text)
            # Text without a single word ("%", "***") finds nothing rather than everything.
            qs = qs.filter(object_id__in=keys) if keys is not None else qs.none()
        else:
            for word in words_of(text):
                qs = qs.filter(
                    Q(public_title__icontains=word) | Q(reference__icontains=word) | Q(correspondent__icontains=word)
                )
    # Control characters are never part of a diarienummer (and PostgreSQL refuses NUL).
    reference = "".join(ch for ch in (search.reference or "") if ch.isprintable()).strip()[:60]
    if reference:
        # A whole diarienummer finds that case and its documents (not KS 2026/10–19
        # for KS 2026/1); a part of one finds every reference containing it.
        exact = Q(reference__iexact=reference) | Q(case_reference__iexact=reference)
        if PublishedEntry.objects.filter(exact).exists():
            qs = qs.filter(exact)
        else:
            qs = qs.filter(Q(reference__icontains=reference) | Q(case_reference__icontains=reference))
    if search.authority_id:
        qs = qs.filter(authority_id=search.authority_id)
    if search.date_from:
        qs = qs.filter(registered_on__gte=search.date_from)
    if search.date_to:
        qs = qs.filter(registered_on__lte=search.date_to)
    if search.kind in PublishedEntry.Kind.values:
        qs = qs.filter(kind=search.kind)
    return qs.order_by(*DATE_ORDER)


def results(search: EntrySearch) -> QuerySet | list:
    """What page_of pages: the date-ordered query, or — sorted by relevance — the
    object_ids of the newest COUNT_CAP + 1 matches ordered by relevance (ties newest
    first). Relevance comes from the public fields only."""
    qs = search_entries(search)
    text = (search.text or "")[:MAX_QUERY_LENGTH]
    if search.sort != SORT_RELEVANCE or not text.strip() or search_index.engine() is None:
        return qs
    newest = list(qs.values_list("object_id", flat=True)[: COUNT_CAP + 1])
    if not newest:
        return []
    scores = search_index.scores(text)
    ranked = sorted(newest, key=lambda object_id: -scores.get(search_index.db_key(object_id), 0.0))  # stable: ties stay newest first
    return RankedIds(ranked)


class RankedIds(list):
    """object_ids in the order to show; the paginator fetches only the page's entries."""


class CappedPaginator(Paginator):
    """A Paginator that counts at most COUNT_CAP (+1 to know there are more).

    `more` says the real number is larger; pages past COUNT_CAP / per_page do not
    exist (a page number beyond them shows the last one, as any page past the end)."""

    def __init__(self, object_list, per_page, cap: int | None = None):
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _seen(self) -> int:
        if isinstance(self.object_list, list):
            return len(self.object_list)
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def more(self) -> bool:
        return self._seen > self.cap

    def _get_page(self, object_list, number, paginator):
        if isinstance(self.object_list, RankedIds):
            ids = list(object_list)
            found = {e.object_id: e for e in PublishedEntry.objects.filter(object_id__in=ids)}
            object_list = [found[i] for i in ids if i in found]
        return Page(object_list, number, paginator)


def parse_page(value, default: int = 1) -> int:
    try:
        number = int(str(value).strip()[:12])
    except (TypeError, ValueError):
        return default
    return max(number, 1)


def page_of(found, page_value, per_page: int = 25):
    """A page, clamped: a page number past the end shows the last page (and says so)."""
    paginator = CappedPaginator(found, per_page)
    wanted = parse_page(page_value)
    number = min(wanted, paginator.num_pages)
    return paginator.page(number), wanted != number


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")  # Swedish: 10 000, with a no-break space


def cap_label() -> str:
    return _number(COUNT_CAP)


def count_label(paginator: CappedPaginator) -> str:
    """"37 träffar", "1 träff", "Fler än 10 000 träffar"."""
    n = _number(paginator.count)
    if paginator.more:
        return f"Fler än {n} träffar"
    return f"{n} träff" if paginator.count == 1 else f"{n} träffar"


def case_documents(case_entry: PublishedEntry) -> QuerySet:
    return PublishedEntry.objects.filter(kind=PublishedEntry.Kind.DOCUMENT, case_object_id=case_entry.object_id).order_by(
        "registered_at", "reference"
    )


def get_entry(kind: str, object_id, authority_id: int | None = None) -> PublishedEntry | None:
    qs = PublishedEntry.objects.filter(kind=kind, object_id=object_id)
    if authority_id is not None:
        qs = qs.filter(authority_id=authority_id)
    return qs.select_related("authority").first()


def noindex_authority_ids() -> set[int]:
    return set(PublicationSettings.objects.filter(robots=PublicationSettings.Robots.NOINDEX).values_list("authority_id", flat=True))


def is_noindex(authority_id: int) -> bool:
    return authority_id in noindex_authority_ids()
