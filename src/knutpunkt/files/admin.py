"""Stored content and files in the Django admin: read-only, for support and fixity.

Files are added and versioned only through files.services; content is never
overwritten or deleted from here.
"""

from django.contrib import admin

from knutpunkt.access import policy
from knutpunkt.registry.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Blob, File, FileVersion


class FileVersionInline(ReadOnlyInline):
    model = FileVersion
    fields = ("version", "filename", "blob", "created_at", "created_by", "comment")
    readonly_fields = fields
    show_change_link = False


@admin.register(File)
class FileAdmin(ReadOnlyAdmin):
    list_display = ("name", "document", "current_version", "created_at", "created_by")
    search_fields = ("name", "=document__reference")
    list_select_related = ("document", "current_version", "created_by")
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [FileVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(policy.document_filter(request.user, prefix="document__"))


@admin.register(Blob)
class BlobAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "size", "mime_type", "created_at", "last_verified_at")
    list_filter = ("mime_type",)
    search_fields = ("=sha256",)
    date_hierarchy = "created_at"
    show_full_result_count = False
