"""Fixtures for the staff pages: a signed-in registrator in diary KS, and a secret
case in another diary that the registrator must never see."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knutpunkt.files import services as file_services
from knutpunkt.organisations.models import Role
from knutpunkt.registry import services
from knutpunkt.registry.models import Document
from tests.factories import DiaryFactory, user_with_role

SECRET_MARKER = "HEMLIGMARKÖR-7f3a9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name="ansökan.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def reg_client(client, registrator):
    client.force_login(registrator)
    return client


@pytest.fixture
def case(diary, registrator):
    return services.register_case(diary, actor=registrator, title="Bygglov för carport på Storgatan 1")


@pytest.fixture
def document_with_file(case, registrator):
    document = services.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan om bygglov")
    file = file_services.add_file(document, upload().file, "ritning åäö.pdf", actor=registrator)
    return document, file


@pytest.fixture
def other_diary(diary):
    return DiaryFactory(prefix="SN", authority__organisation=diary.authority.organisation)


@pytest.fixture
def secret(other_diary):
    """A case, document and file in diary SN, with a marker in every title."""
    owner = user_with_role(other_diary, Role.REGISTRATOR)
    case = services.register_case(other_diary, actor=owner, title=f"Orosanmälan {SECRET_MARKER}", opened_date=dt.date.today())
    services.add_deadline(case, actor=owner, due_date=dt.date.today(), description=f"Följ upp {SECRET_MARKER}", assigned_to=None)
    document = services.register_document(actor=owner, case=case, direction=Document.Direction.INCOMING, title=f"Anmälan {SECRET_MARKER}")
    file = file_services.add_file(document, upload(content=PDF + SECRET_MARKER.encode()).file, f"{SECRET_MARKER}.pdf", actor=owner)
    return {"owner": owner, "case": case, "document": document, "file": file}


# --- secrecy ------------------------------------------------------------------------------

@pytest.fixture
def sol_provision(db):
    from knutpunkt.access.models import LegalProvision

    return LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")


@pytest.fixture
def health_provision(db):
    from knutpunkt.access.models import LegalProvision

    return LegalProvision.objects.get(organisation=None, reference="21 kap. 1 §")


@pytest.fixture
def reader(diary):
    """A läsare in KS: sees open cases fully, marked ones masked."""
    return user_with_role(diary, Role.LASARE)


def mark(obj, actor, provision, parts=("title",), public_title="Ansökan om ekonomiskt bistånd", reason="Socialtjänstärende"):
    from knutpunkt.registry import secrecy

    return secrecy.set_marking(obj, actor=actor, provisions=[provision], secret_parts=set(parts), reason=reason,
                               public_title=public_title if "title" in parts else "")


def html_of(response) -> str:
    return response.content.decode()
