"""One file of a document marked secret on its own: who may, what it needs, what it
records — and that a masked reader then neither sees nor downloads it."""

import io

import pytest

from knutpunkt.access import policy
from knutpunkt.access.models import LegalProvision
from knutpunkt.access.policy import Visibility
from knutpunkt.core.errors import NotFound, PermissionDenied, RuleViolation
from knutpunkt.core.models import AuditEntry
from knutpunkt.files import queries, services
from knutpunkt.organisations.models import Role
from knutpunkt.registry import secrecy
from knutpunkt.registry.models import CaseEvent
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

SECRET_NAME = "läkarintyg-Kalle-Hemlig.pdf"


@pytest.fixture
def marked(document, registrator):
    """A document whose description is secret (so a läsare sees it masked), with an
    open file and the file that is to be marked."""
    provision = LegalProvision.objects.get(organisation=None, reference="21 kap. 1 §")
    secrecy.set_marking(document, actor=registrator, provisions=[provision], secret_parts={"description"}, reason="Hälsouppgifter")
    open_file = services.add_file(document, io.BytesIO(b"ritning"), "ritning.pdf", actor=registrator)
    health = services.add_file(document, io.BytesIO(b"intyg"), SECRET_NAME, actor=registrator)
    return document, open_file, health


def test_registrator_marks_one_file_and_a_reader_loses_only_that_one(marked, registrator, diary):
    document, open_file, health = marked
    reader = user_with_role(diary, Role.LASARE)
    assert policy.file_visibility(reader, document, health) == Visibility.FULL

    services.set_file_secret(health, True, actor=registrator, reason="Läkarintyg, OSL 21:1")

    health.refresh_from_db()
    assert health.is_secret
    assert list(queries.files_of(reader, document)) == [open_file]
    with pytest.raises(NotFound):
        queries.get_file(reader, health.pk)
    assert queries.get_file(registrator, health.pk) == health  # full view keeps it


def test_event_and_audit_entry_without_the_file_name(marked, registrator):
    document, _open_file, health = marked
    services.set_file_secret(health, True, actor=registrator, reason="Läkarintyg")
    event = CaseEvent.objects.filter(type="file.secrecy_changed").get()
    assert event.document == document and event.case == document.case and event.reason == "Läkarintyg"
    assert event.data["secret"] is True and event.data["file_id"] == str(health.pk)
    assert SECRET_NAME not in str(event.data)
    entry = AuditEntry.objects.filter(action="file.secrecy_changed").get()
    assert entry.object_id == str(document.pk) and entry.details["file_id"] == str(health.pk)
    assert SECRET_NAME not in str(entry.details) + entry.object_label

    services.set_file_secret(health, False, actor=registrator, reason="Ompröva: intyget är inte känsligt")
    lifted = CaseEvent.objects.filter(type="file.secrecy_changed").order_by("occurred_at").last()
    assert lifted.data["secret"] is False and lifted.data["filename"] == SECRET_NAME


def test_reason_is_required(marked, registrator):
    _document, _open_file, health = marked
    with pytest.raises(RuleViolation) as err:
        services.set_file_secret(health, True, actor=registrator, reason="  ")
    assert err.value.code == "reason_required" and err.value.message == "Ange ett skäl för filens sekretess."
    health.refresh_from_db()
    assert not health.is_secret
    assert not CaseEvent.objects.filter(type="file.secrecy_changed").exists()


def test_no_change_is_no_event(marked, registrator):
    _document, open_file, _health = marked
    services.set_file_secret(open_file, False, actor=registrator, reason="")
    assert not CaseEvent.objects.filter(type="file.secrecy_changed").exists()


def test_document_must_be_marked_first(document, registrator):
    file = services.add_file(document, io.BytesIO(b"intyg"), "intyg.pdf", actor=registrator)
    with pytest.raises(RuleViolation) as err:
        services.set_file_secret(file, True, actor=registrator, reason="Hälsouppgifter")
    assert err.value.code == "document_not_marked"
    file.refresh_from_db()
    assert not file.is_secret


@pytest.mark.parametrize("role", [Role.LASARE, Role.ARKIVARIE])
def test_readers_may_not_mark(marked, diary, role):
    _document, _open_file, health = marked
    with pytest.raises(PermissionDenied):
        services.set_file_secret(health, True, actor=user_with_role(diary, role), reason="x")
    health.refresh_from_db()
    assert not health.is_secret


def test_no_role_in_the_diary_may_not_mark(marked):
    from tests.factories import DiaryFactory

    _document, _open_file, health = marked
    stranger = user_with_role(DiaryFactory(), Role.REGISTRATOR)
    with pytest.raises(PermissionDenied):
        services.set_file_secret(health, True, actor=stranger, reason="x")
