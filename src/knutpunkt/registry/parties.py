"""Parties: validated, normalised and reused across cases."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from knutpunkt.core.errors import RuleViolation

from . import identity
from .models import Party

CONTACT_FIELDS = (
    "contact_person", "street_address", "care_of", "postal_code", "city", "country", "email", "phone",
)


@dataclass
class PartyInput:
    """A party as given by a form, the API or an importer."""

    kind: str
    personal_number: str = ""
    org_number: str = ""
    first_name: str = ""
    last_name: str = ""
    organisation_name: str = ""
    contact: dict = field(default_factory=dict)
    is_protected_identity: bool = False

    @classmethod
    def from_dict(cls, data: dict) -> "PartyInput":
        return cls(
            kind=data.get("kind") or (Party.Kind.ORGANISATION if data.get("organisation_name") or data.get("org_number") else Party.Kind.PERSON),
            personal_number=(data.get("personal_number") or "").strip(),
            org_number=(data.get("org_number") or "").strip(),
            first_name=(data.get("first_name") or "").strip(),
            last_name=(data.get("last_name") or "").strip(),
            organisation_name=(data.get("organisation_name") or "").strip(),
            contact={k: (data.get(k) or "").strip() for k in CONTACT_FIELDS if data.get(k)},
            is_protected_identity=bool(data.get("is_protected_identity")),
        )


def validate_party(data: PartyInput) -> PartyInput:
    """Rule: a person has a name or a valid personnummer; an organisation a name;
    identity numbers are valid and normalised (12 / 10 digits)."""
    if data.kind not in Party.Kind.values:
        raise RuleViolation("Okänd typ av part.", code="invalid_party_kind", field="kind")
    if data.kind == Party.Kind.PERSON:
        if data.org_number:
            raise RuleViolation("En privatperson har inget organisationsnummer.", code="invalid_party", field="org_number")
        if data.personal_number:
            data.personal_number = identity.normalise_personal_number(data.personal_number)
        if not (data.first_name or data.last_name):
            raise RuleViolation("Ange partens namn.", code="party_name_required", field="last_name")
    else:
        if data.personal_number:
            raise RuleViolation("En organisation har organisationsnummer, inte personnummer.", code="invalid_party", field="personal_number")
        if data.org_number:
            data.org_number = identity.normalise_org_number(data.org_number)
        if not data.organisation_name:
            raise RuleViolation("Ange organisationens namn.", code="party_name_required", field="organisation_name")
    email = data.contact.get("email")
    if email:
        from django.core.validators import validate_email
        from django.core.exceptions import ValidationError

        try:
            validate_email(email)
        except ValidationError:
            raise RuleViolation("E-postadressen är inte giltig.", code="invalid_email", field="email") from None
    return data


@transaction.atomic
def find_or_create_party(organisation, data: PartyInput, *, authority=None) -> Party:
    """The party with this identity number, or a new one.

    With `authority` (what every registration passes), only a party already met in
    that authority's cases or documents is reused: an authority is a secrecy boundary,
    and reusing, say, the social services' record of a person in a building case would
    carry its address and the fact of the contact across it.

    An existing party keeps its stored details; new contact details only fill blanks,
    so a typo in one registration never overwrites a verified address."""
    data = validate_party(data)
    existing = None
    candidates = Party.objects.filter(organisation=organisation)
    if authority is not None:
        candidates = candidates.filter(
            Q(case_links__case__diary__authority=authority) | Q(correspondence__document__diary__authority=authority)
        ).distinct()
    if data.personal_number:
        existing = candidates.filter(personal_number=data.personal_number).order_by("created_at").first()
    elif data.org_number:
        existing = candidates.filter(org_number=data.org_number).order_by("created_at").first()
    if existing is not None:
        changed = []
        for key, value in data.contact.items():
            if value and not getattr(existing, key):
                setattr(existing, key, value)
                changed.append(key)
        if data.is_protected_identity and not existing.is_protected_identity:
            existing.is_protected_identity = True
            changed.append("is_protected_identity")
        if changed:
            existing.save(update_fields=[*changed, "updated_at"])
        return existing
    return Party.objects.create(
        organisation=organisation,
        kind=data.kind,
        personal_number=data.personal_number,
        org_number=data.org_number,
        first_name=data.first_name,
        last_name=data.last_name,
        organisation_name=data.organisation_name,
        is_protected_identity=data.is_protected_identity,
        **data.contact,
    )


@transaction.atomic
def update_party(party: Party, data: PartyInput) -> Party:
    data = validate_party(data)
    for key in ("kind", "personal_number", "org_number", "first_name", "last_name", "organisation_name", "is_protected_identity"):
        setattr(party, key, getattr(data, key))
    for key in CONTACT_FIELDS:
        setattr(party, key, data.contact.get(key, ""))
    party.save()
    return party
