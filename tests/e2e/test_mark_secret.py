"""A registrator marks a case secret through the case page; a läsare of the same diary
then finds it by its diarienummer and sees only the offentlig rubrik."""

import re

import pytest
from playwright.sync_api import expect

from knutpunkt.organisations.models import Role
from knutpunkt.registry import services
from tests.factories import DiaryFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET_TITLE = "Ekonomiskt bistånd – Kalle Hemligsson"
PUBLIC_TITLE = "Ansökan om ekonomiskt bistånd"


def sol_provision():
    """The seeded lagrum, or made here: a transactional test before this one may have
    flushed the seeded rows away."""
    from knutpunkt.access.models import LegalProvision

    provision, _ = LegalProvision.objects.get_or_create(
        organisation=None, law="OSL", reference="26 kap. 1 §",
        defaults={"chapter": 26, "paragraph": "1", "short_title": "Socialtjänst (inkl. LSS)"},
    )
    return provision


@pytest.fixture
def setup_data():
    sol_provision()
    diary = DiaryFactory(prefix="SN", name="Socialnämndens diarium")
    registrator = user_with_role(diary, Role.REGISTRATOR, username="registrator", first_name="Rut", last_name="Registrator")
    user_with_role(diary, Role.LASARE, username="lasare", first_name="Lars", last_name="Läsare")
    case = services.register_case(diary, actor=registrator, title=SECRET_TITLE)
    return {"case": case}


def log_in(page, username):
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("losenord-123")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Mitt arbete")).to_be_visible()


def test_mark_a_case_secret_and_a_reader_sees_the_public_title(browser_page, setup_data):
    page = browser_page
    case = setup_data["case"]

    log_in(page, "registrator")
    page.goto(f"/arende/{case.reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(SECRET_TITLE)
    panel = page.locator("#sekretess")
    expect(panel.get_by_role("heading", name="Sekretess och åtkomst")).to_be_visible()
    # The aside link opens the form.
    page.get_by_role("link", name="Sekretessmarkera ärendet").click()
    form = page.locator("#secrecy-marking")
    expect(form.get_by_label("Rubriken")).to_be_visible()

    # First without a public title: refused, in Swedish, with what was chosen kept.
    form.get_by_label("Rubriken").check()
    form.get_by_label("Parterna").check()
    form.get_by_label("OSL 26 kap. 1 § – Socialtjänst (inkl. LSS)").check()
    form.get_by_label("Skäl för markeringen").fill("Individärende enligt SoL")
    form.get_by_role("button", name="Spara markeringen").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("En sekretessbelagd rubrik kräver en offentlig rubrik.")
    expect(page).to_have_title(re.compile(r"^Fel:"))
    form = page.locator("#secrecy-marking")
    expect(form.get_by_label("OSL 26 kap. 1 § – Socialtjänst (inkl. LSS)")).to_be_checked()
    summary.get_by_role("link").click()
    expect(form.get_by_label("Offentlig rubrik")).to_be_focused()
    page.keyboard.type(PUBLIC_TITLE)
    form.get_by_role("button", name="Spara markeringen").click()

    expect(page.get_by_role("status")).to_contain_text("Ärendets sekretessmarkering är sparad.")
    panel = page.locator("#sekretess")
    expect(panel).to_contain_text("OSL 26 kap. 1 § – Socialtjänst (inkl. LSS)")
    expect(panel).to_contain_text("Rubriken, parterna")
    expect(page.get_by_text("Ärendet sekretessmarkerades")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    # The läsare finds it by diarienummer and sees the offentlig rubrik only.
    log_in(page, "lasare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Sök ärenden").click()
    page.get_by_label("Diarienummer").fill(case.reference)
    page.get_by_role("button", name="Sök", exact=True).click()
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name=case.reference)).to_be_visible()
    expect(results).to_contain_text(PUBLIC_TITLE)
    expect(page.locator("main")).not_to_contain_text("Hemligsson")
    results.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PUBLIC_TITLE)
    expect(page.locator("main")).not_to_contain_text("Hemligsson")
    expect(page.locator("#sekretess")).to_contain_text("Sekretessmarkerat")
    expect(page.locator("#sekretess")).not_to_contain_text("26 kap.")


def test_case_type_default_marking_is_proposed_and_confirmed(browser_page, setup_data):
    """Choosing a case type with a default marking fills in the Sekretess part at once
    (HTMX); registering then confirms it."""
    from knutpunkt.registry.models import Case
    from tests.factories import SchemeFactory, case_type_in, process_in

    diary = setup_data["case"].diary
    process = process_in(SchemeFactory(organisation=diary.authority.organisation), "7.1.1.1", "Utreda behov av bistånd")
    case_type = case_type_in(process, code="IND", title="Individärende SoL")
    case_type.default_provisions.set([sol_provision()])
    case_type.default_secret_parts = ["title", "parties"]
    case_type.default_public_title = PUBLIC_TITLE
    case_type.save()

    page = browser_page
    log_in(page, "registrator")
    page.goto("/registrera/")
    section = page.locator("#secrecy-section")
    expect(section).not_to_have_attribute("open", "")
    page.get_by_label("Process").select_option(label="7.1.1.1 Utreda behov av bistånd")
    page.get_by_label("Ärendetyp").select_option(label="IND Individärende SoL")
    section = page.locator("#secrecy-section")
    expect(section).to_contain_text("Förslag från ärendetypen IND Individärende SoL – bekräfta.")
    expect(section.get_by_label("Offentlig rubrik")).to_have_value(PUBLIC_TITLE)
    expect(section.get_by_label("OSL 26 kap. 1 § – Socialtjänst (inkl. LSS)")).to_be_checked()
    page.get_by_label("Handlingens rubrik").fill("Ansökan om bistånd från Kalle Hemligsson")
    page.get_by_role("button", name="Registrera", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Sekretess och åtkomst är sparade.")
    case = Case.objects.exclude(pk=setup_data["case"].pk).get()
    assert case.title_secret and case.parties_secret and case.public_title == PUBLIC_TITLE
    expect(page.locator("#sekretess")).to_contain_text("Rubriken, parterna")
