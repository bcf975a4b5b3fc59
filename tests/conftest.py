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
