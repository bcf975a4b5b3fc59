"""Forms of the public pages. Validation of a request's contact way is the service's
rule (disclosure.check_contact); the form shows its messages by the fields."""

import datetime as dt

from django import forms

from .models import DisclosureRequest


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(attrs={"class": "input-date", "autocomplete": "off", "inputmode": "numeric", "placeholder": "ÅÅÅÅ-MM-DD"}, format="%Y-%m-%d")


def _date_field(label):
    return forms.DateField(
        label=label, required=False, widget=DateInput(), input_formats=["%Y-%m-%d"], help_text="ÅÅÅÅ-MM-DD",
        error_messages={"invalid": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01."},
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Sökord", required=False, max_length=200, help_text="Ord i rubriken, diarienummer eller avsändare")
    reference = forms.CharField(label="Diarienummer", required=False, max_length=60, help_text="Till exempel KS 2026/12")
    authority = forms.TypedChoiceField(label="Myndighet", required=False, coerce=int, empty_value=None)
    date_from = _date_field("Registrerad från och med")
    date_to = _date_field("Registrerad till och med")
    sort = forms.ChoiceField(
        label="Sortera", required=False, choices=[("datum", "Nyast först"), ("relevans", "Bäst matchning först")],
        error_messages={"invalid_choice": "Välj att sortera på datum eller på relevans."},
    )

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = [("", "Alla myndigheter")] + [(a.pk, a.name) for a in authorities]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        for name in ("q", "reference"):
            # Longer input is cut, not refused: a search never fails on length.
            self.fields[name].max_length = None
            self.fields[name].validators = []

    def clean(self):
        data = super().clean()
        lo, hi = data.get("date_from"), data.get("date_to")
        if lo and hi and lo > hi:
            self.add_error("date_to", "Till-datumet ligger före från-datumet.")
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value and not (dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31)):
                self.add_error(name, "Ange ett datum mellan år 1900 och 2200.")
        return data


class RequestForm(forms.Form):
    entries = forms.MultipleChoiceField(
        label="Vilka handlingar vill du ta del av?", required=False, widget=forms.CheckboxSelectMultiple,
    )
    requested_text = forms.CharField(
        label="Annat du vill ta del av (frivilligt)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Beskriv gärna med diarienummer eller datum.",
    )
    name = forms.CharField(
        label="Namn (frivilligt)", required=False, max_length=200,
        help_text="Du har rätt att vara anonym. Du behöver inte säga vem du är eller varför du vill ta del av handlingarna.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(label="E-post", required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    postal_address = forms.CharField(
        label="Postadress", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    phone = forms.CharField(label="Telefon", required=False, max_length=40, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    delivery = forms.ChoiceField(
        label="Hur vill du få handlingarna?", choices=DisclosureRequest.Delivery.choices, widget=forms.RadioSelect,
        initial=DisclosureRequest.Delivery.EMAIL, error_messages={"required": "Välj hur du vill få handlingarna.", "invalid_choice": "Välj hur du vill få handlingarna."},
    )
    message = forms.CharField(label="Meddelande (frivilligt)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entry_map = {str(e.object_id): e for e in entries}
        self.fields["entries"].choices = [(str(e.object_id), f"{e.reference} – {e.public_title}") for e in entries]
        for name in ("requested_text", "message", "name", "email", "postal_address", "phone"):
            self.fields[name].error_messages["max_length"] = "Texten är för lång."

    def chosen_entries(self):
        return [self.entry_map[i] for i in self.cleaned_data.get("entries", []) if i in self.entry_map]
