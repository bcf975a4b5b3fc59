"""What every API view shares: validated input, pagination, problem responses in the
schema, and the JSON-or-multipart payload of registrations."""

import json

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.generics import GenericAPIView

from knutpunkt.core.errors import NotFound
from knutpunkt.intake.services import UploadedContent
from knutpunkt.registry import queries

from ..idempotency import fingerprint, upload_digest
from ..problems import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="URI för feltypen, t.ex. tag:knutpunkt,2026:problem:reason_required")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    code = serializers.CharField(help_text="Stabil felkod för program, t.ex. invalid_personal_number.")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), help_text="{fält: [meddelanden]}")


_PROBLEM_TEXT = {
    400: "Felaktig begäran (fel form på indata)",
    401: "Inloggning krävs",
    403: "Åtkomst nekad",
    404: "Finns inte, eller så saknar du behörighet att se det",
    409: "Konflikt (t.ex. återanvänd idempotensnyckel)",
    422: "Bryter mot en regel (t.ex. ogiltigt personnummer)",
}


def problems(*codes: int) -> dict:
    """Schema entries for the problem responses an endpoint can give (401 always)."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=_PROBLEM_TEXT.get(code, ""))
        for code in sorted({401, *codes})
    }


def path_id(description: str) -> OpenApiParameter:
    return OpenApiParameter("id", str, OpenApiParameter.PATH, description=description)


CASE_ID = path_id("Ärendets UUID eller diarienummer (URL-kodat, t.ex. KS%202026%2F12).")
DOCUMENT_ID = path_id("Handlingens UUID eller handlingsnummer (URL-kodat).")


class ApiView(GenericAPIView):
    """Explicit views (no routers), so the stable paths are written out in urls.py."""

    def get_serializer_context(self):
        # One context per request, so the policy's per-object answers are asked once
        # even when a response is built from several serializers.
        if getattr(self, "_context", None) is None:
            self._context = {"request": self.request, "view": self}
        return self._context

    def validated(self, serializer_class, data=None) -> dict:
        serializer = serializer_class(data=self.request.data if data is None else data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def query(self, serializer_class) -> dict:
        return self.validated(serializer_class, data=self.request.query_params)

    def represent(self, serializer_class, instance, **kwargs):
        return serializer_class(instance, context=self.get_serializer_context(), **kwargs).data

    def page(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.represent(serializer_class, page, many=True))


def payload_and_uploads(request) -> tuple[dict, list]:
    """The request's JSON object and its uploaded files.

    JSON: the body is the object (files inline as base64). multipart/form-data: the
    part `data` holds the JSON object and every part named `files` is a file.
    """
    if request.content_type.startswith("multipart/form-data"):
        raw = request.data.get("data")
        if raw is None:
            data = {}
        else:
            if hasattr(raw, "read"):
                raw = raw.read().decode("utf-8")
            try:
                data = json.loads(raw)
            except ValueError:
                raise ParseError("Delen `data` ska innehålla ett JSON-objekt.") from None
        uploads = [UploadedContent(filename=f.name, stream=f) for f in request.FILES.getlist("files")]
    else:
        data = request.data
        uploads = []
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["Skicka ett JSON-objekt."]})
    return data, uploads


def request_hash(data: dict, uploads: list) -> str:
    return fingerprint(data, [(u.filename, upload_digest(u.stream)) for u in uploads])


def inline_uploads(files: list[dict]) -> list:
    import io

    return [UploadedContent(filename=f["filename"], stream=io.BytesIO(f["content_base64"])) for f in files]


def reread_case(user, pk):
    """A case just written, read back through the policy for the response. (Not
    get_case: that one records an audited opening, and nobody opened anything.)"""
    case = queries.cases_for(user).select_related("main_case", "registered_by").filter(pk=pk).first()
    if case is None:
        raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
    return case


def reread_document(user, pk):
    document = queries.documents_for(user).select_related("registered_by", "case__main_case").filter(pk=pk).first()
    if document is None:
        raise NotFound("Handlingen finns inte eller så saknar du behörighet att se den.")
    return document
