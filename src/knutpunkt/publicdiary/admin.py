from django.contrib import admin

from .models import DisclosureRequest, PublicationSettings


@admin.register(PublicationSettings)
class PublicationSettingsAdmin(admin.ModelAdmin):
    list_display = ("authority", "enabled", "delay_hours", "robots", "request_deadline_days", "request_diary")
    list_filter = ("enabled", "robots")
    filter_horizontal = ("diaries",)


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(admin.ModelAdmin):
    list_display = ("reference", "authority", "status", "deadline", "received_at")
    list_filter = ("status", "authority")
    readonly_fields = ("token_hash", "document", "requested", "received_at")
    search_fields = ("reference",)
