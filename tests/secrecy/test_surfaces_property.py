"""Property: every read surface gives the access policy's answer (issue 3, "Done when").

Hypothesis draws a reader — global administrator or not; a role (läsare, handläggare,
registrator, arkivarie, lokal admin) in the object's diary, in its authority, in another
authority of the same organisation, or none; member of the object's access group or
not; the right to see skyddad identitet or not; the case's handläggare or not — and an
object: a case and its document, each with a marking of some parts (or none), a
personal-data level, restricted or not, the access group named or not; a party with or
without skyddad identitet; a file, possibly secret on its own. Every secret text carries
its own marker (tests/secrecy/world.py).

For each (reader, object) the policy answers (case_view, document_view, file_visibility,
party_name) and every surface must agree:
- HIDDEN: 404 on every page, API detail and download; absent from lists, searches,
  counts, Mitt arbete and the journal (CSV and PDF);
- otherwise each part's marker appears only if the view allows that part, and the
  main parts appear where the surface shows them (title or offentlig rubrik, reference,
  description, party name or "Skyddad identitet", document title, file content);
- searches find the object by a part's text only if that part is visible, and the hit
  counts (web page heading, API `count`) say so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knutpunkt.access import policy
from knutpunkt.access.policy import PROTECTED_IDENTITY_LABEL, Visibility
from knutpunkt.organisations.models import Role, RoleAssignment, User
from knutpunkt.registry import journal, outbox
from knutpunkt.registry.models import PersonalDataLevel
from tests.factories import UserFactory

from .support import HAS_PDFTOTEXT, body_text, pdf_text
from .world import KEYS, PARTS, Protection, make_world, register_secret

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


# --- what is drawn ----------------------------------------------------------------------

readers = st.fixed_dictionaries({
    "admin": st.sampled_from([False] * 6 + [True]),
    "role": st.sampled_from([None, *Role.values]),
    "scope": st.sampled_from(["diary", "authority", "other"]),
    "protected_right": st.booleans(),
    "in_group": st.booleans(),
    "officer": st.sampled_from([False, False, True]),
})
protections = st.builds(
    Protection,
    parts=st.sampled_from([frozenset()] * 3 + [frozenset({p}) for p in PARTS] + [frozenset(PARTS), frozenset({"title", "parties"})])
    | st.frozensets(st.sampled_from(PARTS)),
    level=st.sampled_from(PersonalDataLevel.values),
    restricted=st.sampled_from([False, False, True]),
    group=st.booleans(),
)
objects = st.fixed_dictionaries({
    "case": protections,
    "document": protections,
    "protected_party": st.booleans(),
    "file_secret": st.booleans(),
})


def make_reader(world, spec) -> User:
    user = UserFactory(organisation=world.organisation, is_global_admin=spec["admin"])
    if spec["role"]:
        where = {"diary": {"diary": world.diary}, "authority": {"authority": world.authority}, "other": {"diary": world.other_diary}}
        RoleAssignment.objects.create(user=user, role=spec["role"], protected_identity_access=spec["protected_right"], **where[spec["scope"]])
    if spec["in_group"]:
        world.group.members.add(user)
    return user


# --- the policy's answer ------------------------------------------------------------------

@dataclass
class Expected:
    case: policy.ObjectView
    document: policy.ObjectView
    file: bool
    identity: bool  # the party's real name may be shown
    protected: bool

    @property
    def case_parties(self) -> bool:
        return self.case.parties and self.identity

    @property
    def document_parties(self) -> bool:
        return self.document.parties and self.identity

    def allowed(self, key: str, *, level: str = "any") -> bool:
        """May this marker appear at all? `level` narrows the party name to the case's
        or the document's parties for surfaces that show only one of them."""
        if key == "PN":
            return {"case": self.case_parties, "document": self.document_parties}.get(level, self.case_parties or self.document_parties)
        return {
            "CT": self.case.title, "CD": self.case.description, "PT": not self.case.hidden,
            "DT": self.document.title, "DP": not self.document.hidden, "FN": self.file, "FC": self.file,
        }[key]


