"""Template helpers of the staff pages: accessible form fields, the error summary and
Swedish formats."""

from django import forms, template

from knutpunkt.registry.identity import format_org_number, format_personal_number

register = template.Library()


def _first_input_id(bound_field) -> str:
    """The id a link in the error summary should move focus to."""
    if isinstance(bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


@register.inclusion_tag("web/includes/field.html")
def field(bound_field, css_class: str = "", hint: str = ""):
    widget = bound_field.field.widget
    is_choice_group = isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
    hints = getattr(bound_field.field, "choice_hints", {})
    return {
        "f": bound_field,
        "choices": [(choice, hints.get(str(choice.data["value"]), "")) for choice in bound_field] if is_choice_group else [],
        "css_class": css_class,
        "extra_hint": hint,
        "is_group": is_choice_group,
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "is_required": bound_field.field.required or bool(widget.attrs.get("required")),
        "describedby": " ".join(
            part for part, show in (
                (f"{bound_field.auto_id}_helptext", bound_field.help_text or hint),
                (f"{bound_field.auto_id}_error", bound_field.errors),
            ) if show
        ),
    }


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


@register.inclusion_tag("web/includes/error_summary.html")
def error_summary(*forms_to_show):
    """All problems of the given forms (or lists of forms), each linking to its field."""
    items = []
    for form in _flatten(forms_to_show):
        if not form or not form.is_bound or not form.errors:
            continue
        for name, errors in form.errors.items():
            anchor = "" if name == "__all__" or name not in form.fields else _first_input_id(form[name])
            label = "" if not anchor else form[name].label
            for message in errors:
                items.append({"anchor": anchor, "label": label, "message": message})
    return {"items": items}


@register.filter
def personnummer(value: str) -> str:
    return format_personal_number(value) if value else ""


@register.filter
def orgnummer(value: str) -> str:
    return format_org_number(value) if value else ""


@register.filter
def identity(party) -> str:
    """A party's personnummer or organisationsnummer, formatted."""
    if getattr(party, "personal_number", ""):
        return format_personal_number(party.personal_number)
    if getattr(party, "org_number", ""):
        return format_org_number(party.org_number)
    return ""


@register.filter
def filesize(num) -> str:
    """Sizes in Swedish style: 1,4 MB."""
    try:
        num = int(num)
    except (TypeError, ValueError):
        return ""
    for unit in ("byte", "kB", "MB", "GB"):
        if num < 1024 or unit == "GB":
            return f"{num} {unit}" if unit == "byte" else f"{num:.1f} {unit}".replace(".", ",")
        num /= 1024
    return ""


STATUS_CLASSES = {"oppnat": "status-open", "pagaende": "status-progress", "vilande": "status-dormant", "avslutat": "status-closed"}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "")


@register.simple_tag(takes_context=True)
def user_may_register(context) -> bool:
    """Whether the menu should offer Registrera (the policy, not a guess from roles)."""
    from knutpunkt.access import policy

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    ids = policy.registrable_diary_ids(user)
    return ids is None or bool(ids)


# --- what the policy lets this reader see ----------------------------------------------

def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _view(user, obj):
    from knutpunkt.access import policy
    from knutpunkt.registry.models import Document

    return policy.document_view(user, obj) if isinstance(obj, Document) else policy.case_view(user, obj)


@register.simple_tag(takes_context=True)
def shown_title(context, obj) -> str:
    """The title of a case or document as the reader may see it: the real one, or the
    offentlig rubrik when the title is secret to them."""
    from knutpunkt.access import policy

    if obj is None:
        return ""
    return policy.shown_title(obj, _view(_user(context), obj))


# Parties are not named here: templates show the rows of registry.queries.case_parties /
# document_correspondents (`shown_name`, `identity_visible`), which also log every reveal
# of a skyddad identitet.


@register.filter
def describe_protection(protection) -> list[str]:
    """A proposed marking in short Swedish lines."""
    from knutpunkt.web import secrecy as web_secrecy

    return web_secrecy.describe(protection) if protection is not None else []
