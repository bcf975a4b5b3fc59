"""Responses shared by the public pages and the public API."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.loader import render_to_string

# <, > and & as \u escapes: the JSON means the same, and no text from a title can be
# read as markup by anything that sniffs or embeds it.
_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_response(data, status: int = 200, content_type: str = "application/json", headers: dict | None = None) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    response = HttpResponse(body, status=status, content_type=f"{content_type}; charset=utf-8", headers=headers)
    response["X-Robots-Tag"] = "noindex"
    return response


def problem(status: int, title: str, detail: str = "", headers: dict | None = None, **extra) -> HttpResponse:
    """RFC 9457 problem details, as the staff API answers."""
    body = {"type": "about:blank", "title": title, "status": status, **({"detail": detail} if detail else {}), **extra}
    return json_response(body, status=status, content_type="application/problem+json", headers=headers)


def too_many_requests(request, retry_after: int, *, api: bool = False) -> HttpResponse:
    headers = {"Retry-After": str(retry_after)}
    if api:
        return problem(
            429, "För många anrop", f"Du har gjort för många anrop. Försök igen om {retry_after} sekunder.",
            headers=headers, code="rate_limited",
        )
    html = render_to_string("publicdiary/429.html", {"retry_after": retry_after}, request=request)
    response = HttpResponse(html, status=429, headers=headers)
    response["X-Robots-Tag"] = "noindex"
    return response
