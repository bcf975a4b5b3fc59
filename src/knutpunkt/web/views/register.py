"""Registering a document: the one form, plus the two small HTMX helpers it uses
(the case lookup by diarienummer and the case types of a process)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError, NotFound
from knutpunkt.intake import services as intake
from knutpunkt.registry import queries
from knutpunkt.web.forms.registration import MODE_EXISTING, MODE_NEW, RegistrationForm

from .common import render_page


def _enhance(form: RegistrationForm) -> RegistrationForm:
    """HTMX attributes: the page works without them, they only save a round trip."""
    form.fields["case_reference"].widget.attrs.update({
        "hx-get": reverse("web:case_lookup"),
        "hx-trigger": "input changed delay:500ms, change",
        "hx-target": "#case-lookup",
        "hx-sync": "this:replace",
    })
    form.fields["process"].widget.attrs.update({
        "hx-get": reverse("web:register_types"),
        "hx-trigger": "change",
        "hx-target": "#case-type-field",
        "hx-include": "[name='process'],[name='case_type'],[name='document_type']",
    })
    return form


def success_message(result) -> str:
    document = result.document
    files = len(result.files)
    files_text = f" med {files} fil{'er' if files != 1 else ''}" if files else ""
    if result.case is None:
        return f"Handlingen {document.reference}{files_text} är registrerad utan ärende (postlista)."
    if result.case_created:
        return f"Ärendet {result.case.reference} är registrerat, med handlingen {document.reference}{files_text}."
    return f"Handlingen {document.reference}{files_text} är registrerad i ärendet {result.case.reference}."


@login_required
def register(request):
    user = request.user
    if request.method == "POST":
        form = _enhance(RegistrationForm(request.POST, request.FILES, user=user))
        if form.is_valid():
            default_field = "case_reference" if form.cleaned_data["mode"] == MODE_EXISTING else "diary"
            try:
                result = intake.register(form.registration(), actor=user)
            except DomainError as err:
                form.add_domain_error(err, default_field=default_field)
            else:
                messages.success(request, success_message(result))
                if result.case is not None:
                    return redirect("web:case_detail", case_id=result.case.pk)
                return redirect("web:document_detail", document_id=result.document.pk)
    else:
        initial = {}
        if request.GET.get("arende"):
            initial = {"mode": MODE_EXISTING, "case_reference": request.GET["arende"][:50]}
        form = _enhance(RegistrationForm(user=user, initial=initial))
    context = {
        "nav": "register",
        "form": form,
        "may_register": bool(list(form.fields["diary"].queryset[:1])),
        "MODE_NEW": MODE_NEW,
    }
    return render_page(request, "web/register.html", context)


@login_required
@require_GET
def case_lookup(request):
    """The case title for a diarienummer, as the registrator types it."""
    reference = (request.GET.get("case_reference") or "").strip()
    context = {"reference": reference}
    if reference:
        try:
            case, _visibility = queries.get_case(request.user, reference)
        except NotFound:
            context["not_found"] = True
        else:
            context.update({"case": case, "may_register": policy.may_register_in(request.user, case.diary)})
    return render(request, "web/register/_case_lookup.html", context)


@login_required
@require_GET
def register_types(request):
    """The case and document type lists for the chosen process."""
    initial = {key: request.GET.get(key, "") for key in ("process", "case_type", "document_type")}
    form = RegistrationForm(user=request.user, initial=initial)
    case_type = initial["case_type"]
    if case_type and case_type not in {str(v) for v, _ in _flat(form.fields["case_type"].choices)}:
        form.initial["case_type"] = ""  # no longer in the narrowed list
    return render(request, "web/register/_types.html", {"form": form})


def _flat(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label
