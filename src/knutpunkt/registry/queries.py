"""Policy-aware reads of the registry. Views, API and exports read through here.

Every queryset starts from the access policy's filter; single objects come back with
the policy's Visibility, and a hidden object is reported as not found — a reader
without the right cannot even learn that it exists.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from knutpunkt.access import policy
from knutpunkt.access.policy import Visibility
from knutpunkt.core import audit, clock
from knutpunkt.core.errors import NotFound

from .models import Case, CaseEvent, CaseParty, Correspondent, Deadline, Document, Party

REFERENCE_RE = re.compile(r"^\s*([A-Za-zÅÄÖåäö]{1,20})\s*(\d{4})\s*/\s*(H?\d+)(?:\s*-\s*(\d+))?\s*$")


def cases_for(user) -> QuerySet[Case]:
    return Case.objects.filter(policy.case_filter(user)).select_related(
        "diary", "diary__authority", "officer", "responsible_unit", "process", "case_type"
    )


def documents_for(user) -> QuerySet[Document]:
    return Document.objects.filter(policy.document_filter(user)).select_related("case", "diary", "document_type")


def _parse_uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def get_case(user, key) -> tuple[Case, Visibility]:
    """A case by id or diarienummer, with the reader's visibility; NotFound if hidden."""
    qs = Case.objects.select_related(
        "diary__authority", "officer", "responsible_unit", "process", "case_type", "main_case", "registered_by", "voided_by"
    )
    pk = _parse_uuid(key)
    case = (qs.filter(pk=pk) if pk else qs.filter(reference__iexact=str(key).strip())).first()
    if case is None:
        raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
    visibility = policy.case_visibility(user, case)
    if visibility == Visibility.HIDDEN:
        raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
    _audit_read(user, case, visibility, has_protected_party=case.case_parties.filter(party__is_protected_identity=True).exists())
    return case, visibility


def get_document(user, key) -> tuple[Document, Visibility]:
    qs = Document.objects.select_related("case", "diary__authority", "document_type", "registered_by", "voided_by")
    pk = _parse_uuid(key)
    document = (qs.filter(pk=pk) if pk else qs.filter(reference__iexact=str(key).strip())).first()
    if document is None:
        raise NotFound("Handlingen finns inte eller så saknar du behörighet att se den.")
    visibility = policy.document_visibility(user, document)
    if visibility == Visibility.HIDDEN:
        raise NotFound("Handlingen finns inte eller så saknar du behörighet att se den.")
    _audit_read(user, document, visibility, has_protected_party=document.correspondents.filter(party__is_protected_identity=True).exists())
    return document, visibility


def _audit_read(user, obj, visibility: Visibility, *, has_protected_party: bool) -> None:
    """Every opening of a secret, restricted or protected object is logged (who, what,
    how much they saw), so "who has opened this case?" can be answered."""
    sensitive = obj.is_secret or obj.restricted or obj.personal_data_level == "skyddad" or has_protected_party
    if sensitive:
        kind = "document" if isinstance(obj, Document) else "case"
        audit.log(f"{kind}.read", actor=user, obj=obj, details={"visibility": visibility.name.lower()})


def case_documents(user, case: Case) -> QuerySet[Document]:
    return documents_for(user).filter(case=case).prefetch_related("correspondents__party").order_by("number")


def case_events(user, case: Case):
    """The case's timeline. A reader without a full view gets what happened and when,
    but not the details (old/new values, reasons), which may carry secret text."""
    view = policy.case_view(user, case)
    if view.hidden:
        return CaseEvent.objects.none()
    events = CaseEvent.objects.filter(case=case).select_related("actor", "document").order_by("sequence")
    if view.full:
        return events
    masked = list(events)
    for event in masked:
        event.data = {k: v for k, v in event.data.items() if k in ("case_reference", "main_case_reference", "document_reference")}
        event.reason = ""
        event.masked = True
    return masked


def case_parties(user, case: Case) -> list:
    """The case's parties as this reader may see them. Each row gets `shown_name` and
    `identity_visible`; a skyddad identitet stays hidden without the explicit right,
    and every time it is revealed the read is audited."""
    view = policy.case_view(user, case)
    if not view.parties:
        return []
    if "case_parties" in getattr(case, "_prefetched_objects_cache", {}):
        rows = list(case.case_parties.all())  # a list of cases fetched them at once (CASE_PARTIES_PREFETCH)
    else:
        rows = list(case.case_parties.select_related("party").order_by("added_at"))
    return _resolve_party_rows(user, rows, case, case.diary_id)


# The parties of a page of cases in one query instead of one per case (the API's case
# list showed 50 cases with 57 queries). The rows are the same either way: the policy is
# applied per case in case_parties, not here.
CASE_PARTIES_PREFETCH = Prefetch("case_parties", queryset=CaseParty.objects.select_related("party").order_by("added_at"))


