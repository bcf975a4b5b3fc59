"""What the API returns. Every case, document, file, party and event is shown as the
access policy allows for the caller: the policy's view of the object picks the full or
the masked representation, field by field (reference, shown title and dates always;
description, parties and files only where the view says so; no names when masked).

Both shapes have the same keys — withheld parts are null or empty and `masked` is
true — so a client reads one schema.
"""

from django.db.models import Prefetch
from django.urls import reverse
from rest_framework import serializers

from knutpunkt.access import policy
from knutpunkt.core.errors import NotFound
from knutpunkt.files import queries as file_queries
from knutpunkt.registry import queries
from knutpunkt.registry.identity import format_org_number, format_personal_number
from knutpunkt.registry.models import CaseLink


# --- helpers ---------------------------------------------------------------------------

def _user(context):
    return context["request"].user


def _url(context, name: str, *args) -> str:
    return context["request"].build_absolute_uri(reverse(f"api:{name}", args=args))


def case_view(context, case):
    """The policy's view of a case, asked once per request and case."""
    cache = context.setdefault("_case_views", {})
    if case.pk not in cache:
        cache[case.pk] = policy.case_view(_user(context), case)
    return cache[case.pk]


def document_view(context, document):
    cache = context.setdefault("_document_views", {})
    if document.pk not in cache:
        cache[document.pk] = policy.document_view(_user(context), document)
    return cache[document.pk]


def user_ref(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def class_ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "code": obj.code, "title": obj.title}


def case_ref(context, case) -> dict | None:
    """A link to another case, only if the caller may see that case at all."""
    if case is None or case_view(context, case).hidden:
        return None
    return {"id": str(case.pk), "reference": case.reference, "url": _url(context, "case-detail", case.pk)}


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ClassRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    url = serializers.URLField()


# --- parties ---------------------------------------------------------------------------

PARTY_DETAIL_FIELDS = (
    "first_name", "last_name", "organisation_name", "contact_person", "street_address", "care_of",
    "postal_code", "city", "country", "email", "phone",
)


