"""Secrecy around registration, for the API: the optional `secrecy`,
`personal_data_level` and `restriction` of a create request, applied through
registry.secrecy in the request's own transaction (a bad provision leaves nothing
registered), and the proposal a response carries when the request said nothing.

A case type's or document type's default marking, or the case's marking for a new
document, is never applied silently (issue 3): the response proposes it, and the
client confirms it with PUT on the object's secrecy endpoints.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.urls import reverse

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.core.errors import DomainError, PermissionDenied
from knutpunkt.registry import secrecy
from knutpunkt.registry.models import Document

from . import lookups
from .serializers.inputs import PROTECTION_KEYS
from .serializers.secrecy import marking_repr, provision_label

MARKING_REASON = "Sekretessmarkerad vid registrering"
CHANGE_REASON = "Vid registrering"


@contextmanager
def fields_under(prefix: str):
    """Report a service's field (`provisions`) at its place in the request
    (`document.secrecy.provisions`)."""
    try:
        yield
    except PermissionDenied:
        raise
    except DomainError as err:
        if not err.field:
            raise
        raise type(err)(err.message, code=err.code, field=prefix + err.field) from None


@dataclass
class Protection:
    """What a create request asked for, looked up and checked as far as can be before
    the object exists."""

    prefix: str = ""
    marking: dict | None = None
    level: str | None = None
    restriction: dict | None = None
    given: bool = False  # the request had a `secrecy` key (null included)

    @property
    def empty(self) -> bool:
        return self.marking is None and self.level is None and self.restriction is None


def resolve(data: dict, diary, prefix: str = "") -> Protection:
    """Turn the request's keys into service arguments. Unknown provisions or groups, a
    provision out of force, a secret title without offentlig rubrik or a group of
    another authority are refused here, before anything is registered; the services
    check it all again when they apply it."""
    organisation_id = diary.authority.organisation_id
    protection = Protection(prefix=prefix, given="secrecy" in data)
    spec = data.get("secrecy")
    if spec:
        with fields_under(prefix + "secrecy."):
            provisions = lookups.provisions(spec["provisions"], organisation_id)
            secrecy.check_provisions_usable(provisions, organisation_id)
            parts = set(spec["secret_parts"])
            public_title = secrecy.check_public_title(parts, spec["public_title"] or "")
        protection.marking = {
            "provisions": provisions, "secret_parts": parts, "public_title": public_title,
            "review_on": spec["review_on"], "expires_on": spec["expires_on"], "reason": spec["reason"] or MARKING_REASON,
        }
    if "personal_data_level" in data:
        protection.level = data["personal_data_level"]
    if "restriction" in data:
        spec = data["restriction"]
        with fields_under(prefix + "restriction."):
            groups = lookups.access_groups(spec["access_groups"], organisation_id)
            secrecy.check_groups_in_authority(groups, diary.authority_id)
        protection.restriction = {"restricted": spec["restricted"], "access_groups": groups}
    return protection


def apply(obj, protection: Protection, *, actor) -> None:
    """Marking first, then the personal-data level, then the restriction — the last may
    take away the actor's own full view, and with it the right to mark."""
    if protection.marking is not None:
        with fields_under(protection.prefix + "secrecy."):
            secrecy.set_marking(obj, actor=actor, **protection.marking)
    if protection.level is not None:
        with fields_under(protection.prefix):
            secrecy.set_personal_data_level(obj, protection.level, actor=actor, reason=CHANGE_REASON)
    if protection.restriction is not None:
        with fields_under(protection.prefix + "restriction."):
            secrecy.set_restriction(obj, actor=actor, reason=CHANGE_REASON, **protection.restriction)


def strip(data: dict) -> dict:
    """The request without its protection keys (for the services that register)."""
    return {k: v for k, v in data.items() if k not in PROTECTION_KEYS}


# --- proposals --------------------------------------------------------------------------------

def _urls(request, obj) -> dict:
    kind = "document" if isinstance(obj, Document) else "case"

    def url(name):
        return request.build_absolute_uri(reverse(f"api:{kind}-{name}", args=[obj.pk]))

    return {
        "secrecy_url": url("secrecy"),
        "personal_data_level_url": url("personal-data-level"),
        "restriction_url": url("restriction"),
    }


def _from_type(type_obj) -> dict | None:
    if type_obj is None or not type_obj.has_default_marking:
        return None
    parts = [p for p in secrecy.PARTS if p in (type_obj.default_secret_parts or [])]
    marking = None
    if parts:
        marking = {
            "provisions": [provision_label(p) for p in type_obj.default_provisions.all()],
            "secret_parts": parts,
            "public_title": type_obj.default_public_title,
        }
    level = type_obj.default_personal_data_level or None
    source = "document_type" if hasattr(type_obj, "retention_rule_id") else "case_type"
    return {"source": source, "secrecy": marking, "personal_data_level": level, "restriction": None}


def _from_case(case) -> dict | None:
    proposed = secrecy.proposed_marking_for_document(case) if case is not None else None
    if proposed is None:
        return None
    level = proposed["personal_data_level"]
    return {
        "source": "case",
        "secrecy": {
            "provisions": [provision_label(p) for p in proposed["provisions"]],
            "secret_parts": proposed["secret_parts"],
            "public_title": proposed["public_title"],
        },
        "personal_data_level": level if level != PersonalDataLevel.PUBLISHABLE else None,
        "restriction": (
            {"restricted": True, "access_groups": [g.pk for g in proposed["access_groups"]]} if proposed["restricted"] else None
        ),
    }


def proposal(request, obj, protection: Protection, *, type_obj=None, case=None) -> dict | None:
    """What to propose for a just registered case or document, or None.

    Only when the request had no `secrecy` key: the type's default marking, or (for a
    document in a marked case) the case's marking."""
    if protection.given:
        return None
    proposed = _from_type(type_obj) or _from_case(case)
    if proposed is None:
        return None
    return {**proposed, **_urls(request, obj)}


# --- the secrecy state of one object -------------------------------------------------------

def state(obj, view) -> dict:
    """GET /…/secrecy/: the active marking and its history, to a reader with full view;
    to anyone else only whether the object is marked."""
    if not view.full:
        return {"marked": obj.is_secret, "masked": True}
    history = list(
        obj.secrecy_markings.select_related("set_by", "revoked_by").prefetch_related("provisions").order_by("-set_at")
    )
    active = next((m for m in history if m.revoked_at is None), None)
    return {
        "marked": active is not None,
        "masked": False,
        "marking": marking_repr(active) if active else None,
        "history": [marking_repr(m) for m in history],
        "public_title": obj.public_title,
        "personal_data_level": obj.personal_data_level,
        "restricted": obj.restricted,
        "access_groups": [{"id": g.pk, "name": g.name} for g in obj.access_groups.order_by("name")],
    }
