"""Sign-in: every attempt is audited, repeated failures lock the account a while, and
administrators give a TOTP code as a second factor.

Failures are counted from the audit log itself (no second table to keep in step):
LOCKOUT_FAILURES failed attempts for a username — wrong passwords and wrong codes
alike — within LOCKOUT_MINUTES, with no successful sign-in after them, lock that
username for the rest of the window. Unknown usernames are counted the same way, so
the answer never tells whether an account exists.

Two-factor: after the password an administrator is not yet signed in. The password
step leaves a short-lived *pending* note in the session (user id, backend, when); the
code page (or, the first time, the enrolment page) finishes the sign-in with
django.contrib.auth.login and django_otp.login. Nothing is signed in until then.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from knutpunkt.core import audit, clock
from knutpunkt.core.models import AuditEntry

SIGNED_IN = "signin.succeeded"
FAILED = "signin.failed"
LOCKED = "signin.locked"
SIGNED_OUT = "signin.signed_out"
TIMED_OUT = "signin.timed_out"
OTP_FAILED = "signin.otp_failed"
OTP_ENROLLED = "signin.otp_enrolled"
OTP_RESET = "signin.otp_reset"

PENDING_KEY = "knutpunkt_2fa_pending"
PENDING_MINUTES = 10


def _limits() -> tuple[int, int]:
    return getattr(settings, "KNUTPUNKT_LOCKOUT_FAILURES", 5), getattr(settings, "KNUTPUNKT_LOCKOUT_MINUTES", 15)


def locked_message() -> str:
    return f"För många misslyckade inloggningar. Försök igen om {_limits()[1]} minuter."


def client_ip(request) -> str:
    if request is None:
        return ""
    # Behind a proxy the operator sets KNUTPUNKT_TRUSTED_PROXY so X-Forwarded-For is trusted.
    if getattr(settings, "KNUTPUNKT_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def _key(username: str) -> str:
    return (username or "").strip().lower()[:200]


def is_locked(username: str) -> bool:
    failures, minutes = _limits()
    since = clock.now() - dt.timedelta(minutes=minutes)
    key = _key(username)
    last_success = (
        AuditEntry.objects.filter(action=SIGNED_IN, object_type="signin", object_label=key, occurred_at__gte=since)
        .order_by("-sequence").values_list("sequence", flat=True).first()
    )
    recent = AuditEntry.objects.filter(action__in=(FAILED, OTP_FAILED), object_type="signin", object_label=key, occurred_at__gte=since)
    if last_success:
        recent = recent.filter(sequence__gt=last_success)
    return recent.count() >= failures


def log(action: str, username: str, request, user=None, details=None):
    # Sign-in entries are looked up by username, so the key is kept as the object label.
    return audit.log(
        action, actor=user, details=details or {}, ip_address=client_ip(request), actor_name=username or "",
        object_type="signin", object_id="", object_label=_key(username),
    )


_log = log  # the name older code used


@receiver(user_logged_in, dispatch_uid="knutpunkt_signin_ok")
def _on_login(sender, request, user, **kwargs):
    details = {"second_factor": "totp"} if getattr(request, "knutpunkt_second_factor", False) else {}
    log(SIGNED_IN, user.get_username(), request, user=user, details=details)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = clock.now().timestamp()
        request.session[SESSION_SEEN_KEY] = clock.now().timestamp()


@receiver(user_logged_out, dispatch_uid="knutpunkt_signout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "knutpunkt_logout_reason", "")
        log(TIMED_OUT if reason else SIGNED_OUT, user.get_username(), request, user=user, details={"reason": reason} if reason else {})


@receiver(user_login_failed, dispatch_uid="knutpunkt_signin_failed")
def _on_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    log(FAILED, username, request, details={"locked": is_locked(username)})


# --- sessions ------------------------------------------------------------------------------

SESSION_STARTED_KEY = "knutpunkt_signed_in_at"
SESSION_SEEN_KEY = "knutpunkt_seen_at"


# --- two-factor ----------------------------------------------------------------------------

def is_administrator(user) -> bool:
    """Who must use a second factor: everyone who can reach the admin pages or manage
    users — global administrators, superusers, staff and lokal administratörer."""
    if user is None or not getattr(user, "pk", None):
        return False
    if user.is_superuser or user.is_staff or getattr(user, "is_global_admin", False):
        return True
    from knutpunkt.organisations.models import Role, RoleAssignment

    return RoleAssignment.objects.filter(user_id=user.pk, role=Role.LOKAL_ADMIN).exists()


def two_factor_required() -> bool:
    return bool(getattr(settings, "KNUTPUNKT_REQUIRE_ADMIN_2FA", True))


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_step(user) -> str:
    """What the password step leads to: "verify" (ask for the code), "enrol" (set up an
    authenticator first) or "" (signed in with the password alone).

    Anyone who has set up an authenticator is asked for it, even where it is not
    required; an administrator without one must set it up when 2FA is required."""
    if confirmed_device(user) is not None:
        return "verify"
    if two_factor_required() and is_administrator(user):
        return "enrol"
    return ""


def start_pending(request, user, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": clock.now().timestamp(),
        "next": next_url,
    }


def pending_user(request):
    """The user who gave the right password and now owes a code (None if nothing is
    pending, or it is older than PENDING_MINUTES)."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if clock.now().timestamp() - pending.get("at", 0) > PENDING_MINUTES * 60:
        clear_pending(request)
        return None
    user = get_user_model().objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is not None:
        user.backend = pending.get("backend")
    return user


def pending_next(request) -> str:
    return (request.session.get(PENDING_KEY) or {}).get("next", "")


def clear_pending(request) -> None:
    request.session.pop(PENDING_KEY, None)


def verify_code(user, device, code: str) -> bool:
    """Check a code against one device through django-otp (throttling and replay
    protection included)."""
    import django_otp

    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    return django_otp.verify_token(user, device.persistent_id, code) is not None


def unconfirmed_device(user):
    """The authenticator being set up: made on first visit, kept until confirmed so a
    reload shows the same secret."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)
    return device


def reset_devices(user, *, actor=None, actor_name: str = "", reason: str = "") -> int:
    """Remove every OTP device of a user (the next sign-in sets up a new one)."""
    from django.db import transaction

    import django_otp

    with transaction.atomic():
        removed = 0
        for device in list(django_otp.devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
        audit.log(
            OTP_RESET, actor=actor, obj=user, actor_name=actor_name,
            details={"devices_removed": removed, "reason": reason}, object_label=user.get_username(),
        )
    return removed
