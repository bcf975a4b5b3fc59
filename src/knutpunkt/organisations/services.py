"""Who may administer what, and granting and revoking roles.

A global administrator manages everything. A lokal administratör manages the users and
roles of the authority (or the single diary) where they hold that role, and nothing
else. An arkivarie or lokal administratör of any authority of an organisation may
manage that organisation's classification structure.

Role changes go through grant_role / revoke_role — the admin calls them too — so the
rules and the audit entry are the same whichever door is used.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from knutpunkt.core.errors import NotFound, PermissionDenied, RuleViolation

from .models import Authority, Diary, Organisation, Role, RoleAssignment, User

log = logging.getLogger("knutpunkt.audit")

# Roles whose holders work in the Django admin (systemförvaltning, klassificering).
ADMIN_ROLES = frozenset({Role.LOKAL_ADMIN, Role.ARKIVARIE})


def is_global_admin(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (getattr(user, "is_global_admin", False) or user.is_superuser)
    )


def _role_scopes(user, roles) -> tuple[set[int], set[int]]:
    """(authority ids, diary ids) where the user holds one of the roles directly."""
    if user is None or not getattr(user, "pk", None):
        return set(), set()
    authorities, diaries = set(), set()
    for authority_id, diary_id in RoleAssignment.objects.filter(user_id=user.pk, role__in=list(roles)).values_list("authority_id", "diary_id"):
        if authority_id:
            authorities.add(authority_id)
        else:
            diaries.add(diary_id)
    return authorities, diaries


def administered_authority_ids(user) -> set[int]:
    """Authorities where the user is lokal administratör for the whole authority."""
    return _role_scopes(user, {Role.LOKAL_ADMIN})[0]


def administered_diary_ids(user) -> set[int]:
    """Diaries the user administers: those of administered authorities and single diaries."""
    authorities, diaries = _role_scopes(user, {Role.LOKAL_ADMIN})
    if authorities:
        diaries |= set(Diary.objects.filter(authority_id__in=authorities).values_list("id", flat=True))
    return diaries


def administered_assignments(user):
    """The role assignments a user may see and change (all for a global administrator)."""
    if is_global_admin(user):
        return RoleAssignment.objects.all()
    authorities = administered_authority_ids(user)
    diaries = administered_diary_ids(user)
    if not authorities and not diaries:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(Q(authority_id__in=authorities) | Q(diary_id__in=diaries))


def administered_users(user):
    """The users a lokal administratör may see: those with a role in what they administer,
    those whose unit belongs to an administered authority, and users of their
    organisation without any role yet (just created, waiting for one)."""
    if is_global_admin(user):
        return User.objects.all()
    authorities = administered_authority_ids(user)
    diaries = administered_diary_ids(user)
    if not authorities and not diaries:
        return User.objects.none()
    organisations = set(Authority.objects.filter(Q(pk__in=authorities) | Q(diaries__in=diaries)).values_list("organisation_id", flat=True))
    scope = (
        Q(role_assignments__authority_id__in=authorities)
        | Q(role_assignments__diary_id__in=diaries)
        | Q(unit__authority_id__in=authorities)
        | Q(organisation_id__in=organisations, role_assignments__isnull=True)
    )
    return User.objects.filter(scope).exclude(is_superuser=True).exclude(is_global_admin=True).distinct()


def may_administer(actor, *, authority: Authority | None = None, diary: Diary | None = None) -> bool:
    """May the actor grant and revoke roles in this authority or diary?"""
    if is_global_admin(actor):
        return True
    if authority is not None:
        return authority.pk in administered_authority_ids(actor)
    if diary is not None:
        return diary.pk in administered_diary_ids(actor)
    return False


def may_change_account(actor, user: User) -> bool:
    """May the actor change a user's account (name, e-mail, password, active)? A lokal
    administratör may, when every role the user holds lies within what they administer."""
    if is_global_admin(actor):
        return True
    if is_global_admin(user) or user.is_superuser or not getattr(actor, "pk", None):
        return False
    if not administered_users(actor).filter(pk=user.pk).exists():
        return False
    return not RoleAssignment.objects.filter(user=user).exclude(pk__in=administered_assignments(actor).values("pk")).exists()


def may_manage_classification(actor, organisation: Organisation) -> bool:
    """actor None is the system itself (management commands, the demo loader)."""
    if actor is None or is_global_admin(actor):
        return True
    if not getattr(actor, "pk", None) or not actor.is_active:
        return False
    return RoleAssignment.objects.filter(user_id=actor.pk, role__in=list(ADMIN_ROLES)).filter(
        Q(authority__organisation=organisation) | Q(diary__authority__organisation=organisation)
    ).exists()


def managed_organisation_ids(actor) -> set[int] | None:
    """Organisations whose classification the actor manages; None means all."""
    if is_global_admin(actor):
        return None
    if not getattr(actor, "pk", None):
        return set()
    rows = RoleAssignment.objects.filter(user_id=actor.pk, role__in=list(ADMIN_ROLES)).values_list(
        "authority__organisation_id", "diary__authority__organisation_id"
    )
    return {a or d for a, d in rows if a or d}


def audit(actor, obj, action: str, message: str, **details) -> None:
    """Record an administrative change in the audit log (core.audit), inside the
    caller's transaction so it disappears with a change that is rolled back."""
    from knutpunkt.core import audit as audit_log

    log.debug("%s: %s av %s", message, obj, getattr(actor, "username", "systemet"))
    audit_log.log(action, actor=actor, obj=obj, object_label=str(obj)[:200], details={"message": message, **details})


