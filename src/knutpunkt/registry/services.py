"""Registry services: every write to cases and documents goes through here.

Each function owns its transaction, runs the named rules in registry.rules, and
writes the CaseEvent for what it did in the same transaction.
"""

import datetime as dt

from django.db import transaction

from knutpunkt.core import clock
from knutpunkt.core.errors import RuleViolation
from knutpunkt.organisations.models import Diary, NumberSeries

from . import numbering, rules
from .events import changes_between, record_event
from .models import Case, CaseLink, CaseParty, Correspondent, Deadline, Document, Party

CASE_EDITABLE_FIELDS = ("title", "description", "process", "case_type", "responsible_unit", "officer", "main_case", "opened_date")
DOCUMENT_EDITABLE_FIELDS = ("title", "direction", "document_type", "document_date")


# --- cases ---------------------------------------------------------------------------

@transaction.atomic
def register_case(
    diary: Diary,
    *,
    actor,
    title: str,
    description: str = "",
    process=None,
    case_type=None,
    responsible_unit=None,
    officer=None,
    main_case: Case | None = None,
    opened_date: dt.date | None = None,
    parties: list[tuple[Party, str]] = (),
) -> Case:
    rules.check_may_register(actor, diary)
    rules.check_diary_active(diary)
    title = rules.check_title_present(title)
    if case_type is not None and process is None:
        process = case_type.process
    rules.check_classification_fits(diary, process, case_type)
    rules.check_same_organisation(diary, main_case, field="main_case")
    opened_date = opened_date or clock.today()
    rules.check_date_not_in_future(opened_date, field="opened_date")

    now = clock.now()
    year = clock.today().year
    number = numbering.take_next_number(diary, year, NumberSeries.Kind.CASE)
    case = Case.objects.create(
        diary=diary,
        year=year,
        number=number,
        reference=numbering.case_reference(diary.prefix, year, number),
        title=title,
        description=(description or "").strip(),
        process=process,
        case_type=case_type,
        responsible_unit=responsible_unit,
        officer=officer,
        main_case=main_case,
        opened_date=opened_date,
        registered_at=now,
        registered_by=actor,
        status=Case.Status.OPENED,
    )
    record_event(
        "case.registered",
        actor=actor,
        case=case,
        data={"title": case.title, "diary": diary.prefix, "process": process, "case_type": case_type, "officer": officer},
    )
    for party, role in parties:
        _attach_party(case, party, role, actor=actor)
    return case


def _attach_party(case: Case, party: Party, role: str, *, actor) -> CaseParty:
    if role not in CaseParty.Role.values:
        raise RuleViolation("Okänd partsroll.", code="invalid_party_role", field="role")
    link, created = CaseParty.objects.get_or_create(case=case, party=party, role=role)
    if created:
        record_event("case.party_added", actor=actor, case=case, data={"party_id": str(party.pk), "role": role})
    return link


@transaction.atomic
def add_party(case: Case, party: Party, role: str = CaseParty.Role.APPLICANT, *, actor) -> CaseParty:
    rules.check_may_edit_case(actor, case)
    rules.check_not_voided(case)
    return _attach_party(case, party, role, actor=actor)


@transaction.atomic
def remove_party(case: Case, party: Party, role: str, *, actor, reason: str) -> None:
    rules.check_may_edit_case(actor, case)
    reason = rules.check_reason_given(reason, what="att ta bort parten")
    deleted, _ = CaseParty.objects.filter(case=case, party=party, role=role).delete()
    if deleted:
        record_event("case.party_removed", actor=actor, case=case, reason=reason, data={"party_id": str(party.pk), "role": role})


@transaction.atomic
def update_case(case: Case, *, actor, reason: str, **values) -> Case:
    """Correct a case's metadata. Every change is kept as old → new with the reason."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.check_may_edit_case(actor, case)
    rules.check_not_voided(case)
    unknown = set(values) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(f"Fälten kan inte ändras: {', '.join(sorted(unknown))}.", code="field_not_editable")
    if "title" in values:
        values["title"] = rules.check_title_present(values["title"])
    if "description" in values:
        values["description"] = (values["description"] or "").strip()
    process = values.get("process", case.process)
    case_type = values.get("case_type", case.case_type)
    if "case_type" in values and values["case_type"] is not None and "process" not in values:
        process = values["process"] = values["case_type"].process
    if "process" in values or "case_type" in values:
        rules.check_classification_fits(case.diary, process, case_type)
    if "main_case" in values:
        if values["main_case"] is not None and values["main_case"].pk == case.pk:
            raise RuleViolation("Ett ärende kan inte vara sitt eget huvudärende.", code="self_main_case", field="main_case")
        rules.check_same_organisation(case.diary, values["main_case"], field="main_case")
    if "opened_date" in values:
        rules.check_date_not_in_future(values["opened_date"], field="opened_date")
    changes = changes_between(case, values)
    if not changes:
        return case
    reason = rules.check_reason_given(reason)
    for field, value in values.items():
        setattr(case, field, value)
    case.save()
    record_event("case.updated", actor=actor, case=case, reason=reason, data={"changes": changes})
    return case


@transaction.atomic
def set_case_status(case: Case, status: str, *, actor, reason: str = "") -> Case:
    """Move an open case between öppnat, pågående and vilande (closing has its own verb)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.check_may_edit_case(actor, case)
    rules.check_not_voided(case)
    if status not in (Case.Status.OPENED, Case.Status.IN_PROGRESS, Case.Status.DORMANT):
        raise RuleViolation("Använd avsluta eller återöppna för att ändra ett ärendes avslut.", code="invalid_status", field="status")
    if not case.is_open:
        raise RuleViolation("Ärendet är avslutat. Återöppna det först.", code="case_closed")
    if status == case.status:
        return case
    old = case.status
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    record_event("case.status_changed", actor=actor, case=case, reason=(reason or "").strip(), data={"changes": {"status": [old, status]}})
    return case


