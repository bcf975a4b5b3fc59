"""Writing the published projection. `project(obj)` is the only code that writes
PublishedEntry: it asks the rule `publishable`, and either removes the entry, waits
for the authority's delay, or writes the public fields computed by `public_fields`.

Nothing here copies a description, a private person's name or an identity number:
PublishedEntry has no field for them, correspondents are legal persons only, and
anything shaped like a personnummer is cut out of a published title as well.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.db import transaction

from knutpunkt.core import clock
from knutpunkt.registry.models import Case, Document, Party, PersonalDataLevel

from . import search_index
from .models import PublicationSettings, PublishedEntry

log = logging.getLogger(__name__)

UNPUBLISHED_TITLE = "Sekretessbelagd rubrik"
NUMBER_REMOVED = "(nummer borttaget)"


# --- the rule ------------------------------------------------------------------------

def reasons_not_published(obj, pub: PublicationSettings | None = None) -> list[str]:
    """Why this case or document may not be on the web; empty = it may.

    A document also needs its case to be publishable: what protects the case (its
    personal data, its restriction) protects the handlingar in it."""
    reasons = []
    if obj.voided_at is not None:
        reasons.append("makulerad")
    if obj.restricted:
        reasons.append("begränsad åtkomst")
    if obj.personal_data_level != PersonalDataLevel.PUBLISHABLE:
        reasons.append("personuppgifterna är skyddade")
    if obj.title_secret and not (obj.public_title or "").strip():
        reasons.append("sekretessbelagd rubrik utan offentlig rubrik")
    pub = pub if pub is not None else settings_for(obj.diary.authority_id)
    if pub is None or not pub.enabled:
        reasons.append("myndigheten publicerar inte sitt diarium")
    else:
        registered = _local_date(obj.registered_at)
        if not _covers_diary(pub, obj.diary_id):
            reasons.append("diariet publiceras inte")
        if pub.published_from and registered < pub.published_from:
            reasons.append("registrerad före publiceringsstarten")
        if pub.years_back is not None and registered.year < clock.today().year - pub.years_back:
            reasons.append("äldre än publiceringsperioden")
    if isinstance(obj, Document) and obj.case_id is not None:
        reasons += [f"ärendet: {r}" for r in reasons_not_published(obj.case, pub) if not r.startswith("myndigheten")]
    return reasons


def publishable(obj, pub: PublicationSettings | None = None) -> bool:
    return not reasons_not_published(obj, pub)


def public_title(obj) -> str:
    """The title as the public may see it: the real one only when it is not secret."""
    title = obj.public_title if obj.title_secret else obj.title
    return strip_identity_numbers((title or "").strip()) or UNPUBLISHED_TITLE


def public_correspondent(document: Document, correspondents=None) -> str:
    """Senders/recipients that are legal persons or authorities — never a private
    person, never anyone with skyddad identitet, nothing when the parties are secret.

    `correspondents` (the document's Correspondent rows with their party) lets a batch
    pass rows it fetched at once; they are ordered here, in Python, so one object and a
    batch give the same text on every database (collations differ)."""
    if document.parties_secret or (document.case_id and document.case.parties_secret):
        return ""
    if correspondents is None:
        correspondents = document.correspondents.select_related("party")
    names = []
    for c in sorted(correspondents, key=lambda c: (c.role, c.party.organisation_name)):
        if is_legal_person(c.party) and c.party.organisation_name.strip() not in names:
            names.append(c.party.organisation_name.strip())
    return strip_identity_numbers("; ".join(names))[:500]


def is_legal_person(party: Party) -> bool:
    """An organisation whose number is not a personnummer (an enskild firma's
    organisationsnummer is its owner's personnummer, and so is its name, often)."""
    if party.kind != Party.Kind.ORGANISATION or party.is_protected_identity or not party.organisation_name.strip():
        return False
    digits = re.sub(r"\D", "", party.org_number or "")[-10:]
    return not digits or (len(digits) == 10 and int(digits[2]) >= 2)


_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{2}(\d{2})(\d{2})[-+ ]?\d{4}(?!\d)")


def strip_identity_numbers(text: str) -> str:
    """Cut out anything shaped like a person- or samordningsnummer (month 01–12, day
    01–91); organisationsnummer (month digits ≥ 20) stay."""

    def replace(m: re.Match) -> str:
        month, day = int(m.group(1)), int(m.group(2))
        return NUMBER_REMOVED if 1 <= month <= 12 and 1 <= day <= 91 else m.group(0)

    return _ID_NUMBER.sub(replace, text)


# --- writing -------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    state: str  # "published", "waiting", "removed"
    due: dt.datetime | None = None
    reasons: tuple[str, ...] = ()

    @property
    def waiting(self) -> bool:
        return self.state == "waiting"


def due_at(obj, pub: PublicationSettings) -> dt.datetime:
    """Publication waits until the row has been left alone for the authority's delay,
    so a registrator has time to mark what must not be published."""
    changed = max(obj.registered_at, obj.updated_at or obj.registered_at)
    return changed + dt.timedelta(hours=pub.delay_hours)


def decide(obj, pub: PublicationSettings | None, now: dt.datetime, correspondents=None) -> tuple[Outcome, dict | None]:
    """What the projection of one case or document should be: removed (with the
    rule's reasons), waiting for the delay, or published with these public fields.
    The single decision behind both project() and the batched publish_all()."""
    reasons = reasons_not_published(obj, pub)
    if reasons:
        return Outcome("removed", reasons=tuple(reasons)), None
    due = due_at(obj, pub)
    if now < due:
        return Outcome("waiting", due=due), None
    return Outcome("published"), public_fields(obj, correspondents)


@transaction.atomic
def project(obj, *, now: dt.datetime | None = None) -> Outcome:
    """Bring the published entry of one case or document in step with the registry."""
    obj = _reload(obj)
    kind = kind_of(obj)
    outcome, values = decide(obj, settings_for(obj.diary.authority_id), now or clock.now())
    if outcome.state == "removed":
        _remove(kind, obj.pk)
    elif outcome.state == "published":
        entry = PublishedEntry.objects.filter(kind=kind, object_id=obj.pk).first()
        if entry is None:
            stamp = clock.now()
            entry = PublishedEntry.objects.create(kind=kind, object_id=obj.pk, published_at=stamp, updated_at=stamp, **values)
            search_index.add(entry)
        elif apply_values(entry, values):
            entry.updated_at = clock.now()
            entry.save()
            search_index.add(entry)
    return outcome


def kind_of(obj) -> str:
    return PublishedEntry.Kind.DOCUMENT if isinstance(obj, Document) else PublishedEntry.Kind.CASE


def apply_values(entry: PublishedEntry, values: dict) -> bool:
    """Set the public fields on an entry; True if any of them changed (updated_at then
    tells when the public text last changed, and the feed's <updated> with it)."""
    changed = False
    for name, value in values.items():
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed = True
    return changed


def public_fields(obj, correspondents=None) -> dict:
    """Every public field of a PublishedEntry (not its timestamps), computed from the
    registry row."""
    is_doc = isinstance(obj, Document)
    case = obj.case if is_doc else obj
    diary = obj.diary
    unit = case.responsible_unit if case is not None else None
    return {
        "reference": obj.reference,
        "case_reference": case.reference if case is not None else "",
        "case_object_id": case.pk if case is not None else None,
        "registered_at": obj.registered_at,
        "registered_on": _local_date(obj.registered_at),
        "document_date": obj.document_date if is_doc else obj.opened_date,
        "direction": obj.direction if is_doc else "",
        "authority_id": diary.authority_id,
        "authority_name": diary.authority.name,
        "diary_prefix": diary.prefix,
        "diary_name": diary.name,
        "unit_name": unit.name if unit is not None else "",
        "public_title": public_title(obj),
        "correspondent": public_correspondent(obj, correspondents) if is_doc else "",
    }


def _remove(kind: str, object_id) -> None:
    for entry in PublishedEntry.objects.filter(kind=kind, object_id=object_id):
        search_index.remove(entry)
        entry.delete()


def _reload(obj):
    if isinstance(obj, Document):
        return Document.objects.select_related("diary__authority", "case__diary__authority", "case__responsible_unit").get(pk=obj.pk)
    return Case.objects.select_related("diary__authority", "responsible_unit").get(pk=obj.pk)


def _local_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def settings_for(authority_id: int) -> PublicationSettings | None:
    return PublicationSettings.objects.filter(authority_id=authority_id).first()


def _covers_diary(pub: PublicationSettings, diary_id: int) -> bool:
    chosen = getattr(pub, "_chosen_diaries", None)
    if chosen is None:  # once per settings object: publish_all judges many rows with one
        chosen = pub._chosen_diaries = frozenset(d.pk for d in pub.diaries.all())
    return not chosen or diary_id in chosen


# --- from events ---------------------------------------------------------------------

# What can change a published entry; other events (deadlines, links, files) cannot.
RELEVANT_ACTIONS = frozenset({
    "registered", "updated", "voided", "secrecy_marked", "secrecy_revoked", "restriction_changed",
    "personal_data_level_changed",
})


def on_registry_event(event) -> None:
    """Subscriber (core.events): remove at once what may no longer be published;
    schedule the rest for when the authority's delay has passed."""
    kind, _, action = event.type.partition(".")
    if action not in RELEVANT_ACTIONS:
        return
    if kind == "document" and event.document_id:
        objects = [Document.objects.get(pk=event.document_id)]
    elif kind == "case" and event.case_id:
        case = Case.objects.get(pk=event.case_id)
        # A change to a case can change what may be published of its documents; its
        # registration cannot (each document registered in it has its own event), so
        # a registration projects the case once, not once per event.
        objects = [case] if action == "registered" else [case, *case.documents.all()]
    else:
        return
    for obj in objects:
        refresh(obj)


def refresh(obj) -> Outcome:
    outcome = project(obj)
    if outcome.waiting:
        schedule(obj, outcome.due)
    return outcome


def schedule(obj, due: dt.datetime) -> None:
    """Enqueue publication for when it is due. A backend without deferred tasks (the
    immediate one in tests) gets nothing: `knutpunkt publish-diary` catches up."""
    from .tasks import publish_object

    kind = "document" if isinstance(obj, Document) else "case"
    if publish_object.get_backend().supports_defer:
        publish_object.using(run_after=due).enqueue(kind, str(obj.pk))


def publish_all(*, rebuild: bool = False, batch: int = 5000, progress=None) -> dict:
    """Recompute the whole projection in batches (publicdiary.bulk.publish_all)."""
    from .bulk import publish_all as run

    return run(rebuild=rebuild, batch=batch, progress=progress)
