"""Turning the ids and references a client sends into objects for the services.

A reference that leads nowhere is a 422 problem naming the field. Cases and
documents are looked up through registry.queries, so a case the caller may not see
is reported exactly like one that does not exist. Classification and users are not
secret; whether they fit (e.g. a case type from another scheme) is the services'
rule to check, not ours.
"""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q

from knutpunkt.classification.models import CaseType, Class, DocumentType
from knutpunkt.core import clock
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


# --- secrecy vocabulary ------------------------------------------------------------------

_SHORT_REFERENCE = re.compile(r"^\s*(\d+)\s*:\s*(\d+\s*[a-zA-Z]?)\s*$")  # "26:1" for "26 kap. 1 §"
_LAW_PREFIX = re.compile(r"^\s*([A-Za-zÅÄÖåäö]{2,10})\s+(?=\d)")


def _provision_candidates(text: str, organisation_id: int):
    """Provisions matching a reference like "26 kap. 1 §", "OSL 26 kap. 1 §" or "26:1",
    among the shared ones and the organisation's own — the organisation's own and the
    usable ones first."""
    from knutpunkt.access.models import LegalProvision
    from knutpunkt.access.seed import parse_reference

    qs = LegalProvision.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))
    law = None
    match = _LAW_PREFIX.match(text)
    if match:
        law, text = match.group(1), text[match.end():]
    short = _SHORT_REFERENCE.match(text)
    if short:
        chapter, paragraph = int(short.group(1)), short.group(2).replace(" ", "").lower()
    else:
        text = re.sub(r"kap\b\.?", "kap.", text, flags=re.IGNORECASE)
        chapter, paragraph = parse_reference(text if "§" in text else text + " §")
    if chapter is not None:
        qs = qs.filter(chapter=chapter, paragraph__iexact=paragraph)
    else:
        qs = qs.filter(reference__iexact=" ".join(text.split()))
    if law:
        qs = qs.filter(law__iexact=law)
    today = clock.today()
    return sorted(
        qs,
        key=lambda p: (not p.active or bool(p.valid_to and p.valid_to < today), p.organisation_id is None, p.pk),
    )


def provisions(values, organisation_id: int, field: str = "provisions") -> list:
    """LegalProvisions by id or by reference. An id or reference the organisation does
    not know (including another organisation's own provisions) is "unknown"; whether a
    known one may still be used is the secrecy service's rule."""
    from knutpunkt.access.models import LegalProvision

    found = []
    for i, value in enumerate(values or []):
        where = f"{field}.{i}"
        text = str(value).strip() if value is not None else ""
        provision = None
        if isinstance(value, int) or text.isdigit():
            provision = LegalProvision.objects.filter(
                Q(organisation__isnull=True) | Q(organisation_id=organisation_id), pk=int(text)
            ).first()
        elif text:
            provision = next(iter(_provision_candidates(text, organisation_id)), None)
        if provision is None:
            raise RuleViolation(f"Lagrummet ”{text}” finns inte.", code="unknown_provision", field=where)
        if provision not in found:
            found.append(provision)
    return found


def access_groups(values, organisation_id: int, field: str = "access_groups") -> list:
    """AccessGroups by id, within the organisation (whether a group may be granted on an
    object — same authority, active — is the secrecy service's rule)."""
    from knutpunkt.access.models import AccessGroup

    found = []
    for i, value in enumerate(values or []):
        group = AccessGroup.objects.filter(pk=_int(value, f"{field}.{i}"), authority__organisation_id=organisation_id).first()
        if group is None:
            raise RuleViolation("Åtkomstgruppen finns inte.", code="unknown_access_group", field=f"{field}.{i}")
        if group not in found:
            found.append(group)
    return found
