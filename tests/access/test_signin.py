import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from knutpunkt.access import signin
from knutpunkt.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _try(username, password):
    request = RequestFactory().post("/login/", REMOTE_ADDR="192.0.2.7")
    return authenticate(request, username=username, password=password)


def test_sign_in_success_and_failure_are_audited():
    user = UserFactory(username="anna")
    assert _try("anna", "fel") is None
    assert _try("anna", "losenord-123") == user
    actions = list(AuditEntry.objects.filter(object_type="signin").values_list("action", "object_label", "ip_address"))
    assert actions == [(signin.FAILED, "anna", "192.0.2.7")]  # success is logged by login(), not authenticate()


def test_lockout_after_repeated_failures(settings):
    settings.KNUTPUNKT_LOCKOUT_FAILURES = 3
    UserFactory(username="bertil")
    for _ in range(3):
        assert _try("bertil", "fel") is None
    assert signin.is_locked("bertil")
    # Even the right password is refused while locked.
    assert _try("bertil", "losenord-123") is None
    assert not signin.is_locked("someone-else")


def test_successful_login_through_the_client_is_audited(client):
    UserFactory(username="cecilia")
    assert client.login(username="cecilia", password="losenord-123")
    assert AuditEntry.objects.filter(action=signin.SIGNED_IN, object_label="cecilia").exists()


def test_verify_audit_command(capsys):
    UserFactory(username="david")
    _try("david", "fel")
    _try("david", "fel")
    call_command("verify_audit")
    AuditEntry.objects.filter(sequence=1).update(ip_address="203.0.113.9")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert "Post 1" in capsys.readouterr().err
