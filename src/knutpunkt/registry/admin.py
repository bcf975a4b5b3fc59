"""The registry in the Django admin: read-only.

Cases, documents, parties and events are changed only through registry.services (the
staff pages and the API), which run the rules and write the events. The admin shows
them to global administrators for support, through the access policy, and can never
add, change or delete them: nothing registered is deleted here.
"""

from django.contrib import admin

from knutpunkt.access import policy
from knutpunkt.organisations.services import is_global_admin

from .models import Case, CaseEvent, CaseParty, Correspondent, Document, Party


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_module_permission(self, request):
        return is_global_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_global_admin(request.user)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartyNameMixin:
    """Inlines show a party by the name the policy gives this reader ("Skyddad
    identitet" without the explicit right). Inline instances are made per request, so
    the request can be kept for the display method."""

    def get_queryset(self, request):
        self._request = request
        return super().get_queryset(request).select_related("party")

    @admin.display(description="part")
    def shown_party(self, obj):
        diary_id = obj.case.diary_id if hasattr(obj, "case_id") and obj.case_id else obj.document.diary_id
        return policy.party_name(self._request.user, obj.party, diary_id)


class CasePartyInline(PartyNameMixin, ReadOnlyInline):
    model = CaseParty
    fields = ("shown_party", "role", "added_at")
    readonly_fields = fields
    show_change_link = False


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("reference", "direction", "title", "document_date", "voided_at")
    readonly_fields = fields
    fk_name = "case"


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "diary", "status", "officer", "registered_at", "voided_at")
    list_filter = ("status", "diary")
    search_fields = ("=reference", "title")
    date_hierarchy = "registered_at"
    list_select_related = ("diary", "officer")
    show_full_result_count = False
    inlines = [CasePartyInline, DocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(policy.case_filter(request.user))


class CorrespondentInline(PartyNameMixin, ReadOnlyInline):
    model = Correspondent
    fields = ("shown_party", "role")
    readonly_fields = fields
    show_change_link = False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "direction", "diary", "document_type", "document_date", "registered_at", "voided_at")
    list_filter = ("direction", "diary")
    search_fields = ("=reference", "title")
    date_hierarchy = "registered_at"
    list_select_related = ("diary", "document_type")
    show_full_result_count = False
    inlines = [CorrespondentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(policy.document_filter(request.user))


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    # Personnummer are searchable (exact) but not listed.
    list_display = ("display_name", "kind", "city", "organisation", "is_protected_identity")
    list_filter = ("kind", "is_protected_identity", "organisation")
    search_fields = ("last_name", "first_name", "organisation_name", "=personal_number", "=org_number")
    show_full_result_count = False

    def get_queryset(self, request):
        # The admin is a read surface like any other: only parties met where the policy
        # shows parties, and a skyddad identitet only with the explicit right — also for
        # global administrators (docs/secrecy.md, rule 5).
        from . import queries

        visible = queries.parties_for(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "type", "case", "document", "sequence", "actor", "dispatched_at")
    list_filter = ("type",)
    search_fields = ("=case__reference", "=document__reference", "type")
    date_hierarchy = "occurred_at"
    list_select_related = ("case", "document", "actor")
    show_full_result_count = False

    def get_queryset(self, request):
        visible = policy.case_filter(request.user, prefix="case__") | policy.document_filter(request.user, prefix="document__")
        return super().get_queryset(request).filter(visible)
