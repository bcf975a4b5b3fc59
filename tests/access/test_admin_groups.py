"""Åtkomstgrupper and lagrum: the services' rules and audit entries, and the admin
pages that call them. Role changes through the admin are audited too."""

import pytest
from django.urls import reverse

from knutpunkt.access import services
from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role, RoleAssignment
from tests.factories import AuthorityFactory, OrganisationFactory, UserFactory, user_with_authority_role, user_with_role

pytestmark = pytest.mark.django_db


def shared_provision() -> LegalProvision:
    """A shared (seeded) lagrum; made here if a transactional test elsewhere emptied the table."""
    provision, _ = LegalProvision.objects.get_or_create(
        organisation=None, law="OSL", reference="26 kap. 1 §", defaults={"chapter": 26, "paragraph": "1", "short_title": "Socialtjänst"},
    )
    if not provision.active:
        provision.active = True
        provision.save()
    return provision


@pytest.fixture
def authority(diary):
    return diary.authority


@pytest.fixture
def local_admin(authority):
    return user_with_authority_role(authority, Role.LOKAL_ADMIN, username="lokal", is_staff=True)


@pytest.fixture
def other_authority(authority):
    return AuthorityFactory(organisation=authority.organisation, code="BN")


@pytest.fixture
def boss():
    return UserFactory(username="boss", is_global_admin=True, is_staff=True)


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


# --- services --------------------------------------------------------------------------------


def test_group_life_cycle_is_audited(authority, local_admin):
    member = UserFactory(organisation=authority.organisation, username="medlem")
    group = services.create_group(authority, " Personalärenden ", actor=local_admin, description="HR")
    assert group.name == "Personalärenden"
    assert services.add_member(group, member, actor=local_admin)
    assert not services.add_member(group, member, actor=local_admin)  # already a member: nothing logged
    services.update_group(group, actor=local_admin, name="Personal")
    services.remove_member(group, member, actor=local_admin)
    services.deactivate_group(group, actor=local_admin, reason="Omorganisation")
    actions = list(AuditEntry.objects.filter(object_type="accessgroup").order_by("sequence").values_list("action", flat=True))
    assert actions == ["accessgroup.created", "accessgroup.member_added", "accessgroup.renamed", "accessgroup.member_removed", "accessgroup.deactivated"]
    added = _entries("accessgroup.member_added")[0]
    assert added.actor == local_admin and added.details["member"] == "medlem" and added.details["authority_id"] == authority.pk
    assert _entries("accessgroup.renamed")[0].details["changes"] == {"name": ["Personalärenden", "Personal"]}
    group.refresh_from_db()
    assert not group.active and not group.members.exists()


