"""Case events told in Swedish, for the timeline on the case and document pages.

Events store facts in a machine form ({field: [old, new]}, codes, ids); this module
turns them into sentences a registrator reads. An event type it does not know (a
later app's, or another system's) is still shown, with its type name, never dropped.
"""

from dataclasses import dataclass, field

from knutpunkt.registry.identity import format_org_number, format_personal_number
from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document

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

    @property
    def reason(self) -> str:
        return self.event.reason

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


def describe(event, *, parties: dict | None = None) -> TimelineEntry:
    """One event as a TimelineEntry. `parties` maps party id → Party for the names of
    parties the reader is allowed to see (case_parties gives only those)."""
    data = event.data or {}
    parties = parties or {}
    phrase = PHRASES.get(event.type, f"Händelse: {event.type}")
    entry = TimelineEntry(event=event, phrase=phrase)
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
        entry.details.append(f"{party_name(party) if party else 'Part'} – {role.lower()}" if role else party_name(party))
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
        direction = CODE_LABELS["direction"].get(data.get("direction"), "")
        ref = data.get("document_reference", "")
        entry.phrase = f"{direction} handling registrerades" if direction else phrase
        entry.details.append(f"{ref} {data.get('title', '')}".strip())
    elif event.type in ("document.updated", "document.voided"):
        entry.details.append(data.get("document_reference", ""))
    elif event.type == "file.added":
        entry.details.append(f"{data.get('filename', '')} till {data.get('document_reference', '')}")
    elif event.type == "file.version_added":
        entry.details.append(f"{data.get('filename', '')}, version {data.get('version', '')}, till {data.get('document_reference', '')}")
    entry.details = [d for d in entry.details if d and d.strip()]
    return entry


def timeline(events, *, parties: dict | None = None) -> list[TimelineEntry]:
    return [describe(e, parties=parties) for e in events]
