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


class CasePartyInline(ReadOnlyInline):
    model = CaseParty
    fields = ("party", "role", "added_at")
    readonly_fields = fields


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


class CorrespondentInline(ReadOnlyInline):
    model = Correspondent
    fields = ("party", "role")
    readonly_fields = fields


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
