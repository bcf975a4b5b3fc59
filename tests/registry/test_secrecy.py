"""Secrecy services and what the policy then answers, reader by reader."""

import datetime as dt

import pytest

from knutpunkt.access import policy
from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.access.policy import Visibility
from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import secrecy, services
from knutpunkt.registry.models import Case, PersonalDataLevel
from tests.factories import DiaryFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sn_provision():
    return LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")


@pytest.fixture
def case(diary, registrator):
    return services.register_case(diary, actor=registrator, title="Ansökan om bistånd för Kalle Hemlig")


def test_seeded_provisions_exist():
    assert LegalProvision.objects.filter(organisation=None).count() >= 20
    assert LegalProvision.objects.get(reference="26 kap. 1 §").chapter == 26


def test_marking_needs_provision_and_public_title(case, registrator, sn_provision):
    with pytest.raises(RuleViolation) as err:
        secrecy.set_marking(case, actor=registrator, provisions=[], secret_parts={"title"}, reason="SoL", public_title="X")
    assert err.value.code == "provision_required"
    with pytest.raises(RuleViolation) as err:
        secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"title"}, reason="SoL")
    assert err.value.code == "public_title_required"
    with pytest.raises(RuleViolation) as err:
        secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"title"}, reason="", public_title="Bistånd")
    assert err.value.code == "reason_required"
    case.refresh_from_db()
    assert not case.is_secret


def test_expired_provision_refused(case, registrator):
    old = LegalProvision.objects.create(reference="99 kap. 1 §", short_title="Upphävd", valid_to=dt.date(2020, 1, 1))
    with pytest.raises(RuleViolation) as err:
        secrecy.set_marking(case, actor=registrator, provisions=[old], secret_parts={"description"}, reason="x")
    assert err.value.code == "expired_provision"


def test_masked_reader_sees_public_title_only(diary, case, registrator, sn_provision):
    secrecy.set_marking(
        case, actor=registrator, provisions=[sn_provision], secret_parts={"title", "parties"}, reason="SoL-ärende",
        public_title="Ansökan om ekonomiskt bistånd",
    )
    case.refresh_from_db()
    reader = user_with_role(diary, Role.LASARE)
    view = policy.case_view(reader, case)
    assert view.level == Visibility.MASKED and not view.title and not view.parties and view.description
    assert policy.shown_title(case, view) == "Ansökan om ekonomiskt bistånd"
    assert policy.case_view(registrator, case).full
    outsider = user_with_role(DiaryFactory(), Role.REGISTRATOR)
    assert policy.case_view(outsider, case).hidden
    # The database form agrees, field by field.
    assert not Case.objects.filter(policy.field_filter(reader, "case", "title")).filter(pk=case.pk).exists()
    assert Case.objects.filter(policy.case_filter(reader)).filter(pk=case.pk).exists()
    assert not Case.objects.filter(policy.case_filter(outsider)).filter(pk=case.pk).exists()


def test_restriction_limits_full_view_to_insiders(diary, case, registrator):
    officer = user_with_role(diary, Role.HANDLAGGARE)
    colleague = user_with_role(diary, Role.HANDLAGGARE)
    member = user_with_role(diary, Role.LASARE)
    services.update_case(case, actor=registrator, reason="Fördelning", officer=officer)
    group = AccessGroup.objects.create(authority=diary.authority, name="Utredare")
    group.members.add(member)
    secrecy.set_restriction(case, actor=registrator, restricted=True, access_groups=[group], reason="Känsligt")
    case.refresh_from_db()
    for who in (officer, registrator, member):
        policy.forget(who)
        assert policy.case_view(who, case).full, who
    view = policy.case_view(colleague, case)
    assert view.level == Visibility.MASKED and not view.description and not view.parties and not view.files
    assert not policy.may_edit_case(colleague, case)
    assert set(Case.objects.filter(policy.field_filter(member, "case", "full")).values_list("pk", flat=True)) == {case.pk}


def test_group_from_other_authority_refused(case, registrator):
    foreign = AccessGroup.objects.create(authority=DiaryFactory().authority, name="Annan")
    with pytest.raises(RuleViolation) as err:
        secrecy.set_restriction(case, actor=registrator, restricted=True, access_groups=[foreign], reason="x")
    assert err.value.code == "group_other_authority"


def test_personal_data_protected_hides_parties_from_readers(diary, case, registrator):
    secrecy.set_personal_data_level(case, PersonalDataLevel.PROTECTED, actor=registrator, reason="Känsliga uppgifter")
    case.refresh_from_db()
    reader = user_with_role(diary, Role.LASARE)
    view = policy.case_view(reader, case)
    assert view.level == Visibility.MASKED and not view.parties and view.title


