"""Forms for secrecy and access: marking, revoking, personal-data level, "vem får se",
one file, and the optional Sekretess part of a registration.

Every rule is the service's (registry.secrecy): the forms run the same named checks
before saving only so that all problems are shown at once.
"""

from django import forms

from knutpunkt.access.models import AccessGroup, PersonalDataLevel
from knutpunkt.registry import rules
from knutpunkt.registry import secrecy as registry_secrecy
from knutpunkt.web import secrecy as web_secrecy
from knutpunkt.web.queries import organisations_of

from .base import DateInput, SwedishForm, service_required

PARTS_REQUIRED = "Ange vilka delar som omfattas av sekretess."


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes for rows. Shows `choices`, but accepts any row of `queryset`, so a
    row that stopped being offered meanwhile reaches the service, which says why."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.queryset = queryset

    def _valid_ids(self) -> set[str]:
        if not hasattr(self, "_ids"):
            self._ids = {str(pk) for pk in self.queryset.values_list("pk", flat=True)} if self.queryset is not None else set()
        return self._ids

    def valid_value(self, value) -> bool:
        return str(value) in self._valid_ids()

    def clean(self, value):
        ids = super().clean(value)
        if not ids:
            return []
        rows = {str(r.pk): r for r in self.queryset.filter(pk__in=ids)}
        return [rows[i] for i in ids if i in rows]


def described_choices(field: forms.ChoiceField, hints: dict) -> forms.ChoiceField:
    """Radio options with an explanation each (rendered inside the option's label)."""
    field.choice_hints = {str(k): v for k, v in hints.items()}
    return field


class MarkingFields(SwedishForm):
    """The parts of a sekretessmarkering."""

    provisions = ObjectMultipleChoiceField(
        label="Lagrum", help_text="Välj alla lagrum som gäller – minst ett. Listan har gemensamma lagrum och organisationens egna.",
    )
    secret_parts = forms.MultipleChoiceField(
        label="Vad omfattas av sekretess?", choices=web_secrecy.PART_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
    )
    public_title = forms.CharField(
        label="Offentlig rubrik", max_length=500, required=False,
        help_text="Visas i stället för rubriken för den som inte får se den. Krävs när rubriken omfattas.",
    )
    review_on = forms.DateField(label="Omprövas", required=False, widget=DateInput(), help_text="ÅÅÅÅ-MM-DD. Frivilligt.")
    expires_on = forms.DateField(label="Upphör", required=False, widget=DateInput(), help_text="ÅÅÅÅ-MM-DD. Frivilligt.")

    def setup_provisions(self, organisation_ids, keep=()) -> None:
        field = self.fields["provisions"]
        field.queryset = web_secrecy.provisions_of(organisation_ids)
        chosen = list(keep) + (self.data.getlist(self.add_prefix("provisions")) if self.is_bound and hasattr(self.data, "getlist") else [])
        field.choices = web_secrecy.provision_choices(organisation_ids, keep=chosen)

    def check_marking(self, organisation_id: int | None) -> None:
        """The marking rules of registry.secrecy, on what was typed."""
        data = self.cleaned_data
        parts = set(data.get("secret_parts") or ())
        if not parts and "secret_parts" not in self.errors:
            self.add_error("secret_parts", PARTS_REQUIRED)
        if "provisions" not in self.errors and organisation_id is not None:
            self.precheck(registry_secrecy.check_provisions_usable, data.get("provisions"), organisation_id)
        if "public_title" not in self.errors:
            self.precheck(registry_secrecy.check_public_title, parts, data.get("public_title") or "")

    def marking_values(self) -> dict:
        data = self.cleaned_data
        return {
            "provisions": web_secrecy.sort_provisions(data.get("provisions") or []),
            "secret_parts": [p for p in registry_secrecy.PARTS if p in (data.get("secret_parts") or [])],
            "public_title": (data.get("public_title") or "").strip(),
            "review_on": data.get("review_on"),
            "expires_on": data.get("expires_on"),
        }


def _reason_field(label: str) -> forms.CharField:
    return service_required(forms.CharField(
        label=label, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Skälet sparas i historiken och i granskningsloggen.",
    ))


