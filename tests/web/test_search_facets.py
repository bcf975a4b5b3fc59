"""The staff search page with free text: the search engine's relevance or date order,
facets that add and remove a filter in the address, highlighted snippets, pagination
that keeps every parameter — and nothing of what a reader may not see."""

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from knutpunkt.organisations.models import Role
from knutpunkt.registry import outbox, secrecy, services
from knutpunkt.registry.models import Document, Party
from tests.factories import DiaryFactory, user_with_role
from tests.search_world import detaljplan_world
from tests.web.conftest import html_of

pytestmark = pytest.mark.django_db

SECRET = "Hemligordet"


def dispatch():
    """Index what was registered, as the background worker would."""
    while outbox.dispatch_pending():
        pass


def page(client, **params) -> str:
    response = client.get(reverse("web:search"), params)
    assert response.status_code == 200
    return html_of(response)


def results(html: str) -> str:
    return html.split('id="results-heading"', 1)[1]


def facets(html: str) -> str:
    """The facet sidebar only ('' when there is none)."""
    match = re.search(r'<aside class="facets".*?</aside>', html, re.S)
    return match.group(0) if match else ""


def facet_links(html: str) -> dict[str, str]:
    """Facet label → its href."""
    found = {}
    for href, label in re.findall(r'<a href="([^"]+)" class="facet[^"]*"[^>]*>.*?<span class="facet-label">([^<]*)</span>', facets(html), re.S):
        found[html_lib.unescape(label)] = html_lib.unescape(href)
    return found


def follow(client, href: str) -> str:
    return page(client, **{k: v[0] for k, v in parse_qs(urlsplit(href).query, keep_blank_values=True).items()})


def references(html: str) -> list[str]:
    return re.findall(r'<a href="/arende/[^"]+/">([^<]+)</a>', results(html))


@pytest.fixture
def world(diary, registrator):
    return detaljplan_world(diary, registrator)


def test_text_search_shows_hits_facets_and_snippets(reg_client, world):
    html = page(reg_client, text="detaljplan")
    assert re.search(r'<h2 id="results-heading">3 träffar', html)
    side = facets(html)
    for heading in ("Diarium", "Process", "Status", "År", "Handlingar"):
        assert f">{heading}</h3>" in side, heading
    assert "Inkommande" in side and "Utgående" in side and "Avslutat" in side and "Öppnat" in side
    assert re.search(r"KS – [^<]*</span> <span class=\"count\">2</span>", side)
    assert "<mark>Detaljplan</mark>" in results(html) or "<mark>detaljplan</mark>" in results(html)
    assert 'class="snippet-label">Handling ' in html  # a hit in a document's title
    # Snippets are the engine's escaped HTML; everything else is escaped by the template.
    assert "&lt;mark&gt;" not in html


def test_markup_in_titles_and_texts_is_escaped_in_list_and_snippets(reg_client, diary, registrator):
    services.register_case(diary, actor=registrator, title='<img src=x onerror="alert(1)"> Skolskjuts',
                           description="<script>alert(2)</script> Skolskjuts till <b>skolan</b>")
    dispatch()
    html = page(reg_client, text="skolskjuts")
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "<script>alert(2)" not in html and "&lt;script&gt;alert(2)" in html and "<b>skolan" not in html
    assert "<mark>Skolskjuts</mark> till &lt;b&gt;skolan" in html
    # The title's own snippet is not repeated under the title it copies.
    assert 'class="snippet-label">Rubrik:' not in html


def test_a_long_title_keeps_its_snippet_window(reg_client, diary, registrator):
    long_title = "Ansökan " + "om något mycket långt " * 12 + "angående skolskjuts"
    services.register_case(diary, actor=registrator, title=long_title)
    dispatch()
    html = page(reg_client, text="skolskjuts")
    assert 'class="snippet-label">Rubrik:</span> … ' in html and "<mark>skolskjuts</mark>" in html


def test_facets_add_and_remove_filters(reg_client, world):
    html = page(reg_client, text="detaljplan")
    links = facet_links(html)
    narrowed = follow(reg_client, links["Avslutat"])
    assert references(narrowed) == [world["closed"].reference]
    assert re.search(r'<h2 id="results-heading">1 träff\b', narrowed)
    assert '<option value="avslutat" selected>' in narrowed  # the form carries the filter on
    active = re.search(r'<a href="([^"]+)" class="facet facet-active" aria-current="true">', facets(narrowed))
    assert active, facets(narrowed)
    back = follow(reg_client, html_lib.unescape(active.group(1)))
    assert len(references(back)) == 3

    outgoing = follow(reg_client, facet_links(html)["Utgående"])
    assert references(outgoing) == [world["elsewhere"].reference]
    assert '<option value="utgaende" selected>' in outgoing
    by_diary = follow(reg_client, [href for label, href in facet_links(html).items() if label.startswith("BN – ")][0])
    assert references(by_diary) == [world["elsewhere"].reference]
    year = str(world["old"].year)
    by_year = follow(reg_client, facet_links(html)[year])
    assert len(references(by_year)) == 3 and f'value="{year}"' in by_year
    # Two facets at once: each link keeps the other filters.
    both = follow(reg_client, facet_links(by_year)["Inkommande"])
    assert references(both) == [world["old"].reference]
    assert "year=" in "".join(facet_links(both).values())


