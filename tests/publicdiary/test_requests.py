"""Begäran om allmän handling from the public form: receipt, registration as an
incoming document in the receiving diary, deadline in working days, status link, and
the registrators' queue."""

import datetime as dt
import re

import pytest

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.core import clock
from knutpunkt.organisations.models import Role
from knutpunkt.publicdiary import disclosure, services
from knutpunkt.publicdiary.models import DisclosureRequest, PublishedEntry
from knutpunkt.publicdiary.workdays import add_working_days, easter_sunday, holidays, is_working_day
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document
from tests.factories import DiaryFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiving(diary, publication):
    """Requests go to the authority's own registry diary (RS), not the published KS."""
    rs = DiaryFactory(authority=diary.authority, prefix="RS", name="Registraturens diarium")
    publication.request_diary = rs
    publication.request_deadline_days = 1
    publication.save()
    return rs


@pytest.fixture
def case_entry(diary, registrator, publication):
    case = registry.register_case(diary, actor=registrator, title="Detaljplan Södra udden")
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Yttrande")
    services.project(case)
    services.project(doc)
    return PublishedEntry.objects.get(object_id=case.pk), PublishedEntry.objects.get(object_id=doc.pk)


def test_request_registered_as_incoming_document_with_receipt(client, case_entry, receiving, deliver):
    case, doc = case_entry
    r = client.post(f"/diarium/begar/{case.object_id}/", {
        "entries": [str(doc.object_id)], "email": "journalist@example.se", "delivery": "epost", "message": "Tack",
    })
    assert r.status_code == 302
    req = DisclosureRequest.objects.get()
    assert req.diary == receiving and req.status == DisclosureRequest.Status.RECEIVED and req.name == ""
    document = req.document
    assert document.diary == receiving and document.case is None and document.direction == Document.Direction.INCOMING
    assert document.personal_data_level == PersonalDataLevel.EXTERNAL
    assert req.reference == document.reference and doc.reference in document.title
    assert document.registered_by.first_name == "Webbformulär" and not document.registered_by.has_usable_password()
    assert document.files.count() == 1
    # The receipt: reference and the private status link.
    receipt = client.get(r["Location"])
    body = receipt.content.decode()
    assert receipt.status_code == 200 and req.reference in body and "Spara länken" in body
    assert receipt["X-Robots-Tag"] == "noindex" and "no-store" in receipt["Cache-Control"]
    token = re.search(r"/diarium/begaran/([^/]+)/", r["Location"]).group(1)
    assert len(token) >= 43 and req.token_hash != token
    # The requester is never published, even after the delay.
    deliver()
    assert not PublishedEntry.objects.filter(object_id=document.pk).exists()
    assert services.project(document).state == "removed"


def test_status_link_shows_status_and_nothing_else(client, case_entry, receiving, registrator):
    case, doc = case_entry
    r = client.post(f"/diarium/begar/{doc.object_id}/", {"entries": [str(doc.object_id)], "phone": "08-123 456 78", "delivery": "lasa"})
    url = r["Location"].split("?")[0]
    other = client.post(f"/diarium/begar/{doc.object_id}/", {
        "entries": [str(doc.object_id)], "name": "Annan Person", "email": "annan@example.se", "delivery": "epost",
    })
    assert other.status_code == 302
    page = client.get(url).content.decode()
    assert "Mottagen" in page and "Annan Person" not in page and "annan@example.se" not in page
    req = DisclosureRequest.objects.get(phone__startswith="08")
    disclosure.set_status(req.pk, DisclosureRequest.Status.ANSWERED, actor=user_with_role(receiving, Role.REGISTRATOR))
    assert "Besvarad" in client.get(url).content.decode()
    assert client.get("/diarium/begaran/gissat-token/").status_code == 404
    assert client.get("/diarium/begaran/" + "x" * 500 + "/").status_code == 404