class MarkingForm(MarkingFields):
    """Set or change the marking of a case or a document."""

    reason = _reason_field("Skäl för markeringen")

    def __init__(self, data=None, *args, obj, **kwargs):
        marking = registry_secrecy.active_marking(obj)
        if marking is not None and data is None:
            kwargs.setdefault("initial", {
                "provisions": [str(p.pk) for p in marking.provisions.all()],
                "secret_parts": [p for p in registry_secrecy.PARTS if getattr(marking, f"{p}_secret")],
                "public_title": marking.public_title, "review_on": marking.review_on, "expires_on": marking.expires_on,
            })
        super().__init__(data, *args, **kwargs)
        self.obj = obj
        self.organisation_id = obj.diary.authority.organisation_id
        self.setup_provisions([self.organisation_id], keep=marking.provisions.all() if marking else ())

    def clean(self):
        data = super().clean()
        self.check_marking(self.organisation_id)
        if "reason" not in self.errors:
            self.precheck(rules.check_reason_given, data.get("reason") or "", what="sekretessmarkeringen")
        return data


class RevokeForm(SwedishForm):
    reason = _reason_field("Skäl för att häva markeringen")

    def clean(self):
        data = super().clean()
        if "reason" not in self.errors:
            self.precheck(rules.check_reason_given, data.get("reason") or "", what="att häva sekretessmarkeringen")
        return data


class PersonalDataForm(SwedishForm):
    personal_data_level = described_choices(
        forms.ChoiceField(label="Personuppgiftsskydd", choices=web_secrecy.PERSONAL_DATA_CHOICES, widget=forms.RadioSelect),
        web_secrecy.PERSONAL_DATA_HINTS,
    )
    reason = _reason_field("Skäl för ändringen")

    def __init__(self, *args, obj, **kwargs):
        kwargs.setdefault("initial", {"personal_data_level": obj.personal_data_level})
        super().__init__(*args, **kwargs)
        self.obj = obj

    @property
    def changed(self) -> bool:
        return self.cleaned_data.get("personal_data_level") != self.obj.personal_data_level

    def clean(self):
        data = super().clean()
        if "personal_data_level" not in self.errors and self.changed and "reason" not in self.errors:
            self.precheck(rules.check_reason_given, data.get("reason") or "")
        return data


GROUPS_ONLY_WHEN_RESTRICTED = "Åtkomstgrupper gäller bara när åtkomsten är begränsad. Välj ”Begränsad” eller ta bort kryssen."


class RestrictionForm(SwedishForm):
    """Vem får se: open to the authority's staff, or restricted to the handläggare, the
    diary's registrators and the chosen access groups."""

    restricted = described_choices(
        forms.ChoiceField(label="Vem får se?", choices=web_secrecy.RESTRICTION_CHOICES, widget=forms.RadioSelect),
        web_secrecy.RESTRICTION_HINTS,
    )
    access_groups = ObjectMultipleChoiceField(label="Åtkomstgrupper", help_text="Gäller bara vid begränsad åtkomst.")
    reason = _reason_field("Skäl för ändringen")

    def __init__(self, *args, obj, user, **kwargs):
        current = list(obj.access_groups.all())
        kwargs.setdefault("initial", {
            "restricted": web_secrecy.RESTRICTED if obj.restricted else web_secrecy.OPEN,
            "access_groups": [str(g.pk) for g in current],
        })
        super().__init__(*args, **kwargs)
        self.obj = obj
        authority_id = obj.diary.authority_id
        field = self.fields["access_groups"]
        # Accepted: groups of the reader's organisations, so the service can refuse one of
        # another authority by name; offered: the object's authority's own.
        field.queryset = AccessGroup.objects.filter(authority__organisation__in=organisations_of(user))
        field.choices = web_secrecy.group_choices([authority_id], keep=current)

    def values(self) -> tuple[bool, list]:
        data = self.cleaned_data
        return data.get("restricted") == web_secrecy.RESTRICTED, data.get("access_groups") or []

    @property
    def changed(self) -> bool:
        restricted, groups = self.values()
        return (restricted, sorted(g.pk for g in groups)) != (self.obj.restricted, sorted(g.pk for g in self.obj.access_groups.all()))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        restricted, groups = self.values()
        if groups and not restricted:
            self.add_error("access_groups", GROUPS_ONLY_WHEN_RESTRICTED)
            return data
        self.precheck(registry_secrecy.check_groups_in_authority, groups, self.obj.diary.authority_id)
        if self.changed and "reason" not in self.errors:
            self.precheck(rules.check_reason_given, data.get("reason") or "")
        return data


