import base64
import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from knutpunkt.organisations.models import Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import CaseParty
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import DiaryFactory, user_with_role

TODAY = dt.date.today()
YEAR = TODAY.year


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files of each test on their own disk area (disk writes are not rolled back)."""
    root = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Throttle counters live in the process-wide cache; start each test from zero."""
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(registrator):
    return client_for(registrator)


@pytest.fixture
def other_diary(diary):
    """A diary of another authority in the same organisation (a secrecy boundary)."""
    return DiaryFactory(prefix="SN", authority__organisation=diary.authority.organisation)


@pytest.fixture
def outsider(other_diary):
    """A registrator with every role in another diary and none in KS."""
    return user_with_role(other_diary, Role.REGISTRATOR)


@pytest.fixture
def outsider_api(outsider):
    return client_for(outsider)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def registration_body(**overrides) -> dict:
    body = {
        "diary": "KS",
        "case": None,
        "case_title": "Bygglov för carport, Exempelby 1:23",
        "case_description": "",
        "process": None,
        "case_type": None,
        "officer": None,
        "without_case": False,
        "document": {"direction": "inkommande", "title": "Ansökan om bygglov", "document_type": None, "document_date": TODAY.isoformat()},
        "parties": [
            {"role": "sokande", "kind": "person", "personal_number": "19121212-1212", "first_name": "Tolvan",
             "last_name": "Tolvansson", "street_address": "Storgatan 1", "postal_code": "123 45", "city": "Exempelby",
             "email": "tolvan@example.se", "phone": "070-123 45 67"},
        ],
        "correspondents": [],
        "files": [{"filename": "ansokan.txt", "content_base64": b64("Jag ansöker om bygglov.".encode())}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def case_with_party(diary, registrator):
    party = find_or_create_party(
        diary.authority.organisation,
        PartyInput(kind="person", personal_number="19900101-0017", first_name="Greta", last_name="Garbo", contact={"city": "Exempelby"}),
    )
    return registry.register_case(diary, actor=registrator, title="Strandskyddsdispens Sjövik 2:1", parties=[(party, CaseParty.Role.APPLICANT)])


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance", "code", "errors"}
    assert body["status"] == status
    assert body["type"].endswith(body["code"])
    assert "Traceback" not in response.content.decode()
    if code is not None:
        assert body["code"] == code, body
    return body
