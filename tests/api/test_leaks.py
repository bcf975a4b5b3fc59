"""The leak test (issue 3): secret cases and documents whose titles, descriptions, party
names and file contents carry unique markers, registered through the API with their
secrecy, then every GET endpoint called as readers without the right — and no marker
may appear in any response body.

Readers:
- (a) users without a role in the diary (none at all, and a registrator of another
  authority in the same municipality);
- (b) a läsare of the diary (sees secret objects masked);
- (c) a handläggare of the diary who is not in the access group of a restricted case
  (sees the marked-but-open case in full, as the policy says, but not the restricted one).

A party with skyddad identitet is named to none of them, and a file marked secret on
its own is fetched by none who see its document only masked.
"""

import re
import shutil
import subprocess
from urllib.parse import quote

import pytest

from knutpunkt.access.models import AccessGroup
from knutpunkt.organisations.models import Role
from tests.factories import UserFactory, user_with_role

from .conftest import TODAY, b64, client_for, registration_body

pytestmark = pytest.mark.django_db

SOCIAL = "Kolibri7A"     # an individärende marked secret (title, description, parties, files)
STAFF = "Kolibri7B"      # a restricted personalärende with a secret title
SHIELDED = "Kolibri7C"   # a party with skyddad identitet in an open case
HEALTH = "Kolibri7D"     # a secret läkarintyg (title, parties, files) in the open case
ONE_FILE = "Kolibri7E"   # one secret file among the open files of a document marked for its title
ALL = (SOCIAL, STAFF, SHIELDED, HEALTH, ONE_FILE)
KEY = "registrering-personalarende-1"

EVERY_PART = ["title", "description", "parties", "files"]
SEARCH_WORDS = ("anna", "skulder", "utredning", "ekonomiskt", "ansökan", "anmälan", "personalärende", "innehåll", "diagnos",
                "läkarintyg", "doktor", "exempelby")


def secret(public_title: str, parts=EVERY_PART, provisions=("26 kap. 1 §",)) -> dict:
    return {"provisions": list(provisions), "secret_parts": parts, "public_title": public_title, "reason": "Sekretess enligt OSL"}


def files(marker: str) -> list[dict]:
    return [{"filename": f"bilaga-{marker}.txt", "content_base64": b64(f"Innehåll {marker}".encode())}]


def person(marker: str, number: str, **extra) -> dict:
    return {"role": "sokande", "kind": "person", "personal_number": number, "first_name": "Anna", "last_name": marker,
            "street_address": f"{marker}vägen 1", "postal_code": "123 45", "city": "Exempelby", "email": f"{marker}@example.se", **extra}