def test_a_lokal_admin_cannot_manage_another_authoritys_groups(local_admin, other_authority):
    with pytest.raises(PermissionDenied):
        services.create_group(other_authority, "Hemlig", actor=local_admin)
    foreign = AccessGroup.objects.create(authority=other_authority, name="BN-gruppen")
    member = UserFactory(organisation=other_authority.organisation)
    for call in (
        lambda: services.add_member(foreign, member, actor=local_admin),
        lambda: services.remove_member(foreign, member, actor=local_admin),
        lambda: services.update_group(foreign, actor=local_admin, name="Nytt namn"),
        lambda: services.deactivate_group(foreign, actor=local_admin),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEntry.objects.filter(object_type="accessgroup").exists()


def test_ordinary_roles_cannot_manage_groups(authority, diary):
    registrator = user_with_role(diary, Role.REGISTRATOR)
    with pytest.raises(PermissionDenied):
        services.create_group(authority, "Grupp", actor=registrator)


def test_members_belong_to_the_organisation_and_are_active(authority, boss):
    group = services.create_group(authority, "Grupp", actor=boss)
    outsider = UserFactory(organisation=OrganisationFactory())
    with pytest.raises(RuleViolation) as err:
        services.add_member(group, outsider, actor=boss)
    assert err.value.code == "member_other_organisation"
    inactive = UserFactory(organisation=authority.organisation, is_active=False)
    with pytest.raises(RuleViolation):
        services.add_member(group, inactive, actor=boss)


def test_group_names_are_required_and_unique_in_the_authority(authority, other_authority, boss):
    services.create_group(authority, "Grupp", actor=boss)
    with pytest.raises(RuleViolation):
        services.create_group(authority, "grupp", actor=boss)
    with pytest.raises(RuleViolation):
        services.create_group(authority, "  ", actor=boss)
    services.create_group(other_authority, "Grupp", actor=boss)  # another authority: fine


def test_provision_rules(authority, local_admin, diary):
    org = authority.organisation
    shared = shared_provision()
    with pytest.raises(PermissionDenied):
        services.update_provision(shared, actor=local_admin, short_title="Ändrad")
    with pytest.raises(PermissionDenied):
        services.create_provision(actor=local_admin, organisation=None, reference="99 kap. 1 §", short_title="x")
    own = services.create_provision(actor=local_admin, organisation=org, reference="10 kap. 3 §", short_title="Lokal regel")
    services.update_provision(own, actor=local_admin, short_title="Lokal regel (ändrad)")
    services.deactivate_provision(own, actor=local_admin, reason="Upphävd")
    own.refresh_from_db()
    assert not own.active and own.short_title == "Lokal regel (ändrad)"
    assert [e.action for e in AuditEntry.objects.filter(object_type="legalprovision").order_by("sequence")] == [
        "legalprovision.created", "legalprovision.changed", "legalprovision.deactivated"]
    with pytest.raises(RuleViolation):
        services.create_provision(actor=local_admin, organisation=org, reference="10 kap. 3 §", short_title="Dubblett")
    # An arkivarie of the organisation may too; a registrator may not; another organisation's admin may not.
    archivist = user_with_authority_role(authority, Role.ARKIVARIE)
    services.create_provision(actor=archivist, organisation=org, reference="11 kap. 1 §", short_title="Arkiv")
    with pytest.raises(PermissionDenied):
        services.create_provision(actor=user_with_role(diary, Role.REGISTRATOR), organisation=org, reference="12 kap. 1 §", short_title="x")
    stranger = user_with_authority_role(AuthorityFactory(), Role.LOKAL_ADMIN)
    with pytest.raises(PermissionDenied):
        services.update_provision(own, actor=stranger, short_title="x")


def test_a_global_admin_may_change_shared_provisions(boss):
    shared = shared_provision()
    services.set_provision_active(shared, False, actor=boss, reason="Upphävd")
    shared.refresh_from_db()
    assert not shared.active
    assert AuditEntry.objects.get(action="legalprovision.deactivated").actor == boss


# --- admin pages -------------------------------------------------------------------------------


def test_admin_creates_a_group_and_its_members_through_the_services(client, authority, local_admin):
    member = UserFactory(organisation=authority.organisation, username="medlem")
    client.force_login(local_admin)
    response = client.post(reverse("admin:access_accessgroup_add"), {
        "authority": authority.pk, "name": "Personalärenden", "description": "", "members": [member.pk],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    group = AccessGroup.objects.get(name="Personalärenden")
    assert list(group.members.all()) == [member]
    assert [e.action for e in AuditEntry.objects.filter(object_type="accessgroup").order_by("sequence")] == [
        "accessgroup.created", "accessgroup.member_added"]
    # Remove the member in the change form: one audited removal.
    response = client.post(reverse("admin:access_accessgroup_change", args=[group.pk]), {"name": "Personalärenden", "description": ""})
    assert response.status_code == 302
    assert not group.members.exists()
    assert AuditEntry.objects.filter(action="accessgroup.member_removed").count() == 1


def test_admin_refuses_another_authoritys_group_and_outside_members(client, authority, other_authority, local_admin):
    foreign = AccessGroup.objects.create(authority=other_authority, name="BN-gruppen")
    client.force_login(local_admin)
    assert "BN-gruppen" not in client.get(reverse("admin:access_accessgroup_changelist")).content.decode()
    assert client.get(reverse("admin:access_accessgroup_change", args=[foreign.pk])).status_code in (302, 403, 404)
    response = client.post(reverse("admin:access_accessgroup_add"), {"authority": other_authority.pk, "name": "Smyg", "description": ""})
    assert response.status_code == 200 and not AccessGroup.objects.filter(name="Smyg").exists()
    outsider = UserFactory(organisation=OrganisationFactory())
    response = client.post(reverse("admin:access_accessgroup_add"), {"authority": authority.pk, "name": "G", "members": [outsider.pk]})
    assert response.status_code == 200 and not AccessGroup.objects.filter(name="G").exists()


def test_groups_are_deactivated_not_deleted(client, authority, boss):
    group = services.create_group(authority, "Grupp", actor=boss)
    client.force_login(boss)
    assert client.get(reverse("admin:access_accessgroup_delete", args=[group.pk])).status_code == 403
    client.post(reverse("admin:access_accessgroup_changelist"), {"action": "deactivate_selected", "_selected_action": [group.pk]})
    group.refresh_from_db()
    assert not group.active
    assert AuditEntry.objects.filter(action="accessgroup.deactivated", actor=boss).exists()


def test_provision_admin_for_a_lokal_admin(client, authority, local_admin):
    shared = shared_provision()
    client.force_login(local_admin)
    listing = client.get(reverse("admin:access_legalprovision_changelist"))
    assert listing.status_code == 200 and shared.short_title in listing.content.decode()
    # Shared: view only.
    assert client.post(reverse("admin:access_legalprovision_change", args=[shared.pk]), {"short_title": "x"}).status_code == 403
    client.post(reverse("admin:access_legalprovision_changelist"), {"action": "deactivate_selected", "_selected_action": [shared.pk]})
    shared.refresh_from_db()
    assert shared.active
    # Own: add and deactivate, both audited.
    response = client.post(reverse("admin:access_legalprovision_add"), {
        "organisation": authority.organisation.pk, "law": "OSL", "reference": "40 kap. 1 §", "short_title": "Lokal", "protects": "",
        "typical_use": "", "paragraph": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    own = LegalProvision.objects.get(reference="40 kap. 1 §")
    assert own.organisation == authority.organisation
    assert client.get(reverse("admin:access_legalprovision_delete", args=[own.pk])).status_code == 403
    client.post(reverse("admin:access_legalprovision_changelist"), {"action": "deactivate_selected", "_selected_action": [own.pk]})
    own.refresh_from_db()
    assert not own.active
    assert [e.action for e in AuditEntry.objects.filter(object_type="legalprovision").order_by("sequence")] == [
        "legalprovision.created", "legalprovision.deactivated"]


def test_role_changes_in_the_admin_are_audited(client, diary, boss):
    user = UserFactory(organisation=diary.authority.organisation, username="ny")
    client.force_login(boss)
    response = client.post(reverse("admin:organisations_roleassignment_add"), {
        "user": user.pk, "role": Role.HANDLAGGARE, "diary": diary.pk,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = RoleAssignment.objects.get(user=user)
    granted = AuditEntry.objects.get(action="role.granted")
    assert granted.actor == boss and granted.details["user"] == "ny"
    client.post(reverse("admin:organisations_roleassignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert AuditEntry.objects.get(action="role.revoked").actor == boss


def test_the_authenticator_device_admin_is_not_offered(client, boss):
    client.force_login(boss)
    html = client.get(reverse("admin:index")).content.decode()
    assert "otp_totp" not in html
