import pytest

from tests.factories import DiaryFactory, SchemeFactory, case_type_in, document_type_in, process_in, user_with_role
from knutpunkt.organisations.models import Role


@pytest.fixture
def diary(db):
    return DiaryFactory(prefix="KS")


@pytest.fixture
def registrator(diary):
    return user_with_role(diary, Role.REGISTRATOR)


@pytest.fixture
def scheme(diary):
    return SchemeFactory(organisation=diary.authority.organisation)


@pytest.fixture
def process(scheme):
    return process_in(scheme, "1.1.1.1", "Hantera bygglov")


@pytest.fixture
def case_type(process):
    return case_type_in(process)


@pytest.fixture
def document_type(process):
    return document_type_in(process)


_TRANSACTIONAL = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Seed rows that data migrations create (the shared OSL provisions, the audit
    chain's head) are wiped by transactional tests, which flush the database after
    each test. Put them back for any test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not (marker or "db" in names or names & _TRANSACTIONAL):
        yield
        return
    transactional = bool(names & _TRANSACTIONAL) or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from knutpunkt.access.models import LegalProvision
    from knutpunkt.access.seed import seed_legal_provisions
    from knutpunkt.core.models import AuditChainHead

    if not LegalProvision.objects.filter(organisation=None).exists():
        seed_legal_provisions(LegalProvision)
    AuditChainHead.objects.get_or_create(pk=1)
    yield
