"""Named business rules of the registry. Services run them; docs cite them by name."""

import datetime as dt

from knutpunkt.core import clock
from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.access import policy


def check_title_present(title: str, *, field: str = "title") -> str:
    """A registration needs an ärendemening / description of the document."""
    cleaned = (title or "").strip()
    if not cleaned:
        raise RuleViolation("Ange en rubrik.", code="title_required", field=field)
    if len(cleaned) > 500:
        raise RuleViolation("Rubriken får vara högst 500 tecken.", code="title_too_long", field=field)
    return cleaned


def check_diary_active(diary) -> None:
    if not diary.active:
        raise RuleViolation(f"Diariet {diary.prefix} är inte aktivt.", code="diary_inactive", field="diary")


def check_may_register(actor, diary) -> None:
    if not policy.may_register_in(actor, diary):
        raise PermissionDenied(f"Du har inte behörighet att registrera i diariet {diary.prefix}.", code="may_not_register")


def check_may_edit_case(actor, case) -> None:
    if not policy.may_edit_case(actor, case):
        raise PermissionDenied("Du har inte behörighet att ändra ärendet.", code="may_not_edit")


def check_may_edit_document(actor, document) -> None:
    if not policy.may_edit_document(actor, document):
        raise PermissionDenied("Du har inte behörighet att ändra handlingen.", code="may_not_edit")


def check_may_void(actor, diary_id) -> None:
    if not policy.may_void(actor, diary_id):
        raise PermissionDenied("Endast registratorer får makulera.", code="may_not_void")


def check_reason_given(reason: str, *, what: str = "ändringen") -> str:
    """Corrections, voiding and reopening are explained: who, when and why."""
    cleaned = (reason or "").strip()
    if not cleaned:
        raise RuleViolation(f"Ange ett skäl för {what}.", code="reason_required", field="reason")
    return cleaned


def check_not_voided(obj) -> None:
    if obj.voided_at is not None:
        raise RuleViolation("Registreringen är makulerad och kan inte ändras.", code="voided")


def check_date_not_in_future(value: dt.date, *, field: str) -> None:
    if value and value > clock.today():
        raise RuleViolation("Datumet kan inte ligga i framtiden.", code="date_in_future", field=field)


def check_classification_fits(diary, process, case_type) -> None:
    """The case type and process must belong to the organisation's current structure,
    and the case type to the chosen process."""
    from knutpunkt.classification.models import Class, ClassificationScheme

    org_id = diary.authority.organisation_id
    if case_type is not None:
        scheme = case_type.process.scheme
        if scheme.organisation_id != org_id or scheme.status != ClassificationScheme.Status.ACTIVE:
            raise RuleViolation(
                "Ärendetypen hör till en annan klassificeringsstruktur än den gällande.", code="case_type_wrong_scheme", field="case_type"
            )
        if process is not None and case_type.process_id != process.pk:
            raise RuleViolation("Ärendetypen hör inte till den valda processen.", code="case_type_wrong_process", field="case_type")
    if process is not None:
        if process.level != Class.Level.PROCESS:
            raise RuleViolation("Välj en process (lägsta nivån i klassificeringsstrukturen).", code="not_a_process", field="process")
        if process.scheme.organisation_id != org_id or process.scheme.status != ClassificationScheme.Status.ACTIVE:
            raise RuleViolation(
                "Processen hör till en annan klassificeringsstruktur än den gällande.", code="process_wrong_scheme", field="process"
            )


def check_document_type_fits(diary, document_type) -> None:
    from knutpunkt.classification.models import ClassificationScheme

    if document_type is None:
        return
    scheme = document_type.process.scheme
    if scheme.organisation_id != diary.authority.organisation_id or scheme.status != ClassificationScheme.Status.ACTIVE:
        raise RuleViolation(
            "Handlingstypen hör till en annan klassificeringsstruktur än den gällande.", code="document_type_wrong_scheme", field="document_type"
        )


def check_same_organisation(diary, other_case, *, field: str) -> None:
    if other_case is not None and other_case.diary.authority.organisation_id != diary.authority.organisation_id:
        raise RuleViolation("Ärendet hör till en annan organisation.", code="other_organisation", field=field)
