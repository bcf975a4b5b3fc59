"""Changing who-may-see vocabulary: access groups (åtkomstgrupper) and legal provisions
(lagrum). One verb each; each takes the actor, checks the rules, and writes an audit
entry inside its transaction. The admin pages call these too.

Rules
- An access group belongs to one authority. Global administrators and lokal
  administratörer of that authority manage it; nobody else.
- A member belongs to the group's organisation and is active.
- Groups are deactivated, never deleted (restricted cases refer to them).
- A shared (seeded) provision is changed only by a global administrator; an
  organisation's own provisions also by its lokal administratörer and arkivarier.
  Provisions are deactivated, never deleted (markings refer to them).
"""

from __future__ import annotations

from django.db import transaction

from knutpunkt.core import audit
from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.organisations import services as org_services
from knutpunkt.organisations.models import Authority, Organisation

from .models import AccessGroup, LegalProvision

# --- access groups -------------------------------------------------------------------------


def managed_group_authority_ids(actor) -> set[int] | None:
    """Authorities whose groups the actor manages; None means all."""
    if org_services.is_global_admin(actor):
        return None
    return org_services.administered_authority_ids(actor)


def may_manage_groups(actor, authority: Authority) -> bool:
    ids = managed_group_authority_ids(actor)
    return ids is None or authority.pk in ids


def check_may_manage_groups(actor, authority: Authority) -> None:
    if not may_manage_groups(actor, authority):
        raise PermissionDenied(
            f"Du får inte hantera åtkomstgrupper i {authority}: det kräver lokal administratör där eller global administratör.",
            code="may_not_manage_groups",
        )


def check_member(authority: Authority, user) -> None:
    if user.organisation_id != authority.organisation_id:
        raise RuleViolation(f"{user} hör till en annan organisation än {authority}.", code="member_other_organisation", field="members")
    if not user.is_active:
        raise RuleViolation(f"{user} är inaktiverad och kan inte bli medlem.", code="member_inactive", field="members")


