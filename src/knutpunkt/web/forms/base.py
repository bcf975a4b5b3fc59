"""What every staff form shares: Swedish messages whatever the browser's language,
several files in one input, and putting a service's DomainError on the right field."""

from django import forms

from knutpunkt.core.errors import DomainError

# Django picks its built-in messages from the request's language; the staff pages are
# Swedish, so the forms say the same thing in Swedish for everyone.
SWEDISH_MESSAGES = {
    "required": "Fältet måste fyllas i.",
    "invalid_choice": "Välj ett av alternativen i listan.",
    "max_length": "Texten är för lång (högst %(limit_value)d tecken).",
}
DATE_MESSAGES = {"invalid": "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-03-15."}
INT_MESSAGES = {"invalid": "Ange ett heltal."}


class SwedishForm(forms.Form):
    template_name = None  # forms are laid out by our own templates, field by field

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            messages = dict(SWEDISH_MESSAGES)
            if isinstance(field, forms.DateField):
                messages.update(DATE_MESSAGES)
            elif isinstance(field, forms.IntegerField):
                messages.update(INT_MESSAGES)
            elif isinstance(field, forms.FileField):
                messages.update({"invalid": "Filen kunde inte läsas.", "empty": "Filen är tom (0 byte).", "missing": "Välj en fil."})
            messages.update(getattr(field, "_own_messages", {}))
            field.error_messages.update(messages)

    # Services name the input they object to; a form may call it something else.
    field_map: dict[str, str] = {}

    def add_domain_error(self, error: DomainError, *, default_field: str | None = None) -> None:
        """Show a service's message at its field (or at the top when no field fits)."""
        items = error.errors.items() if error.errors else [(error.field, [error.message])]
        for field, messages in items:
            name = self.field_map.get(field, field) if field else default_field
            if name not in self.fields:
                name = default_field if default_field in self.fields else None
            for message in messages if isinstance(messages, (list, tuple)) else [messages]:
                self.add_error(name, message)


    def precheck(self, rule, *args, **kwargs):
        """Run one of the registry's named rules before saving, so the page can show
        every problem at once (a service stops at the first). The service runs the
        same rule again when it saves; this only makes the answer arrive sooner."""
        try:
            return rule(*args, **kwargs)
        except DomainError as err:
            self.add_domain_error(err)
            return None


def service_required(field: forms.Field) -> forms.Field:
    """Marked required for people and assistive technology, but checked by the service,
    so the rule and its message live in one place."""
    field.required = False
    field.widget.attrs["required"] = True
    return field


def with_messages(field: forms.Field, **messages) -> forms.Field:
    """Give one field its own messages (kept when SwedishForm fills in the rest)."""
    field._own_messages = messages
    return field


class DateInput(forms.DateInput):
    """A plain text field for ÅÅÅÅ-MM-DD. The browser's date picker shows dates in the
    browser's locale (often MM/DD/YYYY), which contradicts the ISO 8601 hint beside it."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "maxlength": "10", "class": "input-date"}
        super().__init__({**defaults, **(attrs or {})}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one <input type=file multiple>."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # files.services refuses empty files, with its own message
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d] if data else ([] if not self.required else [single(None, initial)])
        return [single(data, initial)] if data else ([] if not self.required else [single(None, initial)])


class ReasonForm(SwedishForm):
    """Just a reason (close, reopen, void). Whether it is required is the service's rule."""

    reason = forms.CharField(label="Skäl", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)

    def __init__(self, *args, reason_required: bool = False, reason_label: str = "Skäl", **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            service_required(self.fields["reason"])
        self.fields["reason"].label = reason_label
