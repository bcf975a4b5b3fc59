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
from itertools import islice

from django.core.paginator import Paginator
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


def filtered(search: EntrySearch) -> QuerySet:
    """The entries the search's other fields (not its text) allow, newest first."""
    qs = PublishedEntry.objects.all()
    # Control characters are never part of a diarienummer (and PostgreSQL refuses NUL).
    reference = "".join(ch for ch in (search.reference or "") if ch.isprintable()).strip()[:60]
    if reference:
        qs = qs.filter(_reference_q(reference))
    if search.authority_id:
        qs = qs.filter(authority_id=search.authority_id)
    # The dates as bounds on registered_at (registered_on is its local date): then one
    # index serves both the range and the newest-first order, with or without authority.
    if search.date_from:
        qs = qs.filter(registered_at__gte=_local_midnight(search.date_from))
    if search.date_to:
        qs = qs.filter(registered_at__lt=_local_midnight(search.date_to + dt.timedelta(days=1)))
    if search.kind in PublishedEntry.Kind.values:
        qs = qs.filter(kind=search.kind)
    return qs.order_by(*DATE_ORDER)


def _local_midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _reference_q(reference: str) -> Q:
    """A whole diarienummer finds that case and its documents (not KS 2026/10–19 for
    KS 2026/1); a part of one finds every reference containing it. The whole number
    as typed or in capitals is looked up in the indexes first; only then are case
    differences (and parts) searched, which reads every entry."""
    as_typed = {reference, reference.upper()}
    for exact in (
        Q(reference__in=as_typed) | Q(case_reference__in=as_typed),
        Q(reference__iexact=reference) | Q(case_reference__iexact=reference),
    ):
        if PublishedEntry.objects.filter(exact).exists():
            return exact
    return Q(reference__icontains=reference) | Q(case_reference__icontains=reference)


def _has_filters(search: EntrySearch) -> bool:
    return bool((search.reference or "").strip() or search.authority_id or search.date_from or search.date_to
                or search.kind in PublishedEntry.Kind.values)


def search_entries(search: EntrySearch) -> QuerySet:
    """The matching entries as one query, newest first (results() is what the page
    and the API use: it runs the text match once and walks the result in Python)."""
    qs = filtered(search)
    text = (search.text or "")[:MAX_QUERY_LENGTH]
    if text.strip():
        if search_index.engine() is not None:
            keys = search_index.match(text)
            # Text without a single word ("%", "***") finds nothing rather than everything.
            qs = qs.filter(object_id__in=keys) if keys is not None else qs.none()
        else:
            qs = qs.filter(_words_q(text))
    return qs


def _words_q(text: str) -> Q:
    """The fallback without a search engine: every word a substring of a public field."""
    q = Q()
    for word in words_of(text):
        q &= Q(public_title__icontains=word) | Q(reference__icontains=word) | Q(correspondent__icontains=word)
    return q


def results(search: EntrySearch):
    """What page_of pages: entries newest first — a query, or TextMatches when there is
    text — or, sorted by relevance, the object_ids of the newest COUNT_CAP + 1 matches
    ordered by relevance (ties newest first). Relevance comes from the public fields
    only."""
    text = (search.text or "")[:MAX_QUERY_LENGTH]
    qs = filtered(search)
    if not text.strip():
        return qs
    if search_index.engine() is None:
        return qs.filter(_words_q(text))
    relevance = search.sort == SORT_RELEVANCE
    if search_index.probes_rows_cheaply():
        # PostgreSQL: the planner walks the newest-first index and checks each row's
        # vector (a nested loop that stops when the page is full) — one query is best.
        matched = search_entries(search)
        return RankedMatches(qs, None, text, filtered=_has_filters(search), matched=matched) if relevance else matched
    keys = search_index.matching_keys(text)
    if not keys:  # no word to search for ("%", "***"), or nothing matches
        return qs.none()
    return (RankedMatches if relevance else TextMatches)(qs, keys, text, filtered=_has_filters(search))


FEW = 20_000  # matches up to this many are read by key and sorted; more: the date order is walked
CHUNK = 2_000
WALK_FIRST = 200  # rows read first when walking; each further read is 4 times larger


