import pytest

from knutpunkt.core.errors import NotFound, PermissionDenied, RuleViolation
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations import services
from knutpunkt.organisations.models import Role, RoleAssignment
from tests.factories import AuthorityFactory, DiaryFactory, UserFactory, user_with_authority_role, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ks = AuthorityFactory(code="KS")
    bn = AuthorityFactory(code="BN", organisation=ks.organisation)
    return {
        "ks": ks, "bn": bn,
        "ks_diary": DiaryFactory(prefix="KS", authority=ks), "bn_diary": DiaryFactory(prefix="BN", authority=bn),
        "ks_admin": user_with_authority_role(ks, Role.LOKAL_ADMIN),
        "colleague": UserFactory(organisation=ks.organisation),
    }


def test_local_admin_grants_in_own_authority(world):
    assignment = services.grant_role(world["colleague"], Role.REGISTRATOR, authority=world["ks"], actor=world["ks_admin"])
    assert assignment.authority == world["ks"]
    diary_role = services.grant_role(world["colleague"], Role.LASARE, diary=world["ks_diary"], actor=world["ks_admin"])
    assert diary_role.diary == world["ks_diary"]
    entry = AuditEntry.objects.filter(action="role.granted").first()
    assert entry.actor == world["ks_admin"] and entry.details["role"] == "registrator"


def test_local_admin_cannot_grant_elsewhere(world):
    with pytest.raises(PermissionDenied, match="myndigheten BN"):
        services.grant_role(world["colleague"], Role.REGISTRATOR, authority=world["bn"], actor=world["ks_admin"])
    with pytest.raises(PermissionDenied, match="diariet BN"):
        services.grant_role(world["colleague"], Role.REGISTRATOR, diary=world["bn_diary"], actor=world["ks_admin"])
    registrator = user_with_role(world["ks_diary"], Role.REGISTRATOR)
    with pytest.raises(PermissionDenied):
        services.grant_role(world["colleague"], Role.LASARE, authority=world["ks"], actor=registrator)
    assert not RoleAssignment.objects.filter(user=world["colleague"]).exists()


def test_diary_local_admin_only_that_diary(world):
    other_diary = DiaryFactory(authority=world["ks"])
    diary_admin = user_with_role(world["ks_diary"], Role.LOKAL_ADMIN)
    services.grant_role(world["colleague"], Role.LASARE, diary=world["ks_diary"], actor=diary_admin)
    with pytest.raises(PermissionDenied):
        services.grant_role(world["colleague"], Role.LASARE, diary=other_diary, actor=diary_admin)
    with pytest.raises(PermissionDenied):
        services.grant_role(world["colleague"], Role.LASARE, authority=world["ks"], actor=diary_admin)


def test_global_admin_anywhere(world):
    boss = UserFactory(is_global_admin=True)
    services.grant_role(world["colleague"], Role.ARKIVARIE, authority=world["bn"], actor=boss)
    assert RoleAssignment.objects.filter(user=world["colleague"], authority=world["bn"]).exists()


def test_rules_of_an_assignment(world):
    admin = world["ks_admin"]
    with pytest.raises(RuleViolation, match="Okänd roll"):
        services.grant_role(world["colleague"], "chef", authority=world["ks"], actor=admin)
    with pytest.raises(RuleViolation, match="antingen en myndighet eller ett diarium"):
        services.grant_role(world["colleague"], Role.LASARE, authority=world["ks"], diary=world["ks_diary"], actor=admin)
    with pytest.raises(RuleViolation, match="antingen"):
        services.grant_role(world["colleague"], Role.LASARE, actor=admin)
    stranger = UserFactory(organisation=AuthorityFactory().organisation)
    with pytest.raises(RuleViolation, match="annan organisation"):
        services.grant_role(stranger, Role.LASARE, authority=world["ks"], actor=admin)


def test_grant_is_idempotent_and_joins_organisation(world):
    newcomer = UserFactory()
    assert newcomer.organisation is None
    first = services.grant_role(newcomer, Role.LASARE, authority=world["ks"], actor=world["ks_admin"])
    again = services.grant_role(newcomer, Role.LASARE, authority=world["ks"], actor=world["ks_admin"])
    assert first.pk == again.pk and RoleAssignment.objects.filter(user=newcomer).count() == 1
    newcomer.refresh_from_db()
    assert newcomer.organisation == world["ks"].organisation


def test_admin_roles_open_and_close_the_admin_pages(world):
    user = world["colleague"]
    services.grant_role(user, Role.LOKAL_ADMIN, diary=world["ks_diary"], actor=world["ks_admin"])
    user.refresh_from_db()
    assert user.is_staff
    services.revoke_role(user, Role.LOKAL_ADMIN, diary=world["ks_diary"], actor=world["ks_admin"])
    user.refresh_from_db()
    assert not user.is_staff
    assert AuditEntry.objects.filter(action="role.revoked").count() == 1


def test_revoke(world):
    services.grant_role(world["colleague"], Role.REGISTRATOR, authority=world["ks"], actor=world["ks_admin"])
    with pytest.raises(NotFound, match="har inte rollen"):
        services.revoke_role(world["colleague"], Role.LASARE, authority=world["ks"], actor=world["ks_admin"])
    bn_admin = user_with_authority_role(world["bn"], Role.LOKAL_ADMIN)
    with pytest.raises(PermissionDenied):
        services.revoke_role(world["colleague"], Role.REGISTRATOR, authority=world["ks"], actor=bn_admin)
    services.revoke_role(world["colleague"], Role.REGISTRATOR, authority=world["ks"], actor=world["ks_admin"])
    assert not RoleAssignment.objects.filter(user=world["colleague"]).exists()


def test_administered_users_and_accounts(world):
    ks_user = user_with_authority_role(world["ks"], Role.HANDLAGGARE)
    bn_user = user_with_authority_role(world["bn"], Role.HANDLAGGARE)
    both = user_with_authority_role(world["ks"], Role.LASARE)
    RoleAssignment.objects.create(user=both, role=Role.LASARE, authority=world["bn"])
    boss = UserFactory(is_global_admin=True, organisation=world["ks"].organisation)
    visible = set(services.administered_users(world["ks_admin"]))
    assert {ks_user, both, world["colleague"], world["ks_admin"]} <= visible
    assert bn_user not in visible and boss not in visible
    assert services.may_change_account(world["ks_admin"], ks_user)
    assert not services.may_change_account(world["ks_admin"], both)  # also works in BN
    assert not services.may_change_account(world["ks_admin"], bn_user)
    assert not services.may_change_account(world["ks_admin"], boss)
    assert set(services.administered_assignments(world["ks_admin"]).values_list("authority__code", flat=True)) == {"KS"}


def test_who_manages_classification(world):
    org = world["ks"].organisation
    assert services.may_manage_classification(None, org)
    assert services.may_manage_classification(world["ks_admin"], org)
    assert services.may_manage_classification(user_with_role(world["bn_diary"], Role.ARKIVARIE), org)
    assert not services.may_manage_classification(user_with_role(world["bn_diary"], Role.REGISTRATOR), org)
    assert not services.may_manage_classification(user_with_authority_role(AuthorityFactory(), Role.ARKIVARIE), org)
    assert services.managed_organisation_ids(world["ks_admin"]) == {org.pk}
    assert services.managed_organisation_ids(UserFactory(is_superuser=True)) is None
