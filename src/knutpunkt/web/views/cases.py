"""The case page and the actions on it.

Every action is a POST form of its own that calls one service. When the service says
no, the case page is shown again with that form open, the message at its field and
in the error summary, and what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from knutpunkt.access import policy
from knutpunkt.access.policy import Visibility
from knutpunkt.core import clock
from knutpunkt.core.errors import DomainError
from knutpunkt.registry import queries
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case
from knutpunkt.registry.parties import find_or_create_party
from knutpunkt.web import queries as web_queries
from knutpunkt.web import secrecy as web_secrecy
from knutpunkt.web.forms import secrecy as secrecy_forms
from knutpunkt.web.forms.base import ReasonForm
from knutpunkt.web.forms.cases import AddDocumentForm, AddPartyForm, CaseEditForm, DeadlineForm, FileForm, LinkForm, StatusForm
from knutpunkt.web.timeline import timeline

from .common import registry_errors_as_http, render_page
from .register import add_error, pending_type_proposal, register_with_secrecy, secrecy_form, success_message, with_proposal

DOCUMENT_SECRECY_PREFIX = "doc-sek"

# The case page's action forms: name → (form prefix, factory).
ACTION_FORMS = {
    "status": lambda data, files, user, case: StatusForm(data, prefix="status", initial={"status": case.status}),
    "close": lambda data, files, user, case: ReasonForm(data, prefix="close", reason_label="Kommentar (frivillig)"),
    "reopen": lambda data, files, user, case: ReasonForm(data, prefix="reopen", reason_required=True, reason_label="Skäl för att återöppna"),
    "void": lambda data, files, user, case: ReasonForm(data, prefix="void", reason_required=True, reason_label="Skäl för makulering"),
    "document": lambda data, files, user, case: AddDocumentForm(data, files, prefix="doc", user=user, case=case),
    "deadline": lambda data, files, user, case: DeadlineForm(data, prefix="deadline", user=user),
    "party": lambda data, files, user, case: AddPartyForm(data, prefix="party"),
    "link": lambda data, files, user, case: LinkForm(data, prefix="link", user=user),
}


def _action_form(name, request, case, *, bound: bool):
    data, files = (request.POST, request.FILES) if bound else (None, None)
    return ACTION_FORMS[name](data, files, request.user, case)


def version_form(file, data=None, files=None) -> FileForm:
    return FileForm(data, files, prefix=f"v-{file.pk.hex[:12]}")


def document_secrecy_form(request, case, data=None, initial=None):
    return secrecy_form(data, user=request.user, prefix=DOCUMENT_SECRECY_PREFIX, new_case=False, case=case, initial=initial)


def attach_file_forms(user, document, file_list, bound: dict, *, may_edit: bool) -> None:
    """Version upload and per-file secrecy forms, for those who may use them."""
    may_mark = policy.may_mark(user, document)
    full_view = policy.document_view(user, document).full
    for file in file_list:
        file.full_view = full_view  # names of staff and version comments only then, as in the API
        file.version_form = (bound.get(f"version:{file.pk}") or version_form(file)) if may_edit else None
        file.version_list = sorted(file.versions.all(), key=lambda v: v.version, reverse=True)
        # One file can only be marked within the document's marking (files.services).
        offer = may_mark and (document.is_secret or file.is_secret)
        key = secrecy_forms.file_form_key(file)
        file.secrecy_form = (bound.get(key) or secrecy_forms.FileSecrecyForm(file=file)) if offer else None
        file.secrecy_key = key


def render_case_page(request, case: Case, visibility: Visibility, *, bound: dict | None = None, open_version: str = "",
                     proposal=None):
    """The case page. `bound` holds a form that failed, by action name; it replaces the
    empty one and its <details> opens."""
    user = request.user
    bound = bound or {}
    view = policy.case_view(user, case)
    documents = list(queries.case_documents(user, case))
    for document in documents:
        document.view = policy.document_view(user, document)
        # The registry's own resolution (shown name, identity right, audit of a reveal),
        # on the rows case_documents already prefetched: no query per document.
        document.correspondent_rows = (
            queries._resolve_party_rows(user, list(document.correspondents.all()), document, document.diary_id)
            if document.view.parties else []
        )
    files = web_queries.files_by_document(user, documents)
    parties = queries.case_parties(user, case) if view.parties else []
    may_edit = view.full and not case.is_voided and policy.may_edit_case(user, case)
    may_void = may_edit and policy.may_void(user, case.diary_id)
    may_mark = view.full and policy.may_mark(user, case)
    forms = {}
    if may_edit:
        for name in ACTION_FORMS:
            if name == "void" and not may_void:
                continue
            forms[name] = bound.get(name) or _action_form(name, request, case, bound=False)
        forms["document_secrecy"] = bound.get("document_secrecy") or document_secrecy_form(request, case)
    for document in documents:
        document.file_list = files.get(document.pk, [])
        document.may_edit = may_edit and not document.is_voided and policy.may_edit_document(user, document)
        attach_file_forms(user, document, document.file_list, bound, may_edit=document.may_edit)
    today = clock.today()
    deadlines = list(web_queries.case_deadlines(user, case)) if view.full else []
    for deadline in deadlines:
        deadline.is_overdue = deadline.completed_at is None and deadline.due_date < today
    events = queries.case_events(user, case)
    context = {
        "nav": "search",
        "case": case,
        "view": view,
        "full": view.full,
        "documents": documents,
        "parties": parties,
        "deadlines": deadlines,
        "links": web_queries.case_links(user, case),
        "timeline": timeline(events, user=user, case=case, parties={str(row.party_id): row for row in parties}),
        "may_edit": may_edit,
        "may_void": may_void,
        "may_mark": may_mark,
        "forms": forms,
        "protection": web_secrecy.panel(user, case, view),
        "secrecy_forms": secrecy_forms.panel_forms(user, case, bound=bound) if may_mark else {},
        "protected_identity": web_secrecy.holds_protected_identity(case=case),
        "proposal": proposal,
        "proposal_lines": web_secrecy.describe(proposal.protection) if proposal else [],
        "open_action": next(iter(bound), ""),
        "open_version": open_version,
        "has_errors": any(f.errors for f in bound.values()),
        "bound_forms": list(bound.values()),
    }
    return render_page(request, "web/case_detail.html", context)


@login_required
@registry_errors_as_http
def case_detail(request, case_id):
    case, visibility = queries.get_case(request.user, case_id)
    return render_case_page(request, case, visibility)


@login_required
def case_by_reference(request, reference):
    # Resolved without opening the case: the page redirected to audits the read, once.
    case_id = queries.case_id_for_reference(request.user, reference)
    if case_id is None:
        raise Http404("Sidan finns inte.")
    return redirect("web:case_detail", case_id=case_id)


def _editable_case(request, case_id):
    case, visibility = queries.get_case(request.user, case_id)
    if visibility != Visibility.FULL or not policy.may_edit_case(request.user, case):
        raise DjangoPermissionDenied("Du har inte behörighet att ändra ärendet.")
    return case, visibility


def _run(request, case, visibility, name, form, action, *, success: str):
    """Validate `form` and call `action(form)`, which may return the success message;
    on a DomainError show the case page again with this form open."""
    if form.is_valid():
        try:
            result = action(form)
        except DomainError as err:
            form.add_domain_error(err, default_field=_default_field(form))
        else:
            messages.success(request, result or success)
            return redirect("web:case_detail", case_id=case.pk)
    return render_case_page(request, case, visibility, bound={name: form})


def _default_field(form) -> str | None:
    for candidate in ("reason", "title", "reference", "last_name", "description"):
        if candidate in form.fields:
            return candidate
    return None


@login_required
@registry_errors_as_http
def case_edit(request, case_id):
    case, visibility = _editable_case(request, case_id)
    if case.is_voided:
        messages.error(request, "Ärendet är makulerat och kan inte ändras.")
        return redirect("web:case_detail", case_id=case.pk)
    if request.method == "POST":
        form = CaseEditForm(request.POST, user=request.user, case=case)
        if form.is_valid():
            before = case.event_sequence
            try:
                updated = registry.update_case(case, actor=request.user, reason=form.cleaned_data.get("reason", ""), **form.values())
            except DomainError as err:
                form.add_domain_error(err, default_field="reason")
            else:
                if updated.event_sequence == before:
                    messages.info(request, "Inga uppgifter ändrades.")
                else:
                    messages.success(request, "Ändringarna är sparade. De syns i ärendets historik.")
                return redirect("web:case_detail", case_id=case.pk)
    else:
        form = CaseEditForm(user=request.user, case=case)
    return render_page(request, "web/case_edit.html", {"nav": "search", "case": case, "form": form})


@login_required
@require_POST
@registry_errors_as_http
def case_status(request, case_id):
    case, visibility = _editable_case(request, case_id)
    form = _action_form("status", request, case, bound=True)
    label = dict(Case.Status.choices)

    def act(f):
        registry.set_case_status(case, f.cleaned_data["status"], actor=request.user, reason=f.cleaned_data.get("reason", ""))
        return f"Ärendets status är nu {label[f.cleaned_data['status']].lower()}."

    return _run(request, case, visibility, "status", form, act, success="Status ändrad.")


@login_required
@require_POST
@registry_errors_as_http
def case_close(request, case_id):
    case, visibility = _editable_case(request, case_id)
    form = _action_form("close", request, case, bound=True)

    def act(f):
        registry.close_case(case, actor=request.user, reason=f.cleaned_data.get("reason", ""))

    return _run(request, case, visibility, "close", form, act, success=f"Ärendet {case.reference} är avslutat.")


@login_required
@require_POST
@registry_errors_as_http
def case_reopen(request, case_id):
    case, visibility = _editable_case(request, case_id)
    form = _action_form("reopen", request, case, bound=True)

    def act(f):
        registry.reopen_case(case, actor=request.user, reason=f.cleaned_data.get("reason", ""))

    return _run(request, case, visibility, "reopen", form, act, success=f"Ärendet {case.reference} är återöppnat.")


@login_required
@require_POST
@registry_errors_as_http
def case_void(request, case_id):
    case, visibility = _editable_case(request, case_id)
    if not policy.may_void(request.user, case.diary_id):
        raise DjangoPermissionDenied("Endast registratorer får makulera.")
    form = _action_form("void", request, case, bound=True)

    def act(f):
        registry.void_case(case, actor=request.user, reason=f.cleaned_data.get("reason", ""))

    return _run(request, case, visibility, "void", form, act, success=f"Ärendet {case.reference} är makulerat.")


@login_required
@require_POST
@registry_errors_as_http
def case_add_document(request, case_id):
    """A new document in this case, with the answer to the case's marking (required
    when it has one) or a marking of its own; all in one transaction."""
    case, visibility = _editable_case(request, case_id)
    form = _action_form("document", request, case, bound=True)
    valid = form.is_valid()
    secrecy = document_secrecy_form(request, case, request.POST)
    proposal = pending_type_proposal(secrecy, case_type=None, document_type=form.cleaned_data.get("document_type"))
    if proposal is not None:
        secrecy = with_proposal(secrecy, proposal, user=request.user)
    elif secrecy.is_valid() and valid:
        try:
            result, protected = register_with_secrecy(form, secrecy, lambda: form.registration(case), actor=request.user)
        except DomainError as err:
            add_error(err, form, secrecy, default_field="title")
        else:
            messages.success(request, success_message(result, protected))
            return redirect("web:case_detail", case_id=case.pk)
    return render_case_page(request, case, visibility, bound={"document": form, "document_secrecy": secrecy}, proposal=proposal)


@login_required
@require_POST
@registry_errors_as_http
def case_add_deadline(request, case_id):
    case, visibility = _editable_case(request, case_id)
    form = _action_form("deadline", request, case, bound=True)

    def act(f):
        d = f.cleaned_data
        deadline = registry.add_deadline(case, actor=request.user, due_date=d.get("due_date"), description=d.get("description", ""),
                                         assigned_to=d.get("assigned_to"))
        return f"Bevakningen {deadline.due_date.isoformat()} är sparad."

    return _run(request, case, visibility, "deadline", form, act, success="Bevakningen är sparad.")


@login_required
@require_POST
@registry_errors_as_http
def deadline_complete(request, case_id, deadline_id):
    case, _visibility = _editable_case(request, case_id)
    deadline = web_queries.get_deadline(request.user, case, deadline_id)
    if deadline is None:
        raise Http404("Bevakningen finns inte.")
    try:
        registry.complete_deadline(deadline, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Bevakningen ”{deadline.description}” är klarmarkerad.")
    return redirect("web:case_detail", case_id=case.pk)


@login_required
@require_POST
@registry_errors_as_http
def case_add_party(request, case_id):
    case, visibility = _editable_case(request, case_id)
    form = _action_form("party", request, case, bound=True)

    def act(f):
        # One transaction, so a refused link leaves no new party behind.
        with transaction.atomic():
            party = find_or_create_party(case.diary.authority.organisation, f.party_input(), authority=case.diary.authority)
            registry.add_party(case, party, f.cleaned_data["role"], actor=request.user)
        return f"{party.display_name} är tillagd som part."

    return _run(request, case, visibility, "party", form, act, success="Parten är tillagd.")


@login_required
@require_POST
@registry_errors_as_http
def case_link(request, case_id):
    case, visibility = _editable_case(request, case_id)
    form = _action_form("link", request, case, bound=True)

    def act(f):
        registry.link_cases(case, f.other, actor=request.user, note=f.cleaned_data.get("note", ""))
        return f"Ärendet är länkat till {f.other.reference}."

    return _run(request, case, visibility, "link", form, act, success="Ärendena är länkade.")