class PartySerializer(serializers.Serializer):
    """A party. Whether the caller may see the real identity of a party with skyddad
    identitet is decided by registry.queries (rows with `identity_visible`) or, for the
    party endpoints, by their query; without it only the label is shown."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    name = serializers.CharField()
    personal_number = serializers.CharField(help_text="ÅÅÅÅMMDD-NNNN")
    org_number = serializers.CharField(help_text="NNNNNN-NNNN")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    organisation_name = serializers.CharField()
    contact_person = serializers.CharField()
    street_address = serializers.CharField()
    care_of = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    is_protected_identity = serializers.BooleanField(allow_null=True, help_text="null när en befintlig part bara bekräftas med sitt id.")
    url = serializers.URLField()

    def to_representation(self, party):
        return party_repr(self.context, party, identity_visible=bool(self.context.get("identity_visible")))


def party_repr(context, party, *, identity_visible: bool, shown_name: str | None = None) -> dict:
    data = {
        "id": str(party.pk),
        "kind": party.kind,
        "is_protected_identity": party.is_protected_identity,
        "url": _url(context, "party-detail", party.pk),
    }
    if party.is_protected_identity and not identity_visible:
        data.update({"name": shown_name or policy.PROTECTED_IDENTITY_LABEL, "personal_number": "", "org_number": ""})
        data.update({key: "" for key in PARTY_DETAIL_FIELDS})
        return data
    data.update({
        "name": party.display_name,
        "personal_number": format_personal_number(party.personal_number) if party.personal_number else "",
        "org_number": format_org_number(party.org_number) if party.org_number else "",
    })
    data.update({key: getattr(party, key) for key in PARTY_DETAIL_FIELDS})
    return data


class RoledPartySerializer(serializers.Serializer):
    role = serializers.CharField()
    role_display = serializers.CharField()
    party = PartySerializer()


def roled_parties(context, rows) -> list[dict]:
    """Rows from queries.case_parties / document_correspondents, which already applied
    the policy (and set `identity_visible` and `shown_name` on each)."""
    return [
        {
            "role": row.role,
            "role_display": row.get_role_display(),
            "party": party_repr(context, row.party, identity_visible=row.identity_visible, shown_name=row.shown_name),
        }
        for row in rows
    ]


# --- secrecy fields (full view only) ---------------------------------------------------------

PROTECTION_HELP = {
    "is_secret": "Om objektet har en gällande sekretessmarkering (null när du ser det maskerat).",
    "secret_parts": "Sekretessbelagda delar: title, description, parties, files (null när maskerat).",
    "public_title": "Den offentliga rubriken (null när maskerat; då är den redan `title`).",
    "personal_data_level": "publicerbar, skyddad_externt eller skyddad (null när maskerat).",
    "restricted": "Begränsad åtkomst, vem får se (null när maskerat).",
}


def protection_fields() -> dict:
    return {
        "is_secret": serializers.BooleanField(allow_null=True, help_text=PROTECTION_HELP["is_secret"]),
        "secret_parts": serializers.ListField(child=serializers.CharField(), allow_null=True, help_text=PROTECTION_HELP["secret_parts"]),
        "public_title": serializers.CharField(allow_null=True, help_text=PROTECTION_HELP["public_title"]),
        "personal_data_level": serializers.CharField(allow_null=True, help_text=PROTECTION_HELP["personal_data_level"]),
        "restricted": serializers.BooleanField(allow_null=True, help_text=PROTECTION_HELP["restricted"]),
        "secrecy_url": serializers.URLField(),
    }


def protection_repr(context, obj, view, url_name: str) -> dict:
    """How the object is protected — told only to a reader with full view; a masked
    reader learns no more than `masked: true` and the public title already say."""
    data = {"is_secret": None, "secret_parts": None, "public_title": None, "personal_data_level": None, "restricted": None,
            "secrecy_url": _url(context, url_name, obj.pk)}
    if view.full:
        data.update({
            "is_secret": obj.is_secret,
            "secret_parts": [p for p in ("title", "description", "parties", "files") if getattr(obj, f"{p}_secret")],
            "public_title": obj.public_title,
            "personal_data_level": obj.personal_data_level,
            "restricted": obj.restricted,
        })
    return data


# --- cases -------------------------------------------------------------------------------

class CaseLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    url = serializers.URLField()
    note = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField(help_text="Diarienummer, t.ex. KS 2026/123.")
    title = serializers.CharField(help_text="Ärendemening, eller den offentliga rubriken när rubriken är sekretessbelagd.")
    description = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text="oppnat, pagaende, vilande eller avslutat.")
    status_display = serializers.CharField()
    diary = serializers.CharField(help_text="Diariets prefix.")
    process = ClassRefSerializer(allow_null=True)
    case_type = ClassRefSerializer(allow_null=True)
    officer = UserRefSerializer(allow_null=True)
    responsible_unit = UnitRefSerializer(allow_null=True)
    main_case = CaseRefSerializer(allow_null=True)
    opened_date = serializers.DateField()
    registered_at = serializers.DateTimeField()
    registered_by = UserRefSerializer(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    voided = serializers.BooleanField()
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()
    masked = serializers.BooleanField(help_text="Sant när du bara får se ärendet maskerat (rubrik, nummer och datum).")
    is_secret, secret_parts, public_title, personal_data_level, restricted, secrecy_url = protection_fields().values()
    parties = RoledPartySerializer(many=True)
    links = CaseLinkSerializer(many=True, help_text="Relaterade ärenden som du får se.")
    url = serializers.URLField()
    documents_url = serializers.URLField()
    events_url = serializers.URLField()

    def to_representation(self, case):
        ctx = self.context
        view = case_view(ctx, case)
        if view.hidden:  # callers look cases up through queries; this is the last guard
            raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
        data = {
            "id": str(case.pk),
            "reference": case.reference,
            "title": policy.shown_title(case, view),
            "description": case.description if view.description else None,
            "status": case.status,
            "status_display": case.get_status_display(),
            "diary": case.diary.prefix,
            "process": None,
            "case_type": None,
            "officer": None,
            "responsible_unit": None,
            "main_case": case_ref(ctx, case.main_case) if case.main_case_id else None,
            "opened_date": serializers.DateField().to_representation(case.opened_date),
            "registered_at": serializers.DateTimeField().to_representation(case.registered_at),
            "registered_by": None,
            "closed_at": serializers.DateTimeField().to_representation(case.closed_at) if case.closed_at else None,
            "voided": case.is_voided,
            "voided_at": serializers.DateTimeField().to_representation(case.voided_at) if case.voided_at else None,
            "void_reason": case.void_reason,
            "masked": not view.full,
            **protection_repr(ctx, case, view, "case-secrecy"),
            "parties": [],
            "links": self._links(case),
            "url": _url(ctx, "case-detail", case.pk),
            "documents_url": _url(ctx, "case-documents", case.pk),
            "events_url": _url(ctx, "case-events", case.pk),
        }
        if view.full:
            # Names (officer, registrator) and classification only in the full view.
            data.update({
                "process": class_ref(case.process),
                "case_type": class_ref(case.case_type),
                "officer": user_ref(case.officer),
                "responsible_unit": {"id": case.responsible_unit.pk, "name": case.responsible_unit.name} if case.responsible_unit else None,
                "registered_by": user_ref(case.registered_by),
            })
        else:
            data["void_reason"] = ""
        # The query applies the policy: parties may show in a masked view too.
        data["parties"] = roled_parties(ctx, queries.case_parties(_user(ctx), case))
        return data

    def _links(self, case) -> list[dict]:
        # .all() so a list view's prefetch (CASE_LINK_PREFETCH) is used.
        full = case_view(self.context, case).full
        out = []
        for link, other in [(link, link.to_case) for link in case.links_out.all()] + [(link, link.from_case) for link in case.links_in.all()]:
            ref = case_ref(self.context, other)
            if ref:
                out.append({**ref, "note": link.note if full else ""})
        return out


CASE_LINK_PREFETCH = (
    Prefetch("links_out", queryset=CaseLink.objects.select_related("to_case").order_by("created_at")),
    Prefetch("links_in", queryset=CaseLink.objects.select_related("from_case").order_by("created_at")),
)


# --- files -------------------------------------------------------------------------------

class FileVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    mime_type = serializers.CharField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = UserRefSerializer(allow_null=True)
    comment = serializers.CharField()
    download_url = serializers.URLField()

    def to_representation(self, version):
        blob = version.blob
        return {
            "version": version.version,
            "filename": version.filename,
            "size": blob.size,
            "mime_type": blob.mime_type,
            "sha256": blob.sha256,
            "created_at": serializers.DateTimeField().to_representation(version.created_at),
            "created_by": user_ref(version.created_by),
            "comment": version.comment,
            "download_url": _url(self.context, "file-version-download", version.file_id, version.version),
        }


class FileSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    document = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    current_version = FileVersionSerializer(allow_null=True)
    versions = FileVersionSerializer(many=True)
    url = serializers.URLField()
    download_url = serializers.URLField(help_text="Hämtar nuvarande version.")

    is_secret = serializers.BooleanField(allow_null=True, help_text="Om just denna fil är sekretessbelagd (null när handlingen är maskerad).")

    def to_representation(self, file):
        versions = sorted(file.versions.all(), key=lambda v: v.version)
        current = next((v for v in versions if v.pk == file.current_version_id), None)
        ver = FileVersionSerializer(context=self.context)
        full = document_view(self.context, file.document).full

        def version(v):
            data = ver.to_representation(v)
            if not full:  # no names of staff in a masked view
                data["created_by"] = None
            return data

        return {
            "id": str(file.pk),
            "name": file.name,
            "document": str(file.document_id),
            "created_at": serializers.DateTimeField().to_representation(file.created_at),
            "current_version": version(current) if current else None,
            "versions": [version(v) for v in versions],
            "is_secret": file.is_secret if full else None,
            "url": _url(self.context, "file-detail", file.pk),
            "download_url": _url(self.context, "file-download", file.pk),
        }


def visible_files(context, document) -> list:
    """The document's files the caller may fetch: files.queries plus the policy's
    per-file answer (a file marked secret on its own needs a full view)."""
    cache = context.setdefault("_files", {})
    if document.pk not in cache:
        user = _user(context)
        files = list(file_queries.files_of(user, document).prefetch_related("versions__blob", "versions__created_by"))
        for f in files:
            f.document = document  # already loaded; the representation asks the policy about it
        cache[document.pk] = [f for f in files if policy.file_visibility(user, document, f) == policy.Visibility.FULL]
    return cache[document.pk]


# --- documents ---------------------------------------------------------------------------

class CorrespondentSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="avsandare eller mottagare")
    role_display = serializers.CharField()
    party = PartySerializer()


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField(help_text="Handlingsnummer, t.ex. KS 2026/123-4 (KS 2026/H5 utan ärende).")
    number = serializers.IntegerField()
    case = CaseRefSerializer(allow_null=True)
    diary = serializers.CharField()
    direction = serializers.CharField()
    direction_display = serializers.CharField()
    title = serializers.CharField()
    document_type = ClassRefSerializer(allow_null=True)
    document_date = serializers.DateField()
    registered_at = serializers.DateTimeField()
    registered_by = UserRefSerializer(allow_null=True)
    voided = serializers.BooleanField()
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()
    masked = serializers.BooleanField()
    is_secret, secret_parts, public_title, personal_data_level, restricted, secrecy_url = protection_fields().values()
    correspondents = CorrespondentSerializer(many=True)
    files = FileSerializer(many=True)
    url = serializers.URLField()
    files_url = serializers.URLField()

    def to_representation(self, document):
        ctx = self.context
        view = document_view(ctx, document)
        if view.hidden:
            raise NotFound("Handlingen finns inte eller så saknar du behörighet att se den.")
        data = {
            "id": str(document.pk),
            "reference": document.reference,
            "number": document.number,
            "case": case_ref(ctx, document.case) if document.case_id else None,
            "diary": document.diary.prefix,
            "direction": document.direction,
            "direction_display": document.get_direction_display(),
            "title": policy.shown_title(document, view),
            "document_type": class_ref(document.document_type) if view.full else None,
            "document_date": serializers.DateField().to_representation(document.document_date),
            "registered_at": serializers.DateTimeField().to_representation(document.registered_at),
            "registered_by": user_ref(document.registered_by) if view.full else None,
            "voided": document.is_voided,
            "voided_at": serializers.DateTimeField().to_representation(document.voided_at) if document.voided_at else None,
            "void_reason": document.void_reason if view.full else "",
            "masked": not view.full,
            **protection_repr(ctx, document, view, "document-secrecy"),
            "correspondents": [],
            "files": [],
            "url": _url(ctx, "document-detail", document.pk),
            "files_url": _url(ctx, "document-files", document.pk),
        }
        data["correspondents"] = roled_parties(ctx, queries.document_correspondents(_user(ctx), document))
        if view.files:
            data["files"] = [FileSerializer(f, context=ctx).data for f in visible_files(ctx, document)]
        return data


# --- events ------------------------------------------------------------------------------

class CaseEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField(help_text="t.ex. case.registered, document.registered, case.updated")
    sequence = serializers.IntegerField(allow_null=True)
    occurred_at = serializers.DateTimeField()
    actor = UserRefSerializer(allow_null=True)
    reason = serializers.CharField()
    document = CaseRefSerializer(allow_null=True)
    data = serializers.JSONField(help_text="Händelsens detaljer; vid ändring {fält: [gammalt, nytt]}.")
    masked = serializers.BooleanField()

    def to_representation(self, event):
        ctx = self.context
        # queries.case_events has already stripped the details of a masked case's events;
        # a case seen in full may still hold a document the caller sees only masked.
        full = not getattr(event, "masked", False)
        if full and event.document_id:
            full = document_view(ctx, event.document).full
        data = event.data if full else _references_only(event.data)
        if full and event.type == "case.linked" and data.get("to_case_id"):
            # The other case may be one the caller cannot see: not even its number then.
            if not queries.cases_for(_user(ctx)).filter(pk=data["to_case_id"]).exists():
                data = {k: v for k, v in data.items() if k not in ("to_case", "to_case_id")}
        doc = None
        if event.document_id:
            doc = {"id": str(event.document_id), "reference": event.document.reference, "url": _url(ctx, "document-detail", event.document_id)}
        return {
            "id": str(event.pk),
            "type": event.type,
            "sequence": event.sequence,
            "occurred_at": serializers.DateTimeField().to_representation(event.occurred_at),
            "actor": user_ref(event.actor) if full else None,
            "reason": event.reason if full else "",
            "document": doc,
            "data": data,
            "masked": not full,
        }


def _references_only(data: dict) -> dict:
    return {k: v for k, v in (data or {}).items() if k in ("case_reference", "main_case_reference", "document_reference")}


class RegistrationResultSerializer(serializers.Serializer):
    case = CaseSerializer(allow_null=True)
    document = DocumentSerializer()
    files = FileSerializer(many=True)
    case_created = serializers.BooleanField()
