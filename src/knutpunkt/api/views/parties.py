"""Parties: search those the caller meets in cases and documents, read one, create one.

A party is shown here only where it appears in a case or document whose parties the
caller may see (as the case page would show them), and a party with skyddad identitet only to a
caller with that right in one of those diaries.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from knutpunkt.core import audit
from knutpunkt.core.errors import NotFound, RuleViolation
from knutpunkt.registry import queries
from knutpunkt.registry.models import Party
from knutpunkt.registry.parties import find_or_create_party

from .. import lookups
from ..idempotency import fingerprint, run_idempotent
from ..serializers import inputs
from ..serializers.representations import PartySerializer
from .base import ApiView, problems

TAG = ["Parter"]
PARTY_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Partens id.")


def visible_parties(user):
    """Parties the caller meets as the case and document pages show them (the policy's
    parties part; a skyddad identitet only with the right in that same diary)."""
    return queries.parties_for(user)


def _search(qs, text: str):
    text = text.strip()
    return qs.filter(queries.party_text_q(text)) if text else qs


def _existing(organisation, party_input) -> bool:
    """Whether find_or_create_party will reuse a party (it matches on identity number)."""
    if party_input.personal_number:
        return Party.objects.filter(organisation=organisation, personal_number=party_input.personal_number).exists()
    if party_input.org_number:
        return Party.objects.filter(organisation=organisation, org_number=party_input.org_number).exists()
    return False


def _audit_revealed(user, parties) -> None:
    """Every showing of a skyddad identitet's real name is logged (issue 3)."""
    for party in parties:
        if party.is_protected_identity:
            audit.log("party.identity_read", actor=user, obj=party, details={"parties": [str(party.pk)]})


# Everyone who passes visible_parties may see the real identity (see the module docstring).
_SHOW = {"identity_visible": True}


class PartyListView(ApiView):
    @extend_schema(tags=TAG, operation_id="parties_list", summary="Sök parter",
                   parameters=[inputs.PartyFilter], responses={200: PartySerializer(many=True), **problems(400)})
    def get(self, request):
        f = self.query(inputs.PartyFilter)
        qs = _search(visible_parties(request.user), f["q"])
        if f["kind"]:
            qs = qs.filter(kind=f["kind"])
        page = self.paginate_queryset(qs.order_by("last_name", "organisation_name", "first_name", "pk"))
        _audit_revealed(request.user, page)
        return self.get_paginated_response(PartySerializer(page, many=True, context={**self.get_serializer_context(), **_SHOW}).data)

    @extend_schema(
        tags=TAG, operation_id="parties_create", summary="Skapa (eller återanvänd) en part",
        description="En part med samma person- eller organisationsnummer i organisationen återanvänds (200) i stället för att "
        "skapas på nytt (201); då visas dess sparade uppgifter bara om du redan ser parten i något ärende.",
        request=inputs.PartyFields, responses={201: PartySerializer, 200: PartySerializer, **problems(400, 409, 422)},
    )
    def post(self, request):
        user = request.user
        data = self.validated(inputs.PartyFields)
        if user.organisation_id is None:
            raise RuleViolation("Ditt konto hör inte till någon organisation.", code="no_organisation")

        def perform():
            [(party_input, _role)] = lookups.party_inputs([{**data, "role": ""}], "party")
            existed = _existing(user.organisation, party_input)
            party = find_or_create_party(user.organisation, party_input)
            return self._answer(user, party, created=not existed)

        return run_idempotent(request, "parties.create", fingerprint(request.data), perform)

    def _answer(self, user, party, created: bool) -> Response:
        ctx = {**self.get_serializer_context(), **_SHOW}
        if created or visible_parties(user).filter(pk=party.pk).exists():
            body = PartySerializer(party, context=ctx).data
        else:
            # An existing party the caller does not meet anywhere: confirm the id only,
            # never the details someone else registered.
            body = {**PartySerializer(party, context={**ctx, "identity_visible": False}).data}
            body.update({key: "" for key in body if key not in ("id", "kind", "url", "is_protected_identity")})
            # Nor whether the identity number belongs to someone with skyddad identitet.
            body["is_protected_identity"] = None
        return Response(body, status=201 if created else 200, headers={"Location": body["url"]})


class PartyDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="parties_retrieve", summary="Läs en part", parameters=[PARTY_ID],
                   responses={200: PartySerializer, **problems(404)})
    def get(self, request, id):
        party = visible_parties(request.user).filter(pk=id).first()
        if party is None:
            raise NotFound("Parten finns inte eller så saknar du behörighet att se den.")
        _audit_revealed(request.user, [party])
        return Response(PartySerializer(party, context={**self.get_serializer_context(), **_SHOW}).data)