def expected_for(reader, secret) -> Expected:
    reader = User.objects.get(pk=reader.pk)  # a fresh Reader, as a request gets
    cv = policy.case_view(reader, secret.case)
    dv = policy.document_view(reader, secret.document)
    fv = policy.file_visibility(reader, secret.document, secret.file) == Visibility.FULL
    identity = policy.party_name(reader, secret.party, secret.case.diary_id) == secret.party.display_name
    return Expected(cv, dv, fv, identity, secret.party.is_protected_identity)


# --- checking a surface ------------------------------------------------------------------

class Findings:
    def __init__(self, secret, expected: Expected):
        self.secret = secret
        self.expected = expected
        self.problems: list[str] = []

    def fail(self, surface: str, what: str) -> None:
        self.problems.append(f"{surface}: {what}")

    def no_leak(self, surface: str, text: str, *, level: str = "any") -> None:
        for key in KEYS:
            if self.secret.text(key) in text and not self.expected.allowed(key, level=level):
                self.fail(surface, f"LEAK of {key} ({self.secret.text(key)})")

    def shows(self, surface: str, text: str, *keys: str) -> None:
        for key in keys:
            if self.secret.text(key) not in text:
                self.fail(surface, f"{key} missing although the policy allows it")

    def status(self, surface: str, response, hidden: bool) -> bool:
        """404 when hidden, 200 otherwise; True if the body is worth reading."""
        want = 404 if hidden else 200
        if response.status_code != want:
            self.fail(surface, f"status {response.status_code}, expected {want}")
        return response.status_code == 200


def search_hits(html_text: str) -> int:
    heading = re.search(r'id="results-heading">(.*?)</h2>', html_text, re.S)
    assert heading is not None, "the search page has no result heading"
    found = re.match(r"\s*(\d+)\s+(?:ärende|träff)", heading.group(1))  # "3 ärenden" (list) or "3 träffar" (text)
    return int(found.group(1)) if found else 0


