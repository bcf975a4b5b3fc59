"""The diaries a caller may read and the classification structure, as the API shows
them. Neither is secret case data; a type's default marking is a proposal only."""

from rest_framework import serializers

from knutpunkt.access import policy

from .representations import _url, _user


class AuthorityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class DiarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prefix = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField()
    authority = AuthorityRefSerializer()
    may_register = serializers.BooleanField(help_text="Om du får registrera i diariet.")
    journal_url = serializers.URLField()

    def to_representation(self, diary):
        return {
            "id": diary.pk,
            "prefix": diary.prefix,
            "name": diary.name,
            "active": diary.active,
            "authority": {"id": diary.authority.pk, "code": diary.authority.code, "name": diary.authority.name},
            "may_register": policy.may_register_in(_user(self.context), diary),
            "journal_url": _url(self.context, "diary-journal", diary.pk),
        }


class SchemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.CharField()
    status = serializers.CharField(help_text="draft, active eller retired")
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    description = serializers.CharField()


class ClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scheme = serializers.IntegerField(source="scheme_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    level = serializers.CharField(help_text="verksamhetstyp, verksamhetsomrade, processgrupp eller process")
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class DefaultMarkingSerializer(serializers.Serializer):
    """A type's default marking: only ever proposed for new registrations, never applied."""

    provisions = serializers.ListField(child=serializers.DictField(), help_text="[{id, law, reference, short_title}]")
    secret_parts = serializers.ListField(child=serializers.CharField())
    public_title = serializers.CharField()
    personal_data_level = serializers.CharField(help_text="Tom, publicerbar, skyddad_externt eller skyddad.")

    def to_representation(self, t):
        if not t.has_default_marking:
            return None
        return {
            "provisions": [{"id": p.pk, "law": p.law, "reference": p.reference, "short_title": p.short_title}
                           for p in t.default_provisions.all()],
            "secret_parts": list(t.default_secret_parts or []),
            "public_title": t.default_public_title,
            "personal_data_level": t.default_personal_data_level,
        }


class CaseTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    handling_days = serializers.IntegerField(allow_null=True)
    active = serializers.BooleanField()
    default_marking = DefaultMarkingSerializer(source="*", allow_null=True, help_text="Förvald sekretess som föreslås vid registrering.")


class RetentionSerializer(serializers.Serializer):
    code = serializers.CharField()
    action = serializers.CharField(help_text="keep (bevaras) eller dispose (gallras)")
    period_months = serializers.IntegerField(allow_null=True)
    trigger = serializers.CharField()
    description = serializers.CharField(source="describe")


class DocumentTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    registration = serializers.CharField(help_text="diariefors eller halls_ordnad")
    retention = RetentionSerializer(source="retention_rule")
    active = serializers.BooleanField()
    default_marking = DefaultMarkingSerializer(source="*", allow_null=True, help_text="Förvald sekretess som föreslås vid registrering.")
