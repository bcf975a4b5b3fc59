"""Find cases, and the journal report (diarieutdrag). Both are GET forms, so a search
or a report can be bookmarked and sent to a colleague.

A search with free text goes to the search engine (knutpunkt.search.queries): relevance
or date order, facets and highlighted snippets. Without text the registry's list is
enough (newest first, no facets: counting facets over every case a reader may see
would cost more than the page)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError
from knutpunkt.registry import queries
from knutpunkt.search import queries as search_queries
from knutpunkt.web.forms.search import SORTS, JournalForm, SearchForm

from .common import render_page

PAGE_SIZE = 25

# facet of the engine → (GET parameter of the form, heading)
FACETS = (
    ("diary", "diary", "Diarium"),
    ("process", "process", "Process"),
    ("status", "status", "Status"),
    ("year", "year", "År"),
    ("direction", "direction", "Handlingar"),
)


def _requested_page(raw, notices: list[str]) -> int:
    """The page asked for, at least 1; junk is page 1 with a word about it."""
    raw = (raw or "").strip()
    if not raw:
        return 1
    try:
        number = int(raw)
    except (ValueError, OverflowError):  # also more digits than int() takes
        notices.append("Sidnumret ska vara ett heltal – visar första sidan.")
        return 1
    if number < 1:
        notices.append("Sidnumret ska vara 1 eller större – visar första sidan.")
        return 1
    return number


def _page_of(paginator: Paginator, number: int, notices: list[str]):
    """The page (clamped to the last one, with a notice) and its elided page range."""
    if number > paginator.num_pages:
        notices.append(f"Sidan finns inte – visar sida {paginator.num_pages}, den sista.")
        number = paginator.num_pages
    page = paginator.page(number)
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _link(params, **changes) -> str:
    """`?…` with `changes` applied to the current query (None removes a parameter);
    the page always goes back to the first."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _facet_groups(form, params, facets, omitted=()) -> list[dict]:
    groups = []
    for key, param, heading in FACETS:
        if key in omitted:  # too many matches to count this one (the engine's limit)
            groups.append({"key": key, "heading": heading, "values": [], "omitted": True})
            continue
        values = []
        for facet in facets.get(key) or []:
            active = facet.value is not None and params.get(param) == str(facet.value)
            href = None
            if active:
                href = _link(params, **{param: None})
            elif facet.value is not None and form.offers(param, facet.value):
                href = _link(params, **{param: facet.value})
            values.append({"label": facet.label, "count": facet.count, "active": active, "href": href})
        if values:
            groups.append({"key": key, "heading": heading, "values": values})
    return groups


@login_required
def search(request):
    params = request.GET.copy()
    params.pop("page", None)
    form = SearchForm(params if params else None, user=request.user)
    context = {"nav": "search", "form": form, "page": None, "notices": form.notices}
    if form.is_bound and form.is_valid():
        criteria = form.criteria()
        number = _requested_page(request.GET.get("page"), form.notices)
        if criteria.text:
            context.update(_text_search(request, form, criteria, number))
        else:
            context.update(_list(request, form, criteria, number))
        context["sort"] = criteria.sort
    return render_page(request, "web/search.html", context)


def _text_search(request, form, criteria, number: int) -> dict:
    result = search_queries.search_cases(request.user, criteria, sort=criteria.sort, page=number, page_size=PAGE_SIZE)
    parsed = getattr(result, "query", None)
    if parsed is not None and not parsed:
        form.notices.append("Fritexten innehåller inga ord att söka på – övriga villkor gäller.")
    if getattr(result, "truncated", False):
        form.notices.append("Orden finns i väldigt många ärenden, så bara de senast registrerade har sökts igenom. "
                            "Lägg till fler ord eller avgränsa sökningen för att hitta äldre ärenden.")
    # A Page over the count only, for the pagination links and "visar 26–50"; the engine
    # has already clamped its own page the same way.
    page, page_range = _page_of(Paginator(range(result.total), PAGE_SIZE, allow_empty_first_page=True), number, form.notices)
    items = list(result.items)
    for case in items:
        case.full_view = case.view.full  # the officer's name only then, as in the API
        case.snippet_list = _without_title_snippet(result.snippets.get(str(case.pk), []))
    params = request.GET.copy()
    return {
        "text_search": True,
        "page": page,
        "page_range": page_range,
        "items": items,
        "total": result.total,
        "facet_groups": _facet_groups(form, params, result.facets, getattr(result, "omitted_facets", [])),
        "sort_links": [
            {"label": label, "href": _link(params, sort=value), "active": criteria.sort == value} for value, label in SORTS.items()
        ],
    }


def _without_title_snippet(snippets: list) -> list:
    """The snippets less the title's when it is the whole title: the title stands right
    above it. (The engine cuts a long text to a window, "… text …"; such a title
    snippet stays, as it shows where in the title the words were.)"""
    return [s for s in snippets if not (s.label == "Rubrik" and not s.html.startswith("…") and not s.html.endswith("…"))]


def _list(request, form, criteria, number: int) -> dict:
    results = queries.search_cases(request.user, criteria)
    page, page_range = _page_of(Paginator(results, PAGE_SIZE, allow_empty_first_page=True), number, form.notices)
    items = list(page.object_list)
    for case in items:
        view = policy.case_view(request.user, case)
        case.full_view = view.full
        case.shown_title = policy.shown_title(case, view)
        case.snippet_list = []
    return {"text_search": False, "page": page, "page_range": page_range, "items": items, "total": page.paginator.count}


@login_required
def journal(request):
    form = JournalForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        # Imported here: the report module is its own piece and the rest of the staff
        # pages must not depend on it being importable.
        from knutpunkt.registry import journal as journal_report

        data = form.cleaned_data
        diary, start, end = data["diary"], data["date_from"], data["date_to"]
        stem = f"diarieutdrag-{diary.prefix}-{start.isoformat()}--{end.isoformat()}"
        try:
            if data["format"] == "csv":
                content = journal_report.journal_csv(request.user, diary, start, end)
                response = HttpResponse(content.encode("utf-8") if isinstance(content, str) else content, content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = content_disposition_header(True, f"{stem}.csv")
            else:
                content = journal_report.journal_pdf(request.user, diary, start, end)
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = content_disposition_header(True, f"{stem}.pdf")
        except DomainError as err:
            form.add_domain_error(err, default_field="diary")
        else:
            response["Cache-Control"] = "private, no-store"
            return response
    return render_page(request, "web/journal.html", {"nav": "journal", "form": form})
