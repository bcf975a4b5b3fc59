"""A member of the public searches the diary on the web, opens a case and asks for a
document — without logging in, without JavaScript being needed. And an automated
WCAG 2.1 AA scan (axe-core, vendored in tests/publicdiary/vendor) of the public pages:
start page, results, case page, request form with errors, receipt. (It lives here to
share the session's one Playwright browser.)"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from knutpunkt.publicdiary import services
from knutpunkt.publicdiary.models import DisclosureRequest, PublicationSettings
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document
from tests.factories import DiaryFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(settings):
    settings.KNUTPUNKT_PUBLIC_RATES = {"page": None, "api": None, "request": None}
    diary = DiaryFactory(prefix="KS", name="Kommunstyrelsens diarium")
    receiving = DiaryFactory(authority=diary.authority, prefix="RS", name="Registraturen")
    PublicationSettings.objects.create(authority=diary.authority, enabled=True, delay_hours=0, request_diary=receiving)
    registrator = user_with_role(diary)
    case = registry.register_case(diary, actor=registrator, title="Strandskyddsdispens Björkvik 3:12")
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan om dispens")
    services.project(case)
    services.project(doc)
    return {"case": case, "doc": doc, "receiving": receiving}


def test_search_and_request_a_document(browser_page, published):
    page = browser_page
    page.goto("/diarium/")
    page.get_by_label("Sökord").fill("björkvik")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", name=re.compile("1 träff"))).to_be_visible()
    page.get_by_role("link", name=published["case"].reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strandskyddsdispens Björkvik 3:12")
    expect(page.get_by_text("Ansökan om dispens")).to_be_visible()

    page.get_by_role("link", name=re.compile("Begär ut handling")).click()
    expect(page.get_by_text("Du har rätt att vara anonym.", exact=True)).to_be_visible()
    page.get_by_label("Ansökan om dispens").check()
    page.get_by_role("button", name="Skicka begäran").click()
    # No way to reach the requester: a clear message, nothing sent.
    expect(page.get_by_role("alert")).to_contain_text("Ange minst ett sätt att nå dig")
    assert not DisclosureRequest.objects.exists()

    page.get_by_role("textbox", name="Postadress").fill("Storgatan 1\n123 45 Småstad")
    page.get_by_label("Papperskopia per post").check()
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("heading", name="Kvitto på din begäran")).to_be_visible()
    request = DisclosureRequest.objects.get()
    expect(page.get_by_text(request.reference)).to_be_visible()
    assert request.diary == published["receiving"] and request.delivery == "post"

    # The private link shows the status later.
    status_url = page.locator(".status-link a").get_attribute("href")
    page.goto(status_url)
    expect(page.get_by_role("heading", name="Din begäran")).to_be_visible()
    expect(page.get_by_text("Mottagen").first).to_be_visible()


# --- accessibility -----------------------------------------------------------------

AXE = Path(__file__).parent.parent / "publicdiary" / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.fixture
def axe_page(chromium_browser, live_server):
    # bypass_csp: the site's Content-Security-Policy (rightly) refuses the injected axe script.
    context = chromium_browser.new_context(base_url=live_server.url, locale="sv-SE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def a11y_data(settings):
    settings.KNUTPUNKT_PUBLIC_RATES = {"page": None, "api": None, "request": None}
    diary = DiaryFactory(prefix="KS", name="Kommunstyrelsens diarium")
    PublicationSettings.objects.create(authority=diary.authority, enabled=True, delay_hours=0, request_diary=diary)
    registrator = user_with_role(diary)
    case = registry.register_case(diary, actor=registrator, title="Detaljplan för Norra hamnen")
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Samrådsyttrande")
    for n in range(26):
        services.project(registry.register_case(diary, actor=registrator, title=f"Bygglov nummer {n}"))
    services.project(case)
    services.project(doc)
    return {"diary": diary, "case": case, "doc": doc}


def test_public_pages_have_no_axe_violations(axe_page, a11y_data):
    page = axe_page
    diary, case = a11y_data["diary"], a11y_data["case"]
    checked = {}

    page.goto("/diarium/")
    checked["start"] = violations(page)
    page.goto("/diarium/?q=bygglov&page=2")
    assert page.locator("nav.pagination").count() == 1
    checked["results"] = violations(page)
    page.goto(f"/diarium/m/{diary.authority_id}/arende/{case.pk}/")
    checked["case"] = violations(page)
    page.goto(f"/diarium/begar/{case.pk}/")
    page.get_by_role("button", name="Skicka begäran").click()
    assert page.locator(".error-summary").count() == 1
    checked["form with errors"] = violations(page)
    page.get_by_label("Samrådsyttrande").check()
    page.get_by_role("textbox", name="E-post").fill("journalist@example.se")
    page.get_by_role("button", name="Skicka begäran").click()
    assert "Kvitto" in page.title()
    checked["receipt"] = violations(page)
    assert {name: v for name, v in checked.items() if v} == {}