def document_correspondents(user, document: Document) -> list:
    view = policy.document_view(user, document)
    if not view.parties:
        return []
    rows = list(document.correspondents.select_related("party"))
    return _resolve_party_rows(user, rows, document, document.diary_id)


def _resolve_party_rows(user, rows, obj, diary_id: int) -> list:
    revealed = []
    for row in rows:
        party = row.party
        row.identity_visible = not party.is_protected_identity or policy.may_see_protected_identity(user, diary_id)
        row.shown_name = policy.party_name(user, party, diary_id)
        if party.is_protected_identity and row.identity_visible:
            revealed.append(str(party.pk))
    if revealed:
        audit.log("party.identity_read", actor=user, obj=obj, details={"parties": revealed})
    return rows


@dataclass
class CaseSearch:
    """Criteria for finding cases; every field optional.

    `text` and `sort` are read only by the search engine
    (`knutpunkt.search.queries.search_cases(user, criteria)` / `filtered_cases`):
    registry knows nothing of full-text search, and `search_cases` below refuses a
    text rather than silently dropping it."""

    text: str = ""
    reference: str = ""
    party: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    process_id: int | None = None
    diary_id: int | None = None
    officer_id: int | None = None
    include_voided: bool = False
    year: int | None = None
    direction: str = ""  # cases with a visible document of this direction
    sort: str = "date"  # or "relevance" (needs text)


def search_cases(user, criteria: CaseSearch) -> QuerySet[Case]:
    """The cases matching every filter but `text`, newest first. A text search goes
    through knutpunkt.search.queries (which builds on this and adds the match)."""
    if (criteria.text or "").strip():
        raise ValueError(
            "registry.queries.search_cases does not search text: use knutpunkt.search.queries.search_cases "
            "(a page) or filtered_cases (a queryset) for CaseSearch.text"
        )
    qs = cases_for(user)
    if not criteria.include_voided:
        qs = qs.filter(voided_at__isnull=True)
    if criteria.reference:
        qs = qs.filter(_reference_q(criteria.reference))
    if criteria.party:
        qs = qs.filter(pk__in=_party_case_ids(user, criteria.party))
    if criteria.date_from:
        qs = qs.filter(opened_date__gte=criteria.date_from)
    if criteria.date_to:
        qs = qs.filter(opened_date__lte=criteria.date_to)
    if criteria.status == "open":
        qs = qs.filter(status__in=Case.OPEN_STATUSES)
    elif criteria.status:
        qs = qs.filter(status=criteria.status)
    # The process and the officer are shown only in a full view: filtering on them
    # must not tell which masked cases have them (your own cases excepted).
    if criteria.process_id:
        qs = qs.filter(_full_view_q(user), process_id=criteria.process_id)
    if criteria.diary_id:
        qs = qs.filter(diary_id=criteria.diary_id)
    if criteria.officer_id:
        qs = qs.filter(officer_id=criteria.officer_id)
        if criteria.officer_id != getattr(user, "pk", None):
            qs = qs.filter(_full_view_q(user))
    if criteria.year:
        qs = qs.filter(year=criteria.year)
    if criteria.direction:
        documents = Document.objects.filter(policy.document_filter(user), direction=criteria.direction, case__isnull=False)
        qs = qs.filter(pk__in=documents.values("case_id"))
    # access_groups: the policy's per-row answer for a restricted case asks for them.
    qs = qs.prefetch_related(CASE_PARTIES_PREFETCH, "access_groups")
    return qs.order_by("-registered_at")


def _full_view_q(user) -> Q:
    return policy.field_filter(user, "case", "full")


def _reference_q(text: str) -> Q:
    match = REFERENCE_RE.match(text)
    if match:
        prefix, year, number, _doc = match.groups()
        return Q(diary__prefix__iexact=prefix, year=int(year), number=int(number)) if not number.startswith("H") else Q(pk__in=[])
    return Q(reference__icontains=text.strip())


def _text_q(user, word: str) -> Q:
    """Match a word only in text the reader may see: a secret title is searched through
    its offentlig rubrik, a secret description not at all."""
    title_ok = policy.field_filter(user, "case", "title")
    description_ok = policy.field_filter(user, "case", "description")
    doc_ids = (
        Document.objects.filter(policy.document_filter(user))
        .filter(
            (Q(title__icontains=word) & policy.field_filter(user, "document", "title")) | Q(public_title__icontains=word)
        )
        .values("case_id")
    )
    return (
        Q(reference__icontains=word)
        | (Q(title__icontains=word) & title_ok)
        | Q(public_title__icontains=word)
        | (Q(description__icontains=word) & description_ok)
        | Q(pk__in=doc_ids)
    )