@pytest.fixture
def world(api, diary):
    """Everything registered through the API, each with its secrecy in the same call."""
    group = AccessGroup.objects.create(authority=diary.authority, name="Personalutredning")
    group.members.add(user_with_role(diary, Role.HANDLAGGARE))

    social = registration_body(
        case_title=f"Ekonomiskt bistånd {SOCIAL}", case_description=f"Skulder {SOCIAL}", parties=[person(SOCIAL, "19121212-1212")],
        files=files(SOCIAL), secrecy=secret("Ansökan om ekonomiskt bistånd"), personal_data_level="skyddad",
    )
    social["document"].update(title=f"Ansökan {SOCIAL}", secrecy=secret("Ansökan"))
    staff = registration_body(
        case_title=f"Personalärende {STAFF}", case_description=f"Utredning {STAFF}", parties=[person(STAFF, "19900101-0017")],
        files=files(STAFF), secrecy=secret("Personalärende", parts=["title"], provisions=("39 kap. 1 §",)),
        restriction={"restricted": True, "access_groups": [group.pk]},
    )
    staff["document"].update(title=f"Anmälan {STAFF}", secrecy=secret("Anmälan", parts=["title"], provisions=("39 kap. 1 §",)),
                             restriction={"restricted": True})
    open_case = registration_body(
        case_title="Bygglov för carport, Ekbacken 1:2", parties=[person(SHIELDED, "20010203-0004", is_protected_identity=True)],
        files=[{"filename": "ansokan.txt", "content_base64": b64(b"Ansokan om bygglov")}],
    )
    made = {}
    for name, body, headers in (("social", social, {}), ("staff", staff, {"HTTP_IDEMPOTENCY_KEY": KEY}), ("open", open_case, {})):
        response = api.post("/api/v1/registrations/", body, format="json", **headers)
        assert response.status_code == 201, response.content
        made[name] = response.json()
    health = api.post(f"/api/v1/cases/{made['open']['case']['id']}/documents/", {
        "direction": "inkommande", "title": f"Läkarintyg {HEALTH}", "files": files(HEALTH),
        "correspondents": [{"role": "avsandare", "kind": "person", "first_name": "Doktor", "last_name": HEALTH}],
        "secrecy": secret("Läkarintyg", parts=["title", "parties", "files"], provisions=("21 kap. 1 §",)),
    }, format="json")
    assert health.status_code == 201, health.content
    made["health"] = {"document": health.json(), "files": health.json()["files"]}
    adaptation = api.post(f"/api/v1/cases/{made['open']['case']['id']}/documents/", {
        "direction": "inkommande", "title": "Komplettering", "secrecy": secret("Komplettering", parts=["title"], provisions=("21 kap. 1 §",)),
        "files": [{"filename": "ritning.txt", "content_base64": b64(b"Ritning")},
                  {"filename": f"intyg-{ONE_FILE}.txt", "content_base64": b64(f"Diagnos {ONE_FILE}".encode())}],
    }, format="json").json()
    certificate = adaptation["files"][1]
    marked = api.put(f"/api/v1/files/{certificate['id']}/secrecy/", {"is_secret": True, "reason": "Läkarintyg"}, format="json")
    assert marked.status_code == 200, marked.content
    made["adaptation"] = {"document": adaptation, "files": adaptation["files"]}
    return made


def _text(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.get("Content-Type", "").startswith("application/pdf") and body.startswith(b"%PDF"):
        # The PDF's own text, as a reader's PDF program shows it (and the raw bytes too).
        if shutil.which("pdftotext"):
            extracted = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True).stdout
            return extracted.decode("utf-8", "replace") + body.decode("latin-1")
    return body.decode("utf-8", "replace")


def every_get(client, world, *, slow: bool = True) -> list[tuple[str, object]]:
    """(what, response) for every GET the API has, about every object in the world.
    `slow` adds the schema and the PDF journal (seconds each)."""
    day = TODAY.isoformat()
    paths = [
        "/api/v1/cases/", "/api/v1/cases/?include_voided=true", "/api/v1/documents/", "/api/v1/parties/",
        "/api/v1/diaries/", "/api/v1/diaries/KS/", "/api/v1/legal-provisions/?page_size=500", "/api/v1/access-groups/",
        "/api/v1/classification/schemes/", f"/api/v1/diaries/KS/journal/?from={day}&to={day}&format=csv",
    ]
    if slow:
        paths += ["/api/v1/schema/", f"/api/v1/diaries/KS/journal/?from={day}&to={day}&format=pdf"]
    for marker in ALL:
        paths += [f"/api/v1/cases/?q={marker}", f"/api/v1/cases/?party={marker}", f"/api/v1/documents/?q={marker}",
                  f"/api/v1/parties/?q={marker}", f"/api/v1/search/cases/?q={marker}"]
    # Words every secret text carries beside its marker: the search engine finds the
    # objects by them, so its snippets and facets would show a marker the policy let through.
    for word in SEARCH_WORDS:
        paths += [f"/api/v1/cases/?q={word}&sort=relevance", f"/api/v1/search/cases/?q={word}",
                  f"/api/v1/search/cases/?q={word}&sort=date&include_voided=true"]
    for number in ("19121212-1212", "19900101-0017", "20010203-0004"):
        paths += [f"/api/v1/parties/?q={number}", f"/api/v1/cases/?party={number}"]
    for made in world.values():
        case = made.get("case")
        if case:
            for key in (case["id"], quote(case["reference"], safe="")):
                paths.append(f"/api/v1/cases/{key}/")
            for sub in ("documents", "events", "parties", "secrecy"):
                paths.append(f"/api/v1/cases/{case['id']}/{sub}/")
            paths += [party["party"]["url"].split("testserver")[-1] for party in case["parties"]]
        document = made["document"]
        paths += [f"/api/v1/documents/{document['id']}/", f"/api/v1/documents/{quote(document['reference'], safe='')}/",
                  f"/api/v1/documents/{document['id']}/files/", f"/api/v1/documents/{document['id']}/secrecy/"]
        paths += [c["party"]["url"].split("testserver")[-1] for c in document["correspondents"]]
        for file in made["files"]:
            paths += [f"/api/v1/files/{file['id']}/", f"/api/v1/files/{file['id']}/download/",
                      f"/api/v1/files/{file['id']}/versions/1/download/"]
    return [(path, client.get(path)) for path in paths]


