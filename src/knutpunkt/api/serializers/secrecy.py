"""Secrecy in the API: how markings, legal provisions, access groups and proposals are
shown. (What clients send is in inputs.py.)"""

from rest_framework import serializers

from knutpunkt.access import policy

from .representations import (
    CaseSerializer,
    DocumentSerializer,
    RegistrationResultSerializer,
    UserRefSerializer,
    user_ref,
)

# --- what is shown ---------------------------------------------------------------------------

def provision_ref(p) -> dict:
    return {"id": p.pk, "law": p.law, "reference": p.reference, "short_title": p.short_title}


def provision_label(p) -> str:
    """How a provision is written in a request: "26 kap. 1 §", with the law unless OSL."""
    return p.reference if p.law == "OSL" else f"{p.law} {p.reference}"


class ProvisionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    law = serializers.CharField()
    reference = serializers.CharField()
    short_title = serializers.CharField()


class LegalProvisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    law = serializers.CharField()
    reference = serializers.CharField(help_text="t.ex. 26 kap. 1 §")
    chapter = serializers.IntegerField(allow_null=True)
    paragraph = serializers.CharField()
    short_title = serializers.CharField()
    protects = serializers.CharField()
    typical_use = serializers.CharField()
    needs_verification = serializers.BooleanField(help_text="Ska stämmas av mot gällande lagtext.")
    shared = serializers.BooleanField(help_text="Gemensam för alla organisationer (annars organisationens egen).")
    valid_to = serializers.DateField(allow_null=True)

    def to_representation(self, p):
        return {
            "id": p.pk, "law": p.law, "reference": p.reference, "chapter": p.chapter, "paragraph": p.paragraph,
            "short_title": p.short_title, "protects": p.protects, "typical_use": p.typical_use,
            "needs_verification": p.needs_verification, "shared": p.organisation_id is None,
            "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        }


class AccessGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    authority = serializers.DictField(help_text="{id, code, name}")
    member = serializers.BooleanField(help_text="Om du själv är medlem.")

    def to_representation(self, g):
        user = self.context["request"].user
        return {
            "id": g.pk, "name": g.name, "description": g.description,
            "authority": {"id": g.authority.pk, "code": g.authority.code, "name": g.authority.name},
            "member": g.pk in policy.reader_for(user).group_ids,
        }


class AccessGroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    return serializers.DateTimeField().to_representation(value) if value else None


def marking_repr(m) -> dict:
    return {
        "id": str(m.pk),
        "active": m.revoked_at is None,
        "provisions": [provision_ref(p) for p in m.provisions.all()],
        "secret_parts": [p for p in ("title", "description", "parties", "files") if getattr(m, f"{p}_secret")],
        "public_title": m.public_title,
        "reason": m.reason,
        "review_on": _date(m.review_on),
        "expires_on": _date(m.expires_on),
        "set_at": _datetime(m.set_at),
        "set_by": user_ref(m.set_by),
        "revoked_at": _datetime(m.revoked_at),
        "revoked_by": user_ref(m.revoked_by),
        "revoke_reason": m.revoke_reason,
    }


class MarkingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    active = serializers.BooleanField()
    provisions = ProvisionRefSerializer(many=True)
    secret_parts = serializers.ListField(child=serializers.CharField())
    public_title = serializers.CharField()
    reason = serializers.CharField()
    review_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    set_at = serializers.DateTimeField()
    set_by = UserRefSerializer(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_by = UserRefSerializer(allow_null=True)
    revoke_reason = serializers.CharField()


class SecrecyStateSerializer(serializers.Serializer):
    """GET/PUT/DELETE /…/secrecy/. A reader who sees the object only masked gets
    {"marked": …, "masked": true} and nothing more."""

    marked = serializers.BooleanField(help_text="Om objektet har en gällande sekretessmarkering.")
    masked = serializers.BooleanField(help_text="Sant när du bara ser objektet maskerat; då visas inget annat.")
    marking = MarkingSerializer(allow_null=True, required=False, help_text="Den gällande markeringen.")
    history = MarkingSerializer(many=True, required=False, help_text="Alla markeringar, nyast först (hävda finns kvar).")
    public_title = serializers.CharField(required=False)
    personal_data_level = serializers.CharField(required=False)
    restricted = serializers.BooleanField(required=False)
    access_groups = AccessGroupRefSerializer(many=True, required=False)


class ProposalMarkingSerializer(serializers.Serializer):
    provisions = serializers.ListField(child=serializers.CharField(), help_text="Lagrum, som de skrivs i en PUT.")
    secret_parts = serializers.ListField(child=serializers.CharField())
    public_title = serializers.CharField()


class ProposedSecrecySerializer(serializers.Serializer):
    """A proposal only: nothing of it is applied until the client confirms with PUT."""

    source = serializers.ChoiceField(choices=["case_type", "document_type", "case"],
                                     help_text="Varifrån förslaget kommer: ärendetypen, handlingstypen eller ärendets markering.")
    secrecy = ProposalMarkingSerializer(allow_null=True, help_text="Skicka som PUT till secrecy_url (med reason).")
    personal_data_level = serializers.CharField(allow_null=True, help_text="Skicka som PUT till personal_data_level_url.")
    restriction = serializers.DictField(allow_null=True, help_text="{restricted, access_groups}; PUT till restriction_url.")
    secrecy_url = serializers.URLField()
    personal_data_level_url = serializers.URLField()
    restriction_url = serializers.URLField()


# --- answers to create requests (schema) -------------------------------------------------------

PROPOSAL_HELP = ("Förvald sekretess som föreslås men inte har satts (från ärendetypen, handlingstypen eller ärendets "
                 "markering) – bara när begäran saknade nyckeln `secrecy`. Bekräfta med PUT.")


class CaseCreatedSerializer(CaseSerializer):
    proposed_secrecy = ProposedSecrecySerializer(allow_null=True, help_text=PROPOSAL_HELP)


class DocumentCreatedSerializer(DocumentSerializer):
    proposed_secrecy = ProposedSecrecySerializer(allow_null=True, help_text=PROPOSAL_HELP)


class RegistrationProposalSerializer(serializers.Serializer):
    case = ProposedSecrecySerializer(allow_null=True)
    document = ProposedSecrecySerializer(allow_null=True)


class RegistrationCreatedSerializer(RegistrationResultSerializer):
    proposed_secrecy = RegistrationProposalSerializer(help_text=PROPOSAL_HELP)
