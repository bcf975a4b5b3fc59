"""The one registration form: an incoming (or other) document into a new case, an
existing case or no case at all (postlista), with its sender and files."""

import copy

from django import forms

from knutpunkt.core import clock
from knutpunkt.intake.services import Registration, UploadedContent
from knutpunkt.registry import queries
from knutpunkt.registry.models import CaseParty, Correspondent, Document, Party
from knutpunkt.registry import rules
from knutpunkt.registry.parties import PartyInput, validate_party
from knutpunkt.web import queries as web_queries

from .base import DateInput, MultipleFileField, SwedishForm, service_required

MODE_NEW, MODE_EXISTING, MODE_NONE = "nytt", "befintligt", "utan"

SENDER_FIELDS = (
    "first_name", "last_name", "personal_number", "organisation_name", "org_number",
    "contact_person", "street_address", "postal_code", "city", "email", "phone",
)


def grouped(items, group_of, label_of=str) -> list:
    """Choices grouped into <optgroup>s, keeping the queryset's order."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(group_of(item), []).append((str(item.pk), label_of(item)))
    return [("", "– Ingen vald –"), *groups.items()]


class ObjectChoiceField(forms.TypedChoiceField):
    """A select whose options may be grouped; cleans to the chosen row (or None)."""

    def __init__(self, *, queryset=None, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return self.queryset.get(pk=value)
        except (self.queryset.model.DoesNotExist, ValueError, TypeError):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}) from None


def process_label(process) -> str:
    return f"{process.code} {process.title}"


class RegistrationForm(SwedishForm):
    field_map = {
        "diary": "diary",
        "case": "case_reference",
        "title": "document_title",
        "description": "case_description",
        "opened_date": "document_date",
        "document_date": "document_date",
        "direction": "direction",
        "process": "process",
        "case_type": "case_type",
        "document_type": "document_type",
        "kind": "sender_kind",
        "personal_number": "sender_personal_number",
        "org_number": "sender_org_number",
        "last_name": "sender_last_name",
        "organisation_name": "sender_organisation_name",
        "email": "sender_email",
        "role": "sender_party_role",
        "correspondents": "sender_kind",
        "file": "files",
    }

    mode = forms.ChoiceField(
        label="Registrera handlingen i",
        choices=[(MODE_NEW, "Ett nytt ärende"), (MODE_EXISTING, "Ett befintligt ärende"), (MODE_NONE, "Inget ärende (postlista)")],
        widget=forms.RadioSelect,
        initial=MODE_NEW,
    )
    diary = ObjectChoiceField(label="Diarium", help_text="Gäller nytt ärende och postlista. Ett befintligt ärende stannar i sitt diarium.")
    case_title = forms.CharField(
        label="Ärendemening", max_length=500, required=False,
        help_text="Lämna tomt för att använda handlingens rubrik.",
    )
    case_description = forms.CharField(label="Beskrivning av ärendet", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    case_reference = forms.CharField(
        label="Diarienummer", max_length=50, required=False, help_text="T.ex. KS 2026/12.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    process = ObjectChoiceField(label="Process")
    case_type = ObjectChoiceField(label="Ärendetyp")
    officer = ObjectChoiceField(label="Handläggare")

    direction = forms.ChoiceField(label="Riktning", choices=Document.Direction.choices, widget=forms.RadioSelect, initial=Document.Direction.INCOMING)
    document_title = service_required(forms.CharField(label="Handlingens rubrik", max_length=500, help_text="Beskriv handlingen kort, t.ex. ”Ansökan om bygglov”."))
    document_type = ObjectChoiceField(label="Handlingstyp")
    document_date = forms.DateField(
        label="Datum", required=False, widget=DateInput(),
        help_text="Inkomstdatum för inkommande handling, annars upprättad eller expedierad. ÅÅÅÅ-MM-DD.",
    )

    sender_kind = forms.ChoiceField(
        label="Avsändaren är", choices=Party.Kind.choices, widget=forms.RadioSelect, initial=Party.Kind.PERSON,
    )
    sender_first_name = forms.CharField(label="Förnamn", max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    sender_last_name = forms.CharField(label="Efternamn", max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    sender_personal_number = forms.CharField(
        label="Personnummer", max_length=20, required=False, help_text="ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    sender_organisation_name = forms.CharField(label="Organisationens namn", max_length=255, required=False)
    sender_org_number = forms.CharField(
        label="Organisationsnummer", max_length=20, required=False, help_text="NNNNNN-NNNN.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    sender_contact_person = forms.CharField(label="Kontaktperson", max_length=200, required=False)
    sender_street_address = forms.CharField(label="Utdelningsadress", max_length=255, required=False)
    sender_postal_code = forms.CharField(label="Postnummer", max_length=10, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    sender_city = forms.CharField(label="Postort", max_length=100, required=False)
    sender_email = forms.CharField(label="E-post", max_length=254, required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    sender_phone = forms.CharField(label="Telefon", max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    sender_is_party = forms.BooleanField(label="Avsändaren är också part i ärendet", required=False, initial=True)
    sender_party_role = forms.ChoiceField(label="Partsroll", choices=CaseParty.Role.choices, initial=CaseParty.Role.APPLICANT, required=False)

    files = MultipleFileField(label="Välj filer", required=False, help_text="Du kan välja flera filer på en gång.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.case = None
        diaries = web_queries.registrable_diaries(user)
        self.fields["diary"].queryset = diaries
        diary_list = list(diaries)
        self.fields["diary"].choices = [("", "– Välj diarium –")] + [(str(d.pk), f"{d.prefix} – {d.name}") for d in diary_list]
        if len(diary_list) == 1 and not self.is_bound:
            self.initial.setdefault("diary", str(diary_list[0].pk))
        self.initial.setdefault("document_date", clock.today())

        processes = web_queries.active_processes(user)
        self.fields["process"].queryset = processes
        self.fields["process"].choices = [("", "– Ingen vald –")] + [(str(p.pk), process_label(p)) for p in processes]
        chosen_process = self._chosen_process()
        case_types = web_queries.active_case_types(user)
        if chosen_process:
            case_types = case_types.filter(process_id=chosen_process)
        self.fields["case_type"].queryset = case_types
        self.fields["case_type"].choices = grouped(case_types, lambda t: process_label(t.process), lambda t: f"{t.code} {t.title}")
        self.fields["case_type"].error_messages["invalid_choice"] = "Ärendetypen hör inte till den valda processen."

        document_types = list(web_queries.active_document_types(user))
        if chosen_process:
            # The chosen process's document types first; the others stay selectable.
            document_types.sort(key=lambda t: t.process_id != chosen_process)
        self.fields["document_type"].queryset = web_queries.active_document_types(user)
        self.fields["document_type"].choices = grouped(document_types, lambda t: process_label(t.process), lambda t: f"{t.code} {t.title}")

        officers = web_queries.colleagues(user)
        self.fields["officer"].queryset = officers
        self.fields["officer"].choices = [("", "– Ingen vald –")] + [
            (str(u.pk), f"{u}{' (du)' if u.pk == user.pk else ''}") for u in officers
        ]

    def _chosen_process(self) -> int | None:
        raw = (self.data.get("process") if self.is_bound else self.initial.get("process")) or ""
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    @property
    def had_files(self) -> bool:
        """True when files were sent with a submission that is now shown again: the
        browser cannot keep them, so the page must ask for them again."""
        return self.is_bound and bool(self.files.getlist("files") if hasattr(self.files, "getlist") else self.files.get("files"))

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == MODE_EXISTING:
            reference = (data.get("case_reference") or "").strip()
            if not reference:
                self.add_error("case_reference", "Ange diarienumret för det befintliga ärendet.")
            else:
                # Policy-filtered but not an audited opening: nothing of the case is shown
                # here beyond its reference and the title the reader may see.
                self.case = queries.cases_for(self.user).filter(reference__iexact=reference).first()
                if self.case is None:
                    self.add_error("case_reference", f"Hittade inget ärende med diarienumret ”{reference}” som du har behörighet till.")
        elif mode in (MODE_NEW, MODE_NONE) and not data.get("diary") and "diary" not in self.errors:
            self.add_error("diary", "Välj diarium.")
        if "document_title" not in self.errors:
            # Required in every mode: a document never borrows the case's title, which
            # may be secret on the case while the document is not marked.
            self.precheck(rules.check_title_present, data.get("document_title") or "", field="document_title")
        if data.get("document_date"):
            self.precheck(rules.check_date_not_in_future, data["document_date"], field="document_date")
        if not any(name.startswith("sender_") for name in self.errors):
            sender = self.sender()
            if sender is not None:
                self.precheck(validate_party, copy.deepcopy(sender))
        return data

    def sender(self) -> PartyInput | None:
        values = {name: (self.cleaned_data.get(f"sender_{name}") or "").strip() for name in SENDER_FIELDS}
        if not any(values.values()):
            return None
        values["kind"] = self.cleaned_data.get("sender_kind") or Party.Kind.PERSON
        # Fields of the other kind are ignored: with JavaScript off both groups show,
        # and a stray value there must not make a valid sender invalid.
        if values["kind"] == Party.Kind.PERSON:
            values["organisation_name"] = values["org_number"] = values["contact_person"] = ""
        else:
            values["first_name"] = values["last_name"] = values["personal_number"] = ""
        return PartyInput.from_dict(values)

    def registration(self) -> Registration:
        data = self.cleaned_data
        mode = data["mode"]
        direction = data["direction"]
        sender = self.sender()
        reg = Registration(
            diary=None if mode == MODE_EXISTING else data.get("diary"),
            case=self.case if mode == MODE_EXISTING else None,
            new_case_title=data.get("case_title", "") if mode == MODE_NEW else "",
            new_case_description=data.get("case_description", "") if mode == MODE_NEW else "",
            process=data.get("process") if mode == MODE_NEW else None,
            case_type=data.get("case_type") if mode == MODE_NEW else None,
            officer=data.get("officer") if mode == MODE_NEW else None,
            without_case=mode == MODE_NONE,
            direction=direction,
            document_title=data.get("document_title", ""),
            document_type=data.get("document_type"),
            document_date=data.get("document_date"),
            files=[UploadedContent(filename=f.name, stream=f) for f in data.get("files") or []],
        )
        if sender is not None:
            incoming = direction == Document.Direction.INCOMING
            party_role = (data.get("sender_party_role") or CaseParty.Role.APPLICANT) if mode != MODE_NONE and data.get("sender_is_party") else None
            if party_role:
                reg.parties = [(sender, party_role)]
            # intake makes the applicant of an incoming document its sender by itself;
            # giving the same person twice would create two parties when there is no
            # identity number to match them on.
            if not (incoming and party_role == CaseParty.Role.APPLICANT):
                reg.correspondents = [(sender, Correspondent.Role.SENDER if incoming else Correspondent.Role.RECIPIENT)]
        return reg
