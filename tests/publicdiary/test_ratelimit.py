"""Rate limiting per client: separate budgets, 429 with Retry-After, proxies trusted
only when configured."""

import json

import pytest

from knutpunkt.publicdiary.ratelimit import parse_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.KNUTPUNKT_PUBLIC_RATES = {"page": "3/minute", "api": "2/minute", "request": "1/hour"}
    return settings


def test_pages_over_budget_get_429_in_swedish(client, limits, publication):
    for _ in range(3):
        assert client.get("/diarium/").status_code == 200
    r = client.get("/diarium/")
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 60
    assert "För många förfrågningar" in r.content.decode()
    # The API has its own budget.
    assert client.get("/api/public/v1/entries/").status_code == 200


def test_api_over_budget_gets_a_json_problem(client, limits, publication):
    for _ in range(2):
        assert client.get("/api/public/v1/entries/").status_code == 200
    r = client.get("/api/public/v1/entries/")
    assert r.status_code == 429 and r["Content-Type"].startswith("application/problem+json") and r["Retry-After"]
    assert json.loads(r.content)["status"] == 429


def test_budget_is_per_client(client, limits, publication):
    for _ in range(3):
        client.get("/diarium/", REMOTE_ADDR="10.0.0.1")
    assert client.get("/diarium/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/diarium/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_forwarded_for_only_behind_a_trusted_proxy(client, limits, publication):
    limits.KNUTPUNKT_TRUSTED_PROXY = False
    for n in range(3):
        client.get("/diarium/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # A client cannot escape its budget by inventing X-Forwarded-For.
    assert client.get("/diarium/", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    limits.KNUTPUNKT_TRUSTED_PROXY = True
    assert client.get("/diarium/", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7").status_code == 200
    for _ in range(2):
        client.get("/diarium/", HTTP_X_FORWARDED_FOR="other, 198.51.100.7")
    assert client.get("/diarium/", HTTP_X_FORWARDED_FOR="anything, 198.51.100.7").status_code == 429


def test_request_submissions_have_a_small_budget(client, limits, publication, diary, registrator):
    from knutpunkt.publicdiary import services
    from knutpunkt.publicdiary.models import DisclosureRequest
    from knutpunkt.registry import services as registry

    limits.KNUTPUNKT_PUBLIC_RATES = {"page": None, "api": None, "request": "1/hour"}
    case = registry.register_case(diary, actor=registrator, title="Ärende")
    services.project(case)
    data = {"requested_text": "Alla handlingar", "email": "a@example.se", "delivery": "epost"}
    assert client.post(f"/diarium/begar/{case.pk}/", data).status_code == 302
    r = client.post(f"/diarium/begar/{case.pk}/", data)
    assert r.status_code == 429 and DisclosureRequest.objects.count() == 1
    assert client.get(f"/diarium/begar/{case.pk}/").status_code == 200  # reading the form is a page


def test_parse_rate():
    assert parse_rate("10/minute") == (10, 60) and parse_rate("5/hours") == (5, 3600) and parse_rate("") is None
