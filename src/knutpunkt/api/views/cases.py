"""Cases: find, register, read, correct, close, reopen, void; their parties and events."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from knutpunkt.core.errors import RuleViolation
from knutpunkt.registry import queries, services
from knutpunkt.registry.parties import find_or_create_party

from .. import lookups, protection
from ..idempotency import fingerprint, run_idempotent
from ..serializers import inputs
from ..serializers.representations import CASE_LINK_PREFETCH, CaseEventSerializer, CaseSerializer, RoledPartySerializer, roled_parties
from ..serializers.secrecy import CaseCreatedSerializer
from .base import CASE_ID, ApiView, problems, reread_case
from .parties import visible_parties
from .search import criteria_from, text_search_page

TAG = ["Ärenden"]


class CaseListView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="cases_list", summary="Sök ärenden",
        description="Med `q` söker sökmotorn (samma som `/search/cases/`, utan fasetter och utdrag) och en sida har då högst "
        "100 ärenden; `sort=relevance` ordnar efter relevans.",
        parameters=[inputs.CaseFilter], responses={200: CaseSerializer(many=True), **problems(400, 404)},
    )
    def get(self, request):
        criteria = criteria_from(request, self.query(inputs.CaseFilter))
        if criteria.text:
            return text_search_page(self, request, criteria)
        qs = queries.search_cases(request.user, criteria).select_related("main_case", "registered_by").prefetch_related(*CASE_LINK_PREFETCH)
        return self.page(qs, CaseSerializer)

    @extend_schema(
        tags=TAG, operation_id="cases_create", summary="Registrera ett ärende",
        description="Med `secrecy`, `personal_data_level` och `restriction` skyddas ärendet i samma transaktion. "
        "Saknas `secrecy` och har ärendetypen en förvald markering föreslås den i `proposed_secrecy` (inget sätts).",
        request=inputs.CaseCreateInput, responses={201: CaseCreatedSerializer, **problems(400, 403, 409, 422)},
    )
    def post(self, request):
        data = self.validated(inputs.CaseCreateInput)
        user = request.user

        def perform():
            diary = lookups.diary(data["diary"])
            values = {
                "title": data["title"],
                "description": data["description"] or "",
                "process": lookups.process(data["process"]),
                "case_type": lookups.case_type(data["case_type"]),
                "officer": lookups.user(data["officer"]),
                "responsible_unit": lookups.unit(data["responsible_unit"]),
                "main_case": lookups.case(user, data["main_case"], "main_case") if data["main_case"] else None,
                "opened_date": data["opened_date"],
            }
            party_inputs = lookups.party_inputs(data["parties"], "parties")
            protect = protection.resolve(data, diary)
            # Parties, case and its secrecy in one transaction: a refused case (or marking)
            # leaves nothing behind.
            with transaction.atomic():
                organisation = diary.authority.organisation
                parties = [(find_or_create_party(organisation, p, authority=diary.authority), role) for p, role in party_inputs]
                case = services.register_case(diary, actor=user, parties=parties, **values)
                protection.apply(case, protect, actor=user)
            case = reread_case(user, case.pk)
            body = self.represent(CaseSerializer, case)
            body["proposed_secrecy"] = protection.proposal(request, case, protect, type_obj=values["case_type"])
            return Response(body, status=201, headers={"Location": body["url"]})

        return run_idempotent(request, "cases.create", fingerprint(request.data), perform)


class CaseDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="cases_retrieve", summary="Läs ett ärende", parameters=[CASE_ID],
                   responses={200: CaseSerializer, **problems(404)})
    def get(self, request, id):
        case, _ = queries.get_case(request.user, id)
        return Response(self.represent(CaseSerializer, case))

    @extend_schema(
        tags=TAG, operation_id="cases_partial_update", summary="Rätta ett ärendes uppgifter (skäl krävs)", parameters=[CASE_ID],
        request=inputs.CaseUpdateInput, responses={200: CaseSerializer, **problems(400, 403, 404, 422)},
    )
    def patch(self, request, id):
        user = request.user
        case, _ = queries.get_case(user, id)
        data = self.validated(inputs.CaseUpdateInput)
        reason = data.pop("reason")
        resolve = {
            "process": lookups.process,
            "case_type": lookups.case_type,
            "officer": lookups.user,
            "responsible_unit": lookups.unit,
            "main_case": lambda v: lookups.case(user, v, "main_case") if v else None,
        }
        values = {key: resolve[key](value) if key in resolve else value for key, value in data.items()}
        if "description" in values and values["description"] is None:
            values["description"] = ""
        services.update_case(case, actor=user, reason=reason, **values)
        case = reread_case(user, case.pk)
        return Response(self.represent(CaseSerializer, case))


class _CaseActionView(ApiView):
    input = inputs.ReasonInput

    def act(self, case, user, data):
        raise NotImplementedError

    def post(self, request, id):
        case, _ = queries.get_case(request.user, id)
        data = self.validated(self.input)
        self.act(case, request.user, data)
        case = reread_case(request.user, case.pk)
        return Response(self.represent(CaseSerializer, case))


_ACTION_ERRORS = {200: CaseSerializer, **problems(400, 403, 404, 422)}


class CaseCloseView(_CaseActionView):
    input = inputs.OptionalReasonInput

    @extend_schema(tags=TAG, operation_id="cases_close", summary="Avsluta ärendet", parameters=[CASE_ID],
                   request=inputs.OptionalReasonInput, responses=_ACTION_ERRORS)
    def post(self, request, id):
        return super().post(request, id)

    def act(self, case, user, data):
        services.close_case(case, actor=user, reason=data["reason"])


class CaseReopenView(_CaseActionView):
    @extend_schema(tags=TAG, operation_id="cases_reopen", summary="Återöppna ärendet (skäl krävs)", parameters=[CASE_ID],
                   request=inputs.ReasonInput, responses=_ACTION_ERRORS)
    def post(self, request, id):
        return super().post(request, id)

    def act(self, case, user, data):
        services.reopen_case(case, actor=user, reason=data["reason"])


class CaseVoidView(_CaseActionView):
    @extend_schema(tags=TAG, operation_id="cases_void", summary="Makulera ärendet (skäl krävs)", parameters=[CASE_ID],
                   request=inputs.ReasonInput, responses=_ACTION_ERRORS)
    def post(self, request, id):
        return super().post(request, id)

    def act(self, case, user, data):
        services.void_case(case, actor=user, reason=data["reason"])


class CaseStatusView(_CaseActionView):
    input = inputs.CaseStatusInput

    @extend_schema(tags=TAG, operation_id="cases_set_status", summary="Byt status mellan öppnat, pågående och vilande",
                   parameters=[CASE_ID], request=inputs.CaseStatusInput, responses=_ACTION_ERRORS)
    def post(self, request, id):
        return super().post(request, id)

    def act(self, case, user, data):
        services.set_case_status(case, data["status"], actor=user, reason=data["reason"])


class CasePartiesView(ApiView):
    pagination_class = None

    @extend_schema(tags=TAG, operation_id="cases_parties_list", summary="Ärendets parter", parameters=[CASE_ID],
                   responses={200: RoledPartySerializer(many=True), **problems(404)})
    def get(self, request, id):
        case, _ = queries.get_case(request.user, id)
        return Response(roled_parties(self.get_serializer_context(), queries.case_parties(request.user, case)))

    @extend_schema(
        tags=TAG, operation_id="cases_parties_add", summary="Lägg till en part i ärendet", parameters=[CASE_ID],
        request=inputs.CasePartyAddInput, responses={201: RoledPartySerializer(many=True), **problems(400, 403, 404, 422)},
    )
    def post(self, request, id):
        user = request.user
        case, _ = queries.get_case(user, id)
        data = dict(self.validated(inputs.CasePartyAddInput))
        party_id = data.pop("party_id")
        role = data["role"]
        if party_id is not None:
            party = visible_parties(user).filter(pk=party_id).first()
            if party is None:
                raise RuleViolation("Parten finns inte eller så saknar du behörighet att se den.", code="unknown_party", field="party_id")
            services.add_party(case, party, role, actor=user)
        else:
            [(party_input, role)] = lookups.party_inputs([data], "party")
            with transaction.atomic():
                party = find_or_create_party(case.diary.authority.organisation, party_input, authority=case.diary.authority)
                services.add_party(case, party, role, actor=user)
        return Response(
            roled_parties(self.get_serializer_context(), queries.case_parties(user, case)), status=201
        )


class CaseEventsView(ApiView):
    @extend_schema(tags=TAG, operation_id="cases_events_list", summary="Ärendets händelser (tidslinje)", parameters=[CASE_ID],
                   responses={200: CaseEventSerializer(many=True), **problems(404)})
    def get(self, request, id):
        case, _ = queries.get_case(request.user, id)
        return self.page(queries.case_events(request.user, case), CaseEventSerializer)
