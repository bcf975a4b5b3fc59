"""Two-factor sign-in for administrators (TOTP through django-otp), and the admin pages
requiring it when KNUTPUNKT_REQUIRE_ADMIN_2FA is on."""

import base64
import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from knutpunkt.access import signin
from knutpunkt.core import clock
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role
from tests.factories import UserFactory, user_with_authority_role, user_with_role
from tests.otp import current_code, login_with_otp, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "losenord-123"


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.KNUTPUNKT_REQUIRE_ADMIN_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a right code straight after a wrong one is accepted


@pytest.fixture
def admin_user():
    return UserFactory(username="greta", is_global_admin=True, is_staff=True)


def _password(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("web:login"), data)


def _actions(username):
    return list(AuditEntry.objects.filter(object_label=username).order_by("sequence").values_list("action", flat=True))


def test_first_sign_in_of_an_administrator_sets_up_an_authenticator(client, admin_user):
    response = _password(client, "greta")
    assert response.status_code == 302 and response["Location"] == reverse("web:login_otp_enrol")
    assert "_auth_user_id" not in client.session  # not signed in before the code

    page = client.get(reverse("web:login_otp_enrol"))
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert "<svg" in html and "QR-kod" in html  # drawn here, inline
    assert "<img" not in html
    assert re.sub(r"\s", "", secret) in re.sub(r"\s", "", html)
    assert "otpauth://totp/Knutpunkt" in html
    # A reload shows the same secret (the unconfirmed device is kept).
    client.get(reverse("web:login_otp_enrol"))
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1

    wrong = client.post(reverse("web:login_otp_enrol"), {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Koden stämmer inte" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    done = client.post(reverse("web:login_otp_enrol"), {"code": current_code(device)})
    assert done.status_code == 302 and done["Location"] == reverse("web:my_work")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["_auth_user_id"] == str(admin_user.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    actions = _actions("greta")
    assert actions == [signin.OTP_FAILED, signin.OTP_ENROLLED, signin.SIGNED_IN]
    ok = AuditEntry.objects.get(action=signin.SIGNED_IN, object_label="greta")
    assert ok.details == {"second_factor": "totp"}
    # …and the admin pages are open.
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_enrolled_administrator_gives_the_code_at_every_sign_in(client, admin_user):
    device = totp_device(admin_user)
    response = _password(client, "greta", next_url=reverse("admin:index"))
    assert response["Location"] == reverse("web:login_otp")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("web:login_otp"))
    assert "Skriv engångskoden" in page.content.decode()
    assert "<svg" not in page.content.decode()  # the secret is never shown again

    done = client.post(reverse("web:login_otp"), {"code": current_code(device)})
    assert done.status_code == 302 and done["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_is_refused_and_audited(client, admin_user):
    device = totp_device(admin_user)
    _password(client, "greta")
    wrong = "123456" if current_code(device) != "123456" else "654321"
    response = client.post(reverse("web:login_otp"), {"code": wrong})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=signin.OTP_FAILED)
    assert entry.object_label == "greta" and entry.actor == admin_user
    # Not a number at all: refused the same way.
    client.post(reverse("web:login_otp"), {"code": "abcdef"})
    assert AuditEntry.objects.filter(action=signin.OTP_FAILED).count() == 2


def test_a_code_cannot_be_used_twice(client, admin_user):
    device = totp_device(admin_user)
    code = current_code(device)
    _password(client, "greta")
    client.post(reverse("web:login_otp"), {"code": code})
    client.post(reverse("web:logout"))
    other = client.__class__()
    _password(other, "greta")
    replay = other.post(reverse("web:login_otp"), {"code": code})
    assert replay.status_code == 200 and "_auth_user_id" not in other.session


def test_wrong_codes_count_towards_the_lockout(client, admin_user, settings):
    settings.KNUTPUNKT_LOCKOUT_FAILURES = 3
    device = totp_device(admin_user)
    wrong = "000001" if current_code(device) != "000001" else "000002"
    _password(client, "greta")
    client.post(reverse("web:login_otp"), {"code": wrong})
    client.post(reverse("web:login_otp"), {"code": wrong})
    locked = client.post(reverse("web:login_otp"), {"code": wrong}, follow=True)
    assert "För många misslyckade inloggningar. Försök igen om 15 minuter." in locked.content.decode()
    assert signin.is_locked("greta")
    # The pending sign-in is gone: the right code no longer helps, and neither does the password.
    assert client.post(reverse("web:login_otp"), {"code": current_code(device)}).status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Försök igen om 15 minuter" in _password(client, "greta").content.decode()


def test_a_pending_sign_in_expires(client, admin_user, monkeypatch):
    device = totp_device(admin_user)
    _password(client, "greta")
    later = clock.now() + dt.timedelta(minutes=signin.PENDING_MINUTES + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post(reverse("web:login_otp"), {"code": current_code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_step_leads_to_the_login_page(client):
    assert client.get(reverse("web:login_otp"))["Location"] == reverse("web:login")
    assert client.get(reverse("web:login_otp_enrol"))["Location"] == reverse("web:login")


def test_ordinary_users_sign_in_with_the_password_alone(client, diary):
    user = user_with_role(diary, Role.HANDLAGGARE, username="hanna")
    response = _password(client, "hanna")
    assert response.status_code == 302 and response["Location"] == reverse("web:my_work")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("kind", ["global", "superuser", "staff", "lokal_admin"])
def test_who_counts_as_administrator(kind, diary):
    if kind == "lokal_admin":
        user = user_with_authority_role(diary.authority, Role.LOKAL_ADMIN)
        user.is_staff = False
        user.save()
    else:
        user = UserFactory(**{"global": {"is_global_admin": True}, "superuser": {"is_superuser": True}, "staff": {"is_staff": True}}[kind])
    assert signin.is_administrator(user)
    assert signin.second_step(user) == "enrol"
    assert not signin.is_administrator(user_with_role(diary, Role.REGISTRATOR))


def test_with_2fa_off_administrators_without_a_device_use_the_password(client, admin_user, settings):
    settings.KNUTPUNKT_REQUIRE_ADMIN_2FA = False
    assert _password(client, "greta")["Location"] == reverse("web:my_work")
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_pages_require_a_verified_session(client, admin_user):
    client.force_login(admin_user)  # password only
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login_otp") + "?next=")
    # The step-up page (no device yet: enrolment) finishes with the admin page.
    enrol = client.get(response["Location"], follow=True)
    assert enrol.redirect_chain[-1][0].startswith(reverse("web:login_otp_enrol"))
    device = TOTPDevice.objects.get(user=admin_user)
    done = client.post(enrol.redirect_chain[-1][0], {"code": current_code(device), "next": reverse("admin:index")})
    assert done["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_test_helper_gives_a_verified_session(client, admin_user):
    login_with_otp(client, admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_leads_to_the_staff_login(client, admin_user):
    response = client.get(reverse("admin:login") + "?next=/admin/core/")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login") + "?next=%2Fadmin%2Fcore%2F"
    # Its password form cannot be used to get round the code either.
    post = client.post(reverse("admin:login"), {"username": "greta", "password": PASSWORD})
    assert post.status_code == 302 and "_auth_user_id" not in client.session


def test_a_signed_in_non_administrator_gets_403_not_a_loop(client, diary):
    client.force_login(user_with_role(diary, Role.REGISTRATOR))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_totp_reset_removes_the_devices_and_is_audited(admin_user, capsys):
    boss = UserFactory(username="chefen", is_global_admin=True)
    totp_device(admin_user)
    call_command("totp_reset", "greta", "--by", "chefen", "--reason", "borttappad telefon")
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    entry = AuditEntry.objects.get(action=signin.OTP_RESET)
    assert entry.actor == boss and entry.object_label == "greta"
    assert entry.details == {"devices_removed": 1, "reason": "borttappad telefon"}
    assert "återställd" in capsys.readouterr().out
    assert signin.second_step(admin_user) == "enrol"


def test_totp_reset_refuses_a_non_administrator_as_actor(admin_user, diary):
    from django.core.management.base import CommandError

    user_with_role(diary, Role.REGISTRATOR, username="rut")
    with pytest.raises(CommandError):
        call_command("totp_reset", "greta", "--by", "rut")
    with pytest.raises(CommandError):
        call_command("totp_reset", "finns-inte")