@pytest.mark.parametrize("data, field, message", [
    ({}, None, "Ange minst ett sätt att nå dig"),
    ({"email": "inte-en-adress"}, "email", "namn@exempel.se"),
    ({"postal_address": "x"}, "postal_address", "hela postadressen"),
    ({"phone": "12"}, "phone", "riktnummer"),
    ({"phone": "08-123 456 78", "delivery": "epost"}, "email", "Ange en e-postadress om du vill få handlingarna med e-post"),
    ({"phone": "08-123 456 78", "delivery": "post"}, "postal_address", "Ange en postadress"),
])
def test_bad_contact_gives_a_message_and_saves_nothing(client, case_entry, receiving, data, field, message):
    _, doc = case_entry
    documents_before = Document.objects.count()
    r = client.post(f"/diarium/begar/{doc.object_id}/", {"entries": [str(doc.object_id)], "delivery": "lasa", **data})
    body = r.content.decode()
    assert r.status_code == 200 and message in body and "Fel: " in body
    assert not DisclosureRequest.objects.exists() and Document.objects.count() == documents_before


def test_anonymity_is_stated_on_the_form(client, case_entry, receiving):
    case, _ = case_entry
    body = client.get(f"/diarium/begar/{case.object_id}/").content.decode()
    assert "rätt att vara anonym" in body and "Yttrande" in body


def test_deadline_skips_weekends_and_holidays(client, case_entry, receiving, monkeypatch):
    friday = dt.date(2026, 11, 20)
    assert friday.weekday() == 4
    monkeypatch.setattr(clock, "today", lambda: friday)
    _, doc = case_entry
    client.post(f"/diarium/begar/{doc.object_id}/", {"entries": [str(doc.object_id)], "email": "a@example.se", "delivery": "epost"})
    assert DisclosureRequest.objects.get().deadline == dt.date(2026, 11, 23)  # Monday


def test_working_days():
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)  # skärtorsdag → past långfredag and annandag påsk
    assert add_working_days(dt.date(2026, 12, 23), 1) == dt.date(2026, 12, 28)
    assert add_working_days(dt.date(2026, 6, 18), 1) == dt.date(2026, 6, 22)  # midsommarafton 19 juni
    assert add_working_days(dt.date(2026, 11, 21), 2) == dt.date(2026, 11, 24)
    assert dt.date(2026, 10, 31) in holidays(2026) and not is_working_day(dt.date(2026, 6, 6))


def test_staff_queue_only_for_registrators_of_the_receiving_diary(client, case_entry, receiving, diary):
    _, doc = case_entry
    client.post(f"/diarium/begar/{doc.object_id}/", {"entries": [str(doc.object_id)], "email": "a@example.se", "delivery": "epost"})
    req = DisclosureRequest.objects.get()
    assert client.get("/diarium/handlaggning/").status_code == 302  # login first

    outsider = user_with_role(DiaryFactory(prefix="XX"), Role.REGISTRATOR)
    client.force_login(outsider)
    assert req.reference not in client.get("/diarium/handlaggning/").content.decode()
    assert client.post(f"/diarium/handlaggning/{req.pk}/status/", {"status": "avslag"}).status_code == 404
    reader = user_with_role(receiving, Role.LASARE)
    client.force_login(reader)
    assert req.reference not in client.get("/diarium/handlaggning/").content.decode()

    registrator = user_with_role(receiving, Role.REGISTRATOR)
    client.force_login(registrator)
    page = client.get("/diarium/handlaggning/").content.decode()
    assert req.reference in page and "Skyndsamt" in page and "a@example.se" in page
    r = client.post(f"/diarium/handlaggning/{req.pk}/status/", {"status": "under_handlaggning"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == DisclosureRequest.Status.IN_PROGRESS and req.status_changed_by == registrator
    client.post(f"/diarium/handlaggning/{req.pk}/status/", {"status": "besvarad"})
    row = f'id="status-{req.pk}"'
    assert row not in client.get("/diarium/handlaggning/").content.decode()
    assert row in client.get("/diarium/handlaggning/?visa=alla").content.decode()
