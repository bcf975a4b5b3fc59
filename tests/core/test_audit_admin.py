"""Granskningsloggen in the admin: read-only for everyone, filters for "who opened the
case?" and "what has the user opened?", CSV export, the chain check, and looking at
the log being logged itself."""

import csv
import io

import pytest
from django.urls import reverse

from knutpunkt.core import audit
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role
from knutpunkt.registry import queries, secrecy
from knutpunkt.registry import services as registry
from knutpunkt.access.models import LegalProvision
from tests.factories import DiaryFactory, UserFactory, user_with_authority_role, user_with_role

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:core_auditentry_changelist"


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
def boss(client):
    user = UserFactory(username="boss", is_global_admin=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def secret_case(diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Orosanmälan")
    provision = shared_provision()
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title"},
                        public_title="Anmälan", reason="Individärende")
    return case


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_log_is_strictly_read_only(client, boss, registrator):
    entry = audit.log("case.read", actor=registrator, object_type="case", object_id="x", object_label="KS 2026/1")
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 200  # read-only view
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_add"), {"action": "x"}).status_code == 403
    assert client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "changed"}).status_code == 403
    assert client.get(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    # No delete action offered, and none accepted.
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "delete_selected" not in page
    response = client.post(reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk, action="case.read").exists()
    assert response.status_code in (200, 302)
    assert not audit.verify_chain()


def test_swedish_labels_and_columns(client, boss, secret_case, registrator):
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "Sekretessmarkering satt på ärende" in page
    assert secret_case.reference in page
    assert "Alla läsningar" in page  # filter group


def test_who_has_opened_the_case(client, boss, secret_case, diary):
    reader = user_with_role(diary, Role.HANDLAGGARE, username="lasaren")
    queries.get_case(reader, secret_case.pk)  # an audited read
    other = registry.register_case(diary, actor=reader, title="Annat ärende")
    audit.log("case.read", actor=reader, obj=other)
    response = client.get(reverse(CHANGELIST), {"object_id": str(secret_case.pk)})
    html = response.content.decode()
    assert f"Händelser för {secret_case.reference}" in html
    assert "lasaren" in html
    assert other.reference not in html.split("changelist-filter")[0]


def test_the_heading_works_for_a_case_nobody_opened_yet(client, boss, diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Vanligt ärende")
    html = client.get(reverse(CHANGELIST), {"object_id": str(case.pk)}).content.decode()
    assert f"Händelser för {case.reference}" in html


def test_what_has_the_user_opened(client, boss, secret_case, diary):
    reader = user_with_role(diary, Role.HANDLAGGARE, username="nyfiken")
    queries.get_case(reader, secret_case.pk)
    page = client.get(reverse("admin:core_auditentry_user_reads"), {"q": "nyfik"}).content.decode()
    link = reverse(CHANGELIST) + f"?actor__id__exact={reader.pk}&amp;action=grupp%3Alasningar"
    assert link in page
    listing = client.get(reverse(CHANGELIST), {"actor__id__exact": reader.pk, "action": "grupp:lasningar"}).content.decode()
    assert "Vad har nyfiken öppnat?" in listing
    assert "Öppnade ärende" in listing
    # The user-reads page is reachable from the list.
    assert reverse("admin:core_auditentry_user_reads") in client.get(reverse(CHANGELIST)).content.decode()


def test_csv_export_of_the_current_filter(client, boss, registrator):
    audit.log("case.read", actor=registrator, object_type="case", object_id="a", object_label="=HYPERLINK(\"x\")")
    audit.log("signin.failed", actor_name="nagon", object_type="signin", object_label="nagon", ip_address="192.0.2.1")
    response = client.get(reverse("admin:core_auditentry_export"), {"action": "case.read"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:4] == ["Tid", "Nummer", "Användare", "Händelse"]
    assert len(rows) == 2  # header + the one case.read
    assert rows[1][3] == "Öppnade ärende" and rows[1][4] == "case.read"
    assert rows[1][7] == "'=HYPERLINK(\"x\")"  # formula injection neutralised
    exported = AuditEntry.objects.filter(action="audit.exported").get()
    assert exported.actor == boss and exported.details["rows"] == 1 and exported.details["filters"] == {"action": "case.read"}
    # The button on the list carries the current filter.
    page = client.get(reverse(CHANGELIST), {"action": "case.read"}).content.decode()
    assert reverse("admin:core_auditentry_export") + "?action=case.read" in page


def test_csv_export_as_an_admin_action(client, boss, registrator):
    first = audit.log("case.read", actor=registrator, object_type="case", object_id="a", object_label="KS 2026/1")
    audit.log("case.read", actor=registrator, object_type="case", object_id="b", object_label="KS 2026/2")
    response = client.post(reverse(CHANGELIST), {"action": "export_selected", "_selected_action": [first.pk]})
    rows = _rows(response)
    assert [r[7] for r in rows[1:]] == ["KS 2026/1"]
    assert AuditEntry.objects.filter(action="audit.exported", details__how="valda").exists()


def test_viewing_the_log_is_logged(client, boss):
    client.get(reverse(CHANGELIST), {"action": "grupp:inloggningar"})
    entry = AuditEntry.objects.get(action="audit.viewed")
    assert entry.actor == boss and entry.details == {"filters": {"action": "grupp:inloggningar"}}


def test_the_chain_check_button(client, boss, registrator):
    for i in range(3):
        audit.log("case.read", actor=registrator, object_type="case", object_id=str(i), object_label=f"KS 2026/{i}")
    assert reverse("admin:core_auditentry_verify") in client.get(reverse(CHANGELIST)).content.decode()
    ok = client.post(reverse("admin:core_auditentry_verify")).content.decode()
    assert "Granskningsloggen är oförändrad" in ok
    AuditEntry.objects.filter(sequence=2).update(object_label="KS 2026/99")
    broken = client.post(reverse("admin:core_auditentry_verify")).content.decode()
    assert "Kedjan är bruten" in broken and "posten är ändrad" in broken
    assert AuditEntry.objects.filter(action="audit.verified").count() == 2


def test_lokal_admin_sees_only_their_authoritys_objects(client, diary, registrator, secret_case):
    local = user_with_authority_role(diary.authority, Role.LOKAL_ADMIN, username="lokal", is_staff=True)
    elsewhere = DiaryFactory(prefix="BN", authority__organisation=diary.authority.organisation)
    stranger = user_with_role(elsewhere, Role.REGISTRATOR)
    foreign = registry.register_case(elsewhere, actor=stranger, title="Annan nämnd")
    audit.log("case.read", actor=stranger, obj=foreign)
    audit.log("signin.failed", actor_name="x", object_type="signin", object_label="x")
    client.force_login(local)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert secret_case.reference in html
    assert foreign.reference not in html
    assert "Misslyckad inloggning</td>" not in html
    # "Who opened the case?" of another authority's case: nothing.
    other = client.get(reverse(CHANGELIST), {"object_id": str(foreign.pk)}).content.decode()
    assert foreign.reference not in other.split('id="changelist-filter"')[0].split("<h1>")[-1]
    assert "0 loggposter" in other or "0 granskningslogg" in other
    # The chain check is for global administrators.
    assert client.post(reverse("admin:core_auditentry_verify")).status_code == 403
    assert reverse("admin:core_auditentry_verify") not in html


def test_users_without_an_admin_role_see_nothing(client, registrator):
    client.force_login(registrator)
    assert client.get(reverse(CHANGELIST)).status_code in (302, 403)
    assert client.get(reverse("admin:core_auditentry_export")).status_code in (302, 403)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:core_auditentry_export")).status_code == 403


def test_the_user_filter_lists_recent_users_and_survives_bad_input(client, boss, diary):
    reader = user_with_role(diary, Role.HANDLAGGARE, username="senast")
    audit.log("case.read", actor=reader, object_type="case", object_id="a", object_label="KS 2026/5")
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert f"?actor__id__exact={reader.pk}" in html
    assert client.get(reverse(CHANGELIST), {"actor__id__exact": "abc"}).status_code == 200
    assert client.get(reverse("admin:core_auditentry_export"), {"actor__id__exact": "abc"}).status_code == 200


def test_lokal_admin_sees_their_authoritys_access_group_changes(client, diary):
    from knutpunkt.access import services as access_services
    from tests.factories import AuthorityFactory

    local = user_with_authority_role(diary.authority, Role.LOKAL_ADMIN, username="lokal2", is_staff=True)
    boss = UserFactory(is_global_admin=True)
    access_services.create_group(diary.authority, "Egen grupp", actor=local)
    access_services.create_group(AuthorityFactory(organisation=diary.authority.organisation), "Främmande grupp", actor=boss)
    client.force_login(local)
    html = client.get(reverse(CHANGELIST), {"action": "grupp:behorigheter"}).content.decode()
    assert "Egen grupp" in html
    assert "Främmande grupp" not in html
