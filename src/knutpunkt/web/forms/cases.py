"""Forms of the case and document pages: each one action, each posted on its own."""

import copy

from django import forms

from knutpunkt.core.errors import NotFound
from knutpunkt.intake.services import Registration, UploadedContent
from knutpunkt.registry import queries
from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document, Party
from knutpunkt.registry import rules
from knutpunkt.registry.parties import PartyInput, validate_party
from knutpunkt.web import queries as web_queries

from .base import DateInput, MultipleFileField, SwedishForm, service_required
from .registration import ObjectChoiceField, grouped, process_label

PARTY_TEXT_FIELDS = (
    "first_name", "last_name", "personal_number", "organisation_name", "org_number",
    "contact_person", "street_address", "postal_code", "city", "email", "phone",
)


class PartyFieldsForm(SwedishForm):
    """A person or an organisation, as the registry's PartyInput wants it."""

    kind = forms.ChoiceField(label="Typ", choices=Party.Kind.choices, widget=forms.RadioSelect, initial=Party.Kind.PERSON)
    first_name = forms.CharField(label="Förnamn", max_length=100, required=False)
    last_name = forms.CharField(label="Efternamn", max_length=100, required=False)
    personal_number = forms.CharField(label="Personnummer", max_length=20, required=False, help_text="ÅÅÅÅMMDD-NNNN.",
                                      widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    organisation_name = forms.CharField(label="Organisationens namn", max_length=255, required=False)
    org_number = forms.CharField(label="Organisationsnummer", max_length=20, required=False, help_text="NNNNNN-NNNN.",
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    contact_person = forms.CharField(label="Kontaktperson", max_length=200, required=False)
    street_address = forms.CharField(label="Utdelningsadress", max_length=255, required=False)
    postal_code = forms.CharField(label="Postnummer", max_length=10, required=False)
    city = forms.CharField(label="Postort", max_length=100, required=False)
    email = forms.CharField(label="E-post", max_length=254, required=False, widget=forms.EmailInput())
    phone = forms.CharField(label="Telefon", max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if not self.errors:
            party = self.party_input()
            if party is not None:
                self.precheck(validate_party, copy.deepcopy(party))
        return data

    def party_input(self) -> PartyInput | None:
        values = {name: (self.cleaned_data.get(name) or "").strip() for name in PARTY_TEXT_FIELDS}
        if not any(values.values()):
            return None
        values["kind"] = self.cleaned_data.get("kind") or Party.Kind.PERSON
        if values["kind"] == Party.Kind.PERSON:
            values["organisation_name"] = values["org_number"] = values["contact_person"] = ""
        else:
            values["first_name"] = values["last_name"] = values["personal_number"] = ""
        return PartyInput.from_dict(values)


class AddPartyForm(PartyFieldsForm):
    role = forms.ChoiceField(label="Roll i ärendet", choices=CaseParty.Role.choices, initial=CaseParty.Role.APPLICANT)

    def clean(self):
        data = super().clean()
        if not self.errors and self.party_input() is None:
            self.add_error("last_name", "Ange partens namn.")
        return data


class AddDocumentForm(PartyFieldsForm):
    """A new document in an existing case, with its sender or recipient and files."""

    field_map = {"title": "title", "document_date": "document_date", "direction": "direction", "document_type": "document_type", "file": "files",
                 "correspondents": "kind"}

    direction = forms.ChoiceField(label="Riktning", choices=Document.Direction.choices, widget=forms.RadioSelect, initial=Document.Direction.INCOMING)
    title = service_required(forms.CharField(label="Handlingens rubrik", max_length=500))
    document_type = ObjectChoiceField(label="Handlingstyp")
    document_date = forms.DateField(label="Datum", required=False, widget=DateInput(), help_text="ÅÅÅÅ-MM-DD. Tomt betyder i dag.")
    files = MultipleFileField(label="Välj filer", required=False, help_text="Du kan välja flera filer på en gång.")

    def __init__(self, *args, user, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = "Avsändaren/mottagaren är"
        types = list(web_queries.active_document_types(user))
        if case is not None and case.process_id:
            types.sort(key=lambda t: t.process_id != case.process_id)
        self.fields["document_type"].queryset = web_queries.active_document_types(user)
        self.fields["document_type"].choices = grouped(types, lambda t: process_label(t.process), lambda t: f"{t.code} {t.title}")

    @property
    def had_files(self) -> bool:
        return self.is_bound and bool(self.files.getlist(self.add_prefix("files")))

    def clean(self):
        data = super().clean()
        if "title" not in self.errors:
            self.precheck(rules.check_title_present, data.get("title") or "")
        if data.get("document_date"):
            self.precheck(rules.check_date_not_in_future, data["document_date"], field="document_date")
        return data

    def registration(self, case: Case) -> Registration:
        data = self.cleaned_data
        party = self.party_input()
        direction = data["direction"]
        reg = Registration(
            case=case,
            direction=direction,
            document_title=data.get("title", ""),
            document_type=data.get("document_type"),
            document_date=data.get("document_date"),
            files=[UploadedContent(filename=f.name, stream=f) for f in data.get("files") or []],
        )
        if party is not None:
            role = Correspondent.Role.SENDER if direction == Document.Direction.INCOMING else Correspondent.Role.RECIPIENT
            reg.correspondents = [(party, role)]
        return reg


class CaseEditForm(SwedishForm):
    """Correct a case's metadata; the service keeps old → new with the reason."""

    field_map = {"main_case": "main_case_reference"}

    title = service_required(forms.CharField(label="Ärendemening", max_length=500))
    description = forms.CharField(label="Beskrivning", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    process = ObjectChoiceField(label="Process")
    case_type = ObjectChoiceField(label="Ärendetyp", help_text="Ärendetypen ska höra till processen.")
    officer = ObjectChoiceField(label="Handläggare")
    responsible_unit = ObjectChoiceField(label="Ansvarig enhet")
    opened_date = forms.DateField(label="Inkom/öppnat", required=False, widget=DateInput(), help_text="ÅÅÅÅ-MM-DD.")
    main_case_reference = forms.CharField(label="Huvudärende (diarienummer)", max_length=50, required=False, help_text="Lämna tomt om ärendet inte har något huvudärende.")
    reason = service_required(forms.CharField(label="Skäl för ändringen", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                              help_text="Skälet sparas i ärendets historik tillsammans med ändringen."))

    def __init__(self, *args, user, case: Case, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", {
                "title": case.title, "description": case.description,
                "process": case.process_id and str(case.process_id), "case_type": case.case_type_id and str(case.case_type_id),
                "officer": case.officer_id and str(case.officer_id), "responsible_unit": case.responsible_unit_id and str(case.responsible_unit_id),
                "opened_date": case.opened_date, "main_case_reference": case.main_case.reference if case.main_case_id else "",
            })
        super().__init__(*args, **kwargs)
        self.user, self.case = user, case
        processes = list(web_queries.active_processes(user))
        if case.process is not None and case.process not in processes:
            processes.insert(0, case.process)  # registered under an older structure: keep it selectable
        self.fields["process"].queryset = web_queries.processes_for_search(user)
        self.fields["process"].choices = [("", "– Ingen vald –")] + [(str(p.pk), process_label(p)) for p in processes]
        types = list(web_queries.active_case_types(user))
        if case.case_type is not None and case.case_type not in types:
            types.insert(0, case.case_type)
        from knutpunkt.classification.models import CaseType

        self.fields["case_type"].queryset = CaseType.objects.filter(pk__in=[t.pk for t in types])
        self.fields["case_type"].choices = grouped(types, lambda t: process_label(t.process), lambda t: f"{t.code} {t.title}")
        officers = web_queries.colleagues(user)
        self.fields["officer"].queryset = officers
        self.fields["officer"].choices = [("", "– Ingen vald –")] + [(str(u.pk), str(u)) for u in officers]
        units = web_queries.units_for(user)
        self.fields["responsible_unit"].queryset = units
        self.fields["responsible_unit"].choices = [("", "– Ingen vald –")] + [(str(u.pk), str(u)) for u in units]

    def clean_main_case_reference(self):
        reference = (self.cleaned_data.get("main_case_reference") or "").strip()
        self.main_case = None
        if reference:
            try:
                self.main_case, _ = queries.get_case(self.user, reference)
            except NotFound:
                raise forms.ValidationError(f"Hittade inget ärende med diarienumret ”{reference}” som du har behörighet till.") from None
        return reference

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "description": data.get("description", ""),
            "process": data.get("process"),
            "case_type": data.get("case_type"),
            "officer": data.get("officer"),
            "responsible_unit": data.get("responsible_unit"),
            "opened_date": data.get("opened_date") or self.case.opened_date,
            "main_case": self.main_case,
        }


class StatusForm(SwedishForm):
    status = forms.ChoiceField(
        label="Ny status",
        choices=[(s.value, s.label) for s in (Case.Status.OPENED, Case.Status.IN_PROGRESS, Case.Status.DORMANT)],
    )
    reason = forms.CharField(label="Kommentar (frivillig)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineForm(SwedishForm):
    field_map = {"due_date": "due_date", "description": "description"}

    due_date = service_required(forms.DateField(label="Bevakningsdatum", widget=DateInput(), help_text="ÅÅÅÅ-MM-DD."))
    description = service_required(forms.CharField(label="Vad ska bevakas?", max_length=255))
    assigned_to = ObjectChoiceField(label="Ansvarig", help_text="Tomt betyder ärendets handläggare.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = web_queries.colleagues(user)
        self.fields["assigned_to"].queryset = people
        self.fields["assigned_to"].choices = [("", "– Ärendets handläggare –")] + [(str(u.pk), str(u)) for u in people]


class LinkForm(SwedishForm):
    field_map = {"to_case": "reference"}

    reference = service_required(forms.CharField(label="Diarienummer för det relaterade ärendet", max_length=50))
    note = forms.CharField(label="Anteckning (frivillig)", max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.other = None

    def clean_reference(self):
        reference = (self.cleaned_data.get("reference") or "").strip()
        if not reference:
            raise forms.ValidationError("Ange diarienumret för det ärende som ska länkas.")
        try:
            self.other, _ = queries.get_case(self.user, reference)
        except NotFound:
            raise forms.ValidationError(f"Hittade inget ärende med diarienumret ”{reference}” som du har behörighet till.") from None
        return reference


class DocumentEditForm(SwedishForm):
    field_map = {"title": "title", "document_date": "document_date", "document_type": "document_type", "direction": "direction"}

    title = service_required(forms.CharField(label="Handlingens rubrik", max_length=500))
    direction = forms.ChoiceField(label="Riktning", choices=Document.Direction.choices, widget=forms.RadioSelect)
    document_type = ObjectChoiceField(label="Handlingstyp")
    document_date = forms.DateField(label="Datum", widget=DateInput(), help_text="ÅÅÅÅ-MM-DD.")
    reason = service_required(forms.CharField(label="Skäl för ändringen", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                              help_text="Skälet sparas i historiken tillsammans med ändringen."))

    def __init__(self, *args, user, document: Document, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", {
                "title": document.title, "direction": document.direction,
                "document_type": document.document_type_id and str(document.document_type_id), "document_date": document.document_date,
            })
        super().__init__(*args, **kwargs)
        types = list(web_queries.active_document_types(user))
        if document.document_type is not None and document.document_type not in types:
            types.insert(0, document.document_type)
        from knutpunkt.classification.models import DocumentType

        self.fields["document_type"].queryset = DocumentType.objects.filter(pk__in=[t.pk for t in types])
        self.fields["document_type"].choices = grouped(types, lambda t: process_label(t.process), lambda t: f"{t.code} {t.title}")

    def values(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("title", "direction", "document_type", "document_date")}


class FileForm(SwedishForm):
    """One file: a new file on a document, or a new version of a file."""

    field_map = {"file": "file"}

    file = forms.FileField(label="Fil", allow_empty_file=True)  # files.services says why an empty file is refused
    comment = forms.CharField(label="Kommentar (frivillig)", max_length=255, required=False)
