"""In a real browser (Debian's Chromium): an administrator sets up two-factor sign-in
from the QR page, and the login page, Mitt arbete, a case page, the admin pages and the
API docs load without a single Content-Security-Policy violation."""

import re

import pytest
from playwright.sync_api import expect

from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import services as registry
from tests.factories import DiaryFactory, UserFactory
from tests.otp import current_code

# serialized_rollback: the seeded lagrum are put back after this transactional test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def _violations(page, console) -> list[str]:
    events = page.evaluate("window.__csp || []")
    return events + [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]


def test_two_factor_enrolment_and_no_csp_violations(browser_page, settings):
    settings.KNUTPUNKT_REQUIRE_ADMIN_2FA = True
    diary = DiaryFactory(prefix="KS", name="Kommunstyrelsens diarium")
    admin = UserFactory(username="admin", first_name="Ada", last_name="Admin", is_global_admin=True, is_staff=True,
                        organisation=diary.authority.organisation)
    RoleAssignment.objects.create(user=admin, role=Role.REGISTRATOR, diary=diary)
    case = registry.register_case(diary, actor=admin, title="Detaljplan för Kvarnbacken")

    page = browser_page
    page.context.add_init_script(WATCH_CSP)
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))

    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill("losenord-123")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Aktivera tvåstegsverifiering")).to_be_visible()
    qr = page.locator("svg.qr-code")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    page.get_by_label("Engångskod").fill(current_code(device))
    page.get_by_role("button", name="Aktivera och logga in").click()
    expect(page.get_by_role("heading", level=1, name="Mitt arbete")).to_be_visible()
    assert _violations(page, console) == []

    pages = [
        f"/arende/{case.pk}/",
        "/admin/",
        "/admin/core/auditentry/",
        f"/admin/core/auditentry/?object_id={case.pk}",
        "/admin/access/accessgroup/add/",
        "/admin/access/legalprovision/",
        f"/admin/organisations/user/{admin.pk}/change/",
        "/admin/core/auditentry/kontrollera-kedjan/",
    ]
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == [], path
    expect(page.get_by_role("button", name="Kontrollera kedjan")).to_be_visible()
    page.get_by_role("button", name="Kontrollera kedjan").click()
    expect(page.get_by_text(re.compile("Granskningsloggen är oförändrad"))).to_be_visible()

    page.goto(f"/admin/core/auditentry/?object_id={case.pk}")
    expect(page.get_by_role("heading", level=1, name=f"Händelser för {case.reference}")).to_be_visible()

    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert _violations(page, console) == [], "/api/v1/docs/"

    # Signing out and in again asks for the code, not a new enrolment.
    page.goto("/")
    page.get_by_role("button", name="Logga ut").click()
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill("losenord-123")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Skriv engångskoden")).to_be_visible()
    device.refresh_from_db()
    page.get_by_label("Engångskod").fill(current_code(device, offset_steps=1))
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1, name="Mitt arbete")).to_be_visible()
    assert _violations(page, console) == []
