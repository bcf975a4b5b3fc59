import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from knutpunkt.cli import main as cli_main
from tests.factories import UserFactory

from .conftest import assert_problem, client_for

pytestmark = pytest.mark.django_db

STABLE_PATHS = [
    "/api/v1/cases/",
    "/api/v1/cases/{id}/",
    "/api/v1/cases/{id}/documents/",
    "/api/v1/documents/{id}/",
    "/api/v1/documents/{id}/files/",
    "/api/v1/registrations/",
]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/cases/"),
        ("post", "/api/v1/registrations/"),
        ("get", "/api/v1/diaries/"),
        ("get", "/api/v1/parties/"),
        ("get", "/api/v1/documents/"),
        ("get", "/api/v1/classification/schemes/"),
    ],
)
def test_authentication_required(method, path):
    response = getattr(APIClient(), method)(path)
    body = assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert body["instance"] == path


def test_wrong_token_is_refused_without_telling_why(registrator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert_problem(client.get("/api/v1/cases/"), 401, "authentication_failed")
    registrator.is_active = False
    registrator.save()
    token = Token.objects.create(user=registrator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = assert_problem(client.get("/api/v1/cases/"), 401, "authentication_failed")
    assert body["detail"] == "Ogiltig eller återkallad nyckel."


def test_token_and_bearer_both_work(registrator):
    token = Token.objects.create(user=registrator)
    for keyword in ("Token", "Bearer", "bearer"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token.key}")
        assert client.get("/api/v1/cases/").status_code == 200


def test_api_token_command_prints_creates_and_rotates(registrator):
    out = io.StringIO()
    call_command("api_token", registrator.username, stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert Token.objects.get(user=registrator).key == key and len(key) == 40

    again = io.StringIO()
    call_command("api_token", registrator.username, stdout=again, stderr=io.StringIO())
    assert again.getvalue().strip() == key  # printed, not replaced

    rotated = io.StringIO()
    call_command("api_token", registrator.username, "--rotate", stdout=rotated, stderr=io.StringIO())
    new_key = rotated.getvalue().strip()
    assert new_key != key and Token.objects.get(user=registrator).key == new_key

    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert old.get("/api/v1/cases/").status_code == 401
    new = APIClient()
    new.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert new.get("/api/v1/cases/").status_code == 200


def test_api_token_command_refuses_unknown_and_inactive_users():
    with pytest.raises(CommandError, match="finns inte"):
        call_command("api_token", "ingen-sadan", stdout=io.StringIO())
    user = UserFactory(is_active=False)
    with pytest.raises(CommandError, match="inaktiverad"):
        call_command("api_token", user.username, stdout=io.StringIO())
    assert not Token.objects.filter(user=user).exists()


def test_cli_maps_api_token_with_hyphen(monkeypatch):
    # `knutpunkt api-token USERNAME` reaches the api_token command (run_from_argv would
    # close the test database connection, so the hand-over is checked, not the run).
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    cli_main(["knutpunkt", "api-token", "anna", "--rotate"])
    assert seen == [["knutpunkt", "api_token", "anna", "--rotate"]]
    from django.core.management import get_commands

    assert get_commands()["api_token"] == "knutpunkt.api"


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in STABLE_PATHS:
        assert f"  {path}:" in text


def test_schema_endpoint_is_served_and_has_the_stable_paths():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Knutpunkt API"
    for path in STABLE_PATHS:
        assert path in schema["paths"], path
    assert "Idempotency-Key" in str(schema["paths"]["/api/v1/registrations/"])


def test_docs_are_served_from_local_assets():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis", "//fonts."):
        assert cdn not in html
    assert "swagger-ui-bundle.js" in html


def test_unknown_api_path_is_a_problem(registrator):
    api = client_for(registrator)
    body = assert_problem(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert body["instance"] == "/api/v1/no-such-thing/"
    body = assert_problem(api.get("/api/v1/cases"), 404, "not_found")
    assert "/api/v1/cases/" in body["detail"]


def test_session_login_also_works(registrator):
    client = APIClient()
    client.force_login(registrator)
    assert client.get("/api/v1/cases/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/registrations/", "/api/v1/cases/", "/api/v1/documents/x/files/"])
def test_options_describes_the_endpoint(registrator, path):
    response = client_for(registrator).options(path)
    assert response.status_code == 200, response.content
    assert "application/json" in response.json()["renders"]
    assert response.json()["schema"].endswith("/api/v1/schema/")
