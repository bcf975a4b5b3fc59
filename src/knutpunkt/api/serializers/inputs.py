"""What clients send. These serializers check shape and types only; every rule
(valid personnummer, a case type that fits, a reason given …) belongs to the services,
which the views call with the validated values."""

import base64
import binascii
from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know: a misspelt field is an error, not silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Okänt fält."] for key in unknown})
        return super().to_internal_value(data)


def text(**kwargs):
    """An optional free-text field; null counts as empty."""
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", trim_whitespace=True, **kwargs)


def optional_id(help_text: str = ""):
    return serializers.IntegerField(required=False, allow_null=True, default=None, help_text=help_text)


def reference(help_text: str):
    """A diary, case or document given by numeric id / UUID or by its reference."""
    return serializers.CharField(required=False, allow_null=True, default=None, help_text=help_text)


REASON_MESSAGES = {"required": "Ange ett skäl.", "blank": "Ange ett skäl.", "null": "Ange ett skäl."}


def reason(required: bool = True, help_text: str = "Skälet sparas i ärendets händelser."):
    if required:
        return serializers.CharField(required=True, allow_blank=False, error_messages=REASON_MESSAGES, help_text=help_text)
    return serializers.CharField(required=False, allow_blank=True, default="", help_text=help_text)


class PartyFields(StrictSerializer):
    kind = serializers.ChoiceField(choices=["person", "organisation"], required=False, allow_null=True, default=None,
                                   help_text="Härleds om den saknas: organisation om organisationsnamn eller organisationsnummer anges.")
    personal_number = text(help_text="Person- eller samordningsnummer; sparas med tolv siffror.")
    org_number = text(help_text="Organisationsnummer; sparas med tio siffror.")
    first_name = text()
    last_name = text()
    organisation_name = text()
    contact_person = text()
    street_address = text()
    care_of = text()
    postal_code = text()
    city = text()
    country = text()
    email = text()
    phone = text()
    is_protected_identity = serializers.BooleanField(required=False, default=False)


class CasePartyInput(PartyFields):
    role = serializers.ChoiceField(choices=CaseParty.Role.choices, required=False, default=CaseParty.Role.APPLICANT)


class CorrespondentInput(PartyFields):
    role = serializers.ChoiceField(choices=Correspondent.Role.choices, required=False, default=Correspondent.Role.SENDER)


class Base64Content(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, trim_whitespace=True, **kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        # CharField hands back "" without calling to_internal_value; empty content is
        # still content (the files service refuses it with its own message).
        return b"" if value == "" else value

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Innehållet är inte giltig base64.") from None


class FileInput(StrictSerializer):
    filename = serializers.CharField(max_length=255)
    content_base64 = Base64Content(help_text="Filens innehåll, base64-kodat.")


# --- secrecy ---------------------------------------------------------------------------------

PARTS_HELP = "Vilka delar som är sekretessbelagda: title, description, parties, files."


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "example": "26 kap. 1 §"}]})
class ProvisionRefField(serializers.Field):
    """A legal provision by id (5) or by reference ("26 kap. 1 §", "OSL 26 kap. 1 §", "26:1")."""

    default_error_messages = {"invalid": "Ange lagrummets id eller hänvisning, t.ex. ”26 kap. 1 §”."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class _MarkingFields(StrictSerializer):
    provisions = serializers.ListField(
        child=ProvisionRefField(), required=False, default=list,
        help_text="Lagrum: id eller hänvisning (”26 kap. 1 §”). Minst ett krävs.",
    )
    secret_parts = serializers.ListField(child=serializers.CharField(), required=False, default=list, help_text=PARTS_HELP)
    public_title = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="",
        help_text="Offentlig rubrik, visas i stället för rubriken. Krävs när rubriken är sekretessbelagd.",
    )
    review_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Omprövas (ÅÅÅÅ-MM-DD).")
    expires_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Upphör (ÅÅÅÅ-MM-DD).")


def _reason_field(help_text: str):
    # Not required here: a missing reason is the service's rule (422 reason_required).
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", help_text=help_text)


class SecrecyInput(_MarkingFields):
    """PUT /…/secrecy/: set or replace the marking."""

    reason = _reason_field("Skälet för markeringen (krävs).")


class RevokeInput(StrictSerializer):
    reason = _reason_field("Skälet för att häva markeringen (krävs; går också som ?reason=).")


class PersonalDataLevelInput(StrictSerializer):
    personal_data_level = serializers.CharField(help_text="publicerbar, skyddad_externt eller skyddad.")
    reason = _reason_field("Skälet för ändringen (krävs när nivån ändras).")


class RestrictionInput(StrictSerializer):
    restricted = serializers.BooleanField(help_text="Sant = begränsad åtkomst (vem får se).")
    access_groups = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                          help_text="Åtkomstgruppernas id (samma myndighet).")
    reason = _reason_field("Skälet för ändringen (krävs när något ändras).")


