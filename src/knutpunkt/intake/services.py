"""One-call registration: case, parties, document and files in one transaction.

This is what the registrator's "register incoming document" form, the
`/api/v1/registrations/` endpoint and importers call. Either everything is saved or
nothing is: a bad personnummer in the third party, or an over-limit file, leaves no
half-registered case and takes no diary number.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from knutpunkt.core.errors import RuleViolation
from knutpunkt.files import services as file_services
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document
from knutpunkt.registry.parties import PartyInput, find_or_create_party, validate_party


@dataclass
class UploadedContent:
    filename: str
    stream: object  # anything with .read()


@dataclass
class Registration:
    """What a registrator fills in. Either `case` (existing) or `new_case_title`."""

    diary: object = None
    case: Case | None = None
    new_case_title: str = ""
    new_case_description: str = ""
    process: object = None
    case_type: object = None
    officer: object = None
    responsible_unit: object = None
    without_case: bool = False
    direction: str = Document.Direction.INCOMING
    document_title: str = ""
    document_type: object = None
    document_date: dt.date | None = None
    parties: list[tuple[PartyInput, str]] = field(default_factory=list)  # (party, case role)
    correspondents: list[tuple[PartyInput, str]] = field(default_factory=list)  # (party, avsandare/mottagare)
    files: list[UploadedContent] = field(default_factory=list)


@dataclass
class RegistrationResult:
    case: Case | None
    document: Document
    files: list
    case_created: bool


def _resolve_parties(organisation, authority, inputs: list[PartyInput]) -> list:
    """find_or_create_party for each input, so that one person is one party:

    - within this registration, by identity number: a person the authority meets for
      the first time is not yet linked to any of its cases, so naming them twice
      (sökande and avsändare) would otherwise create two parties;
    - across registrations running at the same moment: on PostgreSQL the identity
      numbers are locked (transaction-scoped advisory locks, in sorted order so two
      registrations never wait on each other crosswise) before they are looked up, so
      the second registration of a new person waits and then finds the first one's
      party. On SQLite the IMMEDIATE transaction already serialises registrations."""
    keyed = []
    for data in inputs:
        key = None
        if data.personal_number or data.org_number:
            data = validate_party(data)  # normalises the number (find_or_create_party does it again, harmlessly)
            key = (data.kind, data.personal_number or data.org_number)
        keyed.append((key, data))
    _lock_identities(organisation.pk, sorted({key for key, _ in keyed if key is not None}))
    seen: dict[tuple[str, str], object] = {}
    resolved = []
    for key, data in keyed:
        if key is None or key not in seen:
            party = find_or_create_party(organisation, data, authority=authority)
            if key is not None:
                seen[key] = party
        resolved.append(seen[key] if key is not None else party)
    return resolved


def _lock_identities(organisation_id: int, keys: list[tuple[str, str]]) -> None:
    connection = transaction.get_connection()
    if not keys or connection.vendor != "postgresql":
        return
    ids = [
        int.from_bytes(hashlib.blake2b(f"knutpunkt-party:{organisation_id}:{kind}:{number}".encode(), digest_size=8).digest(), "big", signed=True)
        for kind, number in keys
    ]
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


@transaction.atomic
def register(reg: Registration, *, actor) -> RegistrationResult:
    diary = reg.case.diary if reg.case is not None else reg.diary
    if diary is None:
        raise RuleViolation("Välj diarium.", code="diary_required", field="diary")
    organisation = diary.authority.organisation

    resolved = _resolve_parties(organisation, diary.authority, [p for p, _ in reg.parties] + [p for p, _ in reg.correspondents])
    parties = list(zip(resolved[: len(reg.parties)], [role for _, role in reg.parties]))
    correspondents = list(zip(resolved[len(reg.parties):], [role for _, role in reg.correspondents]))
    if not correspondents and reg.direction == Document.Direction.INCOMING:
        # The sender of an incoming document is usually the party who started the case.
        correspondents = [(p, Correspondent.Role.SENDER) for p, role in parties if role == CaseParty.Role.APPLICANT][:1]

    case = reg.case
    created = False
    if case is None and not reg.without_case:
        case = registry.register_case(
            diary,
            actor=actor,
            title=reg.new_case_title or reg.document_title,
            description=reg.new_case_description,
            process=reg.process,
            case_type=reg.case_type,
            officer=reg.officer,
            responsible_unit=reg.responsible_unit,
            opened_date=reg.document_date if reg.direction == Document.Direction.INCOMING else None,
            parties=parties,
        )
        created = True
    elif case is not None:
        for party, role in parties:
            registry.add_party(case, party, role, actor=actor)

    document = registry.register_document(
        actor=actor,
        case=case,
        diary=diary if case is None else None,
        direction=reg.direction,
        title=reg.document_title or (case.title if case else ""),
        document_type=reg.document_type,
        document_date=reg.document_date,
        correspondents=correspondents,
    )
    files = [file_services.add_file(document, up.stream, up.filename, actor=actor) for up in reg.files]
    return RegistrationResult(case=case, document=document, files=files, case_created=created)
