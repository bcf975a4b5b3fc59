"""Sign-in: every attempt is audited, and repeated failures lock the account a while.

Failures are counted from the audit log itself (no second table to keep in step):
LOCKOUT_FAILURES failed attempts for a username within LOCKOUT_MINUTES, with no
successful sign-in after them, lock that username for the rest of the window.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from knutpunkt.core import audit, clock
from knutpunkt.core.models import AuditEntry

SIGNED_IN = "signin.succeeded"
FAILED = "signin.failed"
LOCKED = "signin.locked"
SIGNED_OUT = "signin.signed_out"


def _limits() -> tuple[int, int]:
    return getattr(settings, "KNUTPUNKT_LOCKOUT_FAILURES", 5), getattr(settings, "KNUTPUNKT_LOCKOUT_MINUTES", 15)


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
    recent = AuditEntry.objects.filter(action=FAILED, object_type="signin", object_label=key, occurred_at__gte=since)
    if last_success:
        recent = recent.filter(sequence__gt=last_success)
    return recent.count() >= failures


def _log(action: str, username: str, request, user=None, details=None):
    # Sign-in entries are looked up by username, so the key is kept as the object label.
    return audit.log(
        action, actor=user, details=details or {}, ip_address=client_ip(request), actor_name=username or "",
        object_type="signin", object_id="", object_label=_key(username),
    )


@receiver(user_logged_in, dispatch_uid="knutpunkt_signin_ok")
def _on_login(sender, request, user, **kwargs):
    _log(SIGNED_IN, user.get_username(), request, user=user)


@receiver(user_logged_out, dispatch_uid="knutpunkt_signout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        _log(SIGNED_OUT, user.get_username(), request, user=user)


@receiver(user_login_failed, dispatch_uid="knutpunkt_signin_failed")
def _on_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    _log(FAILED, username, request, details={"locked": is_locked(username)})