class FileSecrecyInput(StrictSerializer):
    is_secret = serializers.BooleanField(help_text="Sant = just denna fil är sekretessbelagd.")
    reason = _reason_field("Skälet för ändringen (krävs).")


# --- at registration ------------------------------------------------------------------------

class SecrecyAtRegistration(_MarkingFields):
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="",
                                   help_text="Skälet; utelämnat blir det ”Sekretessmarkerad vid registrering”.")


class RestrictionAtRegistration(StrictSerializer):
    restricted = serializers.BooleanField(required=False, default=True)
    access_groups = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class Protected(StrictSerializer):
    """The optional keys a create request may carry for the object it creates, applied in
    the same transaction. Absent keys stay absent from validated_data (no defaults):
    "no `secrecy` key" is what makes the answer carry `proposed_secrecy` instead."""

    secrecy = SecrecyAtRegistration(
        required=False, allow_null=True,
        help_text="Sekretessmarkering som sätts i samma transaktion. null = ingen (och inget förslag i svaret).",
    )
    personal_data_level = serializers.CharField(
        required=False, help_text="Personuppgiftsskydd: publicerbar, skyddad_externt eller skyddad.",
    )
    restriction = RestrictionAtRegistration(required=False, help_text="Begränsad åtkomst och åtkomstgrupper.")


PROTECTION_KEYS = ("secrecy", "personal_data_level", "restriction")


class DocumentFields(Protected):
    direction = serializers.ChoiceField(choices=Document.Direction.choices, required=False, default=Document.Direction.INCOMING)
    title = text(help_text="Beskrivning av handlingen. Saknas den används ärendemeningen.")
    document_type = optional_id("Handlingstypens id.")
    document_date = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="Inkom, upprättad eller expedierad (ÅÅÅÅ-MM-DD); i dag om den saknas.")


class RegistrationInput(Protected):
    """One-call registration: a new or existing case, its parties, one document and its files."""

    diary = reference("Diariets prefix (t.ex. KS) eller id. Behövs inte när `case` anges.")
    case = reference("Ett befintligt ärende: UUID eller diarienummer. Tomt = nytt ärende (eller ingen ärende om `without_case`).")
    case_title = text(help_text="Ärendemening för ett nytt ärende; saknas den används handlingens beskrivning.")
    case_description = text()
    process = optional_id("Processens id.")
    case_type = optional_id("Ärendetypens id.")
    officer = optional_id("Handläggarens användar-id.")
    responsible_unit = optional_id("Ansvarig enhets id.")
    without_case = serializers.BooleanField(required=False, default=False, help_text="Registrera handlingen utan ärende (postlista).")
    document = DocumentFields()
    parties = CasePartyInput(many=True, required=False, default=list)
    correspondents = CorrespondentInput(many=True, required=False, default=list)
    files = FileInput(many=True, required=False, default=list)


class MultipartPayload(serializers.Serializer):
    """The multipart/form-data form of a JSON request with files (documentation only)."""

    data = serializers.CharField(help_text="JSON-objektet, som i application/json-varianten (utan `files` eller med).")
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="En del per fil, alla med namnet `files`.")


class CaseCreateInput(Protected):
    diary = serializers.CharField(help_text="Diariets prefix (t.ex. KS) eller id.")
    title = serializers.CharField(allow_blank=True)
    description = text()
    process = optional_id()
    case_type = optional_id()
    officer = optional_id()
    responsible_unit = optional_id()
    main_case = reference("Huvudärende: UUID eller diarienummer.")
    opened_date = serializers.DateField(required=False, allow_null=True, default=None)
    parties = CasePartyInput(many=True, required=False, default=list)


class CaseUpdateInput(StrictSerializer):
    """Only the fields sent are changed; `reason` is always required."""

    title = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    process = serializers.IntegerField(required=False, allow_null=True)
    case_type = serializers.IntegerField(required=False, allow_null=True)
    officer = serializers.IntegerField(required=False, allow_null=True)
    responsible_unit = serializers.IntegerField(required=False, allow_null=True)
    main_case = serializers.CharField(required=False, allow_null=True)
    opened_date = serializers.DateField(required=False)
    reason = reason()


class ReasonInput(StrictSerializer):
    reason = reason()


class OptionalReasonInput(StrictSerializer):
    reason = reason(required=False)


class CaseStatusInput(StrictSerializer):
    status = serializers.ChoiceField(choices=[c for c in Case.Status.choices if c[0] != Case.Status.CLOSED])
    reason = reason(required=False)


class CasePartyAddInput(CasePartyInput):
    party_id = serializers.UUIDField(required=False, allow_null=True, default=None,
                                     help_text="En befintlig part; annars skapas eller återanvänds parten från uppgifterna.")


class DocumentCreateInput(DocumentFields):
    correspondents = CorrespondentInput(many=True, required=False, default=list)
    files = FileInput(many=True, required=False, default=list)


class LooseDocumentCreateInput(DocumentCreateInput):
    diary = serializers.CharField(help_text="Diariets prefix (t.ex. KS) eller id.")


