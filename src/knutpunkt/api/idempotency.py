"""The `Idempotency-Key` header: a retried request gets the first answer, not a second case.

How it holds under concurrency: the IdempotencyRecord row (unique per user, scope and
key) is inserted at the start of the same transaction that does the work, and the
response is written to it before commit. A second request with the same key blocks on
that insert until the first commits (PostgreSQL: the unique index; SQLite: the write
lock taken at BEGIN IMMEDIATE), then finds the stored answer and replays it. If the
work fails, the record rolls back with it, so the client may simply retry.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from knutpunkt.core.errors import Conflict
from knutpunkt.core.models import IdempotencyRecord

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def fingerprint(data, files: list[tuple[str, bytes | str]] = ()) -> str:
    """A hash of what was asked: the parsed body (key order does not matter) and the
    SHA-256 of each uploaded file."""
    canonical = json.dumps({"data": data, "files": list(files)}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def upload_digest(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class _NotStored(Exception):
    """Carries a non-success response out of the transaction so the record rolls back."""

    def __init__(self, response):
        self.response = response


def _key(request) -> str | None:
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise exceptions.ValidationError({KEY_HEADER: [f"Idempotensnyckeln ska vara 1–{MAX_KEY_LENGTH} skrivbara tecken."]})
    return key


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise Conflict(
            "Idempotensnyckeln har redan använts för en annan begäran. Använd en ny nyckel för en ny registrering.",
            code="idempotency_key_reused",
        )
    if record.status_code is None:  # only possible if a record was left by hand
        raise Conflict("En begäran med samma idempotensnyckel behandlas redan.", code="idempotency_in_progress")
    stored = record.response or {}
    headers = {REPLAYED_HEADER: "true"}
    headers.update(stored.get("headers") or {})
    return Response(stored.get("body"), status=record.status_code, headers=headers)


def run_idempotent(request, scope: str, request_hash: str, perform: Callable[[], Response]) -> Response:
    """Run `perform` once per (user, scope, Idempotency-Key); without the header, just run it."""
    key = _key(request)
    if key is None:
        return perform()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(user=request.user, scope=scope, key=key, request_hash=request_hash)
            except IntegrityError:
                existing = IdempotencyRecord.objects.get(user=request.user, scope=scope, key=key)
                return _replay(existing, request_hash)
            response = perform()
            if not 200 <= response.status_code < 300:
                raise _NotStored(response)
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            headers = {name: response[name] for name in ("Location",) if response.has_header(name)}
            record.status_code = response.status_code
            record.response = {"body": body, "headers": headers}
            record.save(update_fields=["status_code", "response"])
            return response
    except _NotStored as not_stored:
        return not_stored.response
