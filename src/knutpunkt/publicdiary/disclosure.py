"""Begäran om att ta del av allmän handling, sent from the public pages.

`submit` checks the contact way, registers the request as an incoming document
(without case, in the authority's receiving diary, personal data "skyddad externt" so
the requester is never published), keeps the request with its deadline in working days
and returns it with the private token for the status link. `set_status` is the
registrator's answer."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from knutpunkt.access import policy
from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.core import audit, clock
from knutpunkt.core.errors import NotFound, PermissionDenied, RuleViolation
from knutpunkt.files import services as file_services
from knutpunkt.organisations.models import Diary, Role, RoleAssignment
from knutpunkt.registry import secrecy
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document

from .models import DisclosureRequest, PublicationSettings, PublishedEntry
from .workdays import add_working_days

SYSTEM_USER_FIRST_NAME = "Webbformulär"
MAX_MESSAGE = 4000


@dataclass
class RequestInput:
    authority_id: int
    entries: list[PublishedEntry] = field(default_factory=list)
    requested_text: str = ""
    name: str = ""
    email: str = ""
    postal_address: str = ""
    phone: str = ""
    delivery: str = DisclosureRequest.Delivery.EMAIL
    message: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_contact(data: RequestInput) -> RequestInput:
    """Rule: at least one usable way to answer, and one that fits the delivery chosen."""
    errors: dict[str, list[str]] = {}
    data.email = (data.email or "").strip()[:254]
    data.postal_address = (data.postal_address or "").strip()[:1000]
    data.phone = (data.phone or "").strip()[:40]
    data.name = (data.name or "").strip()[:200]
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            errors["email"] = ["Skriv e-postadressen i formen namn@exempel.se."]
    if data.postal_address and not (len(data.postal_address) >= 8 and re.search(r"\d", data.postal_address)):
        errors["postal_address"] = ["Skriv hela postadressen med gatuadress, postnummer och ort."]
    if data.phone and len(re.sub(r"\D", "", data.phone)) < 6:
        errors["phone"] = ["Skriv telefonnumret med riktnummer, till exempel 08-123 456."]
    usable = {k for k in ("email", "postal_address", "phone") if getattr(data, k) and k not in errors}
    if not usable and not errors:
        errors["contact"] = ["Ange minst ett sätt att nå dig: e-post, postadress eller telefon. Du behöver inte ange ditt namn."]
    if data.delivery not in DisclosureRequest.Delivery.values:
        errors["delivery"] = ["Välj hur du vill få handlingarna."]
    elif data.delivery == DisclosureRequest.Delivery.EMAIL and "email" not in usable and "email" not in errors:
        errors["email"] = ["Ange en e-postadress om du vill få handlingarna med e-post."]
    elif data.delivery == DisclosureRequest.Delivery.POST and "postal_address" not in usable and "postal_address" not in errors:
        errors["postal_address"] = ["Ange en postadress om du vill få en papperskopia per post."]
    data.requested_text = (data.requested_text or "").strip()[:MAX_MESSAGE]
    data.message = (data.message or "").strip()[:MAX_MESSAGE]
    if not data.entries and not data.requested_text:
        errors["entries"] = ["Välj minst en handling, eller beskriv vad du vill ta del av."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise RuleViolation(first, code="invalid_request", errors=errors)
    return data


def receiving_diary(authority_id: int, entries: list[PublishedEntry]) -> Diary:
    pub = PublicationSettings.objects.filter(authority_id=authority_id).select_related("request_diary").first()
    if pub is not None and pub.request_diary is not None:
        return pub.request_diary
    # Without a configured diary the request goes where the handling is registered.
    for entry in entries:
        diary = Diary.objects.filter(authority_id=authority_id, prefix=entry.diary_prefix).first()
        if diary is not None:
            return diary
    diary = Diary.objects.filter(authority_id=authority_id, active=True).order_by("pk").first()
    if diary is None:
        raise RuleViolation("Myndigheten tar inte emot begäran via webben. Kontakta registraturen.", code="no_receiving_diary")
    return diary


def web_form_user(diary: Diary):
    """The system user that registers web requests: no password, registrator in the
    receiving diary only."""
    User = get_user_model()
    organisation = diary.authority.organisation
    username = f"webbformular-{organisation.short_name}"[:150]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": SYSTEM_USER_FIRST_NAME, "last_name": "(system)", "organisation": organisation, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.REGISTRATOR, diary=diary)
    policy.forget(user)
    return user


def _document_title(data: RequestInput) -> str:
    refs = ", ".join(e.reference for e in data.entries)
    title = "Begäran om att ta del av allmän handling"
    return (f"{title}: {refs}" if refs else title)[:500]


def _request_text(data: RequestInput, deadline) -> str:
    delivery = DisclosureRequest.Delivery(data.delivery).label
    lines = [
        "Begäran om att ta del av allmän handling (webbformulär)",
        f"Mottagen: {clock.now():%Y-%m-%d %H:%M}",
        f"Ska besvaras senast: {deadline.isoformat()} (skyndsamt)",
        "",
        "Begärda handlingar:",
        *[f"- {e.reference} {e.public_title}" for e in data.entries],
        *([f"Beskrivning: {data.requested_text}"] if data.requested_text else []),
        "",
        f"Namn: {data.name or '(anonym)'}",
        f"E-post: {data.email or '-'}",
        f"Postadress: {data.postal_address or '-'}",
        f"Telefon: {data.phone or '-'}",
        f"Leverans: {delivery}",
        "",
        "Meddelande:",
        data.message or "-",
    ]
    return "\n".join(lines) + "\n"


@transaction.atomic
def submit(data: RequestInput) -> tuple[DisclosureRequest, str]:
    data = check_contact(data)
    diary = receiving_diary(data.authority_id, data.entries)
    actor = web_form_user(diary)
    pub = PublicationSettings.objects.filter(authority_id=data.authority_id).first()
    days = pub.request_deadline_days if pub is not None else 1
    deadline = add_working_days(clock.today(), days)

    document = registry.register_document(
        actor=actor, diary=diary, direction=Document.Direction.INCOMING, title=_document_title(data),
    )
    secrecy.set_personal_data_level(
        document, PersonalDataLevel.EXTERNAL, actor=actor,
        reason="Begäran via webbformulär: den enskildes uppgifter publiceras inte.",
    )
    file_services.add_file(document, io.BytesIO(_request_text(data, deadline).encode("utf-8")), "begaran.txt", actor=actor)
    token = secrets.token_urlsafe(32)
    request = DisclosureRequest.objects.create(
        reference=document.reference,
        authority_id=data.authority_id,
        diary=diary,
        document=document,
        requested=[{"kind": e.kind, "id": str(e.object_id), "reference": e.reference, "title": e.public_title} for e in data.entries],
        requested_text=data.requested_text,
        name=data.name,
        email=data.email,
        postal_address=data.postal_address,
        phone=data.phone,
        delivery=data.delivery,
        message=data.message,
        token_hash=token_hash(token),
        received_at=clock.now(),
        deadline=deadline,
    )
    return request, token


def by_token(token: str) -> DisclosureRequest | None:
    if not token or len(token) > 100:
        return None
    return DisclosureRequest.objects.filter(token_hash=token_hash(token)).first()


# --- the registrators' side -----------------------------------------------------------

def handling_diary_ids(user) -> frozenset[int] | None:
    """Diaries whose requests the user handles (registrator); None = all (global admin)."""
    reader = policy.reader_for(user)
    if reader.is_global_admin:
        return None
    return reader.diaries_with(frozenset({Role.REGISTRATOR}))


def requests_for(user):
    qs = DisclosureRequest.objects.select_related("authority", "diary")
    diaries = handling_diary_ids(user)
    if diaries is not None:
        qs = qs.filter(diary_id__in=sorted(diaries))
    return qs


@transaction.atomic
def set_status(request_id: int, status: str, *, actor) -> DisclosureRequest:
    request = requests_for(actor).select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        raise NotFound("Begäran finns inte.", code="not_found")
    if not policy.may_register_in(actor, request.diary):
        raise PermissionDenied("Du har inte behörighet att handlägga begäran.", code="may_not_handle")
    if status not in DisclosureRequest.Status.values:
        raise RuleViolation("Okänd status.", code="invalid_status", field="status")
    if status == request.status:
        return request
    old = request.status
    request.status = status
    request.status_changed_at = clock.now()
    request.status_changed_by = actor
    request.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    audit.log("disclosure_request.status_changed", actor=actor, obj=request.document, details={"status": [old, status]})
    return request