def test_cases_without_a_process_are_counted_but_not_a_link(reg_client, world):
    side = facets(page(reg_client, text="detaljplan"))
    assert "Utan process" in side and "Utan process" not in facet_links(page(reg_client, text="detaljplan"))


def test_sort_by_relevance_or_date(reg_client, world):
    by_relevance = page(reg_client, text="detaljplan")
    by_date = page(reg_client, text="detaljplan", sort="date")
    newest_first = [world["elsewhere"].reference, world["closed"].reference, world["old"].reference]
    assert references(by_date) == newest_first
    assert references(by_relevance)[0] == world["closed"].reference  # "detaljplan" three times in its title
    assert 'aria-current="true">Relevans</a>' in by_relevance and 'aria-current="true">Senast registrerad</a>' in by_date
    assert "mest relevanta först" in by_relevance and "nyast registrerade först" in by_date
    # The chosen sort travels with the form and the facet links.
    assert '<input type="hidden" name="sort" value="date"' in by_date
    assert all("sort=date" in href for href in facet_links(by_date).values())
    # Without text there is nothing to rank: newest first.
    assert "Sortera efter" not in page(reg_client, status="")


def test_unknown_sort_is_explained_not_an_error(reg_client, world):
    html = page(reg_client, text="detaljplan", sort="bästa")
    assert "Okänd sortering" in html and "3 träffar" in html


def test_pagination_keeps_every_parameter(reg_client, diary, registrator):
    for i in range(30):
        services.register_case(diary, actor=registrator, title=f"Parkeringstillstånd nummer {i:02d}")
    dispatch()
    html = page(reg_client, text="parkeringstillstånd", sort="date", status="open", direction="")
    assert "30 träffar, visar 1–25" in results(html)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1)
    query = parse_qs(urlsplit(html_lib.unescape(next_link)).query, keep_blank_values=True)
    assert query["text"] == ["parkeringstillstånd"] and query["sort"] == ["date"] and query["status"] == ["open"]
    assert query["page"] == ["2"]
    second = follow(reg_client, html_lib.unescape(next_link))
    assert "visar 26–30" in second and "nummer 00" in second and "nummer 29" not in results(second)
    assert 'aria-current="page"><span class="visually-hidden">Sida </span>2<' in second


@pytest.mark.parametrize("absurd, notice", [
    ("999999", "Sidan finns inte"), ("9" * 5000, "Sidnumret ska vara ett heltal"), ("-3", "Sidnumret ska vara 1 eller större"),
    ("abc", "Sidnumret ska vara ett heltal"), ("1e9", "Sidnumret ska vara ett heltal"),
])
def test_absurd_page_numbers_show_a_real_page_and_say_so(reg_client, world, absurd, notice):
    for params in ({"text": "detaljplan"}, {"status": ""}):
        html = page(reg_client, **params, page=absurd)
        assert notice in html, (params, absurd)
        assert "träffar" in html or "ärenden" in html


def test_malformed_filters_are_explained(reg_client, world):
    html = page(reg_client, text="detaljplan", year="tjugo", date_from="2026-13-45", direction="uppåt", diary="x")
    assert "Skriv året med fyra siffror" in html and "Skriv datumet som ÅÅÅÅ-MM-DD" in html
    assert "Välj ett av alternativen i listan." in html and "data-error-summary" in html
    assert 'value="detaljplan"' in html  # what was typed is kept


def test_text_without_words_searches_on_the_other_criteria(reg_client, world):
    html = page(reg_client, text="***", status="avslutat")
    assert "inga ord att söka på" in html and references(html) == [world["closed"].reference]


def test_short_address_redirects_with_the_query(reg_client):
    response = reg_client.get("/sok/?text=bygglov&sort=date")
    assert response.status_code == 302 and response["Location"] == reverse("web:search") + "?text=bygglov&sort=date"


QUERY_VALUES = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "1", "2", "99999999999999999999", "relevance", "date",
                                                                 "open", "avslutat", "inkommande", "2026", "2026-01-01", "\x00"]))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["text", "page", "sort", "year", "direction", "status", "diary", "process",
                                               "date_from", "date_to", "reference", "party", "okänd"]), QUERY_VALUES, max_size=6))
def test_junk_query_strings_never_break_the_page(reg_client, world, params):
    response = reg_client.get(reverse("web:search"), params)
    assert response.status_code == 200, params


# --- secrecy ---------------------------------------------------------------------------

