"""Secrecy endpoints: the marking of a case or document (read, set, revoke), its
personal-data level and restriction, and the vocabulary they use (legal provisions,
access groups). Thin: every rule and every event/audit entry is registry.secrecy's."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from knutpunkt.access import policy
from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.core import clock
from knutpunkt.organisations.models import Diary
from knutpunkt.registry import queries, secrecy

from .. import lookups, protection
from ..serializers import inputs
from ..serializers import secrecy as s
from .base import CASE_ID, DOCUMENT_ID, ApiView, problems

TAG = ["Sekretess"]


class _ObjectView(ApiView):
    """Shared by the case and document variants of each endpoint."""

    kind = "case"
    pagination_class = None

    def target(self, request, id):
        getter = queries.get_case if self.kind == "case" else queries.get_document
        obj, _visibility = getter(request.user, id)
        return obj

    def answer(self, request, obj):
        # Asked afresh: a change (e.g. a restriction) may have changed what the caller sees.
        view = policy.case_view(request.user, obj) if self.kind == "case" else policy.document_view(request.user, obj)
        return Response(protection.state(obj, view))

    def organisation_id(self, obj) -> int:
        return obj.diary.authority.organisation_id


_STATE = {200: s.SecrecyStateSerializer}


def _secrecy_schema(kind: str, param):
    what = "ärendets" if kind == "case" else "handlingens"
    tag_id = "cases" if kind == "case" else "documents"
    return {
        "get": extend_schema(
            tags=TAG, operation_id=f"{tag_id}_secrecy_retrieve", summary=f"Läs {what} sekretessmarkering", parameters=[param],
            description="Full läsare får gällande markering och historik; den som ser objektet maskerat får bara "
            "{\"marked\": …, \"masked\": true}.",
            responses={**_STATE, **problems(404)},
        ),
        "put": extend_schema(
            tags=TAG, operation_id=f"{tag_id}_secrecy_update", summary=f"Sätt eller ersätt {what} sekretessmarkering",
            parameters=[param], request=inputs.SecrecyInput, responses={**_STATE, **problems(400, 403, 404, 422)},
        ),
        "delete": extend_schema(
            tags=TAG, operation_id=f"{tag_id}_secrecy_destroy", summary=f"Häv {what} sekretessmarkering (skäl krävs)",
            parameters=[param, OpenApiParameter("reason", str, description="Skälet, om det inte skickas i kroppen.")],
            request=inputs.RevokeInput, responses={**_STATE, **problems(400, 403, 404, 422)},
        ),
    }


class _SecrecyView(_ObjectView):
    def get(self, request, id):
        return self.answer(request, self.target(request, id))

    def put(self, request, id):
        obj = self.target(request, id)
        data = self.validated(inputs.SecrecyInput)
        secrecy.check_may_mark(request.user, obj)  # before the lookups: a 403 says more than "unknown provision"
        provisions = lookups.provisions(data["provisions"], self.organisation_id(obj))
        secrecy.set_marking(
            obj, actor=request.user, provisions=provisions, secret_parts=data["secret_parts"],
            public_title=data["public_title"] or "", review_on=data["review_on"], expires_on=data["expires_on"],
            reason=data["reason"] or "",
        )
        return self.answer(request, obj)

    def delete(self, request, id):
        obj = self.target(request, id)
        data = self.validated(inputs.RevokeInput, request.data or {})
        reason = data["reason"] or request.query_params.get("reason", "")
        secrecy.revoke_marking(obj, actor=request.user, reason=reason)
        return self.answer(request, obj)


_CASE_SECRECY = _secrecy_schema("case", CASE_ID)
_DOCUMENT_SECRECY = _secrecy_schema("document", DOCUMENT_ID)


class CaseSecrecyView(_SecrecyView):
    kind = "case"

    @_CASE_SECRECY["get"]
    def get(self, request, id):
        return super().get(request, id)

    @_CASE_SECRECY["put"]
    def put(self, request, id):
        return super().put(request, id)

    @_CASE_SECRECY["delete"]
    def delete(self, request, id):
        return super().delete(request, id)


class DocumentSecrecyView(_SecrecyView):
    kind = "document"

    @_DOCUMENT_SECRECY["get"]
    def get(self, request, id):
        return super().get(request, id)

    @_DOCUMENT_SECRECY["put"]
    def put(self, request, id):
        return super().put(request, id)

    @_DOCUMENT_SECRECY["delete"]
    def delete(self, request, id):
        return super().delete(request, id)


class _PersonalDataLevelView(_ObjectView):
    def put(self, request, id):
        obj = self.target(request, id)
        data = self.validated(inputs.PersonalDataLevelInput)
        secrecy.set_personal_data_level(obj, data["personal_data_level"], actor=request.user, reason=data["reason"] or "")
        return self.answer(request, obj)


class _RestrictionView(_ObjectView):
    def put(self, request, id):
        obj = self.target(request, id)
        data = self.validated(inputs.RestrictionInput)
        secrecy.check_may_mark(request.user, obj)
        groups = lookups.access_groups(data["access_groups"], self.organisation_id(obj))
        secrecy.set_restriction(obj, actor=request.user, restricted=data["restricted"], access_groups=groups, reason=data["reason"] or "")
        return self.answer(request, obj)


_ACTION_RESPONSES = {**_STATE, **problems(400, 403, 404, 422)}


class CasePersonalDataLevelView(_PersonalDataLevelView):
    kind = "case"

    @extend_schema(tags=TAG, operation_id="cases_personal_data_level_update", summary="Ändra ärendets personuppgiftsskydd",
                   parameters=[CASE_ID], request=inputs.PersonalDataLevelInput, responses=_ACTION_RESPONSES)
    def put(self, request, id):
        return super().put(request, id)


class DocumentPersonalDataLevelView(_PersonalDataLevelView):
    kind = "document"

    @extend_schema(tags=TAG, operation_id="documents_personal_data_level_update", summary="Ändra handlingens personuppgiftsskydd",
                   parameters=[DOCUMENT_ID], request=inputs.PersonalDataLevelInput, responses=_ACTION_RESPONSES)
    def put(self, request, id):
        return super().put(request, id)


class CaseRestrictionView(_RestrictionView):
    kind = "case"

    @extend_schema(tags=TAG, operation_id="cases_restriction_update", summary="Begränsa vem som får se ärendet",
                   parameters=[CASE_ID], request=inputs.RestrictionInput, responses=_ACTION_RESPONSES)
    def put(self, request, id):
        return super().put(request, id)


class DocumentRestrictionView(_RestrictionView):
    kind = "document"

    @extend_schema(tags=TAG, operation_id="documents_restriction_update", summary="Begränsa vem som får se handlingen",
                   parameters=[DOCUMENT_ID], request=inputs.RestrictionInput, responses=_ACTION_RESPONSES)
    def put(self, request, id):
        return super().put(request, id)


# --- vocabulary ---------------------------------------------------------------------------------

class ProvisionFilter(serializers.Serializer):
    q = serializers.CharField(required=False, default="", help_text="Text i lagrum, lag eller kort rubrik.")
    chapter = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Kapitel, t.ex. 26.")


def _paragraph_key(p: LegalProvision):
    digits = "".join(ch for ch in p.paragraph if ch.isdigit())
    return (p.law, p.chapter or 0, int(digits) if digits else 0, p.paragraph, p.organisation_id is not None, p.pk)


class LegalProvisionListView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="legal_provisions_list", summary="Lagrum som kan användas i sekretessmarkeringar",
        description="De gemensamma lagrummen och din organisations egna, som är aktiva och inte har upphört.",
        parameters=[ProvisionFilter], responses={200: s.LegalProvisionSerializer(many=True), **problems(400)},
    )
    def get(self, request):
        f = self.query(ProvisionFilter)
        user = request.user
        today = clock.today()
        mine = Q(organisation__isnull=True)
        if user.organisation_id:
            mine |= Q(organisation_id=user.organisation_id)
        qs = LegalProvision.objects.filter(mine, active=True).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        if f["chapter"] is not None:
            qs = qs.filter(chapter=f["chapter"])
        for word in f["q"].split()[:5]:
            qs = qs.filter(Q(reference__icontains=word) | Q(law__icontains=word) | Q(short_title__icontains=word))
        return self.page(sorted(qs, key=_paragraph_key), s.LegalProvisionSerializer)


class AccessGroupFilter(serializers.Serializer):
    authority = serializers.CharField(required=False, default="", help_text="Myndighetens id eller kod.")


class AccessGroupListView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="access_groups_list", summary="Åtkomstgrupper i myndigheter där du har en roll",
        parameters=[AccessGroupFilter], responses={200: s.AccessGroupSerializer(many=True), **problems(400)},
    )
    def get(self, request):
        f = self.query(AccessGroupFilter)
        reader = policy.reader_for(request.user)
        qs = AccessGroup.objects.filter(active=True).select_related("authority")
        if not reader.is_global_admin:
            authorities = Diary.objects.filter(pk__in=sorted(reader.readable_diary_ids)).values("authority_id")
            qs = qs.filter(authority_id__in=authorities)
        authority = f["authority"].strip()
        if authority:
            qs = qs.filter(authority_id=int(authority)) if authority.isdigit() else qs.filter(authority__code__iexact=authority)
        return self.page(qs.order_by("authority__code", "name", "pk"), s.AccessGroupSerializer)
