"""Sekretess och åtkomst: the panel's actions on a case or a document, and marking one
file. Each is a POST form calling one service of registry.secrecy (or files.services);
a refusal shows the page again with that form open, the message at its field and in
the error summary, and what was typed kept.

Who may: policy.may_mark (a registrator or handläggare with a full view, or a global
administrator). A hidden object is 404; a visible one the reader may not mark is 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError
from knutpunkt.files import queries as file_queries
from knutpunkt.files import services as file_services
from knutpunkt.registry import queries
from knutpunkt.registry import secrecy as registry_secrecy
from knutpunkt.registry.models import Document
from knutpunkt.web import secrecy as web_secrecy
from knutpunkt.web.forms import secrecy as secrecy_forms

from .cases import render_case_page
from .common import registry_errors_as_http
from .documents import render_document_page

NOT_ALLOWED = "Du har inte behörighet att ändra sekretess eller åtkomst för detta."


def _markable(request, kind: str, pk):
    get = queries.get_case if kind == "case" else queries.get_document
    obj, visibility = get(request.user, pk)
    if not policy.may_mark(request.user, obj):
        raise DjangoPermissionDenied(NOT_ALLOWED)
    return obj, visibility


def _page(obj):
    if isinstance(obj, Document):
        return redirect("web:document_detail", document_id=obj.pk)
    return redirect("web:case_detail", case_id=obj.pk)


def _render(request, obj, visibility, bound):
    render = render_document_page if isinstance(obj, Document) else render_case_page
    return render(request, obj, visibility, bound=bound)


def _the(obj) -> str:
    return "Handlingens" if isinstance(obj, Document) else "Ärendets"


def _act(request, kind: str, pk, name: str, action):
    """Validate the panel form `name`; `action(obj, form)` calls the service and returns
    the message to show."""
    obj, visibility = _markable(request, kind, pk)
    form = secrecy_forms.panel_form(name, obj, user=request.user, data=request.POST)
    if form.is_valid():
        try:
            message = action(obj, form)
        except DomainError as err:
            form.add_domain_error(err, default_field="reason")
        else:
            if message:
                messages.success(request, message)
            else:
                messages.info(request, "Inga uppgifter ändrades.")
            return _page(obj)
    return _render(request, obj, visibility, {name: form})


def _set_marking(request, obj, form):
    values = form.marking_values()
    registry_secrecy.set_marking(obj, actor=request.user, reason=form.cleaned_data["reason"], **values)
    return f"{_the(obj)} sekretessmarkering är sparad."


def _revoke(request, obj, form):
    registry_secrecy.revoke_marking(obj, actor=request.user, reason=form.cleaned_data["reason"])
    return f"{_the(obj)} sekretessmarkering är hävd."


def _personal_data(request, obj, form):
    if not form.changed:
        return ""
    level = form.cleaned_data["personal_data_level"]
    registry_secrecy.set_personal_data_level(obj, level, actor=request.user, reason=form.cleaned_data["reason"])
    return f"Personuppgiftsskyddet är nu: {web_secrecy.PERSONAL_DATA_LABELS[level].lower()}."


def _restriction(request, obj, form):
    if not form.changed:
        return ""
    restricted, groups = form.values()
    registry_secrecy.set_restriction(obj, actor=request.user, restricted=restricted, access_groups=groups,
                                     reason=form.cleaned_data["reason"])
    return "Åtkomsten är nu begränsad." if restricted else "Åtkomsten är nu öppen för myndighetens personal."


ACTIONS = {
    secrecy_forms.MARKING: _set_marking,
    secrecy_forms.REVOKE: _revoke,
    secrecy_forms.PERSONAL_DATA: _personal_data,
    secrecy_forms.RESTRICTION: _restriction,
}


def _view(kind: str, name: str):
    action = ACTIONS[name]

    @login_required
    @require_POST
    @registry_errors_as_http
    def view(request, pk):
        return _act(request, kind, pk, name, lambda obj, form: action(request, obj, form))

    view.__name__ = f"{kind}_{name.split(':')[1]}"
    return view


case_marking = _view("case", secrecy_forms.MARKING)
case_revoke = _view("case", secrecy_forms.REVOKE)
case_personal_data = _view("case", secrecy_forms.PERSONAL_DATA)
case_restriction = _view("case", secrecy_forms.RESTRICTION)
document_marking = _view("document", secrecy_forms.MARKING)
document_revoke = _view("document", secrecy_forms.REVOKE)
document_personal_data = _view("document", secrecy_forms.PERSONAL_DATA)
document_restriction = _view("document", secrecy_forms.RESTRICTION)


@login_required
@require_POST
@registry_errors_as_http
def file_secrecy(request, file_id):
    """Mark one file secret or lift that. Shown again on the page it was posted from."""
    file = file_queries.get_file(request.user, file_id)
    document, visibility = _markable(request, "document", file.document_id)
    form = secrecy_forms.FileSecrecyForm(request.POST, file=file)
    back_to_case = request.POST.get("return_to") == "case" and document.case_id
    if form.is_valid():
        try:
            file_services.set_file_secret(file, form.make_secret, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as err:
            form.add_domain_error(err, default_field="reason")
        else:
            state = "sekretessmarkerad" if form.make_secret else "inte längre sekretessmarkerad"
            messages.success(request, f"Filen {file.name} är {state}.")
            return redirect("web:case_detail", case_id=document.case_id) if back_to_case else _page(document)
    bound = {secrecy_forms.file_form_key(file): form}
    if back_to_case:
        case, case_visibility = queries.get_case(request.user, document.case_id)
        return render_case_page(request, case, case_visibility, bound=bound)
    return render_document_page(request, document, visibility, bound=bound)
