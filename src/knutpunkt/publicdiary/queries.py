"""Reading the published projection — the only thing the public pages, feed and API
read. Any text is safe here: words are matched as plain substrings by the ORM (or by
the search engine's own safe parser), never pasted into SQL or a query language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from . import search_index
from .models import PublicationSettings, PublishedEntry

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MAX_PAGE_SIZE = 100


@dataclass
class EntrySearch:
    text: str = ""
    reference: str = ""
    authority_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""


def words_of(text: str) -> list[str]:
    """At most MAX_WORDS words of the first MAX_QUERY_LENGTH characters; quotes and
    operator characters are just characters (a bare `*` or `"` finds nothing special)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in (text or "")[:MAX_QUERY_LENGTH])
    words = [w.strip("\"'*()") for w in cleaned.split()]
    return [w for w in words if w][:MAX_WORDS]


def published_authorities() -> QuerySet:
    from knutpunkt.organisations.models import Authority

    return Authority.objects.filter(publication__enabled=True).order_by("name")


def search_entries(search: EntrySearch) -> QuerySet:
    qs = PublishedEntry.objects.all()
    words = words_of(search.text)
    if words:
        keys = search_index.match(" ".join(words))
        if keys is not None:
            qs = qs.filter(object_id__in=keys)
        elif search_index.engine() is None:
            for word in words:
                qs = qs.filter(
                    Q(public_title__icontains=word) | Q(reference__icontains=word) | Q(correspondent__icontains=word)
                )
    reference = (search.reference or "").strip()[:60]
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
    return qs.order_by("-registered_at", "reference")


def parse_page(value, default: int = 1) -> int:
    try:
        number = int(str(value).strip()[:12])
    except (TypeError, ValueError):
        return default
    return max(number, 1)


def page_of(qs: QuerySet, page_value, per_page: int = 25):
    """A page, clamped: a page number past the end shows the last page (and says so)."""
    paginator = Paginator(qs, per_page)
    wanted = parse_page(page_value)
    number = min(wanted, paginator.num_pages)
    return paginator.page(number), wanted != number


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