class FileSecrecyForm(SwedishForm):
    """Mark one file secret, or lift that: the button says which."""

    field_map = {"secret": "reason"}

    secret = forms.ChoiceField(choices=[("1", "Sekretess"), ("0", "Ingen sekretess")], widget=forms.HiddenInput)
    reason = _reason_field("Skäl")

    def __init__(self, *args, file, **kwargs):
        kwargs.setdefault("initial", {"secret": "0" if file.is_secret else "1"})
        kwargs.setdefault("prefix", f"fs-{file.pk.hex[:12]}")
        super().__init__(*args, **kwargs)
        self.file = file

    @property
    def make_secret(self) -> bool:
        return self.cleaned_data.get("secret") == "1"


# --- the Sekretess part of a registration ---------------------------------------------------

SCOPE_BOTH, SCOPE_CASE, SCOPE_DOCUMENT = "bada", "arende", "handling"
CHOICE_CASE, CHOICE_NONE, CHOICE_OTHER = "arendets", "ingen", "annan"
CHOICE_REQUIRED = "Välj om handlingen ska ha ärendets markering, ingen markering eller en annan."
OTHER_EMPTY = "Fyll i den markering som ska gälla för handlingen, eller välj ”Ingen markering”."


class RegistrationSecrecyForm(MarkingFields):
    """Secrecy chosen while registering. Nothing is inherited silently: a document in a
    case with a marking needs an explicit choice, and defaults of case and document
    types are only filled in as a proposal the registrator confirms."""

    field_map = {"reason": "reason", "access_groups": "access_groups", "personal_data_level": "personal_data_level"}

    scope = forms.ChoiceField(
        label="Gäller för", widget=forms.RadioSelect, initial=SCOPE_BOTH, required=False,
        choices=[(SCOPE_BOTH, "Ärendet och handlingen"), (SCOPE_CASE, "Bara ärendet"), (SCOPE_DOCUMENT, "Bara handlingen")],
    )
    choice = forms.ChoiceField(
        label="Handlingens sekretess", widget=forms.RadioSelect, required=False,
        choices=[(CHOICE_CASE, "Använd ärendets markering"), (CHOICE_NONE, "Ingen markering"), (CHOICE_OTHER, "Annan markering – fyll i nedan")],
    )
    personal_data_level = described_choices(
        forms.ChoiceField(label="Personuppgiftsskydd", choices=web_secrecy.PERSONAL_DATA_CHOICES, widget=forms.RadioSelect,
                          initial=PersonalDataLevel.PUBLISHABLE, required=False),
        web_secrecy.PERSONAL_DATA_HINTS,
    )
    restricted = described_choices(
        forms.ChoiceField(label="Vem får se?", choices=web_secrecy.RESTRICTION_CHOICES, widget=forms.RadioSelect,
                          initial=web_secrecy.OPEN, required=False),
        web_secrecy.RESTRICTION_HINTS,
    )
    access_groups = ObjectMultipleChoiceField(label="Åtkomstgrupper", help_text="Gäller bara vid begränsad åtkomst.")
    reason = forms.CharField(
        label="Skäl", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Krävs när du väljer sekretess, skydd eller begränsning. Sparas i historiken och i granskningsloggen.",
    )
    proposal = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, new_case: bool, case=None, diary=None, diaries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.new_case, self.case = user, new_case, case
        self.diary = case.diary if case is not None else diary
        diaries = [self.diary] if self.diary is not None else list(diaries)
        organisation_ids = {d.authority.organisation_id for d in diaries}
        authority_ids = {d.authority_id for d in diaries}
        self.setup_provisions(organisation_ids)
        # Offered: the diaries' authorities' groups; accepted: the organisation's, so that
        # the service can refuse one of another authority by name (as on the panel).
        self.fields["access_groups"].queryset = AccessGroup.objects.filter(authority__organisation__in=organisations_of(user))
        self.fields["access_groups"].choices = web_secrecy.group_choices(authority_ids, with_authority=len(authority_ids) > 1)
        self.case_proposal = web_secrecy.document_proposal(case) if not new_case else None
        if not new_case:
            del self.fields["scope"]
        self.fields["choice"].required = self.case_proposal is not None
        self.fields["choice"].error_messages["required"] = CHOICE_REQUIRED

    @property
    def organisation_id(self):
        return self.diary.authority.organisation_id if self.diary is not None else None

    def _typed(self) -> web_secrecy.Protection:
        data = self.cleaned_data
        return web_secrecy.Protection(
            **self.marking_values(),
            personal_data_level=data.get("personal_data_level") or PersonalDataLevel.PUBLISHABLE,
            restricted=data.get("restricted") == web_secrecy.RESTRICTED,
            access_groups=data.get("access_groups") or [],
            reason=(data.get("reason") or "").strip(),
        )

    @property
    def chosen(self) -> str:
        """The registrator's answer to the case's proposal; without a proposal the
        fields under Sekretess are all there is."""
        if self.case_proposal is None:
            return CHOICE_OTHER
        return self.cleaned_data.get("choice") or ""

    def clean(self):
        data = super().clean()
        if self.chosen in (CHOICE_CASE, CHOICE_NONE, ""):
            return data
        typed = self._typed()
        if typed.is_empty:
            if self.case_proposal is not None:
                self.add_error("choice", OTHER_EMPTY)
            return data
        if typed.has_marking:
            self.check_marking(self.organisation_id)
        if typed.access_groups and not typed.restricted:
            self.add_error("access_groups", GROUPS_ONLY_WHEN_RESTRICTED)
        elif self.diary is not None and "access_groups" not in self.errors:
            self.precheck(registry_secrecy.check_groups_in_authority, typed.access_groups, self.diary.authority_id)
        if "reason" not in self.errors:
            self.precheck(rules.check_reason_given, typed.reason, what="sekretessen" if typed.has_marking else "skyddet")
        return data

    def protection(self) -> web_secrecy.Protection | None:
        """What to put on the new object(s), or None."""
        if self.chosen == CHOICE_CASE:
            protection = self.case_proposal.protection
            protection.reason = (self.cleaned_data.get("reason") or "").strip() or protection.reason
            return protection
        if self.chosen != CHOICE_OTHER:
            return None
        typed = self._typed()
        return None if typed.is_empty else typed

    def targets(self, case, document) -> list:
        if not self.new_case or case is None:
            return [document]
        scope = self.cleaned_data.get("scope") or SCOPE_BOTH
        return {SCOPE_BOTH: [case, document], SCOPE_CASE: [case], SCOPE_DOCUMENT: [document]}[scope]

    @property
    def has_content(self) -> bool:
        """Whether the section holds anything, so it is shown opened."""
        if self.is_bound and self.errors:
            return True

        def value(name):
            return self[name].value() if name in self.fields else None

        return bool(
            value("provisions") or value("secret_parts") or value("access_groups") or value("public_title")
            or value("review_on") or value("expires_on") or value("choice") == CHOICE_OTHER
            or value("personal_data_level") not in (None, "", PersonalDataLevel.PUBLISHABLE)
            or value("restricted") == web_secrecy.RESTRICTED
        )


