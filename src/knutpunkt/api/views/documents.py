"""Documents (handlingar): in a case or without one; read, correct, void."""

from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from knutpunkt.access import policy
from knutpunkt.core.errors import DomainError
from knutpunkt.intake import services as intake
from knutpunkt.registry import queries, services

from .. import lookups, protection
from ..idempotency import run_idempotent
from ..serializers import inputs
from ..serializers.representations import DocumentSerializer
from ..serializers.secrecy import DocumentCreatedSerializer
from .base import CASE_ID, DOCUMENT_ID, ApiView, inline_uploads, payload_and_uploads, problems, request_hash, reread_document

TAG = ["Handlingar"]

_CREATE_DESCRIPTION = (
    "Med `secrecy`, `personal_data_level` och `restriction` skyddas handlingen i samma transaktion. Saknas `secrecy` "
    "föreslås handlingstypens förvalda markering, eller ärendets markering, i `proposed_secrecy` (inget sätts)."
)

DOCUMENT_LIST_RELATED = ("registered_by", "case__diary", "case__main_case")


def _with_details(qs):
    return qs.select_related(*DOCUMENT_LIST_RELATED).prefetch_related("correspondents__party")


def register_document(view, request, *, case=None):
    """A document in `case`, or (no case) in the diary named in the body: through
    intake.register, so correspondents, document and files are saved all or nothing."""
    payload, uploads = payload_and_uploads(request)
    data = view.validated(inputs.DocumentCreateInput if case is not None else inputs.LooseDocumentCreateInput, payload)
    user = request.user

    def perform():
        diary = lookups.diary(data["diary"]) if case is None else None
        document_type = lookups.document_type(data["document_type"])
        registration = intake.Registration(
            diary=diary,
            case=case,
            without_case=case is None,
            direction=data["direction"],
            document_title=data["title"] or "",
            document_type=document_type,
            document_date=data["document_date"],
            correspondents=lookups.party_inputs(data["correspondents"], "correspondents"),
            files=inline_uploads(data["files"]) + uploads,
        )
        protect = protection.resolve(data, diary or case.diary)
        with transaction.atomic():  # the document and its secrecy: both or neither
            result = intake.register(registration, actor=user)
            protection.apply(result.document, protect, actor=user)
        document = reread_document(user, result.document.pk)
        body = view.represent(DocumentSerializer, document)
        body["proposed_secrecy"] = protection.proposal(request, document, protect, type_obj=document_type, case=case)
        return Response(body, status=201, headers={"Location": body["url"]})

    scope = f"cases.{case.pk}.documents" if case is not None else "documents.create"
    return run_idempotent(request, scope, request_hash(payload, uploads), perform)


class DocumentListView(ApiView):
    @extend_schema(tags=TAG, operation_id="documents_list", summary="Sök handlingar",
                   parameters=[inputs.DocumentFilter], responses={200: DocumentSerializer(many=True), **problems(400)})
    def get(self, request):
        f = self.query(inputs.DocumentFilter)
        user = request.user
        qs = queries.documents_for(user)
        if not f["include_voided"]:
            qs = qs.filter(voided_at__isnull=True)
        if f["diary"]:
            try:
                qs = qs.filter(diary=lookups.diary(f["diary"]))
            except DomainError:
                qs = qs.none()
        if f["case"]:
            try:
                qs = qs.filter(case=lookups.case(user, f["case"]))
            except DomainError:
                qs = qs.none()
        if f["without_case"] is not None:
            qs = qs.filter(case__isnull=f["without_case"])
        if f["direction"]:
            qs = qs.filter(direction=f["direction"])
        if f["registered_from"]:
            qs = qs.filter(registered_at__date__gte=f["registered_from"])
        if f["registered_to"]:
            qs = qs.filter(registered_at__date__lte=f["registered_to"])
        for word in f["q"].split()[:10]:
            # Text is matched only where the caller may read the title, so a search
            # cannot reveal what a secret title says.
            qs = qs.filter(
                Q(reference__icontains=word)
                | Q(public_title__icontains=word)
                | (policy.field_filter(user, "document", "title") & Q(title__icontains=word))
            )
        return self.page(_with_details(qs).order_by("-registered_at", "reference"), DocumentSerializer)

    @extend_schema(
        tags=TAG, operation_id="documents_create", summary="Registrera en handling utan ärende (postlista)",
        request={"application/json": inputs.LooseDocumentCreateInput, "multipart/form-data": inputs.MultipartPayload},
        description=_CREATE_DESCRIPTION,
        responses={201: DocumentCreatedSerializer, **problems(400, 403, 409, 422)},
    )
    def post(self, request):
        return register_document(self, request)


class CaseDocumentsView(ApiView):
    @extend_schema(tags=["Ärenden"], operation_id="cases_documents_list", summary="Ärendets handlingar", parameters=[CASE_ID],
                   responses={200: DocumentSerializer(many=True), **problems(404)})
    def get(self, request, id):
        case, _ = queries.get_case(request.user, id)
        return self.page(_with_details(queries.case_documents(request.user, case)), DocumentSerializer)

    @extend_schema(
        tags=["Ärenden"], operation_id="cases_documents_create", summary="Registrera en handling i ärendet", parameters=[CASE_ID],
        request={"application/json": inputs.DocumentCreateInput, "multipart/form-data": inputs.MultipartPayload},
        description=_CREATE_DESCRIPTION,
        responses={201: DocumentCreatedSerializer, **problems(400, 403, 404, 409, 422)},
    )
    def post(self, request, id):
        case, _ = queries.get_case(request.user, id)
        return register_document(self, request, case=case)


class DocumentDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="documents_retrieve", summary="Läs en handling", parameters=[DOCUMENT_ID],
                   responses={200: DocumentSerializer, **problems(404)})
    def get(self, request, id):
        document, _ = queries.get_document(request.user, id)
        return Response(self.represent(DocumentSerializer, document))

    @extend_schema(
        tags=TAG, operation_id="documents_partial_update", summary="Rätta en handlings uppgifter (skäl krävs)",
        parameters=[DOCUMENT_ID], request=inputs.DocumentUpdateInput, responses={200: DocumentSerializer, **problems(400, 403, 404, 422)},
    )
    def patch(self, request, id):
        user = request.user
        document, _ = queries.get_document(user, id)
        data = self.validated(inputs.DocumentUpdateInput)
        reason = data.pop("reason")
        if "document_type" in data:
            data["document_type"] = lookups.document_type(data["document_type"])
        services.update_document(document, actor=user, reason=reason, **data)
        document = reread_document(user, document.pk)
        return Response(self.represent(DocumentSerializer, document))


class DocumentVoidView(ApiView):
    @extend_schema(tags=TAG, operation_id="documents_void", summary="Makulera handlingen (skäl krävs)", parameters=[DOCUMENT_ID],
                   request=inputs.ReasonInput, responses={200: DocumentSerializer, **problems(400, 403, 404, 422)})
    def post(self, request, id):
        user = request.user
        document, _ = queries.get_document(user, id)
        data = self.validated(inputs.ReasonInput)
        services.void_document(document, actor=user, reason=data["reason"])
        document = reread_document(user, document.pk)
        return Response(self.represent(DocumentSerializer, document))
