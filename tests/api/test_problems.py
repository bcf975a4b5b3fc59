"""The problem-details handler on its own: every kind of error gets the RFC 9457 shape."""

import logging

import pytest
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions

from knutpunkt.api.problems import flatten_errors, problem_exception_handler
from knutpunkt.core.errors import Conflict, RuleViolation


def handle(exc):
    request = RequestFactory().post("/api/v1/registrations/?x=1")
    return problem_exception_handler(exc, {"request": request, "view": None})


def test_domain_error_uses_its_status_code_and_field():
    response = handle(RuleViolation("Ange ett skäl för ändringen.", code="reason_required", field="reason"))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert response.data == {
        "type": "tag:knutpunkt,2026:problem:reason_required",
        "title": "Regelbrott",
        "status": 422,
        "detail": "Ange ett skäl för ändringen.",
        "instance": "/api/v1/registrations/?x=1",
        "code": "reason_required",
        "errors": {"reason": ["Ange ett skäl för ändringen."]},
    }
    assert handle(Conflict("Upptaget.")).status_code == 409


def test_drf_errors():
    assert handle(exceptions.NotFound()).data["code"] == "not_found"
    assert handle(Http404()).status_code == 404
    denied = handle(exceptions.PermissionDenied())
    assert denied.status_code == 403 and denied.data["code"] == "permission_denied"
    assert handle(exceptions.MethodNotAllowed("DELETE")).data["code"] == "method_not_allowed"
    throttled = handle(exceptions.Throttled(wait=12))
    assert throttled.status_code == 429 and throttled["Retry-After"] == "12"
    assert throttled.data["code"] == "throttled" and "12 sekunder" in throttled.data["detail"]


def test_unhandled_error_is_500_without_internals(caplog):
    with caplog.at_level(logging.ERROR, logger="knutpunkt.api.problems"):
        response = handle(ZeroDivisionError("hemlig intern detalj"))
    assert response.status_code == 500 and response.data["code"] == "server_error"
    assert "hemlig" not in str(response.data) and "Traceback" not in str(response.data)
    assert "ZeroDivisionError" in caplog.text  # the log has it, the client does not


def test_validation_errors_flatten_to_field_paths():
    detail = {"parties": [{}, {"personal_number": ["Fel."]}], "document": {"title": ["Saknas."]}, "non_field_errors": ["Allmänt."]}
    assert flatten_errors(detail) == {"parties.1.personal_number": ["Fel."], "document.title": ["Saknas."], "non_field_errors": ["Allmänt."]}
    response = handle(exceptions.ValidationError({"title": ["Saknas."]}))
    assert response.status_code == 400 and response.data["detail"] == "Saknas."
    assert response.data["errors"] == {"title": ["Saknas."]}


@pytest.mark.django_db
def test_unhandled_error_in_a_view_gives_a_500_problem(registrator, monkeypatch):
    from .conftest import assert_problem, client_for

    def boom(*args, **kwargs):
        raise RuntimeError("databasen brann")

    monkeypatch.setattr("knutpunkt.registry.queries.search_cases", boom)
    response = client_for(registrator).get("/api/v1/cases/")
    body = assert_problem(response, 500, "server_error")
    assert "brann" not in response.content.decode()
    assert body["instance"] == "/api/v1/cases/"


@pytest.mark.django_db
def test_throttling_answers_with_a_problem(registrator, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    from .conftest import assert_problem, client_for

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": None})
    client = client_for(registrator)
    for _ in range(2):
        assert client.get("/api/v1/cases/").status_code == 200
    response = client.get("/api/v1/cases/")
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