class DocumentUpdateInput(StrictSerializer):
    title = serializers.CharField(required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Document.Direction.choices, required=False)
    document_type = serializers.IntegerField(required=False, allow_null=True)
    document_date = serializers.DateField(required=False)
    reason = reason()


class UploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False, help_text="Filen (multipart/form-data).")
    filename = serializers.CharField(required=False, allow_blank=True, default="", help_text="Filnamn om det ska skilja sig från uppladdningens.")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


SEARCH_SORTS = [("relevance", "Relevans"), ("date", "Senast registrerad")]


class CaseFilter(serializers.Serializer):
    """Query parameters for finding cases."""

    reference = serializers.CharField(required=False, default="", help_text="Diarienummer, helt eller delvis.")
    q = serializers.CharField(required=False, default="", help_text="Fritext i ärendemening, beskrivning och handlingar.")
    party = serializers.CharField(required=False, default="", help_text="Partens namn, personnummer eller organisationsnummer.")
    status = serializers.ChoiceField(choices=[("open", "Alla öppna"), *Case.Status.choices], required=False, default="")
    diary = serializers.CharField(required=False, default="", help_text="Diariets prefix eller id.")
    process = serializers.IntegerField(required=False, allow_null=True, default=None)
    officer = serializers.CharField(required=False, default="", help_text="Handläggarens användar-id, eller `me`.")
    date_from = serializers.DateField(required=False, allow_null=True, default=None, help_text="Öppnat från och med (ÅÅÅÅ-MM-DD).")
    date_to = serializers.DateField(required=False, allow_null=True, default=None, help_text="Öppnat till och med (ÅÅÅÅ-MM-DD).")
    include_voided = serializers.BooleanField(required=False, default=False)
    year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1000, max_value=9999,
                                    help_text="Året i diarienumret.")
    direction = serializers.ChoiceField(choices=Document.Direction.choices, required=False, default="", allow_blank=True,
                                        help_text="Ärenden med minst en handling (som du får se) av den riktningen.")
    sort = serializers.ChoiceField(
        choices=SEARCH_SORTS, required=False, default="date",
        help_text="Ordningen vid fritext (`q`): `date` (nyast registrerade först, standard) eller `relevance`. Utan `q` alltid `date`.",
    )

    def validate_officer(self, value):
        if value and value != "me" and not value.isdigit():
            raise serializers.ValidationError("Ange ett användar-id eller `me`.")
        return value

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Slutdatumet ligger före startdatumet."]})
        return attrs


class CaseSearchFilter(CaseFilter):
    """Query parameters of the full staff search (/search/cases/)."""

    q = serializers.CharField(
        required=True, help_text="Söktext: alla ord måste finnas i det du får se av ärendet, ett ord matchar från början "
        "(`bygg` hittar *bygglov*), `\"en fras\"` i följd. Operatorer och tecken har ingen särskild betydelse.",
        error_messages={"required": "Ange en söktext (q).", "blank": "Ange en söktext (q)."},
    )
    sort = serializers.ChoiceField(choices=SEARCH_SORTS, required=False, default="relevance",
                                   help_text="`relevance` (standard; lika relevanta nyast först) eller `date` (nyast registrerade först).")
    page = serializers.IntegerField(required=False, default=1, min_value=1, help_text="Sidnummer, från 1.")
    page_size = serializers.IntegerField(required=False, default=25, min_value=1, max_value=100, help_text="Träffar per sida (högst 100).")


class DocumentFilter(serializers.Serializer):
    diary = serializers.CharField(required=False, default="", help_text="Diariets prefix eller id.")
    case = serializers.CharField(required=False, default="", help_text="Ärendets UUID eller diarienummer.")
    direction = serializers.ChoiceField(choices=Document.Direction.choices, required=False, default="")
    q = serializers.CharField(required=False, default="", help_text="Fritext i handlingens beskrivning eller nummer.")
    without_case = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Bara handlingar utan ärende.")
    registered_from = serializers.DateField(required=False, allow_null=True, default=None)
    registered_to = serializers.DateField(required=False, allow_null=True, default=None)
    include_voided = serializers.BooleanField(required=False, default=False)


class PartyFilter(serializers.Serializer):
    q = serializers.CharField(required=False, default="", help_text="Namn, personnummer eller organisationsnummer.")
    kind = serializers.ChoiceField(choices=["person", "organisation"], required=False, default="")


class JournalQuery(serializers.Serializer):
    """`?from=ÅÅÅÅ-MM-DD&to=ÅÅÅÅ-MM-DD&format=csv|pdf` (`from` is a Python keyword, hence get_fields)."""

    def get_fields(self):
        return {
            "from": serializers.DateField(required=True, help_text="Första dagen (ÅÅÅÅ-MM-DD)."),
            "to": serializers.DateField(required=True, help_text="Sista dagen (ÅÅÅÅ-MM-DD)."),
            "format": serializers.ChoiceField(choices=["csv", "pdf"], required=False, default="csv"),
        }

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Slutdatumet ligger före startdatumet."]})
        return attrs
