import datetime as dt
from urllib.parse import quote

import pytest

from knutpunkt.organisations.models import Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, CaseEvent, CaseParty, Document, Party
from tests.factories import DiaryFactory, SchemeFactory, case_type_in, process_in, user_with_role

from .conftest import TODAY, YEAR, assert_problem, client_for

pytestmark = pytest.mark.django_db


def url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


def test_create_case_with_parties(api, diary, registrator, process, case_type):
    body = {
        "diary": "KS",
        "title": "Medborgarförslag om parkbänkar",
        "description": "Förslag om fler bänkar i stadsparken.",
        "case_type": case_type.pk,
        "officer": registrator.pk,
        "parties": [{"role": "sokande", "personal_number": "198503153382", "first_name": "Eva", "last_name": "Ek"}],
    }
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"] == f"KS {YEAR}/1"
    assert data["process"]["id"] == process.pk  # taken from the case type
    assert data["parties"][0]["party"]["personal_number"] == "19850315-3382"
    assert data["parties"][0]["party"]["name"] == "Eva Ek"
    assert response["Location"] == data["url"]
    assert CaseEvent.objects.filter(case_id=data["id"], type="case.registered").exists()


def test_create_case_refused_leaves_no_party(api, diary, scheme):
    foreign = case_type_in(process_in(SchemeFactory(), "9.9.9.9"))
    body = {"diary": "KS", "title": "X", "case_type": foreign.pk, "parties": [{"first_name": "Eva", "last_name": "Ek"}]}
    assert_problem(api.post("/api/v1/cases/", body, format="json"), 422, "case_type_wrong_scheme")
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_create_case_requires_a_title(api, diary):
    problem = assert_problem(api.post("/api/v1/cases/", {"diary": "KS", "title": "  "}, format="json"), 422, "title_required")
    assert problem["errors"] == {"title": ["Ange en rubrik."]}


def test_create_case_idempotent(api, diary):
    body = {"diary": "KS", "title": "Ett ärende"}
    first = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    second = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    assert second["Idempotent-Replayed"] == "true" and second.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_detail_by_uuid_and_by_reference(api, case_with_party):
    by_id = api.get(url(case_with_party))
    assert by_id.status_code == 200
    data = by_id.json()
    assert data["title"] == "Strandskyddsdispens Sjövik 2:1" and data["masked"] is False
    assert data["parties"][0]["party"]["name"] == "Greta Garbo"
    assert data["parties"][0]["party"]["personal_number"] == "19900101-0017"
    by_ref = api.get(f"/api/v1/cases/{quote(case_with_party.reference, safe='')}/")
    assert by_ref.status_code == 200 and by_ref.json()["id"] == data["id"]
    assert api.get(f"/api/v1/cases/{quote(case_with_party.reference, safe='')}/events/").status_code == 200


def test_unknown_case_is_404_problem(api, diary):
    assert_problem(api.get("/api/v1/cases/0191f1c4-0000-7000-8000-000000000000/"), 404, "not_found")
    assert_problem(api.get("/api/v1/cases/KS 1999/9/"), 404, "not_found")


def test_patch_requires_reason(api, case_with_party):
    problem = assert_problem(api.patch(url(case_with_party), {"title": "Ny rubrik"}, format="json"), 400, "validation_error")
    assert problem["errors"] == {"reason": ["Ange ett skäl."]}
    assert_problem(api.patch(url(case_with_party), {"title": "Ny rubrik", "reason": ""}, format="json"), 400)
    case_with_party.refresh_from_db()
    assert case_with_party.title == "Strandskyddsdispens Sjövik 2:1"