# --- roles -------------------------------------------------------------------------------

def check_may_grant(user: User, role: str, *, authority: Authority | None, diary: Diary | None, actor) -> Authority:
    """The rules for a role assignment; returns the authority the role concerns."""
    if role not in Role.values:
        raise RuleViolation(f"Okänd roll ”{role}”.", code="unknown_role", field="role")
    if (authority is None) == (diary is None):
        raise RuleViolation("Ange antingen en myndighet eller ett diarium för rollen, inte båda.", code="role_scope", field="authority")
    if not may_administer(actor, authority=authority, diary=diary):
        where = f"myndigheten {authority.code}" if authority is not None else f"diariet {diary.prefix}"
        raise PermissionDenied(f"Du får inte hantera roller i {where}: det kräver lokal administratör där eller global administratör.", code="may_not_administer")
    scope_authority = authority or diary.authority
    if user.organisation_id and user.organisation_id != scope_authority.organisation_id:
        raise RuleViolation(
            f"{user} hör till en annan organisation än {scope_authority}.", code="role_other_organisation", field="user"
        )
    return scope_authority


@transaction.atomic
def grant_role(user: User, role: str, *, authority: Authority | None = None, diary: Diary | None = None, actor) -> RoleAssignment:
    """Give a user a role in an authority (all its diaries) or in one diary.

    Granting a role already held changes nothing. The user joins the authority's
    organisation if they had none; a lokal administratör or arkivarie gets access to
    the admin pages (is_staff).
    """
    scope_authority = check_may_grant(user, role, authority=authority, diary=diary, actor=actor)
    assignment = RoleAssignment.objects.filter(user=user, role=role, authority=authority, diary=diary).first()
    if assignment is not None:
        return assignment
    assignment = RoleAssignment.objects.create(user=user, role=role, authority=authority, diary=diary)
    updates = []
    if user.organisation_id is None and not is_global_admin(user):
        user.organisation_id = scope_authority.organisation_id
        updates.append("organisation")
    if role in ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        updates.append("is_staff")
    if updates:
        user.save(update_fields=updates)
    audit(actor, assignment, "role.granted", f"Roll tilldelad: {assignment}", user=user.username, role=role)
    return assignment


@transaction.atomic
def revoke_role(user: User, role: str, *, authority: Authority | None = None, diary: Diary | None = None, actor) -> None:
    """Take a role away. A user left without admin roles loses the admin pages (unless a
    global administrator)."""
    check_may_grant(user, role, authority=authority, diary=diary, actor=actor)
    assignment = RoleAssignment.objects.filter(user=user, role=role, authority=authority, diary=diary).first()
    if assignment is None:
        raise NotFound(f"{user} har inte rollen {Role(role).label.lower()} där.", code="role_not_held")
    audit(actor, assignment, "role.revoked", f"Roll borttagen: {assignment}", user=user.username, role=role)
    assignment.delete()
    if (
        role in ADMIN_ROLES
        and user.is_staff
        and not is_global_admin(user)
        and not RoleAssignment.objects.filter(user=user, role__in=list(ADMIN_ROLES)).exists()
    ):
        user.is_staff = False
        user.save(update_fields=["is_staff"])