def _check_name(authority: Authority, name: str, *, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleViolation("Ange ett namn på åtkomstgruppen.", code="name_required", field="name")
    if len(name) > 200:
        raise RuleViolation("Namnet får vara högst 200 tecken.", code="name_too_long", field="name")
    clash = AccessGroup.objects.filter(authority=authority, name__iexact=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise RuleViolation(f"Det finns redan en åtkomstgrupp som heter {name} i {authority.code}.", code="name_taken", field="name")
    return name


def _group_audit(action: str, group: AccessGroup, actor, **details) -> None:
    # authority_id lets a lokal administratör's view of the log find these entries.
    audit.log(action, actor=actor, obj=group, object_label=str(group)[:200], details={
        "authority_id": group.authority_id, "organisation_id": group.authority.organisation_id, **details,
    })


def _lock_group(group: AccessGroup) -> AccessGroup:
    return AccessGroup.objects.select_for_update(of=("self",)).select_related("authority").get(pk=group.pk)


@transaction.atomic
def create_group(authority: Authority, name: str, *, actor, description: str = "") -> AccessGroup:
    check_may_manage_groups(actor, authority)
    name = _check_name(authority, name)
    group = AccessGroup.objects.create(authority=authority, name=name, description=(description or "").strip())
    _group_audit("accessgroup.created", group, actor, name=name)
    return group


@transaction.atomic
def update_group(group: AccessGroup, *, actor, name: str | None = None, description: str | None = None) -> AccessGroup:
    """Rename a group or change its description."""
    group = _lock_group(group)
    check_may_manage_groups(actor, group.authority)
    changes = {}
    if name is not None and name.strip() != group.name:
        new = _check_name(group.authority, name, exclude_pk=group.pk)
        changes["name"] = [group.name, new]
        group.name = new
    if description is not None and description.strip() != group.description:
        changes["description"] = [group.description, description.strip()]
        group.description = description.strip()
    if changes:
        group.save(update_fields=list(changes))
        _group_audit("accessgroup.renamed" if "name" in changes else "accessgroup.changed", group, actor, changes=changes)
    return group


@transaction.atomic
def set_group_active(group: AccessGroup, active: bool, *, actor, reason: str = "") -> AccessGroup:
    """Deactivate (or reactivate) a group. A deactivated group can no longer be given to
    a case; cases that already name it keep it, so who could see them still can."""
    group = _lock_group(group)
    check_may_manage_groups(actor, group.authority)
    if group.active != active:
        group.active = active
        group.save(update_fields=["active"])
        _group_audit("accessgroup.reactivated" if active else "accessgroup.deactivated", group, actor, reason=reason)
    return group


def deactivate_group(group: AccessGroup, *, actor, reason: str = "") -> AccessGroup:
    return set_group_active(group, False, actor=actor, reason=reason)


@transaction.atomic
def add_member(group: AccessGroup, user, *, actor) -> bool:
    """Returns False if the user already was a member (nothing changes, nothing logged)."""
    group = _lock_group(group)
    check_may_manage_groups(actor, group.authority)
    check_member(group.authority, user)
    if group.members.filter(pk=user.pk).exists():
        return False
    group.members.add(user)
    _group_audit("accessgroup.member_added", group, actor, member=user.get_username(), member_id=user.pk)
    return True


@transaction.atomic
def remove_member(group: AccessGroup, user, *, actor) -> bool:
    group = _lock_group(group)
    check_may_manage_groups(actor, group.authority)
    if not group.members.filter(pk=user.pk).exists():
        return False
    group.members.remove(user)
    _group_audit("accessgroup.member_removed", group, actor, member=user.get_username(), member_id=user.pk)
    return True


@transaction.atomic
def set_members(group: AccessGroup, users, *, actor) -> tuple[int, int]:
    """Make the members exactly `users`, one audited add or remove per change.
    Returns (added, removed)."""
    wanted = {u.pk: u for u in users}
    current = {u.pk: u for u in group.members.all()}
    added = sum(add_member(group, wanted[pk], actor=actor) for pk in wanted.keys() - current.keys())
    removed = sum(remove_member(group, current[pk], actor=actor) for pk in current.keys() - wanted.keys())
    return added, removed


# --- legal provisions ------------------------------------------------------------------------

PROVISION_FIELDS = (
    "law", "reference", "chapter", "paragraph", "short_title", "protects", "typical_use", "needs_verification", "valid_to",
)


def may_manage_provision(actor, organisation: Organisation | None) -> bool:
    """organisation None = a shared provision."""
    if org_services.is_global_admin(actor):
        return True
    if organisation is None or actor is None or not getattr(actor, "pk", None):
        return False
    return organisation.pk in (org_services.managed_organisation_ids(actor) or set())


def check_may_manage_provision(actor, organisation: Organisation | None) -> None:
    if may_manage_provision(actor, organisation):
        return
    if organisation is None:
        raise PermissionDenied("Gemensamma lagrum ändras bara av en global administratör.", code="shared_provision")
    raise PermissionDenied(
        f"Du får inte hantera lagrum för {organisation}: det kräver lokal administratör eller arkivarie där.",
        code="may_not_manage_provisions",
    )


def _clean_provision(values: dict, organisation, *, exclude_pk=None) -> dict:
    values = {k: v for k, v in values.items() if k in PROVISION_FIELDS}
    for key in ("law", "reference", "paragraph", "short_title", "protects", "typical_use"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if not values.get("reference"):
        raise RuleViolation("Ange lagrummet, t.ex. 26 kap. 1 §.", code="reference_required", field="reference")
    if not values.get("short_title"):
        raise RuleViolation("Ange en kort rubrik för lagrummet.", code="short_title_required", field="short_title")
    law = values.get("law") or "OSL"
    values["law"] = law
    clash = LegalProvision.objects.filter(organisation=organisation, law__iexact=law, reference__iexact=values["reference"]).exclude(pk=exclude_pk)
    if clash.exists():
        raise RuleViolation(f"Lagrummet {law} {values['reference']} finns redan.", code="provision_exists", field="reference")
    return values


def _provision_audit(action: str, provision: LegalProvision, actor, **details) -> None:
    audit.log(action, actor=actor, obj=provision, object_label=str(provision)[:200], details={
        "organisation_id": provision.organisation_id, **details,
    })


@transaction.atomic
def create_provision(*, actor, organisation: Organisation | None, **values) -> LegalProvision:
    check_may_manage_provision(actor, organisation)
    values = _clean_provision(values, organisation)
    provision = LegalProvision.objects.create(organisation=organisation, **values)
    _provision_audit("legalprovision.created", provision, actor, values={k: getattr(provision, k) for k in PROVISION_FIELDS})
    return provision


@transaction.atomic
def update_provision(provision: LegalProvision, *, actor, **values) -> LegalProvision:
    provision = LegalProvision.objects.select_for_update().get(pk=provision.pk)
    check_may_manage_provision(actor, provision.organisation)
    merged = {k: getattr(provision, k) for k in PROVISION_FIELDS}
    merged.update({k: v for k, v in values.items() if k in PROVISION_FIELDS})
    cleaned = _clean_provision(merged, provision.organisation, exclude_pk=provision.pk)
    changes = {k: [getattr(provision, k), v] for k, v in cleaned.items() if getattr(provision, k) != v}
    if changes:
        for key, (_old, new) in changes.items():
            setattr(provision, key, new)
        provision.save(update_fields=list(changes))
        _provision_audit("legalprovision.changed", provision, actor, changes=changes)
    return provision


@transaction.atomic
def set_provision_active(provision: LegalProvision, active: bool, *, actor, reason: str = "") -> LegalProvision:
    """Retire (or bring back) a provision. A retired one cannot be chosen for new
    markings; markings that cite it keep it."""
    provision = LegalProvision.objects.select_for_update().get(pk=provision.pk)
    check_may_manage_provision(actor, provision.organisation)
    if provision.active != active:
        provision.active = active
        provision.save(update_fields=["active"])
        _provision_audit("legalprovision.reactivated" if active else "legalprovision.deactivated", provision, actor, reason=reason)
    return provision


def deactivate_provision(provision: LegalProvision, *, actor, reason: str = "") -> LegalProvision:
    return set_provision_active(provision, False, actor=actor, reason=reason)
