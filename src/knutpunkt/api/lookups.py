"""Turning the ids and references a client sends into objects for the services.

A reference that leads nowhere is a 422 problem naming the field. Cases and
documents are looked up through registry.queries, so a case the caller may not see
is reported exactly like one that does not exist. Classification and users are not
secret; whether they fit (e.g. a case type from another scheme) is the services'
rule to check, not ours.
"""

from django.contrib.auth import get_user_model

from knutpunkt.classification.models import CaseType, Class, DocumentType
from knutpunkt.core.errors import DomainError, NotFound, RuleViolation
from knutpunkt.organisations.models import Diary, Unit
from knutpunkt.registry import queries
from knutpunkt.registry.parties import PartyInput, validate_party


def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RuleViolation("Ange ett numeriskt id.", code="invalid_id", field=field) from None


def diary(value, field: str = "diary") -> Diary:
    """A diary by prefix (`KS`) or numeric id."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise RuleViolation("Välj diarium.", code="diary_required", field=field)
    qs = Diary.objects.select_related("authority__organisation")
    found = qs.filter(pk=int(text)).first() if text.isdigit() else qs.filter(prefix__iexact=text).first()
    if found is None:
        raise RuleViolation(f"Diariet {text} finns inte.", code="unknown_diary", field=field)
    return found


def case(user, value, field: str = "case"):
    try:
        found, _visibility = queries.get_case(user, str(value).strip())
    except NotFound:
        raise RuleViolation(
            f"Ärendet {value} finns inte eller så saknar du behörighet att se det.", code="unknown_case", field=field
        ) from None
    return found


def process(value, field: str = "process") -> Class | None:
    if value is None:
        return None
    found = Class.objects.select_related("scheme").filter(pk=_int(value, field)).first()
    if found is None:
        raise RuleViolation("Processen finns inte.", code="unknown_process", field=field)
    return found


def case_type(value, field: str = "case_type") -> CaseType | None:
    if value is None:
        return None
    found = CaseType.objects.select_related("process__scheme").filter(pk=_int(value, field)).first()
    if found is None:
        raise RuleViolation("Ärendetypen finns inte.", code="unknown_case_type", field=field)
    return found


def document_type(value, field: str = "document_type") -> DocumentType | None:
    if value is None:
        return None
    found = DocumentType.objects.select_related("process__scheme").filter(pk=_int(value, field)).first()
    if found is None:
        raise RuleViolation("Handlingstypen finns inte.", code="unknown_document_type", field=field)
    return found


def user(value, field: str = "officer"):
    if value is None:
        return None
    found = get_user_model().objects.filter(pk=_int(value, field), is_active=True).first()
    if found is None:
        raise RuleViolation("Användaren finns inte eller är inaktiverad.", code="unknown_user", field=field)
    return found


def unit(value, field: str = "responsible_unit") -> Unit | None:
    if value is None:
        return None
    found = Unit.objects.filter(pk=_int(value, field)).first()
    if found is None:
        raise RuleViolation("Enheten finns inte.", code="unknown_unit", field=field)
    return found


def party_inputs(items: list[dict], field: str) -> list[tuple[PartyInput, str]]:
    """(PartyInput, role) pairs, each checked with the registry's party rule first so a
    bad personnummer is reported at its place: `parties.2.personal_number`."""
    result = []
    for i, item in enumerate(items):
        data = {k: v for k, v in item.items() if k != "role"}
        try:
            party = validate_party(PartyInput.from_dict(data))
        except DomainError as err:
            raise type(err)(err.message, code=err.code, field=f"{field}.{i}.{err.field or 'kind'}") from None
        result.append((party, item["role"]))
    return result
