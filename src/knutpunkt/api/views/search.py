"""Text search through the search engine (knutpunkt.search.queries), for the case list's
`?q=` and the full search with facets and snippets (/search/cases/).

The engine applies the access policy in the same query as the match and returns one
page; this module only turns request parameters into its criteria and its result into
JSON. Pages out of range are a 404 problem, as in every other paginated list."""

from collections import OrderedDict

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from knutpunkt.core.errors import DomainError
from knutpunkt.registry.queries import CASE_PARTIES_PREFETCH, CaseSearch
from knutpunkt.search import queries as search_queries

from .. import lookups
from ..serializers import inputs
from ..serializers.representations import CASE_LINK_PREFETCH, CaseSerializer
from ..serializers.search import CaseSearchResultSerializer
from .base import ApiView, problems

# The engine answers at most this many cases a page (search.queries.MAX_PAGE_SIZE).
ENGINE_MAX_PAGE_SIZE = 100
INVALID_PAGE = "Sidan finns inte."


def _diary_id(value: str) -> int | None:
    if not value:
        return None
    try:
        return lookups.diary(value).pk
    except DomainError:  # an unknown diary simply matches nothing
        return -1


def criteria_from(request, f: dict) -> CaseSearch:
    """The validated parameters of CaseFilter (or CaseSearchFilter) as CaseSearch."""
    officer = f["officer"]
    return CaseSearch(
        text=f["q"].strip(),
        reference=f["reference"],
        party=f["party"],
        date_from=f["date_from"],
        date_to=f["date_to"],
        status=f["status"],
        process_id=f["process"],
        diary_id=_diary_id(f["diary"]),
        officer_id=request.user.pk if officer == "me" else (int(officer) if officer else None),
        include_voided=f["include_voided"],
        year=f["year"],
        direction=f["direction"],
        sort=f["sort"],
    )


def _represent_cases(view, items: list) -> list:
    # The engine's rows come with diary, process, officer and access groups; the rest of
    # what CaseSerializer shows is fetched here for the whole page at once.
    prefetch_related_objects(items, "main_case", "registered_by", "case_type", "responsible_unit", CASE_PARTIES_PREFETCH, *CASE_LINK_PREFETCH)
    return view.represent(CaseSerializer, items, many=True)


def _search(request, criteria: CaseSearch, *, page: int, page_size: int, with_facets: bool):
    # Facets and snippets go together: /cases/?q= shows neither.
    result = search_queries.search_cases(
        request.user, criteria, sort=criteria.sort, page=page, page_size=page_size, with_facets=with_facets, with_snippets=with_facets
    )
    if result.page != page:  # the engine clamps; the API says the page does not exist
        raise NotFound(INVALID_PAGE)
    return result


def text_search_page(view, request, criteria: CaseSearch) -> Response:
    """`/cases/?q=…`: the engine's page in the list's usual shape
    (count, next, previous, results). With `q` a page holds at most 100 cases; the
    next/previous links carry the page size actually used."""
    paginator = view.paginator
    page_size = min(paginator.get_page_size(request) or paginator.page_size, ENGINE_MAX_PAGE_SIZE)
    raw = request.query_params.get(paginator.page_query_param) or "1"
    if raw in paginator.last_page_strings:
        result = search_queries.search_cases(
            request.user, criteria, sort=criteria.sort, page=10**9, page_size=page_size, with_facets=False, with_snippets=False
        )
    else:
        try:
            number = int(raw)
        except (TypeError, ValueError, OverflowError):
            raise NotFound(INVALID_PAGE) from None
        if number < 1:
            raise NotFound(INVALID_PAGE)
        result = _search(request, criteria, page=number, page_size=page_size, with_facets=False)
    url = request.build_absolute_uri()
    if request.query_params.get(paginator.page_size_query_param) is not None:
        url = replace_query_param(url, paginator.page_size_query_param, page_size)
    next_url = replace_query_param(url, paginator.page_query_param, result.page + 1) if result.page < result.num_pages else None
    if result.page <= 1:
        previous_url = None
    elif result.page == 2:
        previous_url = remove_query_param(url, paginator.page_query_param)
    else:
        previous_url = replace_query_param(url, paginator.page_query_param, result.page - 1)
    return Response(OrderedDict([
        ("count", result.total), ("next", next_url), ("previous", previous_url), ("results", _represent_cases(view, list(result.items))),
    ]))


class CaseSearchView(ApiView):
    pagination_class = None

    @extend_schema(
        tags=["Sök"], operation_id="search_cases", summary="Sök ärenden med fasetter och utdrag",
        description=(
            "Fritextsökning i allt du får se av ärendena: rubrik (eller offentlig rubrik), beskrivning, parter, "
            "diarienummer och handlingarna (rubriker, avsändare/mottagare, text i filer). Svaret har en sida träffar, "
            "fasetter (antal per diarium, process, status, år och riktning, räknat över alla träffar med valda filter) "
            "och utdrag där sökorden står i `<mark>`. Dolda ärenden syns inte, inte heller i antal eller fasetter; "
            "maskerade ärenden matchar bara på det du får se."
        ),
        parameters=[inputs.CaseSearchFilter], responses={200: CaseSearchResultSerializer, **problems(400, 404)},
    )
    def get(self, request):
        f = self.query(inputs.CaseSearchFilter)
        criteria = criteria_from(request, f)
        result = _search(request, criteria, page=f["page"], page_size=f["page_size"], with_facets=True)
        items = list(result.items)
        return Response(OrderedDict([
            ("count", result.total),
            ("page", result.page),
            ("num_pages", result.num_pages),
            ("results", _represent_cases(self, items)),
            ("facets", {
                name: [{"value": v.value, "label": str(v.label), "count": v.count} for v in result.facets.get(name, [])]
                for name in ("diary", "process", "status", "year", "direction")
            }),
            ("omitted_facets", list(getattr(result, "omitted_facets", []))),
            ("snippets", {
                str(case.pk): [{"label": s.label, "html": str(s.html)} for s in result.snippets.get(str(case.pk), [])]
                for case in items
            }),
            ("truncated", bool(getattr(result, "truncated", False))),
        ]))
