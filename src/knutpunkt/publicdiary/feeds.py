"""Atom feeds of new registrations: all published authorities, or one."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import queries
from .models import PublishedEntry
from .ratelimit import limited

FEED_SIZE = 50


def entry_url(entry: PublishedEntry) -> str:
    name = "publicdiary:case" if entry.is_case else "publicdiary:document"
    return reverse(name, args=[entry.authority_id, entry.object_id])


class NewRegistrationsFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        response = limited("page")(super().__call__)(request, *args, **kwargs)
        authority_id = kwargs.get("authority_id")
        if authority_id is not None and queries.is_noindex(authority_id):
            response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request, authority_id=None):
        if authority_id is None:
            return None
        authority = queries.published_authorities().filter(pk=authority_id).first()
        if authority is None:
            raise Http404("Myndigheten publicerar inte sitt diarium här.")
        return authority

    def title(self, obj):
        return f"Diariet på webben – {obj.name}" if obj else "Diariet på webben – nya registreringar"

    def subtitle(self, obj):
        return "Nyregistrerade ärenden och handlingar som får publiceras."

    def link(self, obj):
        return reverse("publicdiary:authority", args=[obj.pk]) if obj else reverse("publicdiary:index")

    def feed_url(self, obj):
        return reverse("publicdiary:authority_feed", args=[obj.pk]) if obj else reverse("publicdiary:feed")

    def items(self, obj):
        qs = PublishedEntry.objects.order_by("-published_at", "reference")
        if obj is not None:
            qs = qs.filter(authority=obj)
        return qs[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.reference} {item.public_title}"

    def item_description(self, item):
        parts = [item.get_kind_display(), item.authority_name, f"registrerad {item.registered_on.isoformat()}"]
        if item.correspondent:
            parts.append(item.correspondent)
        return " · ".join(parts)

    def item_link(self, item):
        return entry_url(item)

    def item_guid(self, item):
        return f"urn:uuid:{item.object_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.registered_at

    def item_updateddate(self, item):
        return item.updated_at
