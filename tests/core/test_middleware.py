"""Security headers on every answer, and sessions that end: idle and absolute limits."""

import datetime as dt

import pytest
from django.urls import reverse

from knutpunkt.access import signin
from knutpunkt.core import clock
from knutpunkt.core.middleware import HTMX_INDICATOR_STYLE, csp_hash
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

STRICT = [
    "default-src 'self'", "script-src 'self'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
    "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'", "object-src 'none'",
]


def _directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def _assert_strict(response):
    policy = response["Content-Security-Policy"]
    for directive in STRICT:
        assert directive in policy, directive
    directives = _directives(response)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"][0] == "'self'"
    assert all(v.startswith("'sha256-") for v in directives["style-src"][1:])
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_headers_on_the_login_page_my_work_and_the_admin(client, diary):
    _assert_strict(client.get(reverse("web:login")))
    user = user_with_role(diary, Role.REGISTRATOR)
    client.force_login(user)
    _assert_strict(client.get(reverse("web:my_work")))
    admin = UserFactory(is_global_admin=True, is_staff=True)
    client.force_login(admin)
    _assert_strict(client.get(reverse("admin:index")))
    _assert_strict(client.get(reverse("admin:core_auditentry_changelist")))


def test_headers_on_not_found_and_api_answers(client, diary):
    _assert_strict(client.get("/finns-inte/"))
    client.force_login(user_with_role(diary, Role.REGISTRATOR))
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_htmx_indicator_style_is_allowed_by_hash_only(client):
    directives = _directives(client.get(reverse("web:login")))
    assert csp_hash(HTMX_INDICATOR_STYLE) in directives["style-src"]


def test_swagger_ui_gets_exactly_its_inline_blocks(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    directives = _directives(response)
    html = response.content.decode()
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # Every inline script in the page is allowed by its hash, and nothing else is added.
    import re

    inline_scripts = [body for attrs, body in re.findall(r"<script((?:\s[^>]*)?)>(.*?)</script>", html, re.S) if "src=" not in attrs and body.strip()]
    for body in inline_scripts:
        assert csp_hash(body) in directives["script-src"]
    assert len(directives["script-src"]) == 1 + len(inline_scripts)
    # Other pages do not get the docs' hashes.
    assert _directives(client.get(reverse("web:login")))["script-src"] == ["'self'"]


def test_cookies_are_http_only_and_same_site(client, settings):
    UserFactory(username="anna")
    client.get(reverse("web:login"))
    response = client.post(reverse("web:login"), {"username": "anna", "password": "losenord-123"})
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY


# --- sessions -----------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, diary):
    user = user_with_role(diary, Role.REGISTRATOR, username="sara")
    client.force_login(user)
    return client


def _move_clock(monkeypatch, **delta):
    later = clock.now() + dt.timedelta(**delta)
    monkeypatch.setattr(clock, "now", lambda: later)
    return later


def test_a_session_survives_activity_within_the_idle_limit(signed_in, monkeypatch, settings):
    settings.KNUTPUNKT_SESSION_IDLE_MINUTES = 30
    start = clock.now()
    for minutes in (20, 40, 60, 80):  # never 30 minutes between two requests
        monkeypatch.setattr(clock, "now", lambda m=minutes: start + dt.timedelta(minutes=m))
        assert signed_in.get(reverse("web:my_work")).status_code == 200


def test_an_idle_session_ends(signed_in, monkeypatch, settings):
    settings.KNUTPUNKT_SESSION_IDLE_MINUTES = 30
    assert signed_in.get(reverse("web:my_work")).status_code == 200
    _move_clock(monkeypatch, minutes=31)
    response = signed_in.get(reverse("web:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "Du har loggats ut efter 30 minuter utan aktivitet" in page
    entry = AuditEntry.objects.filter(object_label="sara").order_by("-sequence").first()
    assert entry.action == signin.TIMED_OUT and entry.details == {"reason": "idle"}


def test_a_session_ends_at_the_absolute_limit_even_when_active(signed_in, monkeypatch, settings):
    settings.KNUTPUNKT_SESSION_IDLE_MINUTES = 30
    settings.KNUTPUNKT_SESSION_MAX_HOURS = 10
    start = clock.now()
    for minutes in range(20, 600, 20):
        monkeypatch.setattr(clock, "now", lambda m=minutes: start + dt.timedelta(minutes=m))
        assert signed_in.get(reverse("web:my_work")).status_code == 200, minutes
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(hours=10, minutes=1))
    response = signed_in.get(reverse("web:my_work"))
    assert response.status_code == 302 and "_auth_user_id" not in signed_in.session
    assert AuditEntry.objects.filter(action=signin.TIMED_OUT, details__reason="max").exists()


def test_an_expired_htmx_request_is_sent_to_the_login_page(signed_in, monkeypatch):
    _move_clock(monkeypatch, hours=1)
    response = signed_in.get(reverse("web:case_lookup"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("web:login"))


def test_an_expired_session_on_the_api_is_simply_anonymous(signed_in, monkeypatch):
    _move_clock(monkeypatch, hours=1)
    response = signed_in.get("/api/v1/cases/")
    assert response.status_code in (401, 403)


def test_the_last_seen_time_is_written_at_most_once_a_minute(signed_in, monkeypatch):
    signed_in.get(reverse("web:my_work"))
    seen = signed_in.session[signin.SESSION_SEEN_KEY]
    _move_clock(monkeypatch, seconds=30)
    signed_in.get(reverse("web:my_work"))
    assert signed_in.session[signin.SESSION_SEEN_KEY] == seen
    _move_clock(monkeypatch, seconds=90)
    signed_in.get(reverse("web:my_work"))
    assert signed_in.session[signin.SESSION_SEEN_KEY] > seen


def test_session_cookie_never_outlives_the_absolute_limit():
    import importlib

    base = importlib.import_module("knutpunkt.settings.base")
    assert base.SESSION_COOKIE_AGE <= base.KNUTPUNKT_SESSION_MAX_HOURS * 3600
    assert base.KNUTPUNKT_SESSION_IDLE_MINUTES == 30 and base.KNUTPUNKT_SESSION_MAX_HOURS == 10
    assert base.KNUTPUNKT_REQUIRE_ADMIN_2FA is True
