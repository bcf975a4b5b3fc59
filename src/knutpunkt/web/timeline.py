"""Case events told in Swedish, for the timeline on the case and document pages.

Events store facts in a machine form ({field: [old, new]}, codes, ids); this module
turns them into sentences a registrator reads. An event type it does not know (a
later app's, or another system's) is still shown, with its type name, never dropped.
"""

from dataclasses import dataclass, field

from knutpunkt.registry.identity import format_org_number, format_personal_number
from knutpunkt.access import policy
from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document, PersonalDataLevel

PHRASES = {
    "case.registered": "Ärendet registrerades",
    "case.updated": "Ärendets uppgifter ändrades",
    "case.status_changed": "Ärendets status ändrades",
    "case.closed": "Ärendet avslutades",
    "case.reopened": "Ärendet återöppnades",
    "case.voided": "Ärendet makulerades",
    "case.party_added": "Part lades till",
    "case.party_removed": "Part togs bort",
    "case.linked": "Ärendet länkades till ett annat ärende",
    "case.deadline_set": "Bevakning lades till",
    "case.deadline_completed": "Bevakning klarmarkerades",
    "document.registered": "Handling registrerades",
    "document.updated": "Handlingens uppgifter ändrades",
    "document.voided": "Handlingen makulerades",
    "file.added": "Fil lades till",
    "file.version_added": "Ny version av fil laddades upp",
    "case.secrecy_marked": "Ärendet sekretessmarkerades",
    "case.secrecy_revoked": "Ärendets sekretessmarkering hävdes",
    "case.personal_data_level_changed": "Ärendets personuppgiftsskydd ändrades",
    "case.restriction_changed": "Åtkomsten till ärendet ändrades",
    "document.secrecy_marked": "Handlingen sekretessmarkerades",
    "document.secrecy_revoked": "Handlingens sekretessmarkering hävdes",
    "document.personal_data_level_changed": "Handlingens personuppgiftsskydd ändrades",
    "document.restriction_changed": "Åtkomsten till handlingen ändrades",
}

CASE_FIELD_LABELS = {
    "title": "Ärendemening",
    "description": "Beskrivning",
    "process": "Process",
    "case_type": "Ärendetyp",
    "responsible_unit": "Ansvarig enhet",
    "officer": "Handläggare",
    "main_case": "Huvudärende",
    "opened_date": "Inkom/öppnat",
    "status": "Status",
    "closed_at": "Avslutat",
    "personal_data_level": "Personuppgiftsskydd",
}
DOCUMENT_FIELD_LABELS = {
    "title": "Rubrik",
    "direction": "Riktning",
    "document_type": "Handlingstyp",
    "document_date": "Datum",
    "correspondents": "Avsändare/mottagare",
}
CODE_LABELS = {
    "status": dict(Case.Status.choices),
    "direction": dict(Document.Direction.choices),
    "personal_data_level": dict(PersonalDataLevel.choices),
}
ROLE_LABELS = {**dict(CaseParty.Role.choices), **dict(Correspondent.Role.choices)}
EMPTY = "(tomt)"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    event: object
    phrase: str
    details: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def occurred_at(self):
        return self.event.occurred_at

    @property
    def actor(self):
        return self.event.actor

    hide_reason: bool = False

    @property
    def reason(self) -> str:
        return "" if self.hide_reason else self.event.reason

    @property
    def document(self):
        return self.event.document


def show_value(field_name: str, value) -> str:
    if value in (None, "", [], {}):
        return EMPTY
    if isinstance(value, dict):
        return str(value.get("text") or value.get("id") or EMPTY)
    if field_name in CODE_LABELS:
        return CODE_LABELS[field_name].get(value, str(value))
    if field_name == "closed_at" and isinstance(value, str):
        return value[:16].replace("T", " ")
    if isinstance(value, list):
        return f"{len(value)} st"
    return str(value)


def party_name(party) -> str:
    if party is None:
        return "okänd part"
    number = party.personal_number and format_personal_number(party.personal_number) or (
        party.org_number and format_org_number(party.org_number))
    return f"{party.display_name} ({number})" if number else party.display_name


def describe(event, *, parties: dict | None = None, details: bool = True, name_of=None) -> TimelineEntry:
    """One event as a TimelineEntry. `parties` maps party id → Party for the parties the
    reader may see; `name_of(party)` gives the name as they may see it. With
    `details=False` only what happened, when and by whom is told: event data carries
    titles and old values that a masked reader must not see."""
    data = event.data or {}
    parties = parties or {}
    phrase = PHRASES.get(event.type, f"Händelse: {event.type}")
    entry = TimelineEntry(event=event, phrase=phrase)
    if event.type == "document.registered":
        direction = CODE_LABELS["direction"].get(data.get("direction"), "")
        entry.phrase = f"{direction} handling registrerades" if direction else phrase
    if not details:
        entry.details = [data["document_reference"]] if data.get("document_reference") else []
        entry.hide_reason = True
        return entry
    labels = DOCUMENT_FIELD_LABELS if event.type.startswith("document.") else CASE_FIELD_LABELS
    for name, pair in (data.get("changes") or {}).items():
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        if name == "correspondents":
            entry.details.append("Avsändare/mottagare ändrades.")
            continue
        entry.changes.append(Change(labels.get(name, name), show_value(name, pair[0]), show_value(name, pair[1])))

    if event.type == "case.registered":
        if data.get("title"):
            entry.details.append(f"Ärendemening: {data['title']}")
    elif event.type in ("case.party_added", "case.party_removed"):
        party = parties.get(data.get("party_id"))
        role = ROLE_LABELS.get(data.get("role"), data.get("role") or "")
        name = (name_of(party) if name_of else party_name(party)) if party else "Part"
        entry.details.append(f"{name} – {role.lower()}" if role else name)
    elif event.type == "case.linked":
        entry.details.append(f"Relaterat ärende: {data.get('to_case', '')}")
    elif event.type in ("case.deadline_set", "case.deadline_completed"):
        text = data.get("description", "")
        if data.get("due_date"):
            text = f"{data['due_date']}: {text}"
        entry.details.append(text)
    elif event.type == "case.closed" and data.get("open_deadlines"):
        entry.details.append(f"{data['open_deadlines']} bevakning(ar) var inte klarmarkerade.")
    elif event.type == "document.registered":
        entry.details.append(f"{data.get('document_reference', '')} {data.get('title', '')}".strip())
    elif event.type.startswith("document."):
        entry.details.append(data.get("document_reference", ""))
    elif event.type == "file.added":
        entry.details.append(f"{data.get('filename', '')} till {data.get('document_reference', '')}")
    elif event.type == "file.version_added":
        entry.details.append(f"{data.get('filename', '')}, version {data.get('version', '')}, till {data.get('document_reference', '')}")
    entry.details = [d for d in entry.details if d and d.strip()]
    return entry


def timeline(events, *, user, case=None, parties: dict | None = None) -> list[TimelineEntry]:
    """The events as the reader may see them: details only where the reader sees the
    case (if any) and the event's document in full."""
    case_full = case is None or policy.case_view(user, case).full
    document_full: dict = {}

    def may_see(event) -> bool:
        if not case_full:
            return False
        if event.document_id is None:
            return True
        if event.document_id not in document_full:
            document_full[event.document_id] = policy.document_view(user, event.document).full
        return document_full[event.document_id]

    diary_id = case.diary_id if case is not None else None

    def name_of(party):
        shown = policy.party_name(user, party, diary_id)
        return shown if shown != party.display_name else party_name(party)

    return [describe(e, parties=parties, details=may_see(e), name_of=name_of) for e in events]