def assert_no_leak(client, world, forbidden) -> list[tuple[str, str]]:
    texts = []
    for path, response in every_get(client, world):
        assert response.status_code in (200, 404), (path, response.status_code, response.content[:300])
        text = _text(response)
        for marker in forbidden:
            assert marker not in text, (marker, path)
        texts.append((path, text))
    # Replaying the registrator's registration with its Idempotency-Key gives the
    # caller their own answer (or a refusal), never the stored one.
    harmless = registration_body(case_title="Eget ärende", parties=[], files=[])
    replay = client.post("/api/v1/registrations/", harmless, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert replay.status_code in (201, 403, 422), replay.content
    assert "Idempotent-Replayed" not in replay
    for marker in forbidden:
        assert marker not in replay.content.decode()
    return texts


def test_the_registrator_sees_it_all(api, world):
    """The markers are really there for those with the right (so the test can fail)."""
    text = "\n".join(_text(r) for _path, r in every_get(api, world, slow=False))
    for marker in (SOCIAL, STAFF, HEALTH, ONE_FILE):
        assert marker in text
    assert SHIELDED not in text  # not even the registrator has the protected-identity right


def test_users_without_a_role_see_nothing(world, diary, outsider):
    for user in (UserFactory(organisation=diary.authority.organisation), outsider):
        client = client_for(user)
        reference = world["social"]["case"]["reference"]
        # Not even the diarienummer — except where the caller wrote it in the path
        # (a problem's `instance` repeats the request).
        answers = [t for path, t in assert_no_leak(client, world, ALL) if quote(reference, safe="") not in path]
        exact = re.compile(re.escape(reference) + r"(?!\d)")  # not KS 2026/12 for KS 2026/1
        assert not [t for t in answers if exact.search(t)]
        assert client.get("/api/v1/cases/").json()["count"] == 0


def test_a_reader_of_the_diary_sees_masked_objects_without_markers(world, diary):
    reader = client_for(user_with_role(diary, Role.LASARE))
    joined = "\n".join(t for _path, t in assert_no_leak(reader, world, ALL))
    # What the reader does see: the references and the offentliga rubriker.
    assert world["social"]["case"]["reference"] in joined and "Ansökan om ekonomiskt bistånd" in joined
    assert "Personalärende" in joined and "Läkarintyg" in joined and "Skyddad identitet" in joined
    assert "Ritning" in joined  # the open file of the document with one secret file
    listed = reader.get("/api/v1/cases/").json()
    assert listed["count"] == 3 and sum(c["masked"] for c in listed["results"]) == 2
    assert reader.get(f"/api/v1/cases/{world['social']['case']['id']}/secrecy/").json() == {"marked": True, "masked": True}


def test_a_caseworker_outside_the_access_group_sees_the_restricted_case_masked(world, diary):
    colleague = client_for(user_with_role(diary, Role.HANDLAGGARE))
    joined = "\n".join(t for _path, t in assert_no_leak(colleague, world, (STAFF, SHIELDED)))
    # The marked but open individärende is theirs to see in full (caseworker of the diary).
    assert SOCIAL in joined and HEALTH in joined and ONE_FILE in joined
    staff = colleague.get(f"/api/v1/cases/{world['staff']['case']['id']}/").json()
    assert staff["masked"] is True and staff["title"] == "Personalärende" and staff["parties"] == []
