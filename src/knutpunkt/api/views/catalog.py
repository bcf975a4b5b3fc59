"""Diaries (and their journal report) and the classification structure."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from knutpunkt.access import policy
from knutpunkt.classification.models import CaseType, Class, ClassificationScheme, DocumentType
from knutpunkt.core.errors import NotFound

from ..serializers import inputs
from ..serializers.catalog import (
    CaseTypeSerializer,
    ClassSerializer,
    DiarySerializer,
    DocumentTypeSerializer,
    SchemeSerializer,
)
from .base import ApiView, problems
from .files import FirstRendererNegotiation

DIARY_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Diariets id eller prefix (t.ex. KS).")


def _readable_diary(user, key: str):
    qs = policy.readable_diaries(user)
    diary = qs.filter(pk=int(key)).first() if key.isdigit() else qs.filter(prefix__iexact=key).first()
    if diary is None:
        raise NotFound("Diariet finns inte eller så saknar du behörighet att se det.")
    return diary


class DiaryListView(ApiView):
    @extend_schema(tags=["Diarier"], operation_id="diaries_list", summary="Diarier du får läsa",
                   responses={200: DiarySerializer(many=True), **problems()})
    def get(self, request):
        return self.page(policy.readable_diaries(request.user).order_by("prefix"), DiarySerializer)


class DiaryDetailView(ApiView):
    @extend_schema(tags=["Diarier"], operation_id="diaries_retrieve", summary="Läs ett diarium", parameters=[DIARY_ID],
                   responses={200: DiarySerializer, **problems(404)})
    def get(self, request, id):
        return Response(self.represent(DiarySerializer, _readable_diary(request.user, id)))


class DiaryJournalView(ApiView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        tags=["Diarier"], operation_id="diaries_journal", summary="Diarieutdrag för en period (CSV eller PDF)",
        parameters=[DIARY_ID, inputs.JournalQuery],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Semikolonseparerad, UTF-8 med BOM."),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF/A-2b."),
            **problems(400, 404, 422),
        },
    )
    def get(self, request, id):
        from knutpunkt.registry import journal

        diary = _readable_diary(request.user, id)
        q = self.query(inputs.JournalQuery)
        date_from, date_to, fmt = q["from"], q["to"], q["format"]
        journal.check_period(date_from, date_to)
        if fmt == "pdf":
            response = HttpResponse(journal.journal_pdf(request.user, diary, date_from, date_to), content_type="application/pdf")
        else:
            text = journal.journal_csv(request.user, diary, date_from, date_to)
            response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
        filename = journal.journal_filename(diary, date_from, date_to, fmt)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- classification ------------------------------------------------------------------------

def _schemes(user):
    qs = ClassificationScheme.objects.all()
    if not (user.is_global_admin or user.is_superuser):
        qs = qs.filter(organisation_id=user.organisation_id) if user.organisation_id else qs.none()
    return qs


def _scheme_filter(request, schemes):
    """?scheme=<id> picks one of the caller's schemes; without it, the active one(s)."""
    raw = request.query_params.get("scheme", "")
    if raw:
        return schemes.filter(pk=int(raw)) if raw.isdigit() else schemes.none()
    return schemes.filter(status=ClassificationScheme.Status.ACTIVE)


SCHEME_PARAM = OpenApiParameter("scheme", int, description="Strukturens id; den gällande om det saknas.")
PROCESS_PARAM = OpenApiParameter("process", int, description="Bara typer under denna process.")
CLASSIFICATION_TAG = ["Klassificering"]


class SchemeListView(ApiView):
    @extend_schema(tags=CLASSIFICATION_TAG, operation_id="classification_schemes_list", summary="Klassificeringsstrukturer",
                   responses={200: SchemeSerializer(many=True), **problems()})
    def get(self, request):
        return self.page(_schemes(request.user).order_by("name", "version"), SchemeSerializer)


class SchemeDetailView(ApiView):
    @extend_schema(tags=CLASSIFICATION_TAG, operation_id="classification_schemes_retrieve", summary="Läs en klassificeringsstruktur",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses={200: SchemeSerializer, **problems(404)})
    def get(self, request, id):
        scheme = _schemes(request.user).filter(pk=id).first()
        if scheme is None:
            raise NotFound("Strukturen finns inte.")
        return Response(self.represent(SchemeSerializer, scheme))


class ClassListView(ApiView):
    @extend_schema(
        tags=CLASSIFICATION_TAG, operation_id="classification_classes_list", summary="Klasser (verksamhetstyp … process)",
        parameters=[
            SCHEME_PARAM,
            OpenApiParameter("level", str, enum=[lv.value for lv in Class.LEVEL_ORDER]),
            OpenApiParameter("parent", int, description="Bara klasser direkt under denna."),
        ],
        responses={200: ClassSerializer(many=True), **problems()},
    )
    def get(self, request):
        qs = Class.objects.filter(scheme__in=_scheme_filter(request, _schemes(request.user)))
        level = request.query_params.get("level")
        if level:
            qs = qs.filter(level=level)
        parent = request.query_params.get("parent", "")
        if parent:
            qs = qs.filter(parent_id=int(parent)) if parent.isdigit() else qs.none()
        return self.page(qs.order_by("scheme_id", "code"), ClassSerializer)


def _typed(request, model, related=()):
    qs = (
        model.objects.filter(process__scheme__in=_scheme_filter(request, _schemes(request.user)))
        .select_related(*related)
        .prefetch_related("default_provisions")
    )
    process = request.query_params.get("process", "")
    if process:
        qs = qs.filter(process_id=int(process)) if process.isdigit() else qs.none()
    return qs.order_by("process__code", "code")


class CaseTypeListView(ApiView):
    @extend_schema(tags=CLASSIFICATION_TAG, operation_id="classification_case_types_list", summary="Ärendetyper",
                   parameters=[SCHEME_PARAM, PROCESS_PARAM], responses={200: CaseTypeSerializer(many=True), **problems()})
    def get(self, request):
        return self.page(_typed(request, CaseType), CaseTypeSerializer)


class DocumentTypeListView(ApiView):
    @extend_schema(tags=CLASSIFICATION_TAG, operation_id="classification_document_types_list", summary="Handlingstyper",
                   parameters=[SCHEME_PARAM, PROCESS_PARAM], responses={200: DocumentTypeSerializer(many=True), **problems()})
    def get(self, request):
        return self.page(_typed(request, DocumentType, ("retention_rule",)), DocumentTypeSerializer)