@transaction.atomic
def close_case(case: Case, *, actor, reason: str = "") -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.check_may_edit_case(actor, case)
    rules.check_not_voided(case)
    if not case.is_open:
        raise RuleViolation("Ärendet är redan avslutat.", code="already_closed")
    open_deadlines = case.deadlines.filter(completed_at__isnull=True).count()
    old = case.status
    case.status = Case.Status.CLOSED
    case.closed_at = clock.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        "case.closed",
        actor=actor,
        case=case,
        reason=(reason or "").strip(),
        data={"changes": {"status": [old, case.status]}, "open_deadlines": open_deadlines},
    )
    return case


@transaction.atomic
def reopen_case(case: Case, *, actor, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.check_may_edit_case(actor, case)
    rules.check_not_voided(case)
    if case.is_open:
        raise RuleViolation("Ärendet är inte avslutat.", code="not_closed")
    reason = rules.check_reason_given(reason, what="att återöppna ärendet")
    closed_at = case.closed_at
    case.status = Case.Status.IN_PROGRESS
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        "case.reopened",
        actor=actor,
        case=case,
        reason=reason,
        data={"changes": {"status": [Case.Status.CLOSED, case.status], "closed_at": [closed_at.isoformat() if closed_at else None, None]}},
    )
    return case