def check_surfaces(client: Client, reader, secret, expected: Expected, *, pdf: bool = True) -> list[str]:
    f = Findings(secret, expected)
    case, document, file = secret.case, secret.document, secret.file
    cv, dv = expected.case, expected.document
    t = secret.text

    # Web: the case page (with its documents, parties, files and timeline).
    r = client.get(reverse("web:case_detail", args=[case.pk]))
    if f.status("web case page", r, cv.hidden):
        text = body_text(r)
        f.no_leak("web case page", text)
        f.shows("web case page", text, "CT" if cv.title else "PT")
        if cv.description:
            f.shows("web case page", text, "CD")
        if expected.case_parties:
            f.shows("web case page", text, "PN")
        elif cv.parties and expected.protected and PROTECTED_IDENTITY_LABEL not in text:
            f.fail("web case page", "a party with skyddad identitet is not labelled as such")
        if dv.title:
            f.shows("web case page", text, "DT")
        if expected.file:
            f.shows("web case page", text, "FN")

    # Web: the document page.
    r = client.get(reverse("web:document_detail", args=[document.pk]))
    if f.status("web document page", r, dv.hidden):
        text = body_text(r)
        f.no_leak("web document page", text)
        f.shows("web document page", text, "DT" if dv.title else "DP")
        if expected.document_parties:
            f.shows("web document page", text, "PN")
        if expected.file:
            f.shows("web document page", text, "FN")

    # Web: file download.
    r = client.get(reverse("web:file_download", args=[file.pk]))
    if r.status_code == 200:
        text = body_text(r)
        f.no_leak("web file download", text)
        if not expected.file:
            f.fail("web file download", "200 although the policy hides the file")
        f.shows("web file download", text, "FC")
    elif expected.file or r.status_code not in (403, 404):
        f.fail("web file download", f"status {r.status_code}, policy says {'visible' if expected.file else 'hidden'}")

    # Web: search (list + hit count), by reference and by each part's text.
    search = reverse("web:search")
    for params, found_if in (
        ({"reference": case.reference}, not cv.hidden),
        ({"text": t("CT")}, cv.title),
        ({"text": t("CD")}, cv.description),
        ({"text": t("DT")}, dv.title),
        ({"party": t("PN")}, expected.allowed("PN")),
    ):
        r = client.get(search, params)
        assert r.status_code == 200
        # The form shows what the reader typed: that is not the page revealing it.
        text = body_text(r).replace(f'value="{next(iter(params.values()))}"', "")
        surface = f"web search {params}"
        f.no_leak(surface, text, level="case")
        hits = search_hits(r.content.decode())
        if hits != int(bool(found_if)):
            f.fail(surface, f"{hits} hits, policy says {int(bool(found_if))}")
        if found_if and case.reference not in text:
            f.fail(surface, "the case is not listed")
        if found_if:
            f.shows(surface, text, "CT" if cv.title else "PT")

    # Web: Mitt arbete (own open cases, recent documents).
    r = client.get(reverse("web:my_work"))
    assert r.status_code == 200
    text = body_text(r)
    f.no_leak("web Mitt arbete", text)
    if case.officer_id == reader.pk and not cv.hidden and case.reference not in text:
        f.fail("web Mitt arbete", "own open case not listed")
    if (document.reference in text) == dv.hidden:
        f.fail("web Mitt arbete", f"recent document {'listed although hidden' if dv.hidden else 'missing'}")

    # API: list, searches and counts.
    for params, found_if in (
        ({"reference": case.reference}, not cv.hidden),
        ({"q": t("CT")}, cv.title),
        ({"q": t("CD")}, cv.description),
        ({"q": t("DT")}, dv.title),
        ({"party": t("PN")}, expected.allowed("PN")),
    ):
        r = client.get("/api/v1/cases/", params)
        assert r.status_code == 200, r.content
        body = r.json()
        surface = f"API cases {params}"
        f.no_leak(surface, body_text(r), level="case")
        if body["count"] != int(bool(found_if)) or len(body["results"]) != int(bool(found_if)):
            f.fail(surface, f"count {body['count']}, policy says {int(bool(found_if))}")
        if found_if and body["results"]:
            check_case_json(f, surface, body["results"][0], secret, expected)

    # API: the full search, with facets and snippets, by each part's text — after the
    # worker has indexed the objects (the searches above ran before: the engine's
    # fallback for changes not indexed yet).
    while outbox.dispatch_pending():
        pass
    for params, found_if in (
        ({"q": t("CT")}, cv.title),
        ({"q": t("CD")}, cv.description),
        ({"q": t("DT")}, dv.title),
        ({"q": t("PN")}, expected.allowed("PN")),
    ):
        r = client.get("/api/v1/search/cases/", params)
        assert r.status_code == 200, r.content
        body = r.json()
        surface = f"API search {params}"
        f.no_leak(surface, body_text(r), level="case")
        if body["count"] != int(bool(found_if)) or len(body["results"]) != int(bool(found_if)):
            f.fail(surface, f"count {body['count']}, policy says {int(bool(found_if))}")
        for name, values in body["facets"].items():
            # The process shows only in a full view: a masked case is not counted there.
            expected_count = body["count"] if name != "process" or cv.full else 0
            if name != "direction" and sum(v["count"] for v in values) != expected_count:
                f.fail(surface, f"facet {name} counts {values} for {body['count']} hits")
        if found_if and body["results"]:
            check_case_json(f, surface, body["results"][0], secret, expected)

    # API: detail, documents, events.
    r = client.get(f"/api/v1/cases/{case.pk}/")
    if f.status("API case detail", r, cv.hidden):
        f.no_leak("API case detail", body_text(r), level="case")
        check_case_json(f, "API case detail", r.json(), secret, expected)
    r = client.get(f"/api/v1/cases/{case.pk}/documents/")
    if f.status("API case documents", r, cv.hidden):
        text = body_text(r)
        f.no_leak("API case documents", text, level="document")
        titles = [d["title"] for d in r.json()["results"]]
        if titles != [document.title if dv.title else document.public_title]:
            f.fail("API case documents", f"titles {titles}")
        if expected.document_parties:
            f.shows("API case documents", text, "PN")
    r = client.get(f"/api/v1/documents/{document.pk}/")
    if f.status("API document detail", r, dv.hidden):
        text = body_text(r)
        f.no_leak("API document detail", text, level="document")
        f.shows("API document detail", text, "DT" if dv.title else "DP")
    r = client.get(f"/api/v1/documents/{document.pk}/files/")
    if f.status("API document files", r, dv.hidden):
        text = body_text(r)
        f.no_leak("API document files", text, level="document")
        if expected.file:
            f.shows("API document files", text, "FN")
    r = client.get(f"/api/v1/files/{file.pk}/download/")
    if r.status_code == 200:
        text = body_text(r)
        f.no_leak("API file download", text)
        if not expected.file:
            f.fail("API file download", "200 although the policy hides the file")
        f.shows("API file download", text, "FC")
    elif expected.file or r.status_code not in (403, 404):
        f.fail("API file download", f"status {r.status_code}, policy says {'visible' if expected.file else 'hidden'}")
    r = client.get(f"/api/v1/cases/{case.pk}/events/")
    if f.status("API case events", r, cv.hidden):
        f.no_leak("API case events", body_text(r))

    # Journal (diarieutdrag): CSV and PDF, as the functions the page and API call.
    today = dt.date.today()
    fresh = User.objects.get(pk=reader.pk)
    csv_text = journal.journal_csv(fresh, case.diary, today, today)
    check_journal(f, "journal CSV", csv_text, secret, expected)
    html_text = journal.journal_html(fresh, case.diary, today, today)
    check_journal(f, "journal HTML (PDF source)", html_text, secret, expected)
    if pdf and HAS_PDFTOTEXT:
        # The PDF is printed from that HTML; rendering takes ½ s, so only some examples.
        content = journal.journal_pdf(fresh, case.diary, today, today)
        check_journal(f, "journal PDF", pdf_text(content), secret, expected)
    return f.problems


