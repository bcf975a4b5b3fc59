"""The document page, its actions, new files and versions, and file download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from knutpunkt.access import policy
from knutpunkt.access.policy import Visibility
from knutpunkt.core.errors import DomainError, NotFound
from knutpunkt.files import queries as file_queries
from knutpunkt.files import services as file_services
from knutpunkt.registry import queries
from knutpunkt.registry import services as registry
from knutpunkt.web import queries as web_queries
from knutpunkt.web import secrecy as web_secrecy
from knutpunkt.web.forms import secrecy as secrecy_forms
from knutpunkt.web.forms.base import ReasonForm
from knutpunkt.web.forms.cases import DocumentEditForm, FileForm
from knutpunkt.web.timeline import timeline

from .cases import attach_file_forms, render_case_page, version_form
from .common import registry_errors_as_http, render_page


def render_document_page(request, document, visibility, *, bound: dict | None = None, open_version: str = ""):
    user = request.user
    bound = bound or {}
    view = policy.document_view(user, document)
    may_edit = view.full and not document.is_voided and policy.may_edit_document(user, document)
    may_void = may_edit and policy.may_void(user, document.diary_id)
    may_mark = view.full and policy.may_mark(user, document)
    files = web_queries.files_by_document(user, [document]).get(document.pk, [])
    attach_file_forms(user, document, files, bound, may_edit=may_edit)
    forms = {}
    if may_edit:
        forms["file"] = bound.get("file") or FileForm(prefix="file")
    if may_void:
        forms["void"] = bound.get("void") or ReasonForm(prefix="void", reason_required=True, reason_label="Skäl för makulering")
    correspondents = sorted(queries.document_correspondents(user, document), key=lambda row: row.role) if view.parties else []
    context = {
        "nav": "search",
        "document": document,
        "case": document.case,
        "view": view,
        "full": view.full,
        "files": files,
        "correspondents": correspondents,
        "timeline": timeline(web_queries.document_events(user, document), user=user),
        "may_edit": may_edit,
        "may_void": may_void,
        "may_mark": may_mark,
        "forms": forms,
        "protection": web_secrecy.panel(user, document, view),
        "secrecy_forms": secrecy_forms.panel_forms(user, document, bound=bound) if may_mark else {},
        "protected_identity": web_secrecy.holds_protected_identity(case=document.case, document=document),
        "open_action": next(iter(bound), ""),
        "open_version": open_version,
        "has_errors": any(f.errors for f in bound.values()),
        "bound_forms": list(bound.values()),
    }
    return render_page(request, "web/document_detail.html", context)


@login_required
@registry_errors_as_http
def document_detail(request, document_id):
    document, visibility = queries.get_document(request.user, document_id)
    return render_document_page(request, document, visibility)


@login_required
def document_by_reference(request, reference):
    # Resolved without opening the document: the page redirected to audits the read.
    document_id = web_queries.document_id_for_reference(request.user, reference)
    if document_id is None:
        raise Http404("Sidan finns inte.")
    return redirect("web:document_detail", document_id=document_id)


def _editable_document(request, document_id):
    document, visibility = queries.get_document(request.user, document_id)
    if visibility != Visibility.FULL or not policy.may_edit_document(request.user, document):
        raise DjangoPermissionDenied("Du har inte behörighet att ändra handlingen.")
    return document, visibility


@login_required
@registry_errors_as_http
def document_edit(request, document_id):
    document, _visibility = _editable_document(request, document_id)
    if document.is_voided:
        messages.error(request, "Handlingen är makulerad och kan inte ändras.")
        return redirect("web:document_detail", document_id=document.pk)
    if request.method == "POST":
        form = DocumentEditForm(request.POST, user=request.user, document=document)
        if form.is_valid():
            before = document.updated_at
            try:
                updated = registry.update_document(document, actor=request.user, reason=form.cleaned_data.get("reason", ""), **form.values())
            except DomainError as err:
                form.add_domain_error(err, default_field="reason")
            else:
                if updated.updated_at == before:
                    messages.info(request, "Inga uppgifter ändrades.")
                else:
                    messages.success(request, "Ändringarna är sparade. De syns i historiken.")
                return redirect("web:document_detail", document_id=document.pk)
    else:
        form = DocumentEditForm(user=request.user, document=document)
    return render_page(request, "web/document_edit.html", {"nav": "search", "document": document, "case": document.case, "form": form})


@login_required
@require_POST
@registry_errors_as_http
def document_void(request, document_id):
    document, visibility = _editable_document(request, document_id)
    if not policy.may_void(request.user, document.diary_id):
        raise DjangoPermissionDenied("Endast registratorer får makulera.")
    form = ReasonForm(request.POST, prefix="void", reason_required=True, reason_label="Skäl för makulering")
    if form.is_valid():
        try:
            registry.void_document(document, actor=request.user, reason=form.cleaned_data.get("reason", ""))
        except DomainError as err:
            form.add_domain_error(err, default_field="reason")
        else:
            messages.success(request, f"Handlingen {document.reference} är makulerad.")
            return redirect("web:document_detail", document_id=document.pk)
    return render_document_page(request, document, visibility, bound={"void": form})


@login_required
@require_POST
@registry_errors_as_http
def document_add_file(request, document_id):
    document, visibility = _editable_document(request, document_id)
    form = FileForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            file = file_services.add_file(document, upload, upload.name, actor=request.user, comment=form.cleaned_data.get("comment", ""))
        except DomainError as err:
            form.add_domain_error(err, default_field="file")
        else:
            messages.success(request, f"Filen {file.name} är tillagd till {document.reference}.")
            return redirect("web:document_detail", document_id=document.pk)
    return render_document_page(request, document, visibility, bound={"file": form})


@login_required
@require_POST
@registry_errors_as_http
def file_add_version(request, file_id):
    file = file_queries.get_file(request.user, file_id)
    document, visibility = _editable_document(request, file.document_id)
    form = version_form(file, request.POST, request.FILES)
    back_to_case = request.POST.get("return_to") == "case" and document.case_id
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = file_services.add_version(file, upload, upload.name, actor=request.user, comment=form.cleaned_data.get("comment", ""))
        except DomainError as err:
            form.add_domain_error(err, default_field="file")
        else:
            messages.success(request, f"Version {version.version} av {file.name} är sparad.")
            if back_to_case:
                return redirect("web:case_detail", case_id=document.case_id)
            return redirect("web:document_detail", document_id=document.pk)
    bound = {f"version:{file.pk}": form}
    if back_to_case:
        case, case_visibility = queries.get_case(request.user, document.case_id)
        return render_case_page(request, case, case_visibility, bound=bound, open_version=str(file.pk))
    return render_document_page(request, document, visibility, bound=bound, open_version=str(file.pk))


@login_required
def file_download(request, file_id):
    """The file's content through the access policy: streamed, as an attachment, with
    the stored MIME type (never guessed from the name) and the original filename."""
    raw_version = request.GET.get("version")
    try:
        number = int(raw_version) if raw_version else None
        file = file_queries.get_file(request.user, file_id)
        # A file can be marked secret on its own; the policy answers for the file too.
        if policy.file_visibility(request.user, file.document, file) != Visibility.FULL:
            raise NotFound("Filen finns inte.")
        version = file_queries.get_version(request.user, file_id, number)
    except (ValueError, NotFound):
        raise Http404("Filen finns inte.") from None
    if version is None:
        raise Http404("Filen saknar innehåll.")
    blob = version.blob
    response = FileResponse(
        file_services.open_blob(blob), as_attachment=True, filename=version.filename, content_type=blob.mime_type,
    )
    response["Content-Length"] = str(blob.size)
    response["Cache-Control"] = "private, no-store"
    return response
