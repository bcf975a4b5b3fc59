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
    "file.secrecy_changed": "Filens sekretess ändrades",
}
SECRECY_EVENTS = ("case.secrecy_marked", "document.secrecy_marked")
RESTRICTION_EVENTS = ("case.restriction_changed", "document.restriction_changed")
PART_WORDS = {"title": "rubriken", "description": "beskrivningen", "parties": "parterna", "files": "filerna"}

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
    "personal_data_level": "Personuppgiftsskydd",
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
    masked: bool = False  # told without details, actor or reason (the reader's view is not full)

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


def party_name(row) -> str:
    """A party row of registry.queries (case_parties / document_correspondents) as the
    reader may see it: the shown name, and the number only where the identity is."""
    if row is None:
        return "Part"
    party = row.party
    if not getattr(row, "identity_visible", False):
        return row.shown_name
    number = party.personal_number and format_personal_number(party.personal_number) or (
        party.org_number and format_org_number(party.org_number))
    return f"{row.shown_name} ({number})" if number else row.shown_name


def describe(event, *, parties: dict | None = None, details: bool = True, cases: dict | None = None,
             groups: dict | None = None) -> TimelineEntry:
    """One event as a TimelineEntry. `parties` maps party id → party row (with
    `shown_name` and `identity_visible`) for the parties the reader may see; `cases`
    maps case id → reference for the cases they may see; `groups` access group id →
    name. With `details=False` only what happened, when and by whom is told: event data
    carries titles and old values that a masked reader must not see."""
    data = event.data or {}
    parties = parties or {}
    cases = cases or {}
    phrase = PHRASES.get(event.type, f"Händelse: {event.type}")
    entry = TimelineEntry(event=event, phrase=phrase)
    if event.type == "document.registered":
        direction = CODE_LABELS["direction"].get(data.get("direction"), "")
        entry.phrase = f"{direction} handling registrerades" if direction else phrase
    if not details:
        entry.details = [data["document_reference"]] if data.get("document_reference") else []
        entry.hide_reason = entry.masked = True
        return entry
    labels = DOCUMENT_FIELD_LABELS if event.type.startswith("document.") else CASE_FIELD_LABELS
    for name, pair in (data.get("changes") or {}).items():
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        if name == "correspondents":
            entry.details.append("Avsändare/mottagare ändrades.")
            continue
        if name == "main_case":
            # The stored text carries the main case's title, which may be secret to this
            # reader even when this case is not: show its reference, if they may see it.
            old, new = (cases.get((v or {}).get("id"), "ett ärende du inte har behörighet till") if v else EMPTY for v in pair)
            entry.changes.append(Change(labels[name], old, new))
            continue
        if name == "restricted":
            entry.changes.append(Change("Åtkomst", *("begränsad" if v else "öppen" for v in pair)))
            continue
        if name == "access_groups":
            entry.changes.append(Change("Åtkomstgrupper", *(", ".join((groups or {}).get(g, "okänd grupp") for g in v or []) or EMPTY for v in pair)))
            continue
        entry.changes.append(Change(labels.get(name, name), show_value(name, pair[0]), show_value(name, pair[1])))

    if event.type == "case.registered":
        if data.get("title"):
            entry.details.append(f"Ärendemening: {data['title']}")
    elif event.type in ("case.party_added", "case.party_removed"):
        party = parties.get(data.get("party_id"))
        role = ROLE_LABELS.get(data.get("role"), data.get("role") or "")
        name = party_name(party)
        entry.details.append(f"{name} – {role.lower()}" if role else name)
    elif event.type == "case.linked":
        entry.details.append(f"Relaterat ärende: {cases.get(data.get('to_case_id'), 'ett ärende du inte har behörighet till')}")
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
    elif event.type == "file.secrecy_changed":
        # A secret file's name is not in the event (it may tell what the file holds).
        entry.phrase = "En fil sekretessmarkerades" if data.get("secret") else "Filens sekretessmarkering hävdes"
        name = "" if data.get("secret") else f"{data.get('filename', '')} i "
        entry.details.append(f"{name}{data.get('document_reference', '')}")
    elif event.type in SECRECY_EVENTS:
        refs = ", ".join(data.get("provisions") or [])
        parts = ", ".join(word for part, word in PART_WORDS.items() if part in (data.get("parts") or []))
        entry.details.append(f"Lagrum: OSL {refs}. Omfattar {parts}." if refs else f"Omfattar {parts}.")
        for key, label in (("review_on", "Omprövas"), ("expires_on", "Upphör")):
            if data.get(key):
                entry.details.append(f"{label} {data[key]}")
    entry.details = [d for d in entry.details if d and d.strip()]
    return entry


def timeline(events, *, user, case=None, parties: dict | None = None) -> list[TimelineEntry]:
    """The events as the reader may see them: details only where the reader sees the
    case (if any) and the event's document in full. `parties`: party id → row of
    registry.queries.case_parties."""
    from knutpunkt.access.models import AccessGroup
    from knutpunkt.registry import queries

    events = list(events)
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

    case_ids, group_ids = set(), set()
    for event in events:
        data = event.data or {}
        if data.get("to_case_id"):
            case_ids.add(data["to_case_id"])
        for name, pair in (data.get("changes") or {}).items():
            if name == "main_case" and isinstance(pair, (list, tuple)):
                case_ids.update(v["id"] for v in pair if isinstance(v, dict) and v.get("id"))
            if name == "access_groups" and isinstance(pair, (list, tuple)):
                group_ids.update(g for v in pair for g in (v or []))
    cases = dict(queries.cases_for(user).filter(pk__in=case_ids).values_list("pk", "reference")) if case_ids else {}
    cases = {str(pk): reference for pk, reference in cases.items()}
    groups = dict(AccessGroup.objects.filter(pk__in=group_ids).values_list("pk", "name")) if group_ids else {}
    return [describe(e, parties=parties, details=may_see(e), cases=cases, groups=groups) for e in events]
