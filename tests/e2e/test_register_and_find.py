"""A registrator logs in, registers an incoming document with a file through the form,
and finds it again by title and by diarienummer."""

import re

import pytest
from playwright.sync_api import expect

from knutpunkt.organisations.models import Role
from knutpunkt.registry.models import Case
from tests.factories import DiaryFactory, SchemeFactory, case_type_in, document_type_in, process_in, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Ansökan om strandskyddsdispens Björkvik 3:12"


@pytest.fixture
def setup_data():
    diary = DiaryFactory(prefix="KS", name="Kommunstyrelsens diarium")
    registrator = user_with_role(diary, Role.REGISTRATOR, username="registrator", first_name="Rut", last_name="Registrator")
    scheme = SchemeFactory(organisation=diary.authority.organisation)
    process = process_in(scheme, "3.2.1.1", "Hantera strandskyddsdispens")
    other = process_in(scheme, "3.2.1.2", "Hantera bygglov")
    case_type_in(process, code="SD", title="Strandskyddsdispens")
    case_type_in(other, code="BL", title="Bygglov")
    document_type_in(process, code="ANS", title="Ansökan")
    return {"diary": diary, "user": registrator}


def test_register_incoming_document_and_find_it(browser_page, setup_data):
    page = browser_page

    # Log in: the start page asks for it.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/logga-in/"))
    page.get_by_label("Användarnamn").fill("registrator")
    page.get_by_label("Lösenord").fill("losenord-123")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Mitt arbete")).to_be_visible()
    # The first Tab reaches the skip link, which leads past the menu.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till huvudinnehållet")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Register an incoming document in a new case, with a sender and a file.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Registrera").click()
    expect(page.get_by_role("heading", level=1, name="Registrera handling")).to_be_visible()
    page.get_by_label("Process").select_option(label="3.2.1.1 Hantera strandskyddsdispens")
    # HTMX narrows the case types to the chosen process.
    expect(page.locator("#id_case_type option", has_text="Bygglov")).to_have_count(0)
    page.get_by_label("Ärendetyp").select_option(label="SD Strandskyddsdispens")
    page.get_by_label("Handlingens rubrik").fill(TITLE)
    page.get_by_label("Handlingstyp").select_option(label="ANS Ansökan")
    page.get_by_label("Förnamn").fill("Tolvan")
    page.get_by_label("Efternamn").fill("Tolvansson")
    page.get_by_label("Personnummer").fill("191212121212")
    page.get_by_label("Välj filer").set_input_files([
        {"name": "ansökan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
    ])
    page.get_by_role("button", name="Registrera", exact=True).click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("är registrerat")
    case = Case.objects.get()
    expect(status).to_contain_text(case.reference)
    expect(status).to_contain_text(f"{case.reference}-1")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_role("link", name="ansökan.pdf")).to_be_visible()
    expect(page.get_by_role("cell", name="19121212-1212")).to_be_visible()

    # Find it by its title …
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Sök ärenden").click()
    page.get_by_label("Fritext").fill("strandskyddsdispens Björkvik")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page).to_have_url(re.compile(r"text=strandskyddsdispens"))
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name=case.reference)).to_be_visible()
    expect(results).to_contain_text(TITLE)
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^1 träff"))).to_be_visible()
    # A snippet shows where the words were, the words marked.
    snippets = page.get_by_role("list", name="Träffar i ärendet")
    expect(snippets.locator("mark").first).to_have_text(re.compile(r"strandskyddsdispens", re.IGNORECASE))
    # A facet narrows the search and can be taken back.
    facets = page.get_by_role("complementary", name="Avgränsa träffarna")
    facets.get_by_role("link", name=re.compile(r"^Inkommande")).click()
    expect(page).to_have_url(re.compile(r"direction=inkommande"))
    expect(page.get_by_role("search").get_by_label("Handlingar")).to_have_value("inkommande")
    expect(page.get_by_role("table").get_by_role("link", name=case.reference)).to_be_visible()
    active = page.get_by_role("complementary", name="Avgränsa träffarna").locator('a[aria-current="true"]')
    expect(active).to_contain_text("Inkommande")
    active.click()
    expect(page).not_to_have_url(re.compile(r"direction="))
    page.get_by_role("link", name="Senast registrerad").click()
    expect(page).to_have_url(re.compile(r"sort=date"))
    expect(page.get_by_role("link", name="Senast registrerad")).to_have_attribute("aria-current", "true")

    # … and by its diarienummer, then open the case page.
    page.get_by_label("Fritext").fill("")
    page.get_by_label("Diarienummer").fill(case.reference)
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("1 ärende")
    page.get_by_role("table").get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.get_by_text("Inkommande handling registrerades")).to_be_visible()

    # The existing-case lookup (HTMX) shows the case title while typing.
    page.goto("/registrera/")
    page.get_by_label("Ett befintligt ärende").check()
    page.locator("#id_case_reference").fill(case.reference)
    expect(page.locator("#case-lookup")).to_contain_text(TITLE)


def test_search_page_with_facets_and_snippets_has_no_axe_violations(chromium_browser, live_server, setup_data):
    """WCAG 2.1 AA scan (axe-core, the copy vendored for the public diary's test) of the
    search page with results, snippets, facets (one chosen), sort links and pages."""
    from knutpunkt.registry import outbox, services
    from knutpunkt.registry.models import Document
    from tests.e2e.test_public_diary import violations

    diary, user = setup_data["diary"], setup_data["user"]
    for n in range(27):
        case = services.register_case(diary, actor=user, title=f"Bygglov för förråd nummer {n}", description="Gäller bygglov")
        if n % 3 == 0:
            services.register_document(actor=user, case=case, direction=Document.Direction.INCOMING, title="Ansökan om bygglov")
    while outbox.dispatch_pending():
        pass
    # bypass_csp: the site's Content-Security-Policy (rightly) refuses the injected axe script.
    context = chromium_browser.new_context(base_url=live_server.url, locale="sv-SE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/logga-in/")
        page.get_by_label("Användarnamn").fill("registrator")
        page.get_by_label("Lösenord").fill("losenord-123")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1, name="Mitt arbete")).to_be_visible()
        checked = {}
        page.goto("/arenden/?text=bygglov")
        expect(page.get_by_role("complementary", name="Avgränsa träffarna")).to_be_visible()
        expect(page.locator("nav.pagination")).to_have_count(1)
        checked["results"] = violations(page)
        page.goto("/arenden/?text=bygglov&direction=inkommande&sort=date")
        expect(page.locator('.facets a[aria-current="true"]')).to_have_count(1)
        checked["facet chosen"] = violations(page)
        page.goto("/arenden/?text=bygglov&year=tjugo&page=x")
        checked["errors"] = violations(page)
    finally:
        context.close()
    assert not {k: v for k, v in checked.items() if v}, checked
