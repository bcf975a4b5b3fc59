"""Errors as RFC 9457 problem details (application/problem+json).

Every error the API returns has the same shape, so a client needs one code path:

    {"type": "tag:knutpunkt,2026:problem:reason_required", "title": "Regelbrott",
     "status": 422, "detail": "Ange ett skäl för ändringen.", "instance": "/api/v1/cases/…/",
     "code": "reason_required", "errors": {"reason": ["Ange ett skäl för ändringen."]}}

`code` is the stable key for machines (the same code the services raise); `type` is
that code as a URI, as the RFC asks for. Nothing of an unexpected error's internals —
no traceback, no exception text — ever reaches the client; it goes to the log.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from knutpunkt.core.errors import DomainError

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:knutpunkt,2026:problem:"

TITLES = {
    400: "Felaktig begäran",
    401: "Inloggning krävs",
    403: "Åtkomst nekad",
    404: "Hittades inte",
    405: "Metoden är inte tillåten",
    406: "Formatet kan inte levereras",
    409: "Konflikt",
    413: "För stor begäran",
    415: "Formatet stöds inte",
    422: "Regelbrott",
    429: "För många anrop",
    500: "Internt fel",
    503: "Tjänsten är inte tillgänglig",
}

# DRF's own exception codes, renamed where ours read better in logs and clients.
_DRF_CODES = {
    "invalid": "validation_error",
    "not_authenticated": "not_authenticated",
    "authentication_failed": "authentication_failed",
    "permission_denied": "permission_denied",
    "not_found": "not_found",
    "method_not_allowed": "method_not_allowed",
    "not_acceptable": "not_acceptable",
    "unsupported_media_type": "unsupported_media_type",
    "throttled": "throttled",
    "parse_error": "parse_error",
}


def problem(status: int, *, code: str, detail: str, instance: str = "", errors: dict | None = None, title: str | None = None) -> dict:
    return {
        "type": TYPE_PREFIX + code,
        "title": title or TITLES.get(status, "Fel"),
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "errors": errors or {},
    }


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"parties.1.personal_number": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" else ""
            out.update(flatten_errors(value, f"{prefix}.{name}" if prefix and name else (name or prefix)))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            if detail:
                out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for i, item in enumerate(detail):
                out.update(flatten_errors(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _from_api_exception(exc: exceptions.APIException, instance: str) -> tuple[dict, dict]:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        messages = [m for msgs in errors.values() for m in msgs]
        detail = messages[0] if len(messages) == 1 else "En eller flera uppgifter är felaktiga."
        return problem(status, code="validation_error", detail=detail, instance=instance, errors=errors), headers
    if isinstance(exc.detail, (list, dict)):
        errors = flatten_errors(exc.detail)
        detail = "; ".join(m for msgs in errors.values() for m in msgs)
    else:
        errors = {}
        detail = str(exc.detail)
    raw_code = exc.get_codes() if not isinstance(exc.detail, (list, dict)) else exc.default_code
    code = _DRF_CODES.get(str(raw_code), str(raw_code) if isinstance(raw_code, str) else exc.default_code)
    if isinstance(exc, exceptions.Throttled):
        detail = f"För många anrop. Försök igen om {int(exc.wait or 1)} sekunder." if exc.wait else "För många anrop. Försök igen senare."
    return problem(status, code=code, detail=detail, instance=instance, errors=errors), headers


def problem_exception_handler(exc, context):
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Resursen finns inte eller så saknar du behörighet att se den.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        from .parsers import RequestTooLarge

        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("Begäran kunde inte tolkas.")

    headers: dict = {}
    if isinstance(exc, DomainError):
        status = exc.status
        data = problem(status, code=exc.code, detail=exc.message, instance=instance, errors=exc.errors)
    elif isinstance(exc, exceptions.APIException):
        data, headers = _from_api_exception(exc, instance)
        status = data["status"]
    else:
        view = context.get("view")
        log.error("unhandled error in API view %s at %s", type(view).__name__ if view else "?", instance, exc_info=exc)
        status = 500
        data = problem(
            500,
            code="server_error",
            detail="Ett oväntat fel inträffade. Försök igen senare eller kontakta systemförvaltningen.",
            instance=instance,
        )
    set_rollback()
    return Response(data, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_response(status: int, *, code: str, detail: str, request=None) -> JsonResponse:
    """A problem document outside DRF (unknown API paths)."""
    instance = request.get_full_path() if request is not None else ""
    return JsonResponse(
        problem(status, code=code, detail=detail, instance=instance),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def not_found_view(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer with a problem, not the web's HTML page."""
    from django.urls import Resolver404, resolve

    detail = "Det finns ingen sådan adress i API:t."
    if not request.path_info.endswith("/"):
        try:
            if resolve(request.path_info + "/").func is not not_found_view:
                detail = f"Adresserna i API:t slutar med snedstreck: {request.path}/"
        except Resolver404:
            pass
    return problem_response(404, code="not_found", detail=detail, request=request)
