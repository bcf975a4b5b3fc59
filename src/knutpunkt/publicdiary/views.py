"""The public diary: search, case and document pages, the request form, the
requester's status page, robots.txt — and the registrators' request queue.

Public views read PublishedEntry only (through publicdiary.queries) and need no login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from knutpunkt.core import clock
from knutpunkt.core.errors import DomainError, NotFound

from . import disclosure, queries
from .forms import RequestForm, SearchForm
from .models import DisclosureRequest, PublicationSettings, PublishedEntry
from .ratelimit import limited

SEARCH_PARAMS = ("q", "reference", "authority", "date_from", "date_to", "page")


def _page(request, template, context, *, noindex=False, status=200):
    context = {**context, "noindex": noindex}
    response = render(request, f"publicdiary/{template}", context, status=status)
    if noindex:
        response["X-Robots-Tag"] = "noindex"
    return response


@limited("page")
@require_http_methods(["GET", "HEAD"])
def index(request):
    authorities = list(queries.published_authorities())
    searching = any(request.GET.get(p, "").strip() for p in SEARCH_PARAMS)
    form = SearchForm(request.GET if searching else None, authorities=authorities)
    context = {"form": form, "authorities": authorities, "page": None, "nav": "search"}
    if searching and form.is_valid():
        d = form.cleaned_data
        search = queries.EntrySearch(
            text=d["q"], reference=d["reference"], authority_id=d["authority"], date_from=d["date_from"], date_to=d["date_to"],
            sort=d["sort"] or queries.SORT_DATE,
        )
        page, clamped = queries.page_of(queries.results(search), request.GET.get("page"))
        context.update(page=page, clamped=clamped, count_label=queries.count_label(page.paginator), count_cap=queries.cap_label(),
                       page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    elif not searching:
        context["latest"] = PublishedEntry.objects.order_by("-published_at", "reference")[:10]
    # Result pages are never for search engines; the entries' own pages are.
    return _page(request, "index.html", context, noindex=searching)


def _entry_or_404(kind, object_id, authority_id=None) -> PublishedEntry:
    entry = queries.get_entry(kind, object_id, authority_id)
    if entry is None:
        raise Http404("Posten finns inte i diariet på webben.")
    return entry


@limited("page")
@require_http_methods(["GET", "HEAD"])
def case_detail(request, authority_id, object_id):
    entry = _entry_or_404(PublishedEntry.Kind.CASE, object_id, authority_id)
    documents = queries.case_documents(entry)
    return _page(request, "case.html", {"entry": entry, "documents": documents}, noindex=queries.is_noindex(entry.authority_id))


@limited("page")
@require_http_methods(["GET", "HEAD"])
def document_detail(request, authority_id, object_id):
    entry = _entry_or_404(PublishedEntry.Kind.DOCUMENT, object_id, authority_id)
    case_entry = queries.get_entry(PublishedEntry.Kind.CASE, entry.case_object_id) if entry.case_object_id else None
    return _page(request, "document.html", {"entry": entry, "case_entry": case_entry}, noindex=queries.is_noindex(entry.authority_id))


def _requestable(entry: PublishedEntry) -> list[PublishedEntry]:
    if entry.is_case:
        return list(queries.case_documents(entry))
    return [entry]


@limited("request", only_methods=("POST",))
@limited("page", only_methods=("GET", "HEAD"))
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request, object_id):
    entry = PublishedEntry.objects.filter(object_id=object_id).select_related("authority").first()
    if entry is None:
        raise Http404("Posten finns inte i diariet på webben.")
    choices = _requestable(entry)
    initial = {"entries": [str(e.object_id) for e in choices] if not entry.is_case else []}
    form = RequestForm(request.POST or None, entries=choices, initial=initial)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = disclosure.RequestInput(
            authority_id=entry.authority_id, entries=form.chosen_entries(), requested_text=d["requested_text"], name=d["name"],
            email=d["email"], postal_address=d["postal_address"], phone=d["phone"], delivery=d["delivery"], message=d["message"],
        )
        if entry.is_case and not data.entries and not data.requested_text:
            data.requested_text = f"Handlingar i ärende {entry.reference}"
        try:
            req, token = disclosure.submit(data)
        except DomainError as exc:
            for field_name, msgs in (exc.errors or {"__all__": [exc.message]}).items():
                target = field_name if field_name in form.fields else None
                for msg in msgs:
                    if target is None:
                        errors.append({"anchor": "id_email", "message": msg})
                    form.add_error(target, msg)
        else:
            request.session["publicdiary_receipt"] = req.pk
            return redirect(reverse("publicdiary:request_status", args=[token]) + "?kvitto=1")
    has_errors = bool(form.errors)
    summary = errors + [
        {"anchor": _anchor(form, name), "label": form.fields[name].label if name in form.fields else "", "message": msg}
        for name, msgs in form.errors.items() if name != "__all__" for msg in msgs
    ]
    pub = PublicationSettings.objects.filter(authority_id=entry.authority_id).first()
    context = {
        "entry": entry, "form": form, "has_errors": has_errors, "summary": summary,
        "deadline_days": pub.request_deadline_days if pub else 1,
    }
    return _page(request, "request_form.html", context, noindex=True, status=200)


def _anchor(form, name):
    if name not in form.fields:
        return "id_email"
    field = form[name]
    if name in ("entries", "delivery"):
        return f"{field.auto_id}_0"
    return field.auto_id


@limited("page")
@require_http_methods(["GET", "HEAD"])
def request_status(request, token):
    req = disclosure.by_token(token)
    if req is None:
        raise Http404("Begäran finns inte. Kontrollera länken.")
    receipt = request.GET.get("kvitto") == "1"
    response = _page(request, "request_status.html", {"req": req, "receipt": receipt, "today": clock.today()}, noindex=True)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@limited("page")
@require_http_methods(["GET", "HEAD"])
def robots_txt(request):
    # Served at /robots.txt too: only the public diary is for crawlers, never staff pages.
    lines = ["User-agent: *", "Allow: /diarium/", "Disallow: /diarium/?", "Disallow: /diarium/begar/", "Disallow: /diarium/begaran/",
             "Disallow: /diarium/handlaggning/", "Disallow: /api/public/"]
    for authority_id in sorted(queries.noindex_authority_ids()):
        lines.append(f"Disallow: {reverse('publicdiary:authority', args=[authority_id])}")
    lines.append("Disallow: /")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@limited("page")
@require_http_methods(["GET", "HEAD"])
def authority(request, authority_id):
    """An authority's own start: its latest entries (and the address of its feed)."""
    auth = queries.published_authorities().filter(pk=authority_id).first()
    if auth is None:
        raise Http404("Myndigheten publicerar inte sitt diarium här.")
    page, clamped = queries.page_of(PublishedEntry.objects.filter(authority=auth).order_by(*queries.DATE_ORDER), request.GET.get("page"))
    context = {"authority": auth, "page": page, "clamped": clamped,
               "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}
    return _page(request, "authority.html", context, noindex=queries.is_noindex(auth.pk))


# --- the registrators' work queue ------------------------------------------------------

@login_required
@require_http_methods(["GET", "HEAD"])
def staff_queue(request):
    show = request.GET.get("visa", "oppna")
    qs = disclosure.requests_for(request.user)
    if show != "alla":
        qs = qs.filter(status__in=DisclosureRequest.OPEN_STATUSES)
    context = {
        "requests": qs.order_by("deadline", "received_at")[:500], "show": show, "today": clock.today(),
        "statuses": DisclosureRequest.Status.choices, "nav": "requests",
    }
    response = render(request, "publicdiary/staff_queue.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def staff_set_status(request, pk):
    try:
        req = disclosure.set_status(pk, request.POST.get("status", ""), actor=request.user)
    except NotFound:
        raise Http404("Begäran finns inte.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{req.reference}: status ändrad till {req.get_status_display().lower()}.")
    return redirect("publicdiary:staff_queue")
