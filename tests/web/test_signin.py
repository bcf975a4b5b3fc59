"""The login page: Swedish messages, the lockout said plainly, and nothing that tells
whether a username exists."""

import importlib

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from knutpunkt.access import signin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "För många misslyckade inloggningar. Försök igen om 15 minuter."
WRONG = "Fel användarnamn eller lösenord."


def _try(client, username, password="fel-losenord"):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_wrong_password_says_so_in_swedish(client):
    UserFactory(username="anna")
    html = _try(client, "anna").content.decode()
    assert WRONG in html and LOCKED not in html
    assert "<title>Fel: Logga in" in html


def test_the_page_says_when_the_account_is_locked(client, settings):
    settings.KNUTPUNKT_LOCKOUT_FAILURES = 3
    UserFactory(username="bertil")
    assert WRONG in _try(client, "bertil").content.decode()
    assert WRONG in _try(client, "bertil").content.decode()
    # The failure that locks the account already says so …
    third = _try(client, "bertil").content.decode()
    assert LOCKED in third and WRONG not in third
    assert "Kontot är tillfälligt spärrat" in third
    # … and the right password is refused with the same message while locked.
    right = _try(client, "bertil", "losenord-123")
    assert right.status_code == 200 and LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_usernames_get_the_same_answers(client, settings):
    settings.KNUTPUNKT_LOCKOUT_FAILURES = 3
    UserFactory(username="cecilia")
    known = [_try(client, "cecilia").content.decode() for _ in range(4)]
    unknown = [_try(client, "finns-inte").content.decode() for _ in range(4)]
    for k, u in zip(known, unknown):
        assert (WRONG in k) == (WRONG in u)
        assert (LOCKED in k) == (LOCKED in u)
    assert LOCKED in unknown[-1]


def test_the_lock_lifts_after_the_window(client, settings, monkeypatch):
    import datetime as dt

    from knutpunkt.core import clock

    settings.KNUTPUNKT_LOCKOUT_FAILURES = 2
    UserFactory(username="david")
    _try(client, "david")
    _try(client, "david")
    assert signin.is_locked("david")
    later = clock.now() + dt.timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = _try(client, "david", "losenord-123")
    assert response.status_code == 302


def test_the_message_follows_the_configured_minutes(settings):
    settings.KNUTPUNKT_LOCKOUT_MINUTES = 30
    assert signin.locked_message() == "För många misslyckade inloggningar. Försök igen om 30 minuter."


def test_production_settings_hash_passwords_with_argon2(settings):
    """The test settings use MD5 for speed; the base settings (what every installation
    runs) must give Argon2."""
    base = importlib.import_module("knutpunkt.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("ett långt lösenord").startswith("argon2$argon2id$")
    user = UserFactory(username="erik")
    user.set_password("ett annat långt lösenord")
    assert user.password.startswith("argon2")


def test_signing_out_is_audited(client):
    from knutpunkt.core.models import AuditEntry

    UserFactory(username="frida")
    client.post(reverse("web:login"), {"username": "frida", "password": "losenord-123"})
    client.post(reverse("web:logout"))
    assert list(AuditEntry.objects.filter(object_label="frida").values_list("action", flat=True)) == [signin.SIGNED_IN, signin.SIGNED_OUT]
