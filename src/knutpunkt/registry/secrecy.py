"""Secrecy services: markings, personal-data protection and restriction of cases and
documents. The only code that writes the Protectable fields the policy reads.

Every change needs a reason, writes a CaseEvent (without the secret text itself) and
an audit entry, in the same transaction.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q

from knutpunkt.access import policy
from knutpunkt.core import audit
from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.core import clock
from knutpunkt.core.errors import PermissionDenied, RuleViolation

from . import rules
from .events import record_event
from .models import Case, Document, PersonalDataLevel, SecrecyMarking

PARTS = ("title", "description", "parties", "files")


def _kind(obj) -> str:
    return "document" if isinstance(obj, Document) else "case"


def _case_of(obj):
    return obj.case if isinstance(obj, Document) else obj


def check_may_mark(actor, obj) -> None:
    if not policy.may_mark(actor, obj):
        raise PermissionDenied("Du har inte behörighet att ändra sekretess eller åtkomst för detta.", code="may_not_mark")


def check_provisions_usable(provisions, organisation_id: int) -> list[LegalProvision]:
    """Rule: a marking cites at least one provision; each is known to the organisation,
    active and not expired."""
    provisions = list(provisions or [])
    if not provisions:
        raise RuleViolation("Ange minst ett lagrum för sekretessmarkeringen.", code="provision_required", field="provisions")
    today = clock.today()
    for p in provisions:
        if not isinstance(p, LegalProvision):
            raise RuleViolation("Okänt lagrum.", code="unknown_provision", field="provisions")
        if p.organisation_id not in (None, organisation_id):
            raise RuleViolation(f"Lagrummet {p.reference} hör till en annan organisation.", code="unknown_provision", field="provisions")
        if not p.active or (p.valid_to and p.valid_to < today):
            raise RuleViolation(f"Lagrummet {p.reference} gäller inte längre.", code="expired_provision", field="provisions")
    return provisions


def check_public_title(secret_parts: set[str], public_title: str) -> str:
    """Rule: a secret title needs an offentlig rubrik, shown instead of it."""
    public_title = (public_title or "").strip()
    if "title" in secret_parts and not public_title:
        raise RuleViolation("En sekretessbelagd rubrik kräver en offentlig rubrik.", code="public_title_required", field="public_title")
    if len(public_title) > 500:
        raise RuleViolation("Den offentliga rubriken får vara högst 500 tecken.", code="public_title_too_long", field="public_title")
    return public_title


def check_groups_in_authority(groups, authority_id: int) -> list[AccessGroup]:
    """Rule: an authority is a secrecy boundary — access groups of another authority
    can never be granted."""
    groups = list(groups or [])
    for g in groups:
        if g.authority_id != authority_id:
            raise RuleViolation(f"Åtkomstgruppen {g.name} hör till en annan myndighet.", code="group_other_authority", field="access_groups")
        if not g.active:
            raise RuleViolation(f"Åtkomstgruppen {g.name} är inte aktiv.", code="group_inactive", field="access_groups")
    return groups


def _lock(obj):
    model = type(obj)
    return model.objects.select_for_update(of=("self",)).select_related("diary__authority").get(pk=obj.pk)


_PROTECTABLE_FIELDS = (
    "title_secret", "description_secret", "parties_secret", "files_secret", "public_title", "personal_data_level", "restricted",
)


def _sync(original, saved) -> None:
    """Keep the caller's instance in step with what was saved, so a policy question
    asked right after (on the same object) gets the new answer."""
    for name in _PROTECTABLE_FIELDS:
        setattr(original, name, getattr(saved, name))


def _record(obj, type_suffix: str, *, actor, reason: str, data: dict):
    kind = _kind(obj)
    record_event(
        f"{kind}.{type_suffix}", actor=actor, case=_case_of(obj), document=obj if kind == "document" else None,
        reason=reason, data=data,
    )
    audit.log(f"{kind}.{type_suffix}", actor=actor, obj=obj, details={"reason": reason, **data})


@transaction.atomic
def set_marking(
    obj,
    *,
    actor,
    provisions,
    secret_parts,
    reason: str,
    public_title: str = "",
    review_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> SecrecyMarking:
    """Mark a case or document secret (or change its marking). Replaces the active one."""
    original, obj = obj, _lock(obj)
    check_may_mark(actor, obj)
    rules.check_not_voided(obj)
    reason = rules.check_reason_given(reason, what="sekretessmarkeringen")
    parts = set(secret_parts or ())
    unknown = parts - set(PARTS)
    if unknown or not parts:
        raise RuleViolation("Ange vilka delar som omfattas av sekretess.", code="parts_required", field="secret_parts")
    provisions = check_provisions_usable(provisions, obj.diary.authority.organisation_id)
    public_title = check_public_title(parts, public_title)
    if expires_on and review_on and review_on > expires_on:
        raise RuleViolation("Omprövningsdatum kan inte ligga efter upphörandedatum.", code="review_after_expiry", field="review_on")
    now = clock.now()
    owner = {"document": obj} if isinstance(obj, Document) else {"case": obj}
    previous = SecrecyMarking.objects.filter(revoked_at__isnull=True, **owner)
    previous.update(revoked_at=now, revoked_by=actor, revoke_reason=f"Ersatt: {reason}")
    marking = SecrecyMarking.objects.create(
        **owner,
        title_secret="title" in parts,
        description_secret="description" in parts,
        parties_secret="parties" in parts,
        files_secret="files" in parts,
        public_title=public_title,
        reason=reason,
        review_on=review_on,
        expires_on=expires_on,
        set_at=now,
        set_by=actor,
    )
    marking.provisions.set(provisions)
    _apply(obj, marking)
    _record(obj, "secrecy_marked", actor=actor, reason=reason, data={
        "provisions": [p.reference for p in provisions], "parts": sorted(parts), "review_on": review_on, "expires_on": expires_on,
    })
    _sync(original, obj)
    return marking


@transaction.atomic
def revoke_marking(obj, *, actor, reason: str) -> None:
    """Häva sekretessmarkeringen: the object becomes open (the marking is kept, revoked)."""
    original, obj = obj, _lock(obj)
    check_may_mark(actor, obj)
    reason = rules.check_reason_given(reason, what="att häva sekretessmarkeringen")
    owner = {"document": obj} if isinstance(obj, Document) else {"case": obj}
    updated = SecrecyMarking.objects.filter(revoked_at__isnull=True, **owner).update(
        revoked_at=clock.now(), revoked_by=actor, revoke_reason=reason
    )
    if not updated:
        raise RuleViolation("Det finns ingen gällande sekretessmarkering att häva.", code="no_marking")
    _apply(obj, None)
    _record(obj, "secrecy_revoked", actor=actor, reason=reason, data={})
    _sync(original, obj)


def _apply(obj, marking: SecrecyMarking | None) -> None:
    obj.title_secret = bool(marking and marking.title_secret)
    obj.description_secret = bool(marking and marking.description_secret)
    obj.parties_secret = bool(marking and marking.parties_secret)
    obj.files_secret = bool(marking and marking.files_secret)
    obj.public_title = marking.public_title if marking else obj.public_title
    obj.save(update_fields=["title_secret", "description_secret", "parties_secret", "files_secret", "public_title", "updated_at"])


@transaction.atomic
def set_personal_data_level(obj, level: str, *, actor, reason: str):
    original, obj = obj, _lock(obj)
    check_may_mark(actor, obj)
    rules.check_not_voided(obj)
    if level not in PersonalDataLevel.values:
        raise RuleViolation("Okänd nivå för personuppgiftsskydd.", code="invalid_personal_data_level", field="personal_data_level")
    if level == obj.personal_data_level:
        return obj
    reason = rules.check_reason_given(reason)
    old = obj.personal_data_level
    obj.personal_data_level = level
    obj.save(update_fields=["personal_data_level", "updated_at"])
    _record(obj, "personal_data_level_changed", actor=actor, reason=reason, data={"changes": {"personal_data_level": [old, level]}})
    _sync(original, obj)
    return obj


@transaction.atomic
def set_restriction(obj, *, actor, restricted: bool, access_groups=(), reason: str):
    """Vem får se: open to the authority's staff, or restricted to the handläggare, the
    diary's registrators and the named access groups."""
    original, obj = obj, _lock(obj)
    check_may_mark(actor, obj)
    rules.check_not_voided(obj)
    groups = check_groups_in_authority(access_groups, obj.diary.authority_id)
    before = (obj.restricted, sorted(g.pk for g in obj.access_groups.all()))
    after = (bool(restricted), sorted(g.pk for g in groups))
    if before == after:
        return obj
    reason = rules.check_reason_given(reason)
    obj.restricted = bool(restricted)
    obj.save(update_fields=["restricted", "updated_at"])
    obj.access_groups.set(groups)
    _record(obj, "restriction_changed", actor=actor, reason=reason, data={
        "changes": {"restricted": [before[0], after[0]], "access_groups": [before[1], after[1]]},
    })
    _sync(original, obj)
    return obj


def proposed_marking_for_document(case: Case) -> dict | None:
    """What the registration form proposes for a new document in this case: the case's
    active marking. Nothing is inherited silently — the registrator confirms."""
    marking = case.secrecy_markings.filter(revoked_at__isnull=True).prefetch_related("provisions").first()
    if marking is None:
        return None
    return {
        "provisions": list(marking.provisions.all()),
        "secret_parts": [p for p in PARTS if getattr(marking, f"{p}_secret")],
        "public_title": marking.public_title,
        "personal_data_level": case.personal_data_level,
        "restricted": case.restricted,
        "access_groups": list(case.access_groups.all()),
    }


def active_marking(obj) -> SecrecyMarking | None:
    owner = Q(document=obj) if isinstance(obj, Document) else Q(case=obj)
    return SecrecyMarking.objects.filter(owner, revoked_at__isnull=True).prefetch_related("provisions").first()