def check_case_json(f: Findings, surface: str, data: dict, secret, expected: Expected) -> None:
    case, cv = secret.case, expected.case
    want_title = case.title if cv.title else (case.public_title or data["title"])
    if data["title"] != want_title:
        f.fail(surface, f"title {data['title']!r}, expected {want_title!r}")
    want_description = case.description if cv.description else None
    if data["description"] != want_description:
        f.fail(surface, f"description {data['description']!r}, expected {want_description!r}")
    names = [p["party"]["name"] for p in data["parties"]]
    if not cv.parties:
        if names:
            f.fail(surface, f"parties shown although the policy withholds them: {names}")
    elif expected.identity:
        if secret.party.display_name not in names:
            f.fail(surface, f"party missing: {names}")
    elif names != [PROTECTED_IDENTITY_LABEL]:
        f.fail(surface, f"skyddad identitet shown as {names}")
    if data["masked"] == cv.full:
        f.fail(surface, f"masked={data['masked']} but the view is {cv.level.name}")


def check_journal(f: Findings, surface: str, text: str, secret, expected: Expected) -> None:
    dv, cv = expected.document, expected.case
    f.no_leak(surface, text, level="document")
    listed = secret.document.reference in text
    if listed == dv.hidden:
        f.fail(surface, f"document {'listed although hidden' if dv.hidden else 'missing'}")
    if not dv.hidden:
        f.shows(surface, text, "DT" if dv.title else "DP")
        if expected.document_parties:
            f.shows(surface, text, "PN")
        if not cv.hidden and cv.title:
            f.shows(surface, text, "CT")


# --- the property -------------------------------------------------------------------------

