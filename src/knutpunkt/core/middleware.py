"""Request-wide security: response headers (CSP and friends), session time-outs, and
the second factor that the admin pages require of administrators."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from knutpunkt.core import clock

# --- headers -----------------------------------------------------------------------------

# htmx (web/vendor/htmx.min.js) inserts this one <style> for its request indicators
# unless htmx-config says includeIndicatorStyles: false; allowed by its hash.
HTMX_INDICATOR_STYLE = (
    ".htmx-indicator{opacity:0;visibility: hidden} .htmx-request .htmx-indicator, "
    ".htmx-request.htmx-indicator{opacity:1;visibility: visible;transition: opacity 200ms ease-in}"
)
_STYLE_BLOCK = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style>", re.S | re.I)
_SCRIPT_BLOCK = re.compile(r"<script((?:\s[^>]*)?)>(.*?)</script>", re.S | re.I)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _template_styles(path: Path) -> list[str]:
    try:
        return _STYLE_BLOCK.findall(path.read_text(encoding="utf-8"))
    except OSError:
        return []


@lru_cache(maxsize=1)
def known_style_hashes() -> tuple[str, ...]:
    """Inline <style> blocks we serve knowingly: htmx's indicator style, the one Django's
    admin change list writes when a list has no actions, and the self-contained 500 page
    (which must render even when static files are broken)."""
    import django.contrib.admin

    blocks = [HTMX_INDICATOR_STYLE]
    blocks += _template_styles(Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "change_list.html")
    blocks += _template_styles(Path(__file__).resolve().parent.parent / "web" / "templates" / "500.html")
    return tuple(dict.fromkeys(csp_hash(b) for b in blocks))


def _inline_hashes(response) -> tuple[list[str], list[str]]:
    """(script hashes, style hashes) of the inline blocks in an HTML response."""
    if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
        return [], []
    html = response.content.decode(response.charset or "utf-8", errors="replace")
    scripts = [
        csp_hash(body) for attrs, body in _SCRIPT_BLOCK.findall(html)
        if "src=" not in attrs.lower() and body.strip() and "application/json" not in attrs.lower()
    ]
    styles = [csp_hash(body) for body in _STYLE_BLOCK.findall(html)]
    return scripts, styles


def content_security_policy(request, response) -> str:
    directives = {k: list(v) for k, v in getattr(settings, "KNUTPUNKT_CSP", {}).items()}
    if not directives:
        return ""
    directives.setdefault("style-src", ["'self'"]).extend(known_style_hashes())
    if any(request.path.startswith(p) for p in getattr(settings, "KNUTPUNKT_CSP_INLINE_HASH_PATHS", ())):
        scripts, styles = _inline_hashes(response)
        directives.setdefault("script-src", ["'self'"]).extend(scripts)
        directives["style-src"].extend(styles)
    return "; ".join(f"{name} {' '.join(dict.fromkeys(values))}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer. (Referrer-Policy,
    X-Content-Type-Options and Cross-Origin-Opener-Policy come from Django's
    SecurityMiddleware; X-Frame-Options from the clickjacking middleware.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's own debug error pages (DEBUG only, e.g. in the demo) are built from
        # inline styles and scripts; they are never shown in production.
        debug_page = settings.DEBUG and response.status_code >= 400
        if "Content-Security-Policy" not in response and not debug_page:
            policy = content_security_policy(request, response)
            if policy:
                response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "KNUTPUNKT_PERMISSIONS_POLICY", "")
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response


# --- session time-outs -------------------------------------------------------------------

def _login_redirect(request, *, htmx: bool):
    target = reverse(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path()})
    if htmx:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


class SessionTimeoutMiddleware:
    """Signs a session out after KNUTPUNKT_SESSION_IDLE_MINUTES without requests, and
    KNUTPUNKT_SESSION_MAX_HOURS after sign-in whatever happens. The time of the last
    request is written at most once a minute, so an active user does not turn every
    page view into a session write."""

    WRITE_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            reason = self._check(session)
            if reason:
                return self._sign_out(request, reason)
        return self.get_response(request)

    def _check(self, session) -> str:
        from knutpunkt.access.signin import SESSION_SEEN_KEY, SESSION_STARTED_KEY

        now = clock.now().timestamp()
        idle = getattr(settings, "KNUTPUNKT_SESSION_IDLE_MINUTES", 30) * 60
        longest = getattr(settings, "KNUTPUNKT_SESSION_MAX_HOURS", 10) * 3600
        started = session.get(SESSION_STARTED_KEY)
        seen = session.get(SESSION_SEEN_KEY)
        if started is None:  # a session from before these limits: they start now
            session[SESSION_STARTED_KEY] = session[SESSION_SEEN_KEY] = now
            return ""
        if now - started > longest:
            return "max"
        if seen is not None and now - seen > idle:
            return "idle"
        if seen is None or now - seen >= self.WRITE_EVERY_SECONDS:
            session[SESSION_SEEN_KEY] = now
        return ""

    def _sign_out(self, request, reason: str):
        request.knutpunkt_logout_reason = reason
        auth.logout(request)
        if reason == "idle":
            text = f"Du har loggats ut efter {settings.KNUTPUNKT_SESSION_IDLE_MINUTES} minuter utan aktivitet. Logga in igen."
        else:
            hours = settings.KNUTPUNKT_SESSION_MAX_HOURS
            text = f"Du har loggats ut eftersom du har varit inloggad i {hours:g} timmar. Logga in igen."
        if request.path.startswith("/api/"):
            return self.get_response(request)  # an anonymous API request: 401/403 from the API itself
        messages.info(request, text)
        return _login_redirect(request, htmx=bool(request.headers.get("HX-Request")))


# --- the admin pages require a second factor ---------------------------------------------

class AdminTwoFactorMiddleware:
    """With KNUTPUNKT_REQUIRE_ADMIN_2FA, the admin pages are only open to administrators
    whose session was verified with a TOTP code (django-otp's request.user.is_verified()).
    An administrator signed in some other way is sent to the code page first. The
    admin's own password-only login page is never used: it leads to the staff login,
    which asks for the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root = reverse("admin:index")
        if request.path.startswith(admin_root):
            response = self._check(request, admin_root)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, admin_root: str):
        if request.path == reverse("admin:login"):
            if request.user.is_authenticated:
                # Signed in but not let in by the admin: sending them to the login page
                # would come straight back here.
                raise PermissionDenied("Du saknar behörighet till administrationen.")
            query = urlencode({"next": request.GET.get("next") or admin_root})
            return HttpResponseRedirect(reverse(settings.LOGIN_URL) + "?" + query)
        if request.path == reverse("admin:logout"):
            return None
        from knutpunkt.access import signin

        user = request.user
        if not signin.two_factor_required() or not user.is_authenticated:
            return None
        verified = getattr(user, "is_verified", None)
        if (verified is not None and verified()) or not signin.is_administrator(user):
            return None
        return HttpResponseRedirect(reverse("web:login_otp") + "?" + urlencode({"next": request.get_full_path()}))
