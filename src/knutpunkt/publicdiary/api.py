"""The public JSON API: /api/public/v1/entries/ (search, filter, pagination) and one
entry. Reads PublishedEntry only; no authentication; rate limited per client."""

import datetime as dt

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import queries
from .models import PublishedEntry
from .ratelimit import limited
from .responses import json_response, problem

DEFAULT_PAGE_SIZE = 25


def serialize(entry: PublishedEntry, request) -> dict:
    page = "publicdiary:case" if entry.is_case else "publicdiary:document"
    return {
        "id": str(entry.object_id),
        "kind": entry.kind,
        "reference": entry.reference,
        "case_reference": entry.case_reference or None,
        "case_id": str(entry.case_object_id) if entry.case_object_id else None,
        "title": entry.public_title,
        "registered": entry.registered_on.isoformat(),
        "registered_at": entry.registered_at.isoformat(),
        "document_date": entry.document_date.isoformat() if entry.document_date else None,
        "direction": entry.direction or None,
        "authority": {"id": entry.authority_id, "name": entry.authority_name},
        "diary": {"prefix": entry.diary_prefix, "name": entry.diary_name},
        "unit": entry.unit_name or None,
        "correspondent": entry.correspondent or None,
        "published_at": entry.published_at.isoformat(),
        "url": request.build_absolute_uri(reverse(page, args=[entry.authority_id, entry.object_id])),
    }


def _date(params, name):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:20])
    except ValueError:
        raise ValueError(f"{name}: skriv datumet som ÅÅÅÅ-MM-DD.") from None


@limited("api")
@require_http_methods(["GET", "HEAD"])
def entries(request):
    params = request.GET
    try:
        date_from, date_to = _date(params, "from"), _date(params, "to")
        authority = params.get("authority", "").strip()
        authority_id = int(authority[:12]) if authority else None
    except ValueError as exc:
        message = str(exc) if "ÅÅÅÅ" in str(exc) else "authority: ange myndighetens id (ett heltal)."
        return problem(400, "Felaktig fråga", message, code="invalid_parameter")
    sort = (params.get("sort") or queries.SORT_DATE).strip()
    if sort not in queries.SORTS:
        return problem(400, "Felaktig fråga", "sort: ange datum eller relevans.", code="invalid_parameter")
    search = queries.EntrySearch(
        text=params.get("q", ""), reference=params.get("reference", ""), authority_id=authority_id,
        date_from=date_from, date_to=date_to, kind=params.get("kind", ""), sort=sort,
    )
    size = min(max(queries.parse_page(params.get("page_size"), DEFAULT_PAGE_SIZE), 1), queries.MAX_PAGE_SIZE)
    page, clamped = queries.page_of(queries.results(search), params.get("page"), per_page=size)
    base = request.build_absolute_uri(request.path)

    def link(number):
        query = params.copy()
        query["page"] = number
        return f"{base}?{query.urlencode()}"

    return json_response({
        # Counting stops at queries.COUNT_CAP: then count_exact is false and count is the cap.
        "count": page.paginator.count,
        "count_exact": not page.paginator.more,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": size,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [serialize(e, request) for e in page.object_list],
    })


@limited("api")
@require_http_methods(["GET", "HEAD"])
def entry(request, object_id):
    found = PublishedEntry.objects.filter(object_id=object_id).first()
    if found is None:
        return problem(404, "Finns inte", "Posten finns inte i diariet på webben.", code="not_found")
    return json_response(serialize(found, request))