@pytest.fixture
def world(db):
    return make_world()


def describe(spec, obj, expected: Expected) -> str:
    return (f"reader={spec} object={obj} → case {expected.case}, document {expected.document}, "
            f"file {'visible' if expected.file else 'hidden'}, identity {'shown' if expected.identity else 'protected'}")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=readers, obj=objects, pdf=st.sampled_from([False, False, True]))
def test_every_surface_agrees_with_the_policy(world, spec, obj, pdf):
    try:
        with transaction.atomic():
            reader = make_reader(world, spec)
            secret = register_secret(
                world, case_protection=obj["case"], document_protection=obj["document"],
                protected_party=obj["protected_party"], file_secret=obj["file_secret"],
                officer=reader if spec["officer"] else None,
            )
            expected = expected_for(reader, secret)
            client = Client()
            client.force_login(reader)
            problems = check_surfaces(client, reader, secret, expected, pdf=pdf)
            assert not problems, describe(spec, obj, expected) + "\n" + "\n".join(problems)
            raise Rollback
    except Rollback:
        pass


# Examples the draw may miss, always run: each is one narrow rule.
@pytest.mark.parametrize("spec,obj", [
    pytest.param(  # a läsare sees a secret-title case masked: offentlig rubrik only
        {"admin": False, "role": Role.LASARE, "scope": "diary", "protected_right": False, "in_group": False, "officer": False},
        {"case": Protection(frozenset({"title", "parties"})), "document": Protection(), "protected_party": False, "file_secret": False},
        id="lasare-secret-title",
    ),
    pytest.param(  # handläggare outside the access group of a restricted case and document
        {"admin": False, "role": Role.HANDLAGGARE, "scope": "authority", "protected_right": False, "in_group": False, "officer": False},
        {"case": Protection(restricted=True, group=True), "document": Protection(restricted=True, group=True),
         "protected_party": False, "file_secret": False},
        id="handlaggare-outside-group",
    ),
    pytest.param(  # the case is open to a läsare, its document is marked: no document text in the case's events
        {"admin": False, "role": Role.LASARE, "scope": "diary", "protected_right": False, "in_group": False, "officer": False},
        {"case": Protection(), "document": Protection(frozenset({"title", "files"})), "protected_party": False, "file_secret": True},
        id="open-case-secret-document",
    ),
    pytest.param(  # global administrator without the explicit right: skyddad identitet stays hidden
        {"admin": True, "role": None, "scope": "diary", "protected_right": False, "in_group": False, "officer": False},
        {"case": Protection(), "document": Protection(), "protected_party": True, "file_secret": False},
        id="admin-protected-identity",
    ),
    pytest.param(  # a role in another authority of the same organisation gives nothing
        {"admin": False, "role": Role.REGISTRATOR, "scope": "other", "protected_right": True, "in_group": True, "officer": True},
        {"case": Protection(frozenset(PARTS), "skyddad", True, True), "document": Protection(frozenset(PARTS)),
         "protected_party": True, "file_secret": True},
        id="other-authority",
    ),
    pytest.param(  # personal data "skyddad": a läsare sees no parties even without a marking
        {"admin": False, "role": Role.ARKIVARIE, "scope": "diary", "protected_right": True, "in_group": True, "officer": False},
        {"case": Protection(level="skyddad"), "document": Protection(level="skyddad"), "protected_party": False, "file_secret": False},
        id="arkivarie-personal-data-protected",
    ),
])
def test_narrow_rules(world, spec, obj):
    reader = make_reader(world, spec)
    secret = register_secret(world, case_protection=obj["case"], document_protection=obj["document"],
                             protected_party=obj["protected_party"], file_secret=obj["file_secret"],
                             officer=reader if spec["officer"] else None)
    expected = expected_for(reader, secret)
    client = Client()
    client.force_login(reader)
    problems = check_surfaces(client, reader, secret, expected)
    assert not problems, describe(spec, obj, expected) + "\n" + "\n".join(problems)