class TextMatches:
    """The entries among `qs` (the other filters, newest first) whose object_id the
    engine matched (`keys`, run once) — a sequence for CappedPaginator.

    Few matches are read by key and sorted. Many (a common word at a million entries)
    are found by walking `qs` in its index order (newest first) and keeping the rows
    whose key matched: the first page of a word in every tenth entry reads ~250 rows
    instead of looking up ~100 000 matches and sorting them."""

    def __init__(self, qs: QuerySet, keys: set | None, text: str, *, filtered: bool, matched: QuerySet | None = None):
        self.qs, self.keys, self.text, self.filtered = qs, keys, text, filtered
        self.matched = matched  # the whole search as one query, where the database walks best
        self.key = search_index.key_function()

    @cached_property
    def _few(self) -> list | None:
        """object_ids, newest first, when the match is small; otherwise None."""
        return self._by_key(self.keys) if len(self.keys) <= FEW else None

    def _by_key(self, keys) -> list:
        """The entries among qs with these keys, read by key, newest first."""
        keys, rows = list(keys), []
        for i in range(0, len(keys), CHUNK):
            rows += self.qs.filter(object_id__in=keys[i : i + CHUNK]).values_list("object_id", "registered_at", "reference")
        rows.sort(key=lambda r: r[2])
        rows.sort(key=lambda r: r[1], reverse=True)  # stable: newest first, then by reference
        return [r[0] for r in rows]

    def _walk(self, keys=None):
        """Matching object_ids newest first: the entries read in index order, in growing
        chunks with keyset pagination (a server-side cursor would make PostgreSQL
        materialise the whole ordered table first). Each step is two index seeks: the
        rest of the last registration time (by reference), then everything older."""
        key, keys = self.key, self.keys if keys is None else keys
        rows_of = self.qs.values_list("object_id", "registered_at", "reference")
        size, at, reference = WALK_FIRST, None, None
        while True:
            rows = [] if at is None else list(rows_of.filter(registered_at=at, reference__gt=reference)[:size])
            if len(rows) < size:
                older = rows_of if at is None else rows_of.filter(registered_at__lt=at)
                rows += older[: size - len(rows)]
            for object_id, _at, _reference in rows:
                if key(object_id) in keys:
                    yield object_id
            if len(rows) < size:
                return
            _, at, reference = rows[-1]
            size = min(size * 4, 10 * CHUNK)

    def capped_count(self, cap: int) -> int:
        """How many, counting at most cap + 1."""
        if self.matched is not None:
            return self.matched.order_by()[: cap + 1].count()
        if not self.filtered:
            # The collection holds exactly the projection's entries (both are written in
            # the same transactions), so without other filters every match is an entry.
            return min(len(self.keys), cap + 1)
        if self._few is not None:
            return min(len(self._few), cap + 1)
        return len(self._walked)

    @cached_property
    def _walked(self) -> list:
        """With other filters and many matches: the newest COUNT_CAP + 1 matching ids
        (counting them needs the walk anyway; the page is then read from it)."""
        if self.matched is not None:
            return list(self.matched.values_list("object_id", flat=True)[: COUNT_CAP + 1])
        return list(islice(self._walk(), COUNT_CAP + 1))

    def ids(self, stop: int) -> list:
        """The first `stop` matching object_ids in this order."""
        if self._few is not None:
            return self._few[:stop]
        if "_walked" in self.__dict__:
            return self._walked[:stop]
        return list(islice(self._walk(), stop))

    def __getitem__(self, part: slice) -> list:
        ids = self.ids(part.stop)[part.start :]
        found = {e.object_id: e for e in PublishedEntry.objects.filter(object_id__in=ids)}
        return [found[i] for i in ids if i in found]


class RankedMatches(TextMatches):
    """The same entries, best match first (the engine's relevance over the public
    fields), equal scores newest first.

    The scores come from one pass over the index. Without other filters, entries are
    then read score level by score level, best first, only until the page is full: a
    page of a common word reads the best-scoring few hundred, not every match. With
    filters, the newest COUNT_CAP + 1 matching entries are ranked."""

    @cached_property
    def _levels(self) -> list[list]:
        by_score: dict[float, list] = {}
        for key, score in search_index.scores(self.text).items():
            by_score.setdefault(score, []).append(key)
        return [by_score[score] for score in sorted(by_score, reverse=True)]

    def ids(self, stop: int) -> list:
        if self.filtered:
            # The filters leave few of the matches, or many: either way rank the newest
            # COUNT_CAP + 1 of them that the count has read (ties stay newest first).
            newest = self._walked if self.keys is None or self._few is None else self._few
            scores = search_index.scores(self.text)
            return sorted(newest, key=lambda object_id: -scores.get(self.key(object_id), 0.0))[:stop]
        out: list = []
        for keys in self._levels:
            need = stop - len(out)
            if len(keys) <= FEW:
                out += self._by_key(keys)[:need]
            else:  # a large tie (thousands of identical titles): its newest, by walking
                out += islice(self._walk(set(keys)), need)
            if len(out) >= stop:
                break
        return out[:stop]


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
        if isinstance(self.object_list, TextMatches):
            return self.object_list.capped_count(self.cap)
        # Unordered: the database may stop after cap + 1 rows instead of sorting them all.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def more(self) -> bool:
        return self._seen > self.cap



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
