"""Files of documents: list, upload, new versions, download (streamed from storage)."""

import base64

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError, NotFound
from knutpunkt.files import queries as file_queries
from knutpunkt.files import services as file_services
from knutpunkt.registry import queries

from ..idempotency import fingerprint, run_idempotent, upload_digest
from ..serializers import inputs
from ..serializers.representations import FileSerializer, visible_files
from .base import DOCUMENT_ID, ApiView, problems

TAG = ["Filer"]
FILE_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Filens id.")


class FirstRendererNegotiation(DefaultContentNegotiation):
    """Downloads answer with the file's own type whatever the client accepts; only an
    error falls back to JSON (problem details)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _file(user, file_id):
    """A file the caller may fetch: files.queries, plus the policy's answer for a file
    that is secret on its own."""
    file = file_queries.get_file(user, file_id)
    if policy.file_visibility(user, file.document, file) != policy.Visibility.FULL:
        raise NotFound("Filen finns inte eller så saknar du behörighet att hämta den.")
    return file


def _represent_file(view, file_id):
    file = _file(view.request.user, file_id)
    return view.represent(FileSerializer, type(file).objects.prefetch_related("versions__blob", "versions__created_by").get(pk=file.pk))


class DocumentFilesView(ApiView):
    parser_classes = [MultiPartParser]
    pagination_class = None

    @extend_schema(tags=TAG, operation_id="documents_files_list", summary="Handlingens filer", parameters=[DOCUMENT_ID],
                   responses={200: FileSerializer(many=True), **problems(404)})
    def get(self, request, id):
        document, _ = queries.get_document(request.user, id)
        return Response(self.represent(FileSerializer, visible_files(self.get_serializer_context(), document), many=True))

    @extend_schema(
        tags=TAG, operation_id="documents_files_create", summary="Ladda upp en fil till handlingen", parameters=[DOCUMENT_ID],
        request={"multipart/form-data": inputs.UploadInput}, responses={201: FileSerializer, **problems(400, 403, 404, 409, 422)},
    )
    def post(self, request, id):
        user = request.user
        document, _ = queries.get_document(user, id)
        data = self.validated(inputs.UploadInput)
        upload = data["file"]

        def perform():
            file = file_services.add_file(document, upload, data["filename"] or upload.name, actor=user, comment=data["comment"])
            body = _represent_file(self, file.pk)
            return Response(body, status=201, headers={"Location": body["url"]})

        digest = fingerprint({"filename": data["filename"] or upload.name, "comment": data["comment"]}, [("file", upload_digest(upload))])
        return run_idempotent(request, f"documents.{document.pk}.files", digest, perform)


class FileDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="files_retrieve", summary="Läs en fil och dess versioner", parameters=[FILE_ID],
                   responses={200: FileSerializer, **problems(404)})
    def get(self, request, id):
        return Response(_represent_file(self, id))


class FileVersionsView(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAG, operation_id="files_versions_create", summary="Ladda upp en ny version (den gamla finns kvar)", parameters=[FILE_ID],
        request={"multipart/form-data": inputs.UploadInput}, responses={201: FileSerializer, **problems(400, 403, 404, 409, 422)},
    )
    def post(self, request, id):
        user = request.user
        file = _file(user, id)
        data = self.validated(inputs.UploadInput)
        upload = data["file"]

        def perform():
            file_services.add_version(file, upload, data["filename"] or upload.name, actor=user, comment=data["comment"])
            body = _represent_file(self, file.pk)
            return Response(body, status=201, headers={"Location": body["url"]})

        digest = fingerprint({"filename": data["filename"] or upload.name, "comment": data["comment"]}, [("file", upload_digest(upload))])
        return run_idempotent(request, f"files.{file.pk}.versions", digest, perform)


_DOWNLOAD_RESPONSES = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="Filens innehåll med dess egen Content-Type."),
    **problems(404),
}


def _download(user, file_id, version_number):
    version = file_queries.get_version(user, _file(user, file_id).pk, version_number)
    blob = version.blob
    response = FileResponse(
        file_services.open_blob(blob), content_type=blob.mime_type, as_attachment=True, filename=version.filename
    )
    response["Content-Length"] = str(blob.size)
    response["ETag"] = f'"{blob.sha256}"'
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(blob.sha256)).decode()}:"
    response["Cache-Control"] = "private, no-store"
    return response


class FileSecrecyView(ApiView):
    @extend_schema(
        tags=["Sekretess"], operation_id="files_secrecy_update", summary="Sekretessbelägg en enskild fil (eller häv det)",
        description="Filen omfattas av handlingens sekretessmarkering, som måste finnas. En sekretessbelagd fil visas bara för "
        "den som ser handlingen i sin helhet. Skäl krävs.",
        parameters=[FILE_ID], request=inputs.FileSecrecyInput, responses={200: FileSerializer, **problems(400, 403, 404, 422)},
    )
    def put(self, request, id):
        file = _file(request.user, id)
        data = self.validated(inputs.FileSecrecyInput)
        try:
            file_services.set_file_secret(file, data["is_secret"], actor=request.user, reason=data["reason"] or "")
        except DomainError as err:
            if err.field != "secret":
                raise
            raise type(err)(err.message, code=err.code, field="is_secret") from None
        return Response(_represent_file(self, file.pk))


class FileDownloadView(ApiView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        tags=TAG, operation_id="files_download", summary="Hämta filens innehåll (nuvarande version, eller ?version=N)",
        parameters=[FILE_ID, OpenApiParameter("version", int, description="Versionsnummer; nuvarande om det saknas.")],
        responses=_DOWNLOAD_RESPONSES,
    )
    def get(self, request, id):
        raw = request.query_params.get("version")
        if raw is not None and not raw.isdigit():
            raise NotFound("Versionen finns inte.")
        return _download(request.user, id, int(raw) if raw else None)


class FileVersionDownloadView(ApiView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        tags=TAG, operation_id="files_version_download", summary="Hämta en viss version av filen",
        parameters=[FILE_ID, OpenApiParameter("version", int, OpenApiParameter.PATH)], responses=_DOWNLOAD_RESPONSES,
    )
    def get(self, request, id, version):
        return _download(request.user, id, version)