def test_protected_identity_needs_explicit_right(diary, registrator):
    from knutpunkt.registry.models import Party

    party = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Skyddad", last_name="Person", is_protected_identity=True)
    assert policy.party_name(registrator, party, diary.pk) == "Skyddad identitet"
    RoleAssignment.objects.filter(user=registrator).update(protected_identity_access=True)
    policy.forget(registrator)
    assert policy.party_name(registrator, party, diary.pk) == "Skyddad Person"


def test_reader_cannot_mark(diary, case, sn_provision):
    reader = user_with_role(diary, Role.LASARE)
    with pytest.raises(PermissionDenied):
        secrecy.set_marking(case, actor=reader, provisions=[sn_provision], secret_parts={"description"}, reason="x")


def test_marking_replaced_and_revoked_keeps_history(case, registrator, sn_provision):
    secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"description"}, reason="Första")
    secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"files"}, reason="Andra")
    case.refresh_from_db()
    assert case.files_secret and not case.description_secret
    secrecy.revoke_marking(case, actor=registrator, reason="Sekretessen har upphört")
    case.refresh_from_db()
    assert not case.is_secret
    assert case.secrecy_markings.count() == 2 and not case.secrecy_markings.filter(revoked_at__isnull=True).exists()
    assert list(case.events.filter(type__startswith="case.secrecy").values_list("type", flat=True)) == [
        "case.secrecy_marked", "case.secrecy_marked", "case.secrecy_revoked",
    ]


def test_search_matches_secret_text_only_for_full_readers(diary, case, registrator, sn_provision):
    from knutpunkt.registry.queries import CaseSearch, search_cases
    from knutpunkt.search.queries import filtered_cases

    secrecy.set_marking(
        case, actor=registrator, provisions=[sn_provision], secret_parts={"title"}, reason="SoL", public_title="Ekonomiskt bistånd",
    )
    reader = user_with_role(diary, Role.LASARE)
    assert list(filtered_cases(registrator, "Hemlig")) == [case]
    assert list(filtered_cases(reader, "Hemlig")) == []
    assert list(filtered_cases(reader, "bistånd")) == [case]
    # Text is the search engine's: the registry refuses it rather than dropping it.
    with pytest.raises(ValueError, match="search.queries"):
        search_cases(reader, CaseSearch(text="bistånd"))
    assert list(search_cases(reader, CaseSearch(text="  "))) == [case]


def test_party_search_respects_protected_identity_and_secret_parties(diary, case, registrator, sn_provision):
    from knutpunkt.registry.models import Party
    from knutpunkt.registry.queries import CaseSearch, search_cases

    party = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Greta", last_name="Skyddadsson", is_protected_identity=True)
    services.add_party(case, party, "sokande", actor=registrator)
    assert list(search_cases(registrator, CaseSearch(party="Skyddadsson"))) == []
    RoleAssignment.objects.filter(user=registrator).update(protected_identity_access=True)
    policy.forget(registrator)
    assert list(search_cases(registrator, CaseSearch(party="Skyddadsson"))) == [case]
    other = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Olle", last_name="Öppen")
    services.add_party(case, other, "motpart", actor=registrator)
    reader = user_with_role(diary, Role.LASARE)
    assert list(search_cases(reader, CaseSearch(party="Öppen"))) == [case]
    secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"parties"}, reason="SoL")
    assert list(search_cases(reader, CaseSearch(party="Öppen"))) == []


def test_opening_a_secret_case_is_audited(diary, case, registrator, sn_provision):
    from knutpunkt.core.models import AuditEntry
    from knutpunkt.registry import queries

    queries.get_case(registrator, case.pk)
    assert not AuditEntry.objects.filter(action="case.read").exists()  # open case: not logged
    secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"description"}, reason="SoL")
    reader = user_with_role(diary, Role.LASARE)
    queries.get_case(reader, case.reference)
    entry = AuditEntry.objects.get(action="case.read")
    assert entry.actor == reader and entry.object_label == case.reference and entry.details == {"visibility": "masked"}