def party_text_q(text: str) -> Q:
    """Parties matching a search text: an identity number (normalised) or name words."""
    from .identity import normalise_org_number, normalise_personal_number
    from knutpunkt.core.errors import RuleViolation

    text = text.strip()
    q = Q()
    digits = re.sub(r"[\s\-+]", "", text)
    if digits.isdigit() and len(digits) in (10, 12):
        for normalise, field in ((normalise_personal_number, "personal_number"), (normalise_org_number, "org_number")):
            try:
                q |= Q(**{field: normalise(text)})
            except RuleViolation:
                pass
    for word in text.split()[:5]:
        q |= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(organisation_name__icontains=word)
    return q


def _party_case_ids(user, text: str):
    """Cases where a matching party appears in a part the reader may see. A party with
    skyddad identitet is matched only in diaries where the reader has that right."""
    reader = policy.reader_for(user)
    party_ids = Party.objects.filter(party_text_q(text)).values("pk")
    via_case = CaseParty.objects.filter(party_id__in=party_ids).filter(
        policy.case_filter(user, prefix="case__") & policy.field_filter(user, "case", "parties", prefix="case__")
    ).filter(_protected_party_ok(reader, "case__diary_id"))
    via_documents = Correspondent.objects.filter(party_id__in=party_ids).filter(
        policy.document_filter(user, prefix="document__") & policy.field_filter(user, "document", "parties", prefix="document__")
    ).filter(_protected_party_ok(reader, "document__diary_id"))
    return Case.objects.filter(
        Q(pk__in=via_case.values("case_id")) | Q(pk__in=via_documents.values("document__case_id"))
    ).values("pk")


def _protected_party_ok(reader, diary_path: str) -> Q:
    # Explicit right only, also for global administrators (policy rule 5).
    allowed = Q(party__is_protected_identity=False)
    if reader.protected_identity_diaries:
        allowed |= Q(**{f"{diary_path}__in": sorted(reader.protected_identity_diaries)})
    return allowed


def my_open_cases(user) -> QuerySet[Case]:
    return cases_for(user).filter(officer=user, status__in=Case.OPEN_STATUSES, voided_at__isnull=True).order_by("registered_at")


def overdue_deadlines(user) -> QuerySet[Deadline]:
    return (
        Deadline.objects.filter(policy.case_filter(user, prefix="case__"))
        .filter(Q(assigned_to=user) | Q(case__officer=user), completed_at__isnull=True, due_date__lt=clock.today())
        .select_related("case")
        .order_by("due_date")
    )


def upcoming_deadlines(user, days: int = 14) -> QuerySet[Deadline]:
    today = clock.today()
    return (
        Deadline.objects.filter(policy.case_filter(user, prefix="case__"))
        .filter(Q(assigned_to=user) | Q(case__officer=user), completed_at__isnull=True, due_date__gte=today, due_date__lte=today + dt.timedelta(days=days))
        .select_related("case")
        .order_by("due_date")
    )


def recently_registered_documents(user, limit: int = 20) -> QuerySet[Document]:
    return documents_for(user).filter(voided_at__isnull=True).order_by("-registered_at")[:limit]


def parties_for(user) -> QuerySet[Party]:
    """Parties the reader meets in a part they may see: in a case or document whose
    parties are visible to them — and a skyddad identitet only where they hold the
    right for that diary."""
    reader = policy.reader_for(user)
    via_cases = CaseParty.objects.filter(
        policy.case_filter(user, prefix="case__") & policy.field_filter(user, "case", "parties", prefix="case__")
    ).filter(_protected_party_ok(reader, "case__diary_id"))
    via_documents = Correspondent.objects.filter(
        policy.document_filter(user, prefix="document__") & policy.field_filter(user, "document", "parties", prefix="document__")
    ).filter(_protected_party_ok(reader, "document__diary_id"))
    return Party.objects.filter(Q(pk__in=via_cases.values("party_id")) | Q(pk__in=via_documents.values("party_id")))


def journal_entries(user, diary, date_from: dt.date, date_to: dt.date) -> QuerySet[Document]:
    """The diary's registrations in a period (diarieutdrag), as the reader may see them."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return (
        documents_for(user)
        .filter(diary=diary, registered_at__gte=start, registered_at__lt=end)
        .prefetch_related("correspondents__party")
        .order_by("registered_at", "reference")
    )


def case_id_for_reference(user, reference: str):
    """The id of the case with this diarienummer if the reader may see it, else None.
    Not an opening of the case (nothing of it is shown), so not audited: the page it
    leads to audits the read once."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return Case.objects.filter(policy.case_filter(user), reference__iexact=reference).values_list("pk", flat=True).first()