def test_patch_updates_and_keeps_history(api, case_with_party, registrator, process):
    response = api.patch(
        url(case_with_party),
        {"title": "Strandskyddsdispens Sjövik 2:1 och 2:2", "officer": registrator.pk, "process": process.pk, "reason": "Komplettering"},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "Strandskyddsdispens Sjövik 2:1 och 2:2" and data["officer"]["id"] == registrator.pk
    event = CaseEvent.objects.get(case=case_with_party, type="case.updated")
    assert event.reason == "Komplettering" and "title" in event.data["changes"]


def test_patch_refuses_unknown_fields_and_status(api, case_with_party):
    problem = assert_problem(api.patch(url(case_with_party), {"status": "avslutat", "reason": "x"}, format="json"), 400)
    assert problem["errors"] == {"status": ["Okänt fält."]}


def test_patch_rule_violation_is_422(api, case_with_party):
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    problem = assert_problem(api.patch(url(case_with_party), {"opened_date": future, "reason": "x"}, format="json"), 422, "date_in_future")
    assert problem["errors"] == {"opened_date": ["Datumet kan inte ligga i framtiden."]}


def test_close_reopen_void(api, case_with_party):
    closed = api.post(url(case_with_party, "close/"), {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "avslutat" and closed.json()["closed_at"]
    assert_problem(api.post(url(case_with_party, "close/"), {}, format="json"), 422, "already_closed")
    assert_problem(api.post(url(case_with_party, "reopen/"), {}, format="json"), 400, "validation_error")
    reopened = api.post(url(case_with_party, "reopen/"), {"reason": "Ny uppgift har kommit in"}, format="json")
    assert reopened.json()["status"] == "pagaende" and reopened.json()["closed_at"] is None
    assert_problem(api.post(url(case_with_party, "void/"), {}, format="json"), 400)
    voided = api.post(url(case_with_party, "void/"), {"reason": "Registrerat av misstag"}, format="json")
    assert voided.status_code == 200
    assert voided.json()["voided"] is True and voided.json()["void_reason"] == "Registrerat av misstag"
    # A voided case is still there (nothing registered is deleted), but not listed by default.
    assert api.get(url(case_with_party)).json()["voided"] is True
    assert api.get("/api/v1/cases/").json()["count"] == 0
    assert api.get("/api/v1/cases/?include_voided=true").json()["count"] == 1


def test_set_status(api, case_with_party):
    response = api.post(url(case_with_party, "status/"), {"status": "vilande", "reason": "Väntar på komplettering"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "vilande"
    assert_problem(api.post(url(case_with_party, "status/"), {"status": "avslutat"}, format="json"), 400)


def test_handlaggare_may_not_void(diary, case_with_party):
    officer = client_for(user_with_role(diary, Role.HANDLAGGARE))
    assert_problem(officer.post(url(case_with_party, "void/"), {"reason": "x"}, format="json"), 403, "may_not_void")


def test_reader_sees_but_may_not_edit(diary, case_with_party):
    reader = client_for(user_with_role(diary, Role.LASARE))
    assert reader.get(url(case_with_party)).status_code == 200
    assert_problem(reader.patch(url(case_with_party), {"title": "Nej", "reason": "x"}, format="json"), 403, "may_not_edit")


def test_case_parties_list_and_add(api, case_with_party):
    response = api.get(url(case_with_party, "parties/"))
    assert [p["party"]["name"] for p in response.json()] == ["Greta Garbo"]
    added = api.post(url(case_with_party, "parties/"), {"role": "ombud", "kind": "organisation", "org_number": "5560360793",
                                                        "organisation_name": "Juristbyrån AB"}, format="json")
    assert added.status_code == 201, added.content
    assert {p["role"] for p in added.json()} == {"sokande", "ombud"}
    greta = Party.objects.get(last_name="Garbo")
    again = api.post(url(case_with_party, "parties/"), {"role": "berord", "party_id": str(greta.pk)}, format="json")
    assert again.status_code == 201
    assert CaseParty.objects.filter(case=case_with_party).count() == 3
    bad = assert_problem(api.post(url(case_with_party, "parties/"), {"role": "ombud", "personal_number": "123"}, format="json"), 422)
    assert list(bad["errors"]) == ["party.0.personal_number"]


def test_events(api, case_with_party, registrator):
    registry.register_document(actor=registrator, case=case_with_party, direction=Document.Direction.INCOMING, title="Ansökan")
    response = api.get(url(case_with_party, "events/"))
    assert response.status_code == 200
    events = response.json()["results"]
    assert [e["type"] for e in events] == ["case.registered", "case.party_added", "document.registered"]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert events[0]["actor"]["id"] == registrator.pk
    assert events[2]["document"]["reference"] == f"{case_with_party.reference}-1"


# --- finding cases ---------------------------------------------------------------------------

@pytest.fixture
def many_cases(diary, registrator, process):
    other = DiaryFactory(prefix="BN", authority=diary.authority)
    registrator_bn = user_with_role(other, Role.REGISTRATOR)
    from knutpunkt.organisations.models import RoleAssignment

    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, diary=other)
    cases = []
    for i in range(7):
        cases.append(registry.register_case(diary, actor=registrator, title=f"Bygglov nummer {i}", opened_date=TODAY - dt.timedelta(days=i)))
    cases.append(registry.register_case(other, actor=registrator_bn, title="Strandskydd vid sjön", process=process))
    registry.close_case(cases[0], actor=registrator)
    registry.update_case(cases[1], actor=registrator, reason="Ny handläggare", officer=registrator)
    from knutpunkt.registry.parties import PartyInput, find_or_create_party

    pelle = find_or_create_party(diary.authority.organisation, PartyInput(kind="person", personal_number="20010203-0004", first_name="Pelle", last_name="Svanslös"))
    registry.add_party(cases[2], pelle, actor=registrator)
    return cases


def _refs(response):
    assert response.status_code == 200, response.content
    return [c["reference"] for c in response.json()["results"]]


def test_filters(api, many_cases, process, registrator):
    cases = many_cases
    assert api.get("/api/v1/cases/").json()["count"] == 8
    assert _refs(api.get("/api/v1/cases/", {"reference": cases[3].reference})) == [cases[3].reference]
    assert _refs(api.get("/api/v1/cases/", {"q": "strandskydd"})) == [cases[7].reference]
    assert _refs(api.get("/api/v1/cases/", {"party": "Svanslös"})) == [cases[2].reference]
    assert _refs(api.get("/api/v1/cases/", {"party": "200102030004"})) == [cases[2].reference]
    assert _refs(api.get("/api/v1/cases/", {"status": "avslutat"})) == [cases[0].reference]
    assert len(_refs(api.get("/api/v1/cases/", {"status": "open"}))) == 7
    assert _refs(api.get("/api/v1/cases/", {"diary": "BN"})) == [cases[7].reference]
    assert len(_refs(api.get("/api/v1/cases/", {"diary": "ks"}))) == 7
    assert _refs(api.get("/api/v1/cases/", {"diary": "NOPE"})) == []
    assert _refs(api.get("/api/v1/cases/", {"process": process.pk})) == [cases[7].reference]
    assert _refs(api.get("/api/v1/cases/", {"officer": "me"})) == [cases[1].reference]
    assert _refs(api.get("/api/v1/cases/", {"officer": registrator.pk})) == [cases[1].reference]
    day = (TODAY - dt.timedelta(days=5)).isoformat()
    assert set(_refs(api.get("/api/v1/cases/", {"date_from": day, "date_to": day}))) == {cases[5].reference}


def test_bad_filters_are_problems(api, diary):
    problem = assert_problem(api.get("/api/v1/cases/", {"date_from": "igår"}), 400)
    assert "date_from" in problem["errors"]
    problem = assert_problem(api.get("/api/v1/cases/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}), 400)
    assert problem["errors"] == {"date_to": ["Slutdatumet ligger före startdatumet."]}
    assert "status" in assert_problem(api.get("/api/v1/cases/", {"status": "halvklar"}), 400)["errors"]


def test_pagination(api, many_cases):
    first = api.get("/api/v1/cases/", {"page_size": 3}).json()
    assert first["count"] == 8 and len(first["results"]) == 3 and first["previous"] is None and "page=2" in first["next"]
    third = api.get("/api/v1/cases/", {"page_size": 3, "page": 3}).json()
    assert len(third["results"]) == 2 and third["next"] is None
    seen = [c["id"] for page in (1, 2, 3) for c in api.get("/api/v1/cases/", {"page_size": 3, "page": page}).json()["results"]]
    assert len(set(seen)) == 8
    assert_problem(api.get("/api/v1/cases/", {"page": 99}), 404, "not_found")