def test_parties_shown_per_policy_and_protected_identity_reads_logged(diary, case, registrator):
    from knutpunkt.core.models import AuditEntry
    from knutpunkt.registry import queries
    from knutpunkt.registry.models import Party

    secret_person = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Sigrid", last_name="Skydd", is_protected_identity=True)
    services.add_party(case, secret_person, "sokande", actor=registrator)
    rows = queries.case_parties(registrator, case)
    assert [r.shown_name for r in rows] == ["Skyddad identitet"] and not rows[0].identity_visible
    assert not AuditEntry.objects.filter(action="party.identity_read").exists()
    RoleAssignment.objects.filter(user=registrator).update(protected_identity_access=True)
    policy.forget(registrator)
    rows = queries.case_parties(registrator, case)
    assert rows[0].shown_name == "Sigrid Skydd"
    assert AuditEntry.objects.filter(action="party.identity_read", actor=registrator).count() == 1


def test_masked_timeline_hides_details(diary, case, registrator, sn_provision):
    from knutpunkt.registry import queries

    services.update_case(case, actor=registrator, reason="Namnet rättat: Kalle Hemlig", title="Ansökan om bistånd för K. Hemlig")
    secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"title"}, reason="SoL", public_title="Bistånd")
    reader = user_with_role(diary, Role.LASARE)
    events = queries.case_events(reader, case)
    text = repr([(e.type, e.data, e.reason) for e in events])
    assert "Hemlig" not in text and "case.updated" in text
    assert "Hemlig" in repr([(e.data, e.reason) for e in queries.case_events(registrator, case)])


def test_party_reuse_stops_at_the_authority_boundary(diary, registrator):
    from knutpunkt.registry.parties import PartyInput, find_or_create_party

    org = diary.authority.organisation
    social = DiaryFactory(prefix="SN", authority__organisation=org)
    social_registrator = user_with_role(social, Role.REGISTRATOR)
    data = dict(kind="person", personal_number="19121212-1212", first_name="Tolvan", last_name="Tolvansson")
    sn_party = find_or_create_party(org, PartyInput(**data, contact={"street_address": "Hemliga vägen 1"}), authority=social.authority)
    services.register_case(social, actor=social_registrator, title="Bistånd", parties=[(sn_party, "sokande")])
    ks_party = find_or_create_party(org, PartyInput(**data), authority=diary.authority)
    assert ks_party.pk != sn_party.pk and ks_party.street_address == ""
    services.register_case(diary, actor=registrator, title="Medborgarförslag", parties=[(ks_party, "sokande")])
    assert find_or_create_party(org, PartyInput(**data), authority=diary.authority).pk == ks_party.pk


def test_a_file_marked_secret_on_its_own_needs_full_view(diary, case, registrator):
    import io

    from knutpunkt.core.errors import NotFound
    from knutpunkt.files import queries as file_queries
    from knutpunkt.files import services as file_services
    from knutpunkt.registry.models import Document

    doc = services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Läkarintyg")
    open_file = file_services.add_file(doc, io.BytesIO(b"oppen"), "oppen.txt", actor=registrator)
    secret_file = file_services.add_file(doc, io.BytesIO(b"hemlig"), "intyg.txt", actor=registrator)
    type(secret_file).objects.filter(pk=secret_file.pk).update(is_secret=True)
    secrecy.set_personal_data_level(doc, PersonalDataLevel.PROTECTED, actor=registrator, reason="Hälsouppgifter")
    reader = user_with_role(diary, Role.LASARE)
    doc.refresh_from_db()
    assert list(file_queries.files_of(reader, doc)) == [open_file]
    assert file_queries.get_file(reader, open_file.pk) == open_file
    with pytest.raises(NotFound):
        file_queries.get_file(reader, secret_file.pk)
    with pytest.raises(NotFound):
        file_queries.get_file(reader, "inte-ett-id")
    assert len(file_queries.files_of(registrator, doc)) == 2


def test_parties_for_respects_parts_and_protected_identity(diary, case, registrator, sn_provision):
    from knutpunkt.registry.models import Party
    from knutpunkt.registry.queries import parties_for

    open_party = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Öppen", last_name="Part")
    hidden_identity = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Dold", last_name="Part", is_protected_identity=True)
    services.add_party(case, open_party, "sokande", actor=registrator)
    services.add_party(case, hidden_identity, "motpart", actor=registrator)
    reader = user_with_role(diary, Role.LASARE)
    assert set(parties_for(reader)) == {open_party}
    secrecy.set_marking(case, actor=registrator, provisions=[sn_provision], secret_parts={"parties"}, reason="SoL")
    assert set(parties_for(reader)) == set()
    assert set(parties_for(registrator)) == {open_party}
    outsider = user_with_role(DiaryFactory(), Role.REGISTRATOR)
    assert set(parties_for(outsider)) == set()
