"""Registering a document: the one form, plus the small HTMX helpers it uses (the case
lookup by diarienummer, the case types of a process, and the secrecy proposal of the
chosen case or document type).

Secrecy chosen while registering is applied by registry.secrecy in the same
transaction as the registration: a refused marking leaves no case, no document and no
diary number behind.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError
from knutpunkt.intake import services as intake
from knutpunkt.registry import queries
from knutpunkt.web import queries as web_queries
from knutpunkt.web import secrecy as web_secrecy
from knutpunkt.web.forms.registration import MODE_EXISTING, MODE_NEW, MODE_NONE, RegistrationForm
from knutpunkt.web.forms.secrecy import CHOICE_CASE, CHOICE_NONE, RegistrationSecrecyForm, proposal_initial

from .common import render_page

SECRECY_PREFIX = "sek"
SECRECY_FIELDS_FOR_TYPES = "[name='process'],[name='case_type'],[name='document_type'],[name='mode'],[name='diary'],[name^='sek-']"


def _enhance(form: RegistrationForm) -> RegistrationForm:
    """HTMX attributes: the page works without them, they only save a round trip."""
    form.fields["case_reference"].widget.attrs.update({
        "hx-get": reverse("web:case_lookup"),
        "hx-trigger": "input changed delay:500ms, change",
        "hx-target": "#case-lookup",
        "hx-sync": "this:replace",
        "hx-include": "[name='case_reference'],[name^='sek-choice']",
    })
    form.fields["process"].widget.attrs.update({
        "hx-get": reverse("web:register_types"),
        "hx-trigger": "change",
        "hx-target": "#case-type-field",
        "hx-include": "[name='process'],[name='case_type'],[name='document_type']",
    })
    # A type with a default marking fills in the Sekretess part at once (the proposal
    # is still only confirmed by registering; without JavaScript the submit shows it).
    for name in ("case_type", "document_type"):
        form.fields[name].widget.attrs.update({
            "hx-get": reverse("web:register_secrecy"),
            "hx-trigger": "change",
            "hx-target": "#secrecy-section",
            "hx-swap": "outerHTML",
            "hx-include": SECRECY_FIELDS_FOR_TYPES,
        })
    return form


def success_message(result, protected: bool = False) -> str:
    document = result.document
    files = len(result.files)
    files_text = f" med {files} fil{'er' if files != 1 else ''}" if files else ""
    if result.case is None:
        text = f"Handlingen {document.reference}{files_text} är registrerad utan ärende (postlista)."
    elif result.case_created:
        text = f"Ärendet {result.case.reference} är registrerat, med handlingen {document.reference}{files_text}."
    else:
        text = f"Handlingen {document.reference}{files_text} är registrerad i ärendet {result.case.reference}."
    return text + (" Sekretess och åtkomst är sparade." if protected else "")


# --- secrecy while registering (shared with the case page's "Registrera ny handling") --------

def secrecy_form(data, *, user, prefix: str, new_case: bool, case=None, diary=None, initial=None) -> RegistrationSecrecyForm:
    diaries = () if (case is not None or diary is not None) else list(web_queries.registrable_diaries(user))
    return RegistrationSecrecyForm(data, prefix=prefix, user=user, new_case=new_case, case=case, diary=diary,
                                   diaries=diaries, initial=initial)


def pending_type_proposal(secrecy: RegistrationSecrecyForm, *, case_type, document_type):
    """A case/document type's default marking that the registrator has not been shown
    yet (the hidden `proposal` field carries the one that was)."""
    if secrecy.case_proposal is not None and secrecy.is_valid() and secrecy.cleaned_data.get("choice") in (CHOICE_CASE, CHOICE_NONE):
        return None  # they answered the case's own proposal for this document
    proposal = web_secrecy.type_proposal(case_type, document_type)
    if proposal is None or secrecy.data.get(secrecy.add_prefix("proposal")) == proposal.key:
        return None
    return proposal


def with_proposal(secrecy: RegistrationSecrecyForm, proposal, *, user) -> RegistrationSecrecyForm:
    """The Sekretess part again, unbound, filled with the proposal — unless the
    registrator already typed a marking there, which is kept."""
    typed = {name: secrecy[name].value() for name in secrecy.fields}
    if secrecy.has_content:
        initial = typed | {"proposal": proposal.key}
    else:
        initial = proposal_initial(proposal, new_case=secrecy.new_case, typed=typed)
    return secrecy_form(None, user=user, prefix=secrecy.prefix, new_case=secrecy.new_case, case=secrecy.case,
                        diary=secrecy.diary, initial=initial)


def protect(secrecy: RegistrationSecrecyForm, result, *, actor) -> bool:
    """Apply what was chosen to the new case and/or document (inside the caller's
    transaction). Returns whether anything was applied."""
    protection = secrecy.protection()
    if protection is None:
        return False
    for obj in secrecy.targets(result.case, result.document):
        web_secrecy.apply(obj, protection, actor=actor)
    return True


def add_error(err: DomainError, form, secrecy, *, default_field: str | None) -> None:
    """A refusal during the save goes to the form whose field it names."""
    if (err.field and err.field in secrecy.fields) or err.code == "may_not_mark":
        secrecy.add_domain_error(err, default_field="reason")
    else:
        form.add_domain_error(err, default_field=default_field)


def register_with_secrecy(form, secrecy, build, *, actor):
    """Register (build() gives the Registration) and apply the secrecy, all or nothing.
    Returns (result, protected) or raises DomainError."""
    with transaction.atomic():
        result = intake.register(build(), actor=actor)
        protected = protect(secrecy, result, actor=actor)
    return result, protected


# --- the page --------------------------------------------------------------------------

def _mode(form: RegistrationForm) -> str:
    return (form.data.get("mode") if form.is_bound else form.initial.get("mode")) or MODE_NEW


def _secrecy_for(form: RegistrationForm, data, *, user) -> RegistrationSecrecyForm:
    mode = _mode(form)
    cleaned = getattr(form, "cleaned_data", {})
    diary = cleaned.get("diary") if mode in (MODE_NEW, MODE_NONE) else None
    case = form.case if mode == MODE_EXISTING else None
    return secrecy_form(data, user=user, prefix=SECRECY_PREFIX, new_case=mode == MODE_NEW, case=case, diary=diary)


@login_required
def register(request):
    user = request.user
    proposal = None
    if request.method == "POST":
        form = _enhance(RegistrationForm(request.POST, request.FILES, user=user))
        valid = form.is_valid()
        secrecy = _secrecy_for(form, request.POST, user=user)
        cleaned = form.cleaned_data
        proposal = pending_type_proposal(
            secrecy, case_type=cleaned.get("case_type") if _mode(form) == MODE_NEW else None, document_type=cleaned.get("document_type"),
        )
        if proposal is not None:
            secrecy = with_proposal(secrecy, proposal, user=user)
        elif secrecy.is_valid() and valid:
            default_field = "case_reference" if cleaned["mode"] == MODE_EXISTING else "diary"
            try:
                result, protected = register_with_secrecy(form, secrecy, form.registration, actor=user)
            except DomainError as err:
                add_error(err, form, secrecy, default_field=default_field)
            else:
                messages.success(request, success_message(result, protected))
                if result.case is not None:
                    return redirect("web:case_detail", case_id=result.case.pk)
                return redirect("web:document_detail", document_id=result.document.pk)
    else:
        initial = {}
        if request.GET.get("arende"):
            initial = {"mode": MODE_EXISTING, "case_reference": request.GET["arende"][:50]}
        form = _enhance(RegistrationForm(user=user, initial=initial))
        if initial:
            form.case = queries.cases_for(user).filter(reference__iexact=initial["case_reference"].strip()).first()
        secrecy = _secrecy_for(form, None, user=user)
    case = form.case if _mode(form) == MODE_EXISTING else None
    context = {
        "nav": "register",
        "form": form,
        "secrecy": secrecy,
        "proposal": proposal,
        "proposal_lines": web_secrecy.describe(proposal.protection) if proposal else [],
        "lookup_case": case,
        "lookup_case_full": case is not None and policy.case_view(user, case).full,
        "may_register": bool(list(form.fields["diary"].queryset[:1])),
        "MODE_NEW": MODE_NEW,
    }
    return render_page(request, "web/register.html", context)


@login_required
@require_GET
def case_lookup(request):
    """The case title for a diarienummer, as the registrator types it — and, for a case
    with a marking, the choice the new document needs. Only the reference and the title
    as the reader may see it are shown, so this is not an audited opening of the case."""
    user = request.user
    reference = (request.GET.get("case_reference") or "").strip()
    context = {"reference": reference}
    if reference:
        case = queries.cases_for(user).filter(reference__iexact=reference).first()
        if case is None:
            context["not_found"] = True
        else:
            # Unbound: a choice not made yet is no error while the registrator types.
            secrecy = secrecy_form(None, user=user, prefix=SECRECY_PREFIX, new_case=False, case=case,
                                   initial={"choice": request.GET.get(f"{SECRECY_PREFIX}-choice", "")})
            context.update({
                "case": case, "may_register": policy.may_register_in(user, case.diary), "secrecy": secrecy,
                "case_full": policy.case_view(user, case).full,
            })
    return render(request, "web/register/_case_lookup.html", context)


@login_required
@require_GET
def register_types(request):
    """The case and document type lists for the chosen process."""
    initial = {key: request.GET.get(key, "") for key in ("process", "case_type", "document_type")}
    form = _enhance(RegistrationForm(user=request.user, initial=initial))
    case_type = initial["case_type"]
    if case_type and case_type not in {str(v) for v, _ in _flat(form.fields["case_type"].choices)}:
        form.initial["case_type"] = ""  # no longer in the narrowed list
    return render(request, "web/register/_types.html", {"form": form})


@login_required
@require_GET
def register_secrecy(request):
    """The Sekretess part of the form, filled with the default marking of the chosen
    case or document type (HTMX, on change of either). A type without one leaves what
    the registrator typed as it was."""
    user = request.user
    mode = request.GET.get("mode") or MODE_NEW
    form = RegistrationForm(request.GET, user=user)
    form.is_valid()
    cleaned = form.cleaned_data
    diary = cleaned.get("diary") if mode in (MODE_NEW, MODE_NONE) else None
    secrecy = secrecy_form(request.GET, user=user, prefix=SECRECY_PREFIX, new_case=mode == MODE_NEW, diary=diary)
    proposal = web_secrecy.type_proposal(cleaned.get("case_type") if mode == MODE_NEW else None, cleaned.get("document_type"))
    if proposal is None or request.GET.get(secrecy.add_prefix("proposal")) == proposal.key:
        return HttpResponse(status=204)  # nothing new to propose: leave the section as it is
    secrecy = with_proposal(secrecy, proposal, user=user)
    context = {"secrecy": secrecy, "in_section": True, "proposal": proposal, "proposal_lines": web_secrecy.describe(proposal.protection) if proposal else []}
    return render(request, "web/register/_secrecy.html", context)


def _flat(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label
