import datetime as dt
from collections import defaultdict

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.files.storage import default_storage

from knutpunkt.access import policy
from knutpunkt.classification.models import ClassificationScheme
from knutpunkt.core import clock
from knutpunkt.demo import content, loader
from knutpunkt.files import services as file_services
from knutpunkt.files.models import File
from knutpunkt.organisations.models import Authority, Diary, NumberSeries, Organisation, Role, RoleAssignment, Unit, User
from knutpunkt.registry import queries
from knutpunkt.registry.identity import normalise_org_number, normalise_personal_number
from knutpunkt.registry.models import Case, CaseEvent, Document, Party
from tests.demo.conftest import END, tiny_structure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_authorities_diaries_and_units(small_demo):
    org = Organisation.objects.get(short_name="exempelby")
    assert org.name == "Exempelby kommun"
    authorities = {a.code: a for a in Authority.objects.filter(organisation=org)}
    assert sorted(authorities) == ["BN", "KF", "KS", "MN", "SN", "TN"]
    assert authorities["BN"].name == "Byggnadsnämnden" and authorities["MN"].name == "Miljönämnden"
    assert authorities["KF"].kind == Authority.Kind.FULLMAKTIGE and authorities["KS"].kind == Authority.Kind.STYRELSE
    diaries = {d.prefix: d for d in Diary.objects.filter(authority__organisation=org)}
    assert sorted(diaries) == sorted(authorities)
    assert all(d.authority.code == prefix for prefix, d in diaries.items())
    assert Unit.objects.get(code="BYGG").parent.name == "Samhällsbyggnadsförvaltningen"
    assert ClassificationScheme.objects.get(organisation=org).status == ClassificationScheme.Status.ACTIVE


def test_users_roles_and_passwords(small_demo):
    users = {u.username: u for u in User.objects.all()}
    for username in ("admin", "registrator", "handlaggare", "lasare", "arkivarie", "lokaladmin"):
        user = users[username]
        assert user.check_password(content.DEMO_PASSWORD), username
        validate_password(content.DEMO_PASSWORD, user)  # the README's password passes the validators
    assert users["admin"].is_global_admin and users["admin"].is_superuser

    def roles(username):
        return {(ra.role, ra.authority.code) for ra in RoleAssignment.objects.filter(user=users[username]).select_related("authority")}

    codes = {"KF", "KS", "BN", "MN", "SN", "TN"}
    assert roles("registrator") == {(Role.REGISTRATOR, c) for c in codes}
    assert roles("arkivarie") == {(Role.ARKIVARIE, c) for c in codes}
    assert roles("handlaggare") == {(Role.HANDLAGGARE, "BN"), (Role.HANDLAGGARE, "MN")}
    assert roles("lasare") == {(Role.LASARE, "KF"), (Role.LASARE, "KS")}
    assert roles("lokaladmin") == {(Role.LOKAL_ADMIN, "KF"), (Role.LOKAL_ADMIN, "KS")}
    assert users["lokaladmin"].is_staff and users["arkivarie"].is_staff and not users["handlaggare"].is_staff
    # Every officer may work in the diaries of the cases they hold.
    for case in Case.objects.select_related("officer"):
        assert policy.may_edit_case(case.officer, case), case.reference


def test_numbering_is_gap_free_per_diary_and_year(small_demo):
    numbers = defaultdict(list)
    for diary, year, number in Case.objects.values_list("diary__prefix", "year", "number"):
        numbers[(diary, year)].append(number)
    assert {year for _d, year in numbers} == {2025, 2026}
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), key
        series = NumberSeries.objects.get(diary__prefix=key[0], year=key[1], kind=NumberSeries.Kind.CASE)
        assert series.last_number == len(found)
    # Case numbers follow the registration order within each series.
    for case in Case.objects.all():
        assert case.reference == f"{case.diary.prefix} {case.year}/{case.number}"
        assert case.year == clock.today().year or case.registered_at.year == case.year
    for case in Case.objects.prefetch_related("documents"):
        docs = sorted(d.number for d in case.documents.all())
        assert docs == list(range(1, len(docs) + 1)), case.reference
        assert 1 <= len(docs) <= 5
    loose = defaultdict(list)
    for prefix, year, number in Document.objects.filter(case__isnull=True).values_list("diary__prefix", "registered_at__year", "number"):
        loose[(prefix, year)].append(number)
    assert loose, "some documents are kept without a case"
    for key, found in loose.items():
        assert sorted(found) == list(range(1, len(found) + 1)), key