def proposal_initial(proposal: web_secrecy.Proposal, *, new_case: bool, typed: dict | None = None) -> dict:
    """The proposal as initial values of RegistrationSecrecyForm, over what else was
    typed (`typed`: values by field name)."""
    p = proposal.protection
    initial = dict(typed or {})
    initial |= {
        "provisions": [str(x.pk) for x in p.provisions],
        "secret_parts": list(p.secret_parts),
        "public_title": p.public_title,
        "personal_data_level": p.personal_data_level,
        "restricted": web_secrecy.RESTRICTED if p.restricted else web_secrecy.OPEN,
        "access_groups": [str(g.pk) for g in p.access_groups],
        "reason": p.reason,
        "proposal": proposal.key,
    }
    if new_case:
        initial["scope"] = SCOPE_BOTH if proposal.for_case else SCOPE_DOCUMENT
    return initial


# --- the forms of the panel, for one case or document -----------------------------------------

MARKING, REVOKE, PERSONAL_DATA, RESTRICTION = "secrecy:marking", "secrecy:revoke", "secrecy:personal_data", "secrecy:restriction"


def panel_form(name: str, obj, *, user, data=None) -> SwedishForm:
    if name == MARKING:
        return MarkingForm(data, prefix="mark", obj=obj)
    if name == REVOKE:
        return RevokeForm(data, prefix="unmark")
    if name == PERSONAL_DATA:
        return PersonalDataForm(data, prefix="pd", obj=obj)
    if name == RESTRICTION:
        return RestrictionForm(data, prefix="access", obj=obj, user=user)
    raise KeyError(name)


def panel_forms(user, obj, *, bound: dict) -> dict:
    """The panel's forms for someone who may mark (policy.may_mark): by key, the failed
    one from `bound` in place of its empty twin. A voided registration keeps only the
    revoking of its marking (the services refuse the rest)."""
    has_marking = obj.is_secret or registry_secrecy.active_marking(obj) is not None
    names = [REVOKE] if has_marking else []
    if not obj.is_voided:
        names = [MARKING, *names, PERSONAL_DATA, RESTRICTION]
    return {name.split(":")[1]: bound.get(name) or panel_form(name, obj, user=user) for name in names}


def file_form_key(file) -> str:
    return f"filesecrecy:{file.pk}"