@transaction.atomic
def void_case(case: Case, *, actor, reason: str) -> Case:
    """Makulera: the registration stays, marked as erroneous, with who, when and why."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.check_may_void(actor, case.diary_id)
    rules.check_not_voided(case)
    reason = rules.check_reason_given(reason, what="makuleringen")
    if case.documents.filter(voided_at__isnull=True).exists():
        raise RuleViolation(
            "Ärendet har handlingar som inte är makulerade. Makulera eller flytta dem först.", code="case_has_documents"
        )
    case.voided_at = clock.now()
    case.voided_by = actor
    case.void_reason = reason
    case.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    record_event("case.voided", actor=actor, case=case, reason=reason)
    return case


@transaction.atomic
def link_cases(case: Case, other: Case, *, actor, note: str = "") -> CaseLink:
    rules.check_may_edit_case(actor, case)
    if case.pk == other.pk:
        raise RuleViolation("Ett ärende kan inte länkas till sig självt.", code="self_link", field="to_case")
    rules.check_same_organisation(case.diary, other, field="to_case")
    link, created = CaseLink.objects.get_or_create(from_case=case, to_case=other, defaults={"note": note.strip()})
    if created:
        record_event("case.linked", actor=actor, case=case, data={"to_case": other.reference, "to_case_id": str(other.pk)})
    return link


@transaction.atomic
def add_deadline(case: Case, *, actor, due_date: dt.date, description: str, assigned_to=None) -> Deadline:
    rules.check_may_edit_case(actor, case)
    rules.check_not_voided(case)
    description = (description or "").strip()
    if not description:
        raise RuleViolation("Ange vad bevakningen avser.", code="deadline_description_required", field="description")
    if due_date is None:
        raise RuleViolation("Ange ett bevakningsdatum.", code="deadline_date_required", field="due_date")
    deadline = Deadline.objects.create(case=case, due_date=due_date, description=description, assigned_to=assigned_to or case.officer)
    record_event("case.deadline_set", actor=actor, case=case, data={"due_date": due_date, "description": description, "deadline_id": deadline.pk})
    return deadline


@transaction.atomic
def complete_deadline(deadline: Deadline, *, actor) -> Deadline:
    rules.check_may_edit_case(actor, deadline.case)
    if deadline.completed_at is None:
        deadline.completed_at = clock.now()
        deadline.save(update_fields=["completed_at"])
        record_event("case.deadline_completed", actor=actor, case=deadline.case, data={"deadline_id": deadline.pk, "description": deadline.description})
    return deadline


# --- documents -----------------------------------------------------------------------

@transaction.atomic
def register_document(
    *,
    actor,
    direction: str,
    title: str,
    case: Case | None = None,
    diary: Diary | None = None,
    document_type=None,
    document_date: dt.date | None = None,
    correspondents: list[tuple[Party, str]] = (),
) -> Document:
    """Register a handling in a case (`case`) or, without a case, in a diary's
    document series (`diary`)."""
    if case is None and diary is None:
        raise RuleViolation("Ange ärende eller diarium.", code="case_or_diary_required", field="case")
    if case is not None:
        case = Case.objects.select_related("diary__authority").get(pk=case.pk)
        diary = case.diary
        rules.check_not_voided(case)
        rules.check_may_register(actor, diary)
    else:
        rules.check_may_register(actor, diary)
        rules.check_diary_active(diary)
    if direction not in Document.Direction.values:
        raise RuleViolation("Ange om handlingen är inkommande, upprättad, utgående eller intern.", code="invalid_direction", field="direction")
    title = rules.check_title_present(title)
    rules.check_document_type_fits(diary, document_type)
    document_date = document_date or clock.today()
    rules.check_date_not_in_future(document_date, field="document_date")

    now = clock.now()
    if case is not None:
        from django.db.models import F

        Case.objects.filter(pk=case.pk).update(last_document_number=F("last_document_number") + 1)
        number = Case.objects.filter(pk=case.pk).values_list("last_document_number", flat=True).get()
        case.last_document_number = number
        reference = numbering.document_reference(case.reference, number)
    else:
        year = clock.today().year
        number = numbering.take_next_number(diary, year, NumberSeries.Kind.DOCUMENT)
        reference = numbering.loose_document_reference(diary.prefix, year, number)
    document = Document.objects.create(
        case=case,
        diary=diary,
        number=number,
        reference=reference,
        direction=direction,
        title=title,
        document_type=document_type,
        document_date=document_date,
        registered_at=now,
        registered_by=actor,
    )
    for party, role in correspondents:
        if role not in Correspondent.Role.values:
            raise RuleViolation("Okänd roll för avsändare/mottagare.", code="invalid_correspondent_role", field="correspondents")
        Correspondent.objects.get_or_create(document=document, party=party, role=role)
    if case is not None and case.status == Case.Status.OPENED and direction != Document.Direction.INCOMING:
        # A handling drawn up or sent means work has started.
        case.status = Case.Status.IN_PROGRESS
        case.save(update_fields=["status", "updated_at"])
    record_event(
        "document.registered",
        actor=actor,
        case=case,
        document=document,
        data={
            "title": document.title,
            "direction": direction,
            "document_type": document_type,
            "document_date": document_date,
            "correspondents": [{"party_id": str(p.pk), "role": r} for p, r in correspondents],
        },
    )
    return document


@transaction.atomic
def update_document(document: Document, *, actor, reason: str, **values) -> Document:
    document = Document.objects.select_for_update(of=("self",)).select_related("case", "diary__authority").get(pk=document.pk)
    rules.check_may_edit_document(actor, document)
    rules.check_not_voided(document)
    unknown = set(values) - set(DOCUMENT_EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(f"Fälten kan inte ändras: {', '.join(sorted(unknown))}.", code="field_not_editable")
    if "title" in values:
        values["title"] = rules.check_title_present(values["title"])
    if "direction" in values and values["direction"] not in Document.Direction.values:
        raise RuleViolation("Okänd riktning.", code="invalid_direction", field="direction")
    if "document_type" in values:
        rules.check_document_type_fits(document.diary, values["document_type"])
    if "document_date" in values:
        rules.check_date_not_in_future(values["document_date"], field="document_date")
    changes = changes_between(document, values)
    if not changes:
        return document
    reason = rules.check_reason_given(reason)
    for field, value in values.items():
        setattr(document, field, value)
    document.save()
    record_event("document.updated", actor=actor, case=document.case, document=document, reason=reason, data={"changes": changes})
    return document


@transaction.atomic
def set_correspondents(document: Document, correspondents: list[tuple[Party, str]], *, actor, reason: str) -> Document:
    rules.check_may_edit_document(actor, document)
    rules.check_not_voided(document)
    reason = rules.check_reason_given(reason)
    before = sorted((str(c.party_id), c.role) for c in document.correspondents.all())
    after = sorted((str(p.pk), r) for p, r in correspondents)
    if before == after:
        return document
    document.correspondents.all().delete()
    for party, role in correspondents:
        Correspondent.objects.create(document=document, party=party, role=role)
    record_event(
        "document.updated", actor=actor, case=document.case, document=document, reason=reason,
        data={"changes": {"correspondents": [before, after]}},
    )
    return document


@transaction.atomic
def void_document(document: Document, *, actor, reason: str) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    rules.check_may_void(actor, document.diary_id)
    rules.check_not_voided(document)
    reason = rules.check_reason_given(reason, what="makuleringen")
    document.voided_at = clock.now()
    document.voided_by = actor
    document.void_reason = reason
    document.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    record_event("document.voided", actor=actor, case=document.case, document=document, reason=reason)
    return document
