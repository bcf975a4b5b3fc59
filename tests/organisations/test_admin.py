"""The Django admin: every page loads for a global administrator, the registry is
read-only there, and a lokal administratör manages only their own authority."""

import io

import pytest
from django.urls import reverse

from knutpunkt.files import services as files
from knutpunkt.files.models import Blob, File
from knutpunkt.organisations.models import NumberSeries, Role, RoleAssignment, User
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, Document, Party
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import AuthorityFactory, DiaryFactory, UnitFactory, UserFactory, user_with_authority_role, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def boss():
    return UserFactory(is_global_admin=True, is_staff=True)


@pytest.fixture
def registered(diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Bygglov för carport")
    document = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan")
    files.add_file(document, io.BytesIO(b"%PDF-1.4 test"), "ansokan.pdf", actor=registrator)
    party = find_or_create_party(diary.authority.organisation, PartyInput(kind=Party.Kind.PERSON, first_name="Anna", last_name="Svensson"))
    registry.add_party(case, party, actor=registrator)
    return case, document


def url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_changelist_loads_for_a_global_admin(client, boss, registered, diary):
    UnitFactory(authority=diary.authority)
    client.force_login(boss)
    from knutpunkt.organisations.models import Authority, Diary, Organisation, Unit

    for model in (Organisation, Authority, Unit, Diary, User, RoleAssignment, Case, Document, Party, CaseEvent, File, Blob):
        response = client.get(url(model))
        assert response.status_code == 200, model
    assert "KS" in client.get(url(Diary)).content.decode()
    assert registered[0].reference in client.get(url(Case)).content.decode()
    assert client.get(reverse("admin:index")).status_code == 200


def test_change_pages_load(client, boss, registered, diary, registrator):
    client.force_login(boss)
    case, document = registered
    diary_page = client.get(url(type(diary), "change", diary.pk))
    assert diary_page.status_code == 200
    assert "nummerserier" in diary_page.content.decode().lower()
    assert client.get(url(User, "change", registrator.pk)).status_code == 200
    assert client.get(url(type(diary.authority), "change", diary.authority.pk)).status_code == 200
    for obj in (case, document, document.files.first(), Party.objects.first(), CaseEvent.objects.first(), Blob.objects.first()):
        assert client.get(url(type(obj), "change", obj.pk)).status_code == 200, type(obj)


def test_registry_is_read_only(client, boss, registered):
    client.force_login(boss)
    case, document = registered
    for model, obj in ((Case, case), (Document, document), (Party, Party.objects.first()), (CaseEvent, CaseEvent.objects.first()),
                       (File, document.files.first()), (Blob, Blob.objects.first())):
        assert client.get(url(model, "add")).status_code == 403, model
        assert client.post(url(model, "add"), {}).status_code == 403, model
        assert client.get(url(model, "delete", obj.pk)).status_code == 403, model
        assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403, model
        page = client.get(url(model, "change", obj.pk)).content.decode()
        assert 'name="_save"' not in page, model
    # a change posted anyway is refused
    assert client.post(url(Case, "change", case.pk), {"title": "Ändrad"}).status_code == 403
    changelist = client.get(url(Case)).content.decode()
    assert "delete_selected" not in changelist
    case.refresh_from_db()
    assert case.title == "Bygglov för carport" and Case.objects.count() == 1 and Document.objects.count() == 1


def test_registry_admin_is_for_global_admins_only(client, registered, diary):
    staff = user_with_role(diary, Role.LOKAL_ADMIN, is_staff=True)
    client.force_login(staff)
    for model in (Case, Document, Party, CaseEvent, File, Blob):
        assert client.get(url(model)).status_code == 403, model
    assert client.get(url(Case, "change", registered[0].pk)).status_code == 403


def test_number_series_is_shown_not_edited(client, boss, registered, diary):
    client.force_login(boss)
    series = NumberSeries.objects.get(diary=diary, kind="case")
    page = client.get(url(type(diary), "change", diary.pk)).content.decode()
    assert "series-TOTAL_FORMS" not in page or 'name="series-0-last_number"' not in page
    client.post(url(type(diary), "change", diary.pk), {
        "authority": diary.authority.pk, "name": diary.name, "active": "on",
        "series-TOTAL_FORMS": "1", "series-INITIAL_FORMS": "1", "series-0-id": series.pk, "series-0-last_number": "99",
    })
    series.refresh_from_db()
    assert series.last_number == 1
    diary.refresh_from_db()
    assert diary.prefix == "KS"  # the prefix is read-only once numbers are taken


def test_others_get_no_admin(client, diary):
    clerk = user_with_role(diary, Role.REGISTRATOR, is_staff=True)
    client.force_login(clerk)
    from knutpunkt.organisations.models import Organisation

    for model in (Organisation, User, RoleAssignment):
        assert client.get(url(model)).status_code == 403, model


# --- lokal administratör ---------------------------------------------------------------

@pytest.fixture
def two_authorities():
    ks = AuthorityFactory(code="KS")
    bn = AuthorityFactory(code="BN", organisation=ks.organisation)
    ks_diary, bn_diary = DiaryFactory(prefix="KS", authority=ks), DiaryFactory(prefix="BN", authority=bn)
    admin = user_with_authority_role(ks, Role.LOKAL_ADMIN, is_staff=True)
    return ks, bn, ks_diary, bn_diary, admin


def test_local_admin_sees_only_own_authority(client, two_authorities):
    ks, bn, ks_diary, bn_diary, admin = two_authorities
    ks_user = user_with_role(ks_diary, Role.REGISTRATOR, username="kalle.ks", first_name="Kalle")
    bn_user = user_with_role(bn_diary, Role.REGISTRATOR, username="berit.bn", first_name="Berit")
    client.force_login(admin)

    users = client.get(url(User)).content.decode()
    assert "kalle.ks" in users and "berit.bn" not in users
    assignments = client.get(url(RoleAssignment)).content.decode()
    assert "Kalle Testsson" in assignments and "Berit" not in assignments
    assert client.get(url(User, "change", bn_user.pk)).status_code in (302, 403, 404)
    assert client.get(url(User, "change", ks_user.pk)).status_code == 200
    bn_assignment = RoleAssignment.objects.get(user=bn_user)
    assert client.post(url(RoleAssignment, "delete", bn_assignment.pk), {"post": "yes"}).status_code in (302, 403, 404)
    assert RoleAssignment.objects.filter(pk=bn_assignment.pk).exists()
    from knutpunkt.organisations.models import Organisation

    assert client.get(url(Organisation)).status_code == 403


def test_local_admin_grants_and_revokes_through_the_admin(client, two_authorities):
    ks, bn, ks_diary, bn_diary, admin = two_authorities
    newcomer = UserFactory(organisation=ks.organisation, username="ny.person")
    client.force_login(admin)

    refused = client.post(url(RoleAssignment, "add"), {"user": newcomer.pk, "role": Role.REGISTRATOR, "authority": bn.pk})
    assert refused.status_code == 200  # the form again, with an error
    assert not RoleAssignment.objects.filter(user=newcomer).exists()

    response = client.post(url(RoleAssignment, "add"), {"user": newcomer.pk, "role": Role.REGISTRATOR, "diary": ks_diary.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert assignment.diary == ks_diary

    response = client.post(url(RoleAssignment, "delete", assignment.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    from knutpunkt.core.models import AuditEntry

    assert list(AuditEntry.objects.filter(action__startswith="role.").values_list("action", flat=True)) == ["role.granted", "role.revoked"]


def test_roles_inline_on_the_user_page(client, two_authorities):
    ks, bn, ks_diary, bn_diary, admin = two_authorities
    user = user_with_role(ks_diary, Role.LASARE, username="lisa")
    client.force_login(admin)
    page = client.get(url(User, "change", user.pk))
    assert page.status_code == 200
    form = {
        "username": "lisa", "first_name": "Lisa", "last_name": "Läsare", "email": "", "unit": "", "is_active": "on",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-role": Role.HANDLAGGARE, "role_assignments-0-authority": ks.pk, "role_assignments-0-diary": "",
    }
    # the existing read-only row is not part of the formset's editable forms
    existing = RoleAssignment.objects.get(user=user)
    form.update({"role_assignments-TOTAL_FORMS": "2", "role_assignments-INITIAL_FORMS": "1", "role_assignments-0-id": existing.pk,
                 "role_assignments-0-user": user.pk, "role_assignments-1-role": Role.HANDLAGGARE,
                 "role_assignments-1-authority": ks.pk, "role_assignments-1-diary": "", "role_assignments-1-user": user.pk})
    form.pop("role_assignments-0-role"), form.pop("role_assignments-0-authority"), form.pop("role_assignments-0-diary")
    response = client.post(url(User, "change", user.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == {Role.LASARE, Role.HANDLAGGARE}

    form["role_assignments-1-authority"] = bn.pk
    form["role_assignments-1-role"] = Role.ARKIVARIE
    response = client.post(url(User, "change", user.pk), form)
    assert response.status_code == 200  # refused: BN is not administered
    assert not RoleAssignment.objects.filter(user=user, authority=bn).exists()


def test_local_admin_creates_a_user_in_own_organisation(client, two_authorities):
    ks, bn, ks_diary, bn_diary, admin = two_authorities
    client.force_login(admin)
    response = client.post(url(User, "add"), {
        "username": "anna.ny", "password1": "ett-langt-losenord-9", "password2": "ett-langt-losenord-9", "usable_password": "true",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="anna.ny")
    assert created.organisation == ks.organisation and not created.is_global_admin and not created.is_superuser
    assert client.get(url(User, "change", created.pk)).status_code == 200


def test_local_admin_cannot_make_a_global_admin(client, two_authorities):
    ks, bn, ks_diary, bn_diary, admin = two_authorities
    user = user_with_role(ks_diary, Role.LASARE, username="olle")
    client.force_login(admin)
    page = client.get(url(User, "change", user.pk)).content.decode()
    assert 'name="is_global_admin"' not in page and 'name="is_superuser"' not in page
    client.post(url(User, "change", user.pk), {"username": "olle", "is_global_admin": "on", "is_superuser": "on", "is_active": "on",
                                                "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0"})
    user.refresh_from_db()
    assert not user.is_global_admin and not user.is_superuser


def test_privilege_changes_in_the_user_admin_are_audited(client, boss):
    from knutpunkt.core.models import AuditEntry

    target = UserFactory(username="kim")
    client.force_login(boss)
    page = client.get(url(User, "change", target.pk))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, tuple))}
    data.update({"username": "kim", "is_global_admin": "on", "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"})
    for prefix_form in page.context["inline_admin_formsets"]:
        management = prefix_form.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
    data.pop("password", None)
    data.pop("last_login", None)
    response = client.post(url(User, "change", target.pk), data)
    assert response.status_code == 302, getattr(response, "context", {}) and response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="user.privileges_changed")
    assert entry.actor == boss and entry.details["changes"]["is_global_admin"] == [False, True]


def test_admin_never_shows_a_protected_identity_without_the_right(client, boss, registered, diary, registrator):
    case, document = registered
    hidden = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Gömd", last_name="Skyddsdottir", is_protected_identity=True)
    registry.add_party(case, hidden, "motpart", actor=registrator)
    client.force_login(boss)
    for address in (url(Party), url(Case, "change", case.pk), url(Document, "change", document.pk)):
        response = client.get(address, follow=True)
        assert "Skyddsdottir" not in response.content.decode(), address
    assert client.get(url(Party) + "?q=Skyddsdottir").context["cl"].result_count == 0
    assert client.get(url(Party, "change", hidden.pk)).status_code in (302, 404)
