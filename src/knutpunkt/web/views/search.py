"""Find cases, and the journal report (diarieutdrag). Both are GET forms, so a search
or a report can be bookmarked and sent to a colleague."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError
from knutpunkt.registry import queries
from knutpunkt.web.forms.search import JournalForm, SearchForm

from .common import render_page

PAGE_SIZE = 25


@login_required
def search(request):
    params = request.GET.copy()
    params.pop("page", None)
    form = SearchForm(params if params else None, user=request.user)
    page = page_range = None
    if form.is_bound and form.is_valid():
        results = queries.search_cases(request.user, form.criteria())
        paginator = Paginator(results, PAGE_SIZE, allow_empty_first_page=True)
        # get_page turns a missing, non-numeric or too large number into a real page.
        page = paginator.get_page(request.GET.get("page"))
        for case in page.object_list:
            case.full_view = policy.case_view(request.user, case).full  # the officer's name only then, as in the API
        page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return render_page(request, "web/search.html", {"nav": "search", "form": form, "page": page, "page_range": page_range})


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