@pytest.fixture
def secret_world(diary, registrator, sol_provision):
    """In KS: an open case and a case whose title, description and parties are secret,
    with a party with skyddad identitet; in another authority's diary a case the reader
    has no role in. Every one of them would match the word 'ansökan'."""
    open_case = services.register_case(diary, actor=registrator, title="Ansökan om parkeringstillstånd")
    secret = services.register_case(diary, actor=registrator, title=f"Ansökan {SECRET} om bistånd",
                                    description=f"Utredning {SECRET}")
    secrecy.set_marking(secret, actor=registrator, provisions=[sol_provision], secret_parts={"title", "description", "parties"},
                        reason="SoL", public_title="Ansökan om ekonomiskt bistånd")
    party = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Greta",
                                 last_name="Skyddadsdottir", is_protected_identity=True)
    services.add_party(open_case, party, "sokande", actor=registrator)
    document = services.register_document(actor=registrator, case=secret, direction=Document.Direction.OUTGOING,
                                          title=f"Beslut {SECRET}")
    secrecy.set_marking(document, actor=registrator, provisions=[sol_provision], secret_parts={"title"}, reason="SoL",
                        public_title="Beslut")
    hidden_diary = DiaryFactory(prefix="SN", authority__organisation=diary.authority.organisation)
    hidden = services.register_case(hidden_diary, actor=user_with_role(hidden_diary, Role.REGISTRATOR),
                                    title=f"Ansökan {SECRET} i annat diarium")
    services.close_case(hidden, actor=hidden.registered_by)
    dispatch()
    return {"open": open_case, "secret": secret, "hidden": hidden}


def test_reader_sees_no_secret_title_snippet_or_protected_name(client, diary, secret_world, reader):
    client.force_login(reader)
    html = page(client, text="ansökan")
    assert secret_world["secret"].reference in html and "Ansökan om ekonomiskt bistånd" in html
    assert SECRET not in html and "Skyddadsdottir" not in html and "Greta" not in html
    assert secret_world["hidden"].reference not in html
    for words in (SECRET, "skyddadsdottir", f"ansökan {SECRET}", "utredning"):
        html = page(client, text=words)
        assert "Inga ärenden matchar" in html, words
        assert SECRET not in html.replace(f'value="{words}"', "").replace(f'value="{words.capitalize()}"', ""), words
        assert "Skyddadsdottir" not in html.replace('value="skyddadsdottir"', "")


def test_hidden_cases_change_no_facet_count(client, diary, secret_world, reader, registrator):
    """The case in SN (closed, another diary) would add to the diary, status and year
    facets; the reader's facets must be exactly what their two visible hits give."""
    client.force_login(reader)
    html = page(client, text="ansökan")
    side = facets(html)
    assert re.search(r'<h2 id="results-heading">2 träffar', html)
    assert "SN – " not in side and "Avslutat" not in side
    counts = [int(n) for n in re.findall(r'<span class="count">(\d+)</span>', side)]
    by_group = re.findall(r'<h3 id="facet-(\w+)">.*?</ul>', side, re.S)
    assert by_group == ["diary", "process", "status", "year", "direction"]
    # The process is shown only in a full view: the masked case is not counted there.
    for group, expected in (("diary", 2), ("status", 2), ("year", 2), ("process", 1)):
        block = re.search(rf'<h3 id="facet-{group}">.*?</ul>', side, re.S).group(0)
        assert sum(int(n) for n in re.findall(r'<span class="count">(\d+)</span>', block)) == expected, group
    assert max(counts) == 2
    # The registrator of SN sees the third (so the test would notice a missing filter).
    owner = secret_world["hidden"].registered_by
    client.force_login(owner)
    assert secret_world["hidden"].reference in page(client, text="ansökan")


def test_masked_document_title_is_not_in_a_snippet(client, secret_world, reader):
    client.force_login(reader)
    html = page(client, text="beslut")
    assert secret_world["secret"].reference in html  # through the document's offentlig rubrik
    assert SECRET not in html


def test_caseworker_outside_a_restricted_case_gets_no_description_snippet(client, diary, registrator):
    case = services.register_case(diary, actor=registrator, title="Personalärende", description="Rehabilitering av Nisse")
    secrecy.set_restriction(case, actor=registrator, restricted=True, reason="Personalärende")
    dispatch()
    client.force_login(user_with_role(diary, Role.HANDLAGGARE))
    assert "Inga ärenden matchar" in page(client, text="rehabilitering")
    html = page(client, text="personalärende")
    assert case.reference in html and "Nisse" not in html and "Rehabilitering" not in html


def test_a_user_without_any_role_searches_and_finds_nothing(client, secret_world):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    html = page(client, text="ansökan")
    assert "Inga ärenden matchar" in html and SECRET not in html and "Avgränsa" not in html


def test_a_cut_search_and_uncounted_facets_are_said(reg_client, world, settings, monkeypatch):
    from knutpunkt.search import queries as search_queries

    settings.KNUTPUNKT_SEARCH_MAX_CANDIDATES = 1
    monkeypatch.setattr(search_queries, "DIRECTION_FACET_LIMIT", 0)
    html = page(reg_client, text="detaljplan")
    assert "bara de senast registrerade har sökts igenom" in html and "1 träff" in html
    assert "För många träffar för att räkna" in facets(html) and ">Handlingar</h3>" in facets(html)
