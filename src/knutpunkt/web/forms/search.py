"""The GET forms: find cases, and the journal report (diarieutdrag)."""

import datetime as dt

from django import forms

from knutpunkt.core import clock
from knutpunkt.registry.models import Case, Document
from knutpunkt.registry.queries import CaseSearch
from knutpunkt.web import queries as web_queries

from .base import DateInput, SwedishForm, with_messages
from .registration import ObjectChoiceField, process_label

STATUS_CHOICES = [("", "Alla"), ("open", "Alla öppna"), *Case.Status.choices]
DIRECTION_CHOICES = [("", "Alla"), *Document.Direction.choices]
SORTS = {"relevance": "Relevans", "date": "Senast registrerad"}


class SearchForm(SwedishForm):
    reference = forms.CharField(label="Diarienummer", max_length=50, required=False, help_text="Hela eller delar, t.ex. KS 2026/12 eller 2026/12.")
    text = forms.CharField(label="Fritext", max_length=200, required=False,
                           help_text="Söker i rubrik, beskrivning, parter, diarienummer och handlingarna (även text i filer).")
    party = forms.CharField(label="Part", max_length=100, required=False, help_text="Namn, personnummer eller organisationsnummer.")
    date_from = forms.DateField(label="Inkom från och med", required=False, widget=DateInput(), help_text="ÅÅÅÅ-MM-DD.")
    date_to = forms.DateField(label="Inkom till och med", required=False, widget=DateInput(), help_text="ÅÅÅÅ-MM-DD.")
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    process = ObjectChoiceField(label="Process")
    diary = ObjectChoiceField(label="Diarium")
    year = with_messages(
        forms.IntegerField(label="År", required=False, min_value=1000, max_value=9999, help_text="Året i diarienumret.",
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4", "autocomplete": "off"})),
        invalid="Skriv året med fyra siffror, t.ex. 2026.",
        min_value="Skriv året med fyra siffror, t.ex. 2026.",
        max_value="Skriv året med fyra siffror, t.ex. 2026.",
    )
    direction = forms.ChoiceField(label="Handlingar", choices=DIRECTION_CHOICES, required=False,
                                  help_text="Ärenden med minst en handling av slaget.")
    # Set by the sort links above the results and carried by the form when the search
    # is changed; an unknown value is not an error (see clean_sort).
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []
        processes = web_queries.processes_for_search(user)
        self.fields["process"].queryset = processes
        self.fields["process"].choices = [("", "Alla processer")] + [
            (str(p.pk), process_label(p) + ("" if p.scheme.status == "active" else f" (struktur {p.scheme.version})")) for p in processes
        ]
        diaries = web_queries.readable_diaries(user)
        self.fields["diary"].queryset = diaries
        self.fields["diary"].choices = [("", "Alla diarier")] + [(str(d.pk), f"{d.prefix} – {d.name}") for d in diaries]

    def clean_sort(self):
        value = (self.cleaned_data.get("sort") or "").strip()
        if value and value not in SORTS:
            # A sort is a preference, not a criterion: searching anyway loses nothing.
            self.notices.append("Okänd sortering – träffarna visas i standardordning.")
            return ""
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Slutdatumet ligger före startdatumet.")
        return data

    @property
    def has_criteria(self) -> bool:
        return self.is_bound and any((self.data.get(name) or "").strip() for name in self.fields)

    def offers(self, name: str, value) -> bool:
        """Whether `value` is one of the choices of field `name` (a facet is only a link
        when the form can take it back)."""
        if name == "year":
            return isinstance(value, int) and 1000 <= value <= 9999
        return str(value) in {str(key) for key, _label in self.fields[name].choices if key != ""}

    def sort_for(self, has_text: bool) -> str:
        """The chosen sort, or the default: relevance for a text search, else date."""
        chosen = self.cleaned_data.get("sort") or ""
        if not has_text:
            return "date"
        return chosen or "relevance"

    def criteria(self) -> CaseSearch:
        data = self.cleaned_data
        text = (data.get("text") or "").strip()
        return CaseSearch(
            reference=(data.get("reference") or "").strip(),
            text=text,
            party=(data.get("party") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            status=data.get("status") or "",
            process_id=data["process"].pk if data.get("process") else None,
            diary_id=data["diary"].pk if data.get("diary") else None,
            year=data.get("year"),
            direction=data.get("direction") or "",
            sort=self.sort_for(bool(text)),
        )


class JournalForm(SwedishForm):
    FORMATS = [("pdf", "PDF (för utskrift och arkiv)"), ("csv", "CSV (för kalkylprogram)")]

    diary = ObjectChoiceField(label="Diarium", required=True)
    date_from = forms.DateField(label="Från och med", widget=DateInput(), help_text="ÅÅÅÅ-MM-DD.")
    date_to = forms.DateField(label="Till och med", widget=DateInput(), help_text="ÅÅÅÅ-MM-DD.")
    format = forms.ChoiceField(label="Format", choices=FORMATS, widget=forms.RadioSelect, initial="pdf")

    MAX_DAYS = 366 * 5

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        diaries = list(web_queries.readable_diaries(user))
        self.fields["diary"].queryset = web_queries.readable_diaries(user)
        self.fields["diary"].choices = [("", "– Välj diarium –")] + [(str(d.pk), f"{d.prefix} – {d.name}") for d in diaries]
        today = clock.today()
        self.initial.setdefault("date_from", today.replace(day=1))
        self.initial.setdefault("date_to", today)
        if len(diaries) == 1:
            self.initial.setdefault("diary", str(diaries[0].pk))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", "Slutdatumet ligger före startdatumet.")
            elif end - start > dt.timedelta(days=self.MAX_DAYS):
                self.add_error("date_to", "Välj en period på högst fem år.")
        return data
