"""`POST /api/v1/registrations/`: case, parties, document and files in one call.

This is the API face of knutpunkt.intake.services.register: all saved or nothing,
and with an `Idempotency-Key` a retried request returns the first answer instead of
registering again.
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.response import Response

from knutpunkt.core.errors import RuleViolation
from knutpunkt.intake import services as intake

from .. import lookups, protection
from ..idempotency import KEY_HEADER, REPLAYED_HEADER, run_idempotent
from ..serializers import inputs
from ..serializers.representations import (
    CaseSerializer,
    DocumentSerializer,
    FileSerializer,
    visible_files,
)
from ..serializers.secrecy import RegistrationCreatedSerializer
from .base import ApiView, inline_uploads, payload_and_uploads, problems, request_hash

EXAMPLE = {
    "diary": "KS",
    "case": None,
    "case_title": "Ansökan om bygglov för carport, Exempelby 1:23",
    "document": {"direction": "inkommande", "title": "Ansökan om bygglov", "document_type": None, "document_date": "2026-03-02"},
    "parties": [{"role": "sokande", "kind": "person", "personal_number": "19121212-1212", "first_name": "Tolvan",
                 "last_name": "Tolvansson", "street_address": "Storgatan 1", "postal_code": "123 45", "city": "Exempelby"}],
    "files": [{"filename": "ansokan.txt", "content_base64": "QW5zw7ZrYW4="}],
}


class RegistrationView(ApiView):
    @extend_schema(
        tags=["Registrering"], operation_id="registrations_create", summary="Registrera ärende, parter, handling och filer i ett anrop",
        description=(
            "JSON, eller multipart/form-data med JSON-objektet i delen `data` och filerna i delar som heter `files`. "
            "Allt sparas eller inget. Med huvudet `Idempotency-Key` ger ett upprepat anrop med samma innehåll samma svar "
            f"(med `{REPLAYED_HEADER}: true`) i stället för ett nytt ärende; samma nyckel med annat innehåll ger 409. "
            "`secrecy`, `personal_data_level` och `restriction` på toppnivån gäller det nya ärendet, under `document` "
            "handlingen; de sätts i samma transaktion. Förvald sekretess som inte begärts föreslås i `proposed_secrecy`."
        ),
        parameters=[OpenApiParameter(KEY_HEADER, str, OpenApiParameter.HEADER, description="Unik nyckel per registrering (t.ex. en UUID).")],
        request={"application/json": inputs.RegistrationInput, "multipart/form-data": inputs.MultipartPayload},
        responses={201: RegistrationCreatedSerializer, **problems(400, 403, 409, 422)},
        examples=[OpenApiExample("Inkommande ansökan i nytt ärende", value=EXAMPLE, request_only=True)],
    )
    def post(self, request):
        payload, uploads = payload_and_uploads(request)
        data = self.validated(inputs.RegistrationInput, payload)
        user = request.user

        def perform():
            case = lookups.case(user, data["case"]) if data["case"] else None
            diary = None
            if data["diary"] not in (None, ""):
                diary = lookups.diary(data["diary"])
                if case is not None and case.diary_id != diary.pk:
                    raise RuleViolation(
                        f"Ärendet {case.reference} hör till diariet {case.diary.prefix}, inte {diary.prefix}.",
                        code="case_in_other_diary", field="diary",
                    )
            elif case is None:
                raise RuleViolation("Välj diarium.", code="diary_required", field="diary")
            document = data["document"]
            registration = intake.Registration(
                diary=diary,
                case=case,
                new_case_title=data["case_title"] or "",
                new_case_description=data["case_description"] or "",
                process=lookups.process(data["process"]),
                case_type=lookups.case_type(data["case_type"]),
                officer=lookups.user(data["officer"]),
                responsible_unit=lookups.unit(data["responsible_unit"]),
                without_case=data["without_case"],
                direction=document["direction"],
                document_title=document["title"] or "",
                document_type=lookups.document_type(document["document_type"], "document.document_type"),
                document_date=document["document_date"],
                parties=lookups.party_inputs(data["parties"], "parties"),
                correspondents=lookups.party_inputs(data["correspondents"], "correspondents"),
                files=inline_uploads(data["files"]) + uploads,
            )
            new_case = case is None and not data["without_case"]
            case_protection = protection.resolve(data, diary or case.diary)
            if not new_case and not case_protection.empty:
                raise RuleViolation(
                    "Sekretess, personuppgiftsskydd och åtkomst för ärendet anges här bara när ett nytt ärende registreras; "
                    "för ett befintligt ärende används /cases/{id}/secrecy/, /personal-data-level/ och /restriction/. "
                    "Handlingens egna anges under document.",
                    code="case_protection_without_new_case", field="secrecy",
                )
            document_protection = protection.resolve(document, diary or case.diary, prefix="document.")
            # Registration and secrecy in one transaction: a refused marking registers nothing.
            with transaction.atomic():
                result = intake.register(registration, actor=user)
                if result.case_created:
                    protection.apply(result.case, case_protection, actor=user)
                protection.apply(result.document, document_protection, actor=user)
            body = self._body(user, result)
            body["proposed_secrecy"] = {
                "case": protection.proposal(request, result.case, case_protection, type_obj=registration.case_type)
                if result.case_created else None,
                "document": protection.proposal(
                    request, result.document, document_protection, type_obj=registration.document_type, case=result.case
                ),
            }
            return Response(body, status=201, headers={"Location": body["document"]["url"]})

        return run_idempotent(request, "registrations", request_hash(payload, uploads), perform)

    def _body(self, user, result) -> dict:
        # The service's own objects, already loaded with their relations; the serializers
        # ask the policy how each may be shown, as for any other response. Only the case's
        # status may have moved since register_case returned it (register_document sets
        # pågående for a drawn-up document), so that is read again.
        case = result.case
        if case is not None:
            case.refresh_from_db(fields=["status", "closed_at", "updated_at"])
        document = result.document
        ids = [f.pk for f in result.files]
        files = sorted((f for f in visible_files(self.get_serializer_context(), document) if f.pk in ids), key=lambda f: ids.index(f.pk))
        return {
            "case": self.represent(CaseSerializer, case) if case is not None else None,
            "document": self.represent(DocumentSerializer, document),
            "files": self.represent(FileSerializer, files, many=True),
            "case_created": result.case_created,
        }
