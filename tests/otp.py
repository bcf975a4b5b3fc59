"""Two-factor helpers for tests.

`login_with_otp(client, user)` signs a user in as if they had given password and TOTP
code: use it in admin tests that run with KNUTPUNKT_REQUIRE_ADMIN_2FA on (the test
settings have it off, so `client.force_login(admin)` is enough elsewhere).
`current_code(device)` is the code an authenticator app would show now."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, confirmed=True) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """offset_steps=1: the next 30-second step's code (still accepted, and not a replay of
    the one just used)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0 - offset_steps * device.step, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def login_with_otp(client, user) -> TOTPDevice:
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