def test_spread_over_two_years_and_mostly_closed(small_demo):
    cases = list(Case.objects.all())
    assert small_demo.cases == len(cases) == 40
    first, last = min(c.registered_at for c in cases), max(c.registered_at for c in cases)
    assert first.year == 2025 and last <= END and (last - first).days > 300
    assert all(c.registered_at.weekday() < 5 for c in cases)
    closed = [c for c in cases if c.status == Case.Status.CLOSED]
    assert 0.4 <= len(closed) / len(cases) <= 0.8
    for case in closed:
        assert case.closed_at >= case.registered_at
    assert Case.objects.filter(voided_at__isnull=False).count() == 2
    for case in cases:
        times = list(case.events.order_by("sequence").values_list("occurred_at", flat=True))
        assert times == sorted(times) and times[0] == case.registered_at
    assert not CaseEvent.objects.filter(occurred_at__gt=END).exists()


def test_files_are_stored_and_intact(small_demo):
    documents = Document.objects.prefetch_related("files__current_version__blob")
    assert small_demo.files == File.objects.count() >= documents.count()
    for document in documents:
        assert document.files.exists(), document.reference
    mime_types = set()
    for file in File.objects.select_related("current_version__blob"):
        blob = file.current_version.blob
        assert default_storage.exists(blob.storage_name)
        assert file_services.verify_blob(blob) is None
        mime_types.add(blob.mime_type)
    assert "application/pdf" in mime_types and "text/plain" in mime_types


def test_parties_have_valid_identity_numbers(small_demo):
    parties = Party.objects.all()
    assert parties.filter(kind=Party.Kind.PERSON).exclude(personal_number="").exists()
    assert parties.filter(kind=Party.Kind.ORGANISATION).exclude(org_number="").exists()
    for party in parties:
        if party.personal_number:
            assert normalise_personal_number(party.personal_number) == party.personal_number
        if party.org_number:
            assert normalise_org_number(party.org_number) == party.org_number


def test_parties_are_not_shared_across_authorities(small_demo):
    authorities = defaultdict(set)
    for party_id, code in Party.objects.values_list("pk", "case_links__case__diary__authority__code"):
        if code:
            authorities[party_id].add(code)
    for party_id, code in Party.objects.values_list("pk", "correspondence__document__diary__authority__code"):
        if code:
            authorities[party_id].add(code)
    assert authorities and all(len(codes) == 1 for codes in authorities.values())


def test_social_services_cases_with_persons_are_marked_secret(small_demo):
    from tests.factories import user_with_role

    secret = Case.objects.filter(parties_secret=True)
    assert small_demo.secret_cases == secret.count() >= 1
    assert set(secret.values_list("diary__prefix", flat=True)) == {"SN"}
    reader = user_with_role(Diary.objects.get(prefix="SN"), Role.LASARE)
    registrator = User.objects.get(username="registrator")
    for case in secret:
        assert policy.case_view(registrator, case).full
        view = policy.case_view(reader, case)
        assert not view.full and not view.parties and view.title
        for document in case.documents.filter(correspondents__isnull=False, voided_at__isnull=True):
            assert not policy.document_view(reader, document).files


def test_classification_is_used_where_it_fits(small_demo):
    bygglov = Case.objects.filter(title__startswith="Bygglov")
    for case in bygglov:
        assert case.process.title == "Pröva lov och förhandsbesked" and case.case_type.title == "Bygglov"
    typed = Document.objects.filter(document_type__isnull=False)
    assert typed.exists()
    assert all(d.document_type.process.scheme.organisation.short_name == "exempelby" for d in typed)


def test_readers_see_only_their_diaries(small_demo):
    lasare = User.objects.get(username="lasare")
    seen = set(queries.cases_for(lasare).values_list("diary__prefix", flat=True))
    assert seen <= {"KF", "KS"}
    assert not queries.cases_for(UserFactory()).exists()
    assert not queries.documents_for(UserFactory()).exists()
    assert queries.cases_for(User.objects.get(username="admin")).count() == 40


def test_loads_once(small_demo):
    with pytest.raises(loader.AlreadyLoaded):
        loader.load_demo(cases=5, end=END, structure=tiny_structure)
    assert Organisation.objects.filter(short_name="exempelby").count() == 1


def test_plan_is_deterministic():
    def plan(seed):
        start = END - dt.timedelta(days=500)
        return [(p.authority, p.template[0], p.registered, p.doc_count, p.closes) for p in loader._Loader(loader.random.Random(seed), start, END, print).plan(60)]

    assert plan(3) == plan(3)
    assert plan(3) != plan(4)


def test_clock_is_real_again_afterwards(small_demo):
    assert abs((clock.now() - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 60
